"""`aifootprint aggregator ...`: run the class aggregator and manage its classes."""

from __future__ import annotations

import asyncio
import functools
import json
from dataclasses import replace
from pathlib import Path

import click

from ..aggregator.config import load_aggregator_config
from ..aggregator.privacy import MIN_K, add_noise
from ..core.i18n import Catalog
from ..model.formatting import (
    count_text,
    format_co2,
    format_energy,
    format_number,
    format_water,
)

TEXT = Catalog("cli_aggregator")


def aggregator_options(command):
    """--home, --host, --port, --lang, --database for the aggregator (its own files, port
    and database)."""

    @click.option("--home", type=click.Path(file_okay=False), default=None,
                  help="Keep the aggregator's files under this folder.")
    @click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
    @click.option("--port", type=int, default=None, help="Port (default 47480; 0: any free).")
    @click.option("--lang", type=click.Choice(["nl", "en"]), default=None,
                  help="Language of the output.")
    @click.option("--database", default=None, metavar="postgresql://...",
                  help="Keep the classes in this PostgreSQL database (several servers may "
                       "share it); default: a SQLite file under --home.")
    @functools.wraps(command)
    def wrapper(home, host, port, lang, database, **kwargs):
        config = load_aggregator_config(home, host, port, lang, database=database)
        return command(config=config, **kwargs)

    return wrapper


def open_store(config):
    # Imported here: the student's commands never load the class server's store (nor
    # psycopg, which it loads for PostgreSQL only).
    from ..aggregator.store import AggregatorStore, load_secret, open_database

    return AggregatorStore(open_database(config.database), load_secret(config.secret_path))


@click.group()
def aggregator():
    """The class aggregator: anonymous, noisy class totals for a teacher.

    \b
    aifootprint aggregator serve --host 0.0.0.0 --port 8080
    aifootprint aggregator create-class --name "3B" --max-students 30
    aifootprint aggregator report --class ID --teacher-key KEY
    """


SERVE_EXAMPLES = """
\b
Examples:
  aifootprint aggregator serve --host 0.0.0.0 --port 8443 --cert school.pem --key school.key
  aifootprint aggregator serve --port 8080      (behind an HTTPS reverse proxy)
  aifootprint aggregator serve --port 8081 --database postgresql://aggregator@db/classes
"""


@aggregator.command(epilog=SERVE_EXAMPLES)
@click.option("--cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Serve HTTPS with this certificate chain (PEM).")
@click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="The certificate's private key (PEM), unless in --cert.")
@aggregator_options
def serve(config, cert, key):
    """Run the aggregator: HTTPS with --cert, or HTTP behind a reverse proxy. Logs no
    addresses."""
    from ..aggregator.server import serve as serve_forever
    from ..aggregator.server import setup_logging

    if key and not cert:
        raise click.UsageError("--key needs --cert.")
    config = replace(config, cert_file=cert, key_file=key)
    setup_logging(config)
    asyncio.run(serve_forever(config, announce=lambda line: click.echo(line)))


@aggregator.command("create-class",
                    epilog='Example: aifootprint aggregator create-class --name "3B" --k 5')
@click.option("--name", required=True, help="The class name teachers and students see.")
@click.option("--max-students", type=int, default=40, show_default=True)
@click.option("--period", type=click.Choice(["week", "day"]), default="week", show_default=True)
@click.option("--k", "k", type=int, default=MIN_K, show_default=True,
              help=f"Release only with at least this many students (never below {MIN_K}).")
@click.option("--epsilon", type=float, default=1.0, show_default=True,
              help="Privacy budget per period (smaller: more noise, more privacy).")
@click.option("--join-days", type=int, default=14, show_default=True,
              help="Days the join code stays valid.")
@click.option("--clip-prompts", type=int, default=None,
              help="Most prompts one student counts per period (default 150/week, 30/day; "
                   "at most 700/week, 100/day). Higher: more noise.")
@click.option("--clip-images", type=int, default=None,
              help="Most images one student counts per period (default 50/week, 10/day; "
                   "at most 200/week, 30/day). Higher: more noise.")
@click.option("--send-delay", "send_delay", type=int, default=None,
              help="Students wait a random 0..this many seconds after a period closes.")
@aggregator_options
def create_class(config, name, max_students, period, k, epsilon, join_days, clip_prompts,
                 clip_images, send_delay):
    """Make a class; prints its join code (expiring) and the teacher key."""
    from ..aggregator.store import ClassSettings

    settings = ClassSettings(name, period, max_students, k, epsilon, join_days, clip_prompts,
                             clip_images, send_delay)
    store = open_store(config)
    try:
        made = store.create_class(settings, config.now())
    finally:
        store.close()
    click.echo(TEXT("created", config.lang, name=name, class_id=made["class_id"],
                    code=made["join_code"], expires=made["join_expires"],
                    teacher_key=made["teacher_key"]))


@aggregator.command(epilog="Example: aifootprint aggregator release --home /srv/aggregator")
@aggregator_options
def release(config):
    """Release every period whose submission window has ended (the server also does this)."""
    store = open_store(config)
    try:
        made = store.release_due(config.now(), add_noise, config.test_clock_file is not None)
    finally:
        store.close()
    click.echo(TEXT.count("released", config.lang, len(made), count=len(made)))


@aggregator.command(epilog="Example: aifootprint aggregator report --class ID --teacher-key KEY")
@click.option("--class", "class_id", required=True, help="The class id create-class printed.")
@click.option("--teacher-key", required=True, help="The teacher key create-class printed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@aggregator_options
def report(config, class_id, teacher_key, as_json):
    """The class's released periods, with error bars and the report's class day."""
    from ..aggregator.report import teacher_report

    store = open_store(config)
    try:
        answer = teacher_report(store, config, class_id, teacher_key)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(answer, indent=2, ensure_ascii=False))
    else:
        click.echo(render_report(answer, config.lang))


def render_report(answer: dict, lang: str) -> str:
    lines = [f"{answer['class']['name']} ({answer['class']['id']})"]
    for period in answer["periods"]:
        if period["status"] != "released":
            lines.append(TEXT("not_enough", lang, period=period["period"]))
            continue
        prompts, images = period["prompts_noisy"], period["images_noisy"]
        energy = period["noise_range"]["energy_wh"]
        lines.append(TEXT(
            "period", lang, period=period["period"], band=period["participants"],
            prompts=count_text("prompts", prompts["value"], lang),
            pl=format_number(prompts["low"], lang, 0), ph=format_number(prompts["high"], lang, 0),
            images=count_text("images", images["value"], lang),
            il=format_number(images["low"], lang, 0), ih=format_number(images["high"], lang, 0),
            energy=format_energy(period["energy_wh"], lang),
            el=format_energy(energy["low"], lang), eh=format_energy(energy["high"], lang),
            co2=format_co2(period["co2_g"], lang), water=format_water(period["water_ml"], lang)))
        lines.append("  " + "; ".join(e["text"][lang] for e in period["equivalents"]))
    if not answer["periods"]:
        lines.append(TEXT("none", lang))
    else:
        lines.append(TEXT("bars", lang))
    hypothetical = answer["hypothetical"]
    lines.append(TEXT("compare", lang,
                      days=count_text("school_days", hypothetical["school_days"], lang),
                      energy=format_energy(hypothetical["energy_wh"], lang),
                      co2=format_co2(hypothetical["co2_g"], lang),
                      water=format_water(hypothetical["water_ml"], lang)))
    return "\n".join(lines)
