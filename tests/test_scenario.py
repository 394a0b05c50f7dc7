"""The report's school day: exact arithmetic, the report's own figures, and the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from aifootprint.cli import main
from aifootprint.model.formatting import format_energy
from aifootprint.model.scenario import ScenarioInputs, run_scenario


def test_vo_class_day_matches_the_report(factors):
    vo = run_scenario(factors)["levels"]["vo"]
    day = vo["class_day"]
    assert (day["prompts"], day["images"]) == (260, 125)
    assert day["energy_wh"] == pytest.approx(2102.5)
    assert day["water_ml"] == pytest.approx(8410)
    # Exact arithmetic: 125 x 2.125 g + 260 x 1 g. The report's 2.1 g/image gives 522.5 g.
    assert day["co2_g"] == pytest.approx(525.625)
    assert vo["activities"]["images"]["energy_wh"] == pytest.approx(1062.5)
    assert vo["activities"]["homework"]["co2_g"] == pytest.approx(250)
    assert vo["activities"]["teacher"]["water_ml"] == pytest.approx(160)


def test_report_rounding_is_noted_with_its_printed_figure(factors):
    result = run_scenario(factors)
    assert result["report_printed"]["vo_class_day"]["co2_g"] == 523
    note = result["notes"][0]
    assert "522.5" in note["en"] and "522,5" in note["nl"] and "2.125" in note["en"]


def test_po_class_day_is_the_teacher_only(factors):
    day = run_scenario(factors)["levels"]["po"]["class_day"]
    assert (day["prompts"], day["images"]) == (10, 0)
    assert (day["energy_wh"], day["co2_g"], day["water_ml"]) == pytest.approx((40, 10, 160))


def test_extrapolation_to_year_school_and_country(factors):
    vo = run_scenario(factors)["levels"]["vo"]
    classes = 987_115 / 25
    assert vo["classes"] == pytest.approx(classes)
    assert vo["class_year"]["energy_wh"] == pytest.approx(2102.5 * 200)
    assert vo["country_day"]["energy_wh"] == pytest.approx(2102.5 * classes)
    assert vo["country_year"]["energy_wh"] == pytest.approx(2102.5 * classes * 200)
    assert vo["school_year"]["energy_wh"] == pytest.approx(2102.5 * classes * 200 / 1456)
    assert vo["country_year"]["equivalents"][0]["key"] == "household_years"


def test_changed_inputs_change_the_output_as_arithmetic_says(factors):
    inputs = ScenarioInputs.model_validate(
        {"students_per_class": 30, "location": "FR",
         "vo": {"images_per_student": 0, "prompts_per_student": 4, "teacher_prompts": 0}})
    result = run_scenario(factors, inputs)
    day = result["levels"]["vo"]["class_day"]
    assert day["prompts"] == 120
    assert day["energy_wh"] == pytest.approx(480)
    assert day["co2_g"] == pytest.approx(480 * 57 / 1000)
    assert result["notes"] == [] and "report_printed" not in result


@pytest.fixture
def run_cli(home):
    def run(*args):
        return CliRunner().invoke(main, ["scenario", "--home", str(home), *args])
    return run


@pytest.mark.parametrize("lang, words", [
    ("en", ["Secondary school (vo)", "One school, a school year", "The country, a school year",
            "2.1 kWh", "15 hours of a digital whiteboard"]),
    ("nl", ["Voortgezet onderwijs (vo)", "Eén school, een schooljaar",
            "Heel Nederland, een schooljaar", "2,1 kWh", "15 uur digibord", "Let op"]),
])
def test_cli_prints_class_school_and_country_tables(run_cli, lang, words):
    result = run_cli("--lang", lang)
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.output


def test_cli_json_has_every_figure(run_cli):
    result = run_cli("--json")
    data = json.loads(result.output)
    assert data["levels"]["po"]["class_day"]["energy_wh"] == 40


def test_cli_file_changes_an_input(run_cli, tmp_path):
    scenario_file = tmp_path / "school.json"
    scenario_file.write_text(json.dumps({"school_days_per_year": 100}))
    data = json.loads(run_cli("--json", "--file", str(scenario_file)).output)
    assert data["levels"]["po"]["class_year"]["energy_wh"] == pytest.approx(4000)


@pytest.mark.parametrize("content, message", [
    ("{oops", "is not valid JSON"),
    ('{"students_per_class": -3}', "students_per_class: must be at least 1."),
    ('{"pupils": 3}', "names an unknown input: pupils"),
    ('{"location": "MARS"}', "Unknown data centre location 'MARS'"),
])
def test_cli_bad_scenario_file_is_one_sentence(run_cli, tmp_path, content, message):
    scenario_file = tmp_path / "school.json"
    scenario_file.write_text(content)
    result = run_cli("--file", str(scenario_file))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_broken_factor_table_is_one_sentence(run_cli, home, tmp_path):
    broken = tmp_path / "factors.json"
    broken.write_text('{"version": "x"}')
    (home / "config").mkdir()
    (home / "config" / "config.json").write_text(json.dumps({"factors_path": str(broken)}))
    result = run_cli()
    assert result.exit_code == 1
    assert "The factor table" in result.output and "is invalid" in result.output
    assert "Traceback" not in result.output


def test_cli_refuses_inputs_too_large_to_print(run_cli, tmp_path):
    scenario_file = tmp_path / "school.json"
    scenario_file.write_text('{"vo_students": 1e300}')
    result = run_cli("--file", str(scenario_file))
    assert result.exit_code == 1
    assert "vo_students: must be at most 100000000." in result.output


@pytest.mark.parametrize("body", [{"school_days_per_year": 5e-324}, {"vo_students": 1e8},
                                  {"students_per_class": 1, "vo_students": 1e8}])
def test_scenario_extreme_inputs_still_print(factors, body):
    result = run_scenario(factors, ScenarioInputs.model_validate(body))
    assert format_energy(result["levels"]["vo"]["country_year"]["energy_wh"], "nl")


@pytest.mark.parametrize("field", ["vo_schools", "po_schools", "students_per_class"])
def test_scenario_refuses_less_than_one_of_a_divisor(field):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=field):
        ScenarioInputs.model_validate({field: 5e-324})


@pytest.mark.parametrize("content, level, changed, kept", [
    ({"students_per_class": 30, "po": {"teacher_prompts": 20}}, "po",
     {"teacher_prompts": 20}, {"images_per_student": 0, "prompts_per_student": 0}),
    ({"vo": {"images_per_student": 2}}, "vo",
     {"images_per_student": 2}, {"prompts_per_student": 10, "teacher_prompts": 10}),
    ({"vo": {"teacher_prompts": 0}, "location": "FR"}, "vo",
     {"teacher_prompts": 0}, {"images_per_student": 5, "prompts_per_student": 10}),
])
def test_cli_file_changes_one_nested_input_and_keeps_the_others(run_cli, tmp_path, content,
                                                                  level, changed, kept):
    scenario_file = tmp_path / "school.json"
    scenario_file.write_text(json.dumps(content))
    result = run_cli("--json", "--file", str(scenario_file))
    assert result.exit_code == 0, result.output
    inputs = json.loads(result.output)["inputs"]
    assert inputs[level] == {**kept, **changed}
    assert inputs["students_per_class"] == content.get("students_per_class", 25)


@pytest.mark.parametrize("content, lang, message", [
    ("[1, 2]", "en", "must hold one JSON object"),
    ("[1, 2]", "nl", "moet één JSON-object bevatten"),
    ('{"vo": {"pupils": 3}}', "en", "unknown input: vo.pupils"),
    ('{"vo": {"pupils": 3}}', "nl", "onbekende invoer: vo.pupils"),
    ('{"pupils": 3}', "nl", "onbekende invoer: pupils"),
    ('{"po": {"teacher_prompts": -1}}', "nl", "po.teacher_prompts: moet minstens 0 zijn."),
])
def test_cli_scenario_file_problem_named_in_the_chosen_language(run_cli, tmp_path, content,
                                                                 lang, message):
    scenario_file = tmp_path / "school.json"
    scenario_file.write_text(content)
    result = run_cli("--file", str(scenario_file), "--lang", lang)
    assert result.exit_code == 1 and message in result.output
