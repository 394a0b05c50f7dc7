"""`pair-browser` and `native-host`: pairing the browser extension through the browser's
native messaging (desktop/native_host.py, desktop/native_registration.py)."""

from __future__ import annotations

import click

from ..core.i18n import Catalog
from ..desktop.native_host import serve
from ..desktop.native_registration import register
from . import common_options

TEXT = Catalog("cli")


@click.command("pair-browser")
@common_options
def pair_browser(config):
    written = register(config)
    click.echo(TEXT("paired_browsers", config.lang, count=len(written)))
    for path in written:
        click.echo(f"  {path}")


@click.command("native-host", hidden=True,
               context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("browser_args", nargs=-1, type=click.UNPROCESSED)
@common_options
def native_host(config, browser_args):
    # Started by the browser, never by hand. The browser adds the caller's origin (Chromium)
    # or the manifest and extension id (Firefox); the manifest already allows only our
    # extension, so they are not needed.
    serve(config)
