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
    """--home, --host, --port, --lang for the aggregator (its own files and port)."""

    @click.option("--home", type=click.Path(file_okay=False), default=None)
    @click.option("--host", default=None)
    @click.option("--port", type=int, default=None)
    @click.option("--lang", type=click.Choice(["nl", "en"]), default=None)
    @functools.wraps(command)
    def wrapper(home, host, port, lang, **kwargs):
        return command(config=load_aggregator_config(home, host, port, lang), **kwargs)

    return wrapper


def open_store(config):
    # Imported here: the store needs sqlite-utils, which `aifootprint run` should not load.
    from ..aggregator.store import AggregatorStore, load_secret, open_database

    return AggregatorStore(open_database(config.db_path), load_secret(config.secret_path))


@click.group()
def aggregator():
    """The `aggregator` commands; their help is in texts.json (cli_help)."""



@aggregator.command()
@click.option("--cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None)
@click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None)
@aggregator_options
def serve(config, cert, key):
    from ..aggregator.server import serve as serve_forever
    from ..aggregator.server import setup_logging

    if key and not cert:
        raise click.UsageError(TEXT("key_needs_cert", config.lang))
    config = replace(config, cert_file=cert, key_file=key)
    setup_logging(config)
    asyncio.run(serve_forever(config, announce=lambda line: click.echo(line)))


@aggregator.command("create-class")
@click.option("--name", required=True)
@click.option("--max-students", type=int, default=40, show_default=True)
@click.option("--period", type=click.Choice(["week", "day"]), default="week", show_default=True)
@click.option("--k", "k", type=int, default=MIN_K, show_default=True)
@click.option("--epsilon", type=float, default=1.0, show_default=True)
@click.option("--join-days", type=int, default=14, show_default=True)
@click.option("--clip-prompts", type=int, default=None)
@click.option("--clip-images", type=int, default=None)
@click.option("--send-delay", "send_delay", type=int, default=None)
@aggregator_options
def create_class(config, name, max_students, period, k, epsilon, join_days, clip_prompts,
                 clip_images, send_delay):
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
