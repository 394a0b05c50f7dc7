"""`export`, `import` and `forget`: the user's data is theirs.

They read the SQLite file directly through store.py, whether or not the daemon runs
(WAL lets them read beside it). They write through the running daemon's API (POST
/api/v1/import, /api/v1/forget), so its writer stays the only one; with no daemon
running they write through the same store, holding the instance lock meanwhile.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

from ..core.errors import InvalidInput
from ..core.i18n import Catalog
from ..daemon.client import daemon_or_lock, post_json
from ..daemon.services.exchange import (
    MAX_IMPORT_BYTES,
    export_csv,
    export_json,
    forget_events,
    import_file,
    load_export,
)
from ..daemon.services.reports import parse_date
from ..daemon.store.events import Store
from ..model.formatting import format_number
from . import common_options, confirm

TEXT = Catalog("cli_data")


def number(count: int, lang: str) -> str:
    return format_number(count, lang, 0)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
@common_options
def export(config, fmt, output):
    writer = export_json if fmt == "json" else export_csv
    target = open(output, "w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)
    with Store(config.db_path) as store, target as out:
        written = writer(store.export_events(), out)
    if output:
        click.echo(TEXT.count("exported", config.lang, written, n=number(written, config.lang),
                              path=output), err=True)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@common_options
def import_(config, file):
    with daemon_or_lock(config) as daemon_runs:
        if daemon_runs:
            answer = post_json(config, "/import", _document(file))
            imported, duplicates = answer["imported"], answer["duplicates"]
        else:
            with Store(config.db_path) as store:
                imported, duplicates = import_file(store, file)
    lang = config.lang
    click.echo(TEXT.count("imported", lang, imported, n=number(imported, lang),
                          d=number(duplicates, lang)))


def _document(file: Path) -> object:
    """The export document for the running daemon, which takes one of a bounded size."""
    if file.stat().st_size > MAX_IMPORT_BYTES:
        raise InvalidInput("import_too_large", path=file, mb=MAX_IMPORT_BYTES // 2**20)
    return load_export(file)


@click.command()
@click.option("--all", "everything", is_flag=True)
@click.option("--before", default=None)
@click.option("--yes", is_flag=True)
@common_options
def forget(config, everything, before, yes):
    lang = config.lang
    if everything == (before is not None):
        raise click.UsageError(TEXT("one_of", lang))
    day = parse_date(before, "--before") if before else None
    if not yes and not confirm(_question(config, day), lang):
        click.echo(TEXT("kept", lang))
        return
    with daemon_or_lock(config) as daemon_runs:
        if daemon_runs:
            body = {"all": True} if day is None else {"before": day.isoformat()}
            removed = post_json(config, "/forget", body)["deleted"]
        else:
            with Store(config.db_path) as store:
                removed = forget_events(store, day)
    click.echo(TEXT.count("forgotten", lang, removed, n=number(removed, lang)))


def _question(config, day) -> str:
    lang = config.lang
    if day is not None:
        return TEXT("confirm_before", lang, date=day.isoformat())
    with Store(config.db_path) as store:
        stored = store.event_count()
    return TEXT.count("confirm_all", lang, stored, n=number(stored, lang))
