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

    @click.option("--home", type=click.Path(file_okay=False), default=None)
    @click.option("--host", default=None)
    @click.option("--port", type=int, default=None)
    @click.option("--lang", type=click.Choice(["nl", "en"]), default=None)
    @click.option("--database", default=None, metavar="postgresql://...")
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
    """The `aggregator` commands; their help is in texts.json (cli_help)."""


@aggregator.command()
@click.option("--cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None)
@click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None)
@click.option("--join-rate", type=click.IntRange(min=0), default=120, show_default=True,
              metavar="INTEGER")  # not click's "INTEGER RANGE": the help's word for a number
@aggregator_options
def serve(config, cert, key, join_rate):
    from ..aggregator.server import serve as serve_forever
    from ..aggregator.server import setup_logging

    if key and not cert:
        raise click.UsageError(TEXT("key_needs_cert", config.lang))
    config = replace(config, cert_file=cert, key_file=key, join_rate=join_rate)
    setup_logging(config)
    asyncio.run(serve_forever(config, announce=lambda line: click.echo(line)))


@aggregator.command("create-class")
@click.option("--name", required=True)
@click.option("--seats", "--max-students", "max_students", type=int, default=40,
              show_default=True)
@click.option("--period", type=click.Choice(PERIOD_KINDS), default=DEFAULT_KIND,
              show_default=True)
@click.option("--k", "k", type=int, default=MIN_K, show_default=True)
@click.option("--epsilon", type=float, default=MAX_EPSILON, show_default=True)
@click.option("--join-days", type=int, default=14, show_default=True)
@click.option("--clip-prompts", type=int, default=None)
@click.option("--clip-images", type=int, default=None)
@click.option("--clip-videos", type=int, default=None)
@click.option("--send-delay", "send_delay", type=int, default=None)
@click.option("--server", "server", default=None)
@click.option("--qr-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True)
@click.option("--preview", "preview_only", is_flag=True)
@aggregator_options
def create_class(config, name, max_students, period, k, epsilon, join_days, clip_prompts,
                 clip_images, clip_videos, send_delay, server, qr_dir, preview_only):
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


@aggregator.command()
@aggregator_options
def release(config):
    store = open_store(config)
    try:
        made = store.release_due(config.now(), add_noise, config.test_clock_file is not None)
    finally:
        store.close()
    click.echo(TEXT.count("released", config.lang, len(made), count=len(made)))


@aggregator.command()
@click.option("--class", "class_id", required=True)
@click.option("--teacher-key", required=True)
@click.option("--json", "as_json", is_flag=True)
@aggregator_options
def report(config, class_id, teacher_key, as_json):
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
