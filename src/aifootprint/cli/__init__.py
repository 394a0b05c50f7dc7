"""The `aifootprint` command: one click group; each area's commands in its own module.

Every command takes --home, --port and --lang after its name (see `common_options`)
and calls the same plain functions the HTTP handlers call. User errors become one
sentence on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import sys

import click

from .. import __version__
from ..core.database import storage_error
from ..core.errors import FootprintError
from ..core.i18n import Catalog
from ..daemon.config import load_config
from .help import HELP, asked_lang, help_lang, show_usage_error, use_catalogue_help

TEXT = Catalog("cli_common")


def common_options(command):
    """Add --home, --port and --lang, and pass the resulting Config as `config`."""

    @click.option("--home", type=click.Path(file_okay=False), default=None)
    @click.option("--port", type=int, default=None)
    @click.option("--lang", type=click.Choice(["nl", "en"]), default=None)
    @functools.wraps(command)
    def wrapper(home, port, lang, **kwargs):
        config = load_config(home=home, port=port, lang=lang)
        click.get_current_context().meta["lang"] = config.lang  # for the error line
        return command(config=config, **kwargs)

    return wrapper


def confirm(question: str, lang: str) -> bool:
    """Ask yes or no in the user's language: [j/N] in Dutch (j, ja, n, nee), [y/N] in
    English; anything else asks again, and no answer (Enter, end of input) is no."""
    answers = {word: answer for answer in (True, False)
               for word in TEXT("yes_words" if answer else "no_words", lang).split(",")}
    while True:
        try:
            reply = click.prompt(f"{question} {TEXT('choices', lang)}", default="",
                                 show_default=False, err=True)
        except click.Abort:
            return False
        if reply.strip().lower() in answers or not reply.strip():
            return answers.get(reply.strip().lower(), False)
        click.echo(TEXT("answer_yes_or_no", lang), err=True)


class FootprintGroup(click.Group):
    """Turns FootprintError into one sentence on stderr and exit status 1, and keeps the
    --lang asked for, which help (shown while arguments are parsed) and errors use."""

    asked_lang: str | None = None

    def main(self, args=None, *more, **options):
        args = sys.argv[1:] if args is None else list(args)
        self.asked_lang = asked_lang(args)
        # Not standalone: click would print its usage errors in English (gettext).
        try:
            return super().main(args, *more, standalone_mode=False, **options)
        except click.UsageError as error:
            show_usage_error(error, help_lang(self.asked_lang))
            sys.exit(error.exit_code)
        except click.Abort:  # Ctrl+C or end of input at a prompt
            click.echo(HELP("aborted", help_lang(self.asked_lang)), err=True)
            sys.exit(1)

    def invoke(self, ctx):
        # Whatever a command creates (database, WAL, logs, exports) only this user can read:
        # school computers have several accounts.
        os.umask(0o077)
        try:
            return super().invoke(ctx)
        except (sqlite3.Error, OSError) as error:  # a full disk, in a command writing itself
            if not isinstance(problem := storage_error(error), FootprintError):
                raise
            self._refuse(ctx, problem)
        except FootprintError as error:
            self._refuse(ctx, error)

    def _refuse(self, ctx, error: FootprintError) -> None:
        lang = ctx.meta.get("lang") or help_lang(self.asked_lang)
        click.echo(f"{TEXT('error', lang)}: {error.text(lang)}", err=True)
        sys.exit(1)


@click.group(cls=FootprintGroup)
@click.version_option(__version__, prog_name="aifootprint")
def main():
    """The `aifootprint` group; every help text is in texts.json (cli_help)."""


def register_commands():
    from . import aggregator, browser, classroom, daemon, data, restore, scenario

    main.add_command(scenario.scenario)
    main.add_command(daemon.run)
    main.add_command(daemon.status)
    main.add_command(daemon.today)
    main.add_command(daemon.report)
    main.add_command(daemon.token)
    main.add_command(daemon.dashboard)
    main.add_command(browser.pair_browser)
    main.add_command(browser.native_host)
    main.add_command(data.export)
    main.add_command(data.import_)
    main.add_command(data.forget)
    main.add_command(restore.restore)
    main.add_command(aggregator.aggregator)
    main.add_command(classroom.class_group)
    use_catalogue_help(main)


register_commands()
