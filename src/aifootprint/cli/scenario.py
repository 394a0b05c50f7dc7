"""`aifootprint scenario`: the report's school day, as tables or JSON."""

from __future__ import annotations

import json

import click

from ..core.i18n import Catalog
from ..model.factors import FactorTable, load_factors
from ..model.formatting import count_text, format_co2, format_energy, format_number, format_water
from ..model.scenario import SCALES, load_inputs, run_scenario
from . import common_options
from .daemon import labels

TEXT = Catalog("cli_scenario")
RANGE_TEXT = Catalog("cli")  # the range sentence is the same as `today`'s


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--file", "file", type=click.Path(dir_okay=False), default=None)
@common_options
def scenario(config, as_json, file):
    table = load_factors(config.factors_path)
    inputs = load_inputs(file)
    if config.profile and not inputs.profile:
        inputs = inputs.model_copy(update={"profile": config.profile})
    if config.location and not inputs.location:
        inputs = inputs.model_copy(update={"location": config.location})
    result = run_scenario(table, inputs)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(render_tables(result, config.lang, table))


def render_tables(result: dict, lang: str, table: FactorTable) -> str:
    inputs = result["inputs"]
    lines = [TEXT("title", lang, **labels(table, inputs["profile"], inputs["location"], lang)),
             ""]
    for level in ("vo", "po"):
        lines.append(TEXT(level, lang,
                          students=count_text("students", inputs["students_per_class"], lang)))
        lines += _level_table(result["levels"][level], lang)
        lines.append("")
    lines.append(RANGE_TEXT("range_note", lang))
    lines.append(TEXT("scope", lang, days=format_number(inputs["school_days_per_year"], lang)))
    for note in result["notes"]:
        lines.append(f"{TEXT('note', lang)}: {note[lang]}")
    if "report_figures" in result:
        lines += ["", *render_report_figures(result["report_figures"], lang)]
    return "\n".join(lines)


def render_report_figures(figures: dict, lang: str) -> list[str]:
    """Each printed figure of the report, its exact value and the numbers of its reasons."""
    reasons = list(figures["reasons"])
    lines = [TEXT("figures_title", lang)]
    groups: dict[tuple[str, str], list[str]] = {}
    for figure in figures["figures"]:
        printed = format_number(figure["printed"], lang, figure["decimals"])
        digits = figure["decimals"] + (2 if figure["exact"] < 10 else 1)  # a digit beyond it
        exact = format_number(figure["exact"], lang, digits)
        marks = "".join(f" [{reasons.index(reason) + 1}]" for reason in figure["reasons"])
        groups.setdefault((figure["group"], figure["level"]), []).append(
            f"{TEXT.count(figure['measure'], lang, figure['printed'], n=printed)} "
            f"({TEXT('exact', lang, n=exact)}){marks}")
    for (group, level), texts in groups.items():
        lines.append(f"  {TEXT(f'group_{group}', lang, level=level)}: {'; '.join(texts)}")
    lines += [f"  [{number}] {figures['reasons'][reason][lang]}"
              for number, reason in enumerate(reasons, start=1)]
    lines += [f"  {context[lang]}" for context in figures["context"]]
    return lines


def _level_table(level: dict, lang: str) -> list[str]:
    headers = TEXT("header", lang).split("|")
    rows = [["", *headers]]
    extra: dict[int, list[str]] = {}
    for scale in SCALES:
        figures = level[scale]
        rng = figures["range"]
        rows.append([
            TEXT(scale, lang),
            format_number(figures["prompts"], lang, 0),
            format_number(figures["images"], lang, 0),
            format_energy(figures["energy_wh"], lang),
            format_co2(figures["co2_g"], lang),
            format_water(figures["water_ml"], lang),
        ])
        rows.append([
            TEXT("range", lang), "", "",
            f"{format_energy(rng['energy_wh']['low'], lang)} – "
            f"{format_energy(rng['energy_wh']['high'], lang)}",
            f"{format_co2(rng['co2_g']['low'], lang)} – {format_co2(rng['co2_g']['high'], lang)}",
            f"{format_water(rng['water_ml']['low'], lang)} – "
            f"{format_water(rng['water_ml']['high'], lang)}",
        ])
        extra[len(rows)] = [e["text"][lang] for e in figures["equivalents"]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for number, row in enumerate(rows, start=1):
        numbers = zip(row[1:], widths[1:], strict=True)
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in numbers]
        out.append("  ".join(cells).rstrip())
        if number in extra:
            out.append(f"{TEXT('like', lang)}: {'; '.join(extra[number])}")
    return out
