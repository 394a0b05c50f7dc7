"""`run`, `status`, `today`, `report`, `token` and `dashboard`.

How these commands reach the data (one rule for all): they read the SQLite file
directly through store.py and the same report functions the API handlers call, so
they work whether or not the daemon runs (WAL lets them read beside it). Only
`status` talks to the daemon, over HTTP, to say whether it is alive.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import click

from ..core.errors import DaemonNotRunning
from ..core.i18n import Catalog
from ..daemon.client import get_json, login_link
from ..daemon.instance import running_daemon
from ..daemon.process import run_daemon
from ..daemon.services.reports import days_report, parse_date, today_summary
from ..daemon.store.events import Store
from ..daemon.token import ensure_token
from ..model.factors import FactorTable, load_factors
from ..model.formatting import (
    format_co2,
    format_energy,
    format_number,
    format_water,
    uses_text,
)
from . import common_options

TEXT = Catalog("cli")


@click.command()
@click.option("--no-tray", is_flag=True)
@common_options
def run(config, no_tray):
    from ..desktop import find_tray  # the desktop parts load only for `run`
    from ..desktop.native_registration import register

    # The extension pairs itself with whichever port this daemon gets. One registration per
    # user and browser: a daemon of another folder (--home, tests) does not take it over;
    # `aifootprint pair-browser --home DIR` does so on purpose.
    if config.home is None:
        try:
            register(config)
        except OSError as error:
            click.echo(TEXT("pair_browser_failed", config.lang, error=error), err=True)
    run_daemon(config, find_tray=None if no_tray else find_tray, echo=click.echo)


@click.command()
@click.option("--json", "as_json", is_flag=True)
@common_options
def status(config, as_json):
    state = running_daemon(config)
    info = {"running": False}
    if state:
        try:
            version = get_json(config, "/health")["version"]
            info = {"running": True, **state, "version": version}
        except DaemonNotRunning:
            pass
    table = load_factors(config.factors_path)
    with Store(config.db_path) as store:
        today = today_summary(store, table, config)
    if as_json:
        click.echo(json.dumps({**info, "today": today}, indent=2, ensure_ascii=False))
        return
    lang = config.lang
    if info["running"]:
        click.echo(TEXT("status_running", lang, url=info["url"], pid=info["pid"],
                        since=info["started_at"], version=info["version"]))
    else:
        click.echo(TEXT("status_stopped", lang))
    click.echo(render_day(today, lang, table))


@click.command()
@click.option("--json", "as_json", is_flag=True)
@common_options
def today(config, as_json):
    table = load_factors(config.factors_path)
    with Store(config.db_path) as store:
        summary = today_summary(store, table, config)
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        click.echo(render_day(summary, config.lang, table))


@click.command()
@click.option("--from", "first", required=True)
@click.option("--to", "last", default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@common_options
def report(config, first, last, fmt):
    first_day = parse_date(first, "--from")
    last_day = parse_date(last, "--to") if last else date.today()
    with Store(config.db_path) as store:
        days = days_report(store, load_factors(config.factors_path), config, first_day, last_day)
    if fmt == "json":
        click.echo(json.dumps(days, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(render_csv(days), nl=False)
    else:
        click.echo(render_report(days, config.lang))


@click.command()
@common_options
def token(config):
    # The extension's key (least privilege): the owner's key stays with the CLI and the tray.
    click.echo(ensure_token(config.extension_token_path))


@click.command()
@click.option("--print", "print_only", is_flag=True)
@common_options
def dashboard(config, print_only):
    from ..desktop.browser_open import open_dashboard

    url = login_link(config)
    if print_only or not open_dashboard(config, url):
        click.echo(TEXT("dashboard_address", config.lang, url=url))
    else:
        click.echo(TEXT("dashboard_opened", config.lang, url=url))


METRICS = (("energy", "energy_wh", format_energy), ("co2", "co2_g", format_co2),
           ("water", "water_ml", format_water))


def labels(table: FactorTable, profile: str, location: str, lang: str) -> dict[str, str]:
    """The figures' and the location's labels ('Rapport 2024 (standaard)'), not their ids."""
    return {"profile": table.profile(profile).label(lang),
            "location": table.location(location).label(lang)}


def between(low: str, high: str, lang: str) -> str:
    """A range in words: 'tussen 2,9 Wh en 4 Wh'."""
    return TEXT("between", lang, low=low, high=high)


def render_day(summary: dict, lang: str, table: FactorTable) -> str:
    rng = summary["range"]
    lines = [TEXT("day", lang, date=summary["date"],
                  **labels(table, summary["profile"], summary["location"], lang))]
    counted = [f"{TEXT(kind, lang)}: {format_number(summary[kind], lang, 0)}"
               for kind in ("prompts", "images", "videos") if kind != "videos" or summary[kind]]
    lines.append("  " + "   ".join(counted))
    for key, metric, fmt in METRICS:
        span = between(fmt(rng[metric]["low"], lang), fmt(rng[metric]["high"], lang), lang)
        lines.append(f"  {TEXT(key, lang)}: {fmt(summary[metric], lang)}   "
                     f"({TEXT('range', lang)}: {span})")
    lines.append(f"  {TEXT('like', lang)}: "
                 + "; ".join(e["text"][lang] for e in summary["equivalents"]))
    if summary["sites"]:
        lines.append(f"{TEXT('per_site', lang)}:")
        lines += [f"  {site['name']}: {uses_text(site, lang)}, "
                  f"{format_energy(site['energy_wh'], lang)}"
                  for site in summary["sites"]]
    lines.append(TEXT("range_note", lang))
    lines.append(TEXT("scope", lang))
    return "\n".join(lines)


def render_report(days: list[dict], lang: str) -> str:
    kinds = ("prompts", "images", "videos") if any(d["videos"] for d in days) else (
        "prompts", "images")  # a videos column only when there are videos
    header = [TEXT(k, lang) for k in ("date", *kinds, "energy", "co2", "water")]
    rows = [header] + [_report_row(day["date"], day, kinds, lang) for day in days]
    totals = {key: sum(day[key] for day in days)
              for key in (*kinds, "energy_wh", "co2_g", "water_ml")}
    rows.append(_report_row(TEXT("total", lang), totals, kinds, lang))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join([row[0].ljust(widths[0])]
                       + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)])
             for row in rows]
    spans = {key: between(fmt(sum(day["range"][metric]["low"] for day in days), lang),
                          fmt(sum(day["range"][metric]["high"] for day in days), lang), lang)
             for key, metric, fmt in METRICS}
    lines += [TEXT("total_range", lang, **spans), TEXT("range_note", lang)]
    return "\n".join(lines)


def _report_row(label: str, figures: dict, kinds: tuple[str, ...], lang: str) -> list[str]:
    return [label, *(format_number(figures[kind], lang, 0) for kind in kinds),
            format_energy(figures["energy_wh"], lang), format_co2(figures["co2_g"], lang),
            format_water(figures["water_ml"], lang)]


def render_csv(days: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    metrics = ("energy_wh", "co2_g", "water_ml")
    # videos last: the columns before it are as they were before videos were counted
    writer.writerow(["date", "prompts", "images", *metrics,
                     *(f"{m}_{end}" for m in metrics for end in ("low", "high")), "videos"])
    for day in days:
        writer.writerow([day["date"], day["prompts"], day["images"], *(day[m] for m in metrics),
                         *(day["range"][m][end] for m in metrics for end in ("low", "high")),
                         day["videos"]])
    return out.getvalue()
