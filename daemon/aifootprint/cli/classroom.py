"""`aifootprint class ...`: join, leave, status and preview of class sharing (opt-in)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import click

from .. import classroom
from ..i18n import Catalog
from . import common_options

TEXT = Catalog({
    "preview_title": {"en": "Exactly what would be sent for {period}{note}:",
                      "nl": "Precies wat er voor {period} verstuurd zou worden{note}:"},
    "so_far": {"en": " (so far; the period has not ended)",
               "nl": " (tot nu toe; de periode is nog niet voorbij)"},
    "confirm": {"en": "Join this class and share these totals?",
                "nl": "Meedoen met deze klas en deze totalen delen?"},
    "joined": {"en": "Joined {name!r}. Sharing runs while `aifootprint run` is running.",
               "nl": "Je doet mee met {name!r}. Delen gebeurt terwijl `aifootprint run` draait."},
    "not_joined": {"en": "Not joined; nothing was sent.", "nl": "Niet meegedaan; er is niets "
                   "verstuurd."},
    "left": {"en": "Left the class; the pseudonym is deleted from this computer.",
             "nl": "Je bent uit de klas; de code is van deze computer gewist."},
    "not_member": {"en": "You share with no class (class sharing is off).",
                   "nl": "Je deelt met geen enkele klas (delen staat uit)."},
    "status": {"en": "Sharing with {name!r} on {server}, once a {period}.",
               "nl": "Je deelt met {name!r} op {server}, één keer per {period}."},
    "period_line": {"en": "  {period}: {state}{message}", "nl": "  {period}: {state}{message}"},
    "sent": {"en": "sent", "nl": "verstuurd"},
    "waiting": {"en": "waiting to be sent", "nl": "wacht om verstuurd te worden"},
    "refused": {"en": "refused by the aggregator", "nl": "geweigerd door de aggregator"},
})

JOIN_EXAMPLE = """
\b
Example:
  aifootprint class join ABCDE-FGHJK --server https://aggregator.school.example
"""


@click.group("class")
def class_group():
    """Share anonymous, noisy totals with a class (off unless you join).

    \b
    aifootprint class join CODE --server URL
    aifootprint class preview
    aifootprint class leave
    """


def print_preview(preview: dict, lang: str) -> None:
    note = "" if preview["closed"] else TEXT("so_far", lang)
    click.echo(TEXT("preview_title", lang, period=preview["body"]["period"], note=note))
    click.echo(json.dumps(preview["body"], indent=2))


@class_group.command(epilog=JOIN_EXAMPLE)
@click.argument("code")
@click.option("--server", required=True, help="The aggregator's address (from the teacher).")
@click.option("--yes", is_flag=True, help="Join without asking (after printing everything).")
@common_options
def join(config, code, server, yes):
    """Join a class with the teacher's code, after an explanation and a preview."""
    server = classroom.check_server(server)
    info = asyncio.run(classroom.lookup_class(server, code))
    now = datetime.now()
    pseudonym = classroom.new_pseudonym()
    candidate = classroom.membership_row(info, server, pseudonym, now)
    click.echo(classroom.explanation(info, server, config.lang))
    click.echo("")
    print_preview(classroom.preview(candidate, set(), classroom.store_counts(config), now),
                  config.lang)
    if not yes and not click.confirm(TEXT("confirm", config.lang), default=False):
        click.echo(TEXT("not_joined", config.lang))
        return
    member = asyncio.run(classroom.join(config, server, code, pseudonym, now))
    click.echo(TEXT("joined", config.lang, name=member["name"]))


@class_group.command(epilog="Example: aifootprint class leave")
@common_options
def leave(config):
    """Stop sharing and delete the pseudonym from this computer."""
    found = classroom.leave(config)
    click.echo(TEXT("left" if found else "not_member", config.lang))


@class_group.command(epilog="Example: aifootprint class status --json")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@common_options
def status(config, as_json):
    """Whether you share, with which class, and what was sent."""
    answer = classroom.sharing_status(config)
    if as_json:
        click.echo(json.dumps(answer, indent=2))
        return
    if not answer["member"]:
        click.echo(TEXT("not_member", config.lang))
        return
    lang, info = config.lang, answer["class"]
    click.echo(TEXT("status", lang, name=info["name"], server=info["server"],
                    period=classroom.TEXT(info["period"], lang)))
    for period in answer["periods"]:
        message = f" ({period['message']})" if period["message"] else ""
        click.echo(TEXT("period_line", lang, period=period["period"],
                        state=TEXT(period["state"], lang), message=message))


@class_group.command(epilog="Example: aifootprint class preview")
@common_options
def preview(config):
    """Exactly what the next submission would send."""
    member = classroom.membership(config)
    if member is None:
        click.echo(TEXT("not_member", config.lang))
        return
    print_preview(classroom.preview(member, classroom.done_periods(config),
                                    classroom.store_counts(config), datetime.now()),
                  config.lang)
