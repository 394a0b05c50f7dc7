"""`aifootprint aggregator ...`: run the class aggregator and manage its classes."""

from __future__ import annotations

import asyncio
import functools
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click

from ..aggregator.config import load_aggregator_config
from ..aggregator.privacy import MAX_EPSILON, MIN_K, add_noise
from ..core.i18n import Catalog
from ..model.formatting import (
    count_text,
    format_co2,
    format_energy,
    format_number,
    format_water,
)
from ..model.join_link import STUDENT_DASHBOARD, join_link
from ..model.periods import DEFAULT_KIND, PERIOD_KINDS

TEXT = Catalog("cli_aggregator")
# 'maand', 'periode' (a term: a school's 'periode', as on the dashboard), 'week', 'dag'
PERIOD_WORDS = Catalog("sharing")


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
    aifootprint aggregator create-class --name "3B" --seats 30
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
@click.option("--join-rate", type=click.IntRange(min=0), default=120, show_default=True,
              help="Lookups and joins a minute per client address (behind a proxy: for the "
                   "whole school together); 0: no limit.")
@aggregator_options
def serve(config, cert, key, join_rate):
    """Run the aggregator: HTTPS with --cert, or HTTP behind a reverse proxy. Logs no
    addresses."""
    from ..aggregator.server import serve as serve_forever
    from ..aggregator.server import setup_logging

    if key and not cert:
        raise click.UsageError("--key needs --cert.")
    config = replace(config, cert_file=cert, key_file=key, join_rate=join_rate)
    setup_logging(config)
    asyncio.run(serve_forever(config, announce=lambda line: click.echo(line)))


@aggregator.command("create-class",
                    epilog='Example: aifootprint aggregator create-class --name "3B" --k 5')
@click.option("--name", required=True, help="The class name teachers and students see.")
@click.option("--seats", "--max-students", "max_students", type=int, default=40,
              show_default=True, help="How many students can join: set it to the class size, "
              "so no one can fill the class with made-up members.")
@click.option("--period", type=click.Choice(PERIOD_KINDS), default=DEFAULT_KIND,
              show_default=True, help="A calendar month, a school term (Aug-Dec, Jan-Mar, "
              "Apr-Jul), an ISO week or a day.")
@click.option("--k", "k", type=int, default=MIN_K, show_default=True,
              help=f"Release only with at least this many students (never below {MIN_K}).")
@click.option("--epsilon", type=float, default=MAX_EPSILON, show_default=True,
              help=f"Privacy budget per period, at most {MAX_EPSILON:g} (smaller: more noise, "
                   "more privacy).")
@click.option("--join-days", type=int, default=14, show_default=True,
              help="Days the join code stays valid.")
@click.option("--clip-prompts", type=int, default=None,
              help="Most prompts one student counts per period (default 400/month, "
                   "1300/term, 100/week, 20/day; docs/classroom.md has the maxima). "
                   "Higher: more noise.")
@click.option("--clip-images", type=int, default=None,
              help="Most images one student counts per period (default 200/month, "
                   "650/term, 50/week, 10/day). Higher: more noise.")
@click.option("--clip-videos", type=int, default=None,
              help="Most videos one student counts per period (default 4/month, 10/term, "
                   "2/week, 1/day; 0: none). They count inside the same energy bound.")
@click.option("--send-delay", "send_delay", type=int, default=None,
              help="Students wait a random 0..this many seconds after a period closes.")
@click.option("--server", "server", default=None,
              help="The class server's address as students reach it, for the join link "
                   "(default: http://HOST:PORT of --host and --port).")
@click.option("--qr-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder for the join link's QR code (SVG and PNG).")
@click.option("--preview", "preview_only", is_flag=True,
              help="Only print the margin to expect with these settings; make no class.")
@aggregator_options
def create_class(config, name, max_students, period, k, epsilon, join_days, clip_prompts,
                 clip_images, clip_videos, send_delay, server, qr_dir, preview_only):
    """Make a class; prints its join code (expiring), the teacher key, the precision to
    expect, the addresses of the class server and teacher page, and a join link, and writes
    the link as a QR code."""
    from ..aggregator.qr import write_qr
    from ..aggregator.store import ClassSettings
    from ..model import class_precision
    from ..model.factors import load_factors

    settings = ClassSettings(name, period, max_students, k, epsilon, join_days, clip_prompts,
                             clip_images, send_delay, clip_videos).checked()
    weights = class_precision.energy_weights(load_factors(config.factors_path))
    expected = class_precision.preview(weights, max_students, period, settings.clip_prompts,
                                       settings.clip_images, settings.epsilon)
    if preview_only:
        click.echo(preview_text(expected, config.lang))
        return
    store = open_store(config)
    try:
        made = store.create_class(settings, weights, config.now())
    finally:
        store.close()
    click.echo(TEXT("created", config.lang, name=name, class_id=made["class_id"],
                    code=made["join_code"], expires=made["join_expires"],
                    teacher_key=made["teacher_key"]))
    click.echo(preview_text(expected, config.lang))
    server = (server or f"http://{config.host}:{config.port}").rstrip("/")
    link = join_link(STUDENT_DASHBOARD, server, made["join_code"])
    svg, png = write_qr(link, qr_dir, f"join-{made['class_id']}")
    click.echo(TEXT("links", config.lang, server=server, link=link, svg=svg, png=png))


def preview_text(expected, lang: str) -> str:
    """'Expected ... +-24 %' (a class_precision.Preview), and a warning when wider than the
    target (create-class)."""
    from ..model.class_precision import TARGET
    from ..model.scenario import ScenarioInputs

    day = ScenarioInputs().vo
    lines = [TEXT("preview", lang, students=expected.students,
                  percent=format_number(100 * expected.relative, lang, 0),
                  epsilon=format_number(expected.epsilon, lang, 2),
                  period_word=PERIOD_WORDS(expected.period_kind, lang),
                  prompts=format_number(day.prompts_per_student, lang, 0),
                  images=format_number(day.images_per_student, lang, 0))]
    if not expected.within_target:
        lines.append(TEXT("preview_wide", lang,
                          target=format_number(100 * TARGET, lang, 0),
                          needed=expected.students_for_target))
    return "\n".join(lines)


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
        lines += period_lines(period, lang)
    if not answer["periods"]:
        lines.append(TEXT("none", lang))
    else:
        lines.append(TEXT("bars", lang))
    expected = answer["expected_precision"]
    lines.append(TEXT("expected", lang, students=expected["students"],
                      percent=format_number(100 * expected["relative_half_width"], lang, 0)))
    if "next_release" in answer:
        lines.append(TEXT("next_release", lang,
                          date=datetime.fromisoformat(answer["next_release"])))
    hypothetical = answer["hypothetical"]
    lines.append(TEXT("compare", lang,
                      days=count_text("school_days", hypothetical["school_days"], lang),
                      energy=format_energy(hypothetical["energy_wh"], lang),
                      co2=format_co2(hypothetical["co2_g"], lang),
                      water=format_water(hypothetical["water_ml"], lang)))
    return "\n".join(lines)


def period_lines(period: dict, lang: str) -> list[str]:
    """One released period, by its label as on the teacher page: its total and interval,
    'too uncertain', 'not enough', or released the earlier way."""
    status, name = period["status"], period.get("label", {}).get(lang, period["period"])
    if status == "not_enough":
        return [TEXT("not_enough", lang, period=name)]
    band = period["participants"]
    if status == "too_uncertain":
        return [TEXT("too_uncertain", lang, period=name, band=band,
                     half=format_energy(period["half_width_wh"], lang))]
    if status == "earlier_method":
        prompts, images = period["prompts"], period["images"]
        return [TEXT("earlier_method", lang, period=name, band=band,
                     prompts=count_text("prompts", prompts["value"], lang),
                     ph=format_number(prompts["half_width"], lang, 0),
                     images=count_text("images", images["value"], lang),
                     ih=format_number(images["half_width"], lang, 0))]
    energy = period["noise_range"]["energy_wh"]
    return [TEXT("period", lang, period=name, band=band,
                 energy=format_energy(period["energy_wh"], lang),
                 el=format_energy(energy["low"], lang), eh=format_energy(energy["high"], lang),
                 co2=format_co2(period["co2_g"], lang),
                 water=format_water(period["water_ml"], lang)),
            "  " + "; ".join(e["text"][lang] for e in period["equivalents"])]
