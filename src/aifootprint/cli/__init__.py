"""The `aifootprint` command: one click group; each area's commands in its own module.

Every command takes --home, --port and --lang after its name (see `common_options`)
and calls the same plain functions the HTTP handlers call. User errors become one
sentence on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import functools
import os
import sys

import click

from .. import __version__
from ..core.configuration import system_lang
from ..core.errors import FootprintError
from ..core.i18n import Catalog
from ..daemon.config import load_config

TEXT = Catalog("cli_common")


def common_options(command):
    """Add --home, --port and --lang, and pass the resulting Config as `config`."""

    @click.option("--home", type=click.Path(file_okay=False), default=None,
                  help="Keep every file under this folder (env AIFOOTPRINT_HOME).")
    @click.option("--port", type=int, default=None,
                  help="The daemon's port on 127.0.0.1 (env AIFOOTPRINT_PORT).")
    @click.option("--lang", type=click.Choice(["nl", "en"]), default=None,
                  help="Language of the output (default: the system locale).")
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
    """Turns FootprintError into one sentence on stderr and exit status 1."""

    def invoke(self, ctx):
        # Whatever a command creates (database, WAL, logs, exports) only this user can read:
        # school computers have several accounts.
        os.umask(0o077)
        try:
            return super().invoke(ctx)
        except FootprintError as error:
            lang = ctx.meta.get("lang") or system_lang(os.environ)
            click.echo(f"{TEXT('error', lang)}: {error.text(lang)}", err=True)
            sys.exit(1)


@click.group(cls=FootprintGroup)
@click.version_option(__version__, prog_name="aifootprint")
def main():
    """AI Footprint: the energy, CO2 and water of your generative-AI use.

    \b
    Start it:          aifootprint run
    Today's figures:   aifootprint today
    The school day:    aifootprint scenario --lang nl
    """


def register_commands():
    from . import aggregator, classroom, daemon, data, scenario

    main.add_command(scenario.scenario)
    main.add_command(daemon.run)
    main.add_command(daemon.status)
    main.add_command(daemon.today)
    main.add_command(daemon.report)
    main.add_command(daemon.token)
    main.add_command(data.export)
    main.add_command(data.import_)
    main.add_command(data.forget)
    main.add_command(aggregator.aggregator)
    main.add_command(classroom.class_group)


register_commands()
