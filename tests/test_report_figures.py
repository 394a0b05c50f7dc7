"""The report's printed figures (headline, Figure 1, Table 2, GPT-3's training) beside exact
arithmetic, each difference with its named reason, pinned to the digit."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from aifootprint.cli import main
from aifootprint.model.scenario import ScenarioInputs, run_scenario

# (group, level, measure): (printed, exact to 0.1 %, reasons)
EXPECTED = {
    ("headline", "vo+po", "people_water"): (1440, 1439.17, ["sum_of_rounded"]),
    ("headline", "vo+po", "households_electricity"): (6829, 6828.87, []),
    ("headline", "vo+po", "cars_co2"): (2566, 2604.05, ["co2_per_image", "car_km"]),
    ("figure_1", "vo", "people_water"): (1400, 1399.64, []),
    ("figure_1", "vo", "households_electricity"): (6641, 6641.31, []),
    ("figure_1", "vo", "cars_co2"): (2495, 2532.53, ["co2_per_image", "car_km"]),
    ("figure_1", "po", "people_water"): (40, 39.53, []),
    ("figure_1", "po", "households_electricity"): (188, 187.56, []),
    ("figure_1", "po", "cars_co2"): (71, 71.52, ["car_km"]),
    ("table_2", "vo", "people_water"): (1, 0.961, []),
    ("table_2", "vo", "households_electricity"): (4.6, 4.561, []),
    ("table_2", "vo", "cars_co2"): (1.7, 1.739, ["co2_per_image", "car_km"]),
    ("table_2", "po", "people_water"): (0.01, 0.00602, []),
    ("table_2", "po", "households_electricity"): (0.03, 0.0286, []),
    ("table_2", "po", "cars_co2"): (0.01, 0.0109, ["car_km"]),
    ("training", "gpt-3", "households_electricity"): (515, 514.8, []),
    ("training", "gpt-3", "cars_co2"): (334, 336.79, ["car_km"]),
}


@pytest.fixture(scope="module")
def figures(factors):
    return run_scenario(factors)["report_figures"]


def test_report_figures_are_all_there(figures):
    assert {(f["group"], f["level"], f["measure"]) for f in figures["figures"]} == set(EXPECTED)


@pytest.mark.parametrize("key", EXPECTED, ids=["/".join(key) for key in EXPECTED])
def test_report_figure_beside_exact_arithmetic_and_its_reasons(figures, key):
    figure = next(f for f in figures["figures"] if (f["group"], f["level"], f["measure"]) == key)
    printed, exact, reasons = EXPECTED[key]
    assert figure["printed"] == printed
    assert figure["exact"] == pytest.approx(exact, rel=1e-3)
    assert figure["reasons"] == reasons
    # The report's own conventions (2.1 g per image, 11,100 km, sums of rounded figures)
    # reproduce every printed digit.
    assert round(figure["as_printed"], figure["decimals"]) == printed


def test_report_figures_name_every_reason_and_the_context_in_both_languages(figures):
    used = {reason for f in figures["figures"] for reason in f["reasons"]}
    assert used == set(figures["reasons"])
    assert figures["car_km_per_year"] == {"stated": 11000, "fitted": 11100}
    assert "11.100 km" in figures["reasons"]["car_km"]["nl"]
    assert "2,125 g" in figures["reasons"]["co2_per_image"]["nl"]
    texts = " ".join(c["en"] for c in figures["context"])
    assert "1,287 MWh" in texts and "80-90 %" in texts and "GPT-4" in texts and "0.05 Wh" in texts


def test_report_figures_only_for_the_reports_own_inputs(factors):
    assert "report_figures" not in run_scenario(factors, ScenarioInputs(students_per_class=30))


def test_cli_scenario_json_holds_the_headline(tmp_path):
    result = CliRunner().invoke(main, ["scenario", "--json", "--home", str(tmp_path)])
    figures = json.loads(result.output)["report_figures"]["figures"]
    headline = {f["measure"]: f["printed"] for f in figures if f["group"] == "headline"}
    assert headline == {"people_water": 1440, "households_electricity": 6829, "cars_co2": 2566}


@pytest.mark.parametrize("lang, expected", [
    ("nl", ["water van 1.440 mensen", "exact 1.439", "stroom van 6.829 huishoudens",
            "CO2 van 2.566 benzineauto's", "11.100 km", "Tabel 2", "Figuur 1", "GPT-3"]),
    ("en", ["water of 1,440 people", "exact 1,439", "electricity of 6,829 households",
            "CO2 of 2,566 petrol cars", "11,100 km", "Table 2", "Figure 1", "GPT-3"]),
])
def test_cli_scenario_prints_the_reports_figures_beside_exact_arithmetic(tmp_path, lang, expected):
    result = CliRunner().invoke(main, ["scenario", "--lang", lang, "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.output
