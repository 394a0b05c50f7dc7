"""`aifootprint class ...`: join, leave, status and preview of class sharing (opt-in).

Join and leave go through the running daemon's API (it holds the state file open and
must know at once); with no daemon running they change the file here, holding the
instance lock meanwhile. Status and preview read the file directly.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import click

from ..core.errors import ConfigError
from ..core.i18n import Catalog
from ..daemon.client import daemon_or_lock, post_json
from ..daemon.services import sharing
from ..model.join_link import parse_join_link
from . import common_options, confirm

TEXT = Catalog("cli_class")


@click.group("class")
def class_group():
    """The `class` commands; their help is in texts.json (cli_help)."""


def print_preview(preview: dict, lang: str) -> None:
    note = "" if preview["closed"] else TEXT("so_far", lang)
    click.echo(TEXT("preview_title", lang, period=preview["body"]["period"], note=note))
    click.echo(json.dumps(preview["body"], indent=2))


@class_group.command()
@click.argument("code")
@click.option("--server", default=None)  # not needed when CODE is the teacher's join link
@click.option("--yes", is_flag=True)
@common_options
def join(config, code, server, yes):
    linked_server, code = parse_join_link(code)
    if not (server or linked_server):
        raise ConfigError("server_needed")
    server = sharing.check_server(server or linked_server)
    info = asyncio.run(sharing.lookup_class(server, code, config.lang))
    now = datetime.now()
    pseudonym = sharing.new_pseudonym()
    candidate = sharing.membership_row(info, server, pseudonym, now)
    click.echo(sharing.explanation(info, server, config.lang))
    click.echo("")
    print_preview(sharing.preview(candidate, set(), sharing.store_counts(config), now),
                  config.lang)
    if not yes and not confirm(TEXT("confirm", config.lang), config.lang):
        click.echo(TEXT("not_joined", config.lang))
        return
    with daemon_or_lock(config) as daemon_runs:
        if daemon_runs:
            name = post_json(config, "/class/join", {"code": code, "server": server,
                                                     "pseudonym": pseudonym,
                                                     "confirm": True})["joined"]
        else:
            name = asyncio.run(join_here(config, server, code, pseudonym, now))["name"]
    click.echo(TEXT("joined", config.lang, name=name))


async def join_here(config, server: str, code: str, pseudonym: str, now: datetime) -> dict:
    async with sharing.ClassSharing(config) as state:
        return await state.join(server, code, pseudonym, now)


@class_group.command()
@common_options
def leave(config):
    with daemon_or_lock(config) as daemon_runs:
        if daemon_runs:
            found = post_json(config, "/class/leave", {})["left"]
        else:
            found = asyncio.run(sharing.ClassSharing(config).leave())
    click.echo(TEXT("left" if found else "not_member", config.lang))


@class_group.command()
@click.option("--json", "as_json", is_flag=True)
@common_options
def status(config, as_json):
    answer = sharing.sharing_status(config)
    if as_json:
        click.echo(json.dumps(answer, indent=2))
        return
    if not answer["member"]:
        click.echo(TEXT("not_member", config.lang))
        return
    lang, info = config.lang, answer["class"]
    click.echo(TEXT("status", lang, name=info["name"], server=info["server"],
                    period=sharing.TEXT(info["period"], lang)))
    for period in answer["periods"]:
        message = f" ({period['message']})" if period["message"] else ""
        click.echo(TEXT("period_line", lang, period=period["period"],
                        state=TEXT(period["state"], lang), message=message))


@class_group.command()
@common_options
def preview(config):
    member = sharing.membership(config)
    if member is None:
        click.echo(TEXT("not_member", config.lang))
        return
    print_preview(sharing.preview(member, sharing.done_periods(config),
                                    sharing.store_counts(config), datetime.now()),
                  config.lang)
