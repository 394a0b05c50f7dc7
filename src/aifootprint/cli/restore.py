"""`restore`: put one of the daily backups back in the database's place.

Lists the backups, asks which (or takes it as an argument: its number or its date),
asks to confirm, stops a running daemon after asking (SIGTERM, which it handles like
Ctrl+C; on Windows os.kill ends the process, and SQLite's transactions keep the file
whole), then restores while holding the instance lock, so no daemon starts meanwhile.
The database it replaces is kept beside it, never deleted.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime

import click

from ..core import database
from ..core.errors import DaemonNotRunning, InvalidInput, Phrase
from ..core.i18n import Catalog
from ..daemon.client import daemon_or_lock
from ..daemon.instance import running_daemon
from ..daemon.store.backups import Backup, backups, folder_of, put_back
from ..model.formatting import format_number
from . import common_options, confirm

TEXT = Catalog("cli_restore")
STOP_WAIT_S = 30


@click.command()
@click.argument("choice", required=False)
@click.option("--yes", is_flag=True)
@common_options
def restore(config, choice, yes):
    lang = config.lang
    found = backups(config.db_path)
    if not found:
        click.echo(TEXT("none", lang, folder=folder_of(config.db_path)))
        return
    click.echo(TEXT("heading", lang))
    for number, backup in enumerate(found, 1):
        click.echo("  " + _row(number, backup, lang))
    choice = choice if choice is not None else _ask_which(lang)
    if not choice:
        click.echo(TEXT("unchanged", lang))
        return
    chosen = _chosen(found, choice.strip(), lang)
    problem = database.quick_check(chosen.path)
    if problem or chosen.events is None:
        raise InvalidInput("backup_unreadable", path=chosen.path,
                           problem=problem or Phrase("no_table_of_counts"))
    events = format_number(chosen.events, lang, 0)
    question = TEXT.count("confirm", lang, chosen.events, day=chosen.day, n=events)
    if (not yes and not confirm(question, lang)) or not _daemon_stopped(config, yes):
        click.echo(TEXT("unchanged", lang))
        return
    with daemon_or_lock(config) as daemon_runs:
        if daemon_runs:  # started again in the meantime
            raise DaemonNotRunning("daemon_still_running")
        kept = put_back(chosen, config.db_path, datetime.now())
    click.echo(TEXT.count("restored" if kept else "restored_alone", lang, chosen.events,
                          day=chosen.day, n=events, kept=kept))


def _ask_which(lang: str) -> str:
    """The user's choice, "" for none (Enter, or end of input)."""
    try:
        return click.prompt(TEXT("which", lang), default="", show_default=False,
                            err=True).strip()
    except click.Abort:
        return ""


def _daemon_stopped(config, yes: bool) -> bool:
    """True once no daemon runs: stopped after asking (SIGTERM), or none was running."""
    state = running_daemon(config)
    if not state or "pid" not in state:
        return True
    if not yes and not confirm(TEXT("confirm_stop", config.lang, pid=state["pid"]),
                               config.lang):
        return False
    os.kill(state["pid"], signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT_S
    while running_daemon(config) is not None:  # until it has let go of its lock
        if time.monotonic() > deadline:
            raise DaemonNotRunning("daemon_not_stopped", seconds=STOP_WAIT_S)
        time.sleep(0.1)
    return True


def _row(number: int, backup: Backup, lang: str) -> str:
    if backup.events is None:
        return TEXT("row_unreadable", lang, number=number, day=backup.day)
    return TEXT.count("row", lang, backup.events, number=number, day=backup.day,
                      n=format_number(backup.events, lang, 0),
                      size=format_number(backup.size / 1e6, lang))


def _chosen(found: list[Backup], choice: str, lang: str) -> Backup:
    """The backup a number from the list or a date names, else InvalidInput."""
    for number, backup in enumerate(found, 1):
        if choice in (str(number), backup.day.isoformat()):
            return backup
    raise InvalidInput("no_such_backup", choice=choice, example=found[0].day)
