"""`export`, `import` and `forget`: the user's data is theirs.

Like the other commands they work on the SQLite file through store.py, whether or not
the daemon runs: writes are short BEGIN IMMEDIATE transactions that SQLite serialises
with the daemon's own.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

from ..core.i18n import Catalog
from ..daemon.services.exchange import export_csv, export_json, import_file
from ..daemon.services.reports import parse_date
from ..daemon.store.events import Store
from ..model.formatting import format_number
from . import common_options, confirm

TEXT = Catalog("cli_data")


def number(count: int, lang: str) -> str:
    return format_number(count, lang, 0)


@click.command(epilog="\b\nExamples:\n  aifootprint export -o my-footprint.json\n"
                      "  aifootprint export --format csv -o my-footprint.csv")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              help="json (default, what import reads back) or csv.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="The file to write (default: standard output).")
@common_options
def export(config, fmt, output):
    """Write every stored event (never prompt text) to a file or standard output."""
    writer = export_json if fmt == "json" else export_csv
    target = open(output, "w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)
    with Store(config.db_path) as store, target as out:
        written = writer(store.export_events(), out)
    if output:
        click.echo(TEXT.count("exported", config.lang, written, n=number(written, config.lang),
                              path=output), err=True)


@click.command("import", epilog="\b\nExample:\n  aifootprint import my-footprint.json")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@common_options
def import_(config, file):
    """Read an export (JSON or CSV) back; events already stored are skipped.

    A malformed file is refused whole: nothing of it is stored.
    """
    with Store(config.db_path) as store:
        imported, duplicates = import_file(store, file)
    lang = config.lang
    click.echo(TEXT.count("imported", lang, imported, n=number(imported, lang),
                          d=number(duplicates, lang)))


@click.command(epilog="\b\nExamples:\n  aifootprint forget --before 2025-01-01\n"
                      "  aifootprint forget --all --yes")
@click.option("--all", "everything", is_flag=True, help="Delete every stored event.")
@click.option("--before", default=None, help="Delete the events of local days before DATE.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@common_options
def forget(config, everything, before, yes):
    """Delete stored events: all of them, or those before a date."""
    lang = config.lang
    if everything == (before is not None):
        raise click.UsageError(TEXT("one_of", lang))
    day = parse_date(before, "--before") if before else None
    with Store(config.db_path) as store:
        stored = store.event_count()
        question = (TEXT.count("confirm_all", lang, stored, n=number(stored, lang)) if everything
                    else TEXT("confirm_before", lang, date=day.isoformat()))
        if not yes and not confirm(question, lang):
            click.echo(TEXT("kept", lang))
            return
        removed = store.forget(day)
    click.echo(TEXT.count("forgotten", lang, removed, n=number(removed, lang)))
