"""The report's hypothetical school day, extrapolated to a year, a school and the country.

The report is 'De milieu-impact van generatieve AI in het po en vo' (2024), the Dutch
public report on the environmental impact of generative AI in primary and secondary
education (its citation is in shared_factors.json, source "report"). Inputs default to
the report's; any of them can be changed from a JSON file. The arithmetic is exact;
where the report printed rounded figures that differ, the result carries a note saying so.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core.errors import InvalidInput, invalid_input
from ..core.i18n import LANGS, Catalog
from .factors import FactorTable
from .footprint import Counts, Impact, equivalents, impact_of
from .report_figures import report_figures

# Upper bounds keep every figure finite and printable; they are far above any real school.
MAX_PER_PERSON = 10_000
MAX_CLASS = 1_000
MAX_SCHOOLS = 1_000_000
MAX_STUDENTS = 100_000_000


class LevelInputs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    images_per_student: float = Field(ge=0, le=MAX_PER_PERSON)
    prompts_per_student: float = Field(ge=0, le=MAX_PER_PERSON)
    teacher_prompts: float = Field(ge=0, le=MAX_PER_PERSON)


class ScenarioInputs(BaseModel):
    """Every input of the scenario; None means 'the factor table's value'."""

    model_config = ConfigDict(extra="forbid")
    students_per_class: float | None = Field(default=None, ge=1, le=MAX_CLASS)  # a divisor
    school_days_per_year: float | None = Field(default=None, gt=0, le=366)
    vo: LevelInputs = LevelInputs(images_per_student=5, prompts_per_student=10, teacher_prompts=10)
    # Students under 13 use no generative AI (national advice): only the teacher.
    po: LevelInputs = LevelInputs(images_per_student=0, prompts_per_student=0, teacher_prompts=10)
    vo_schools: float | None = Field(default=None, ge=1, le=MAX_SCHOOLS)  # a divisor
    vo_students: float | None = Field(default=None, gt=0, le=MAX_STUDENTS)
    po_schools: float | None = Field(default=None, ge=1, le=MAX_SCHOOLS)  # a divisor
    po_students: float | None = Field(default=None, gt=0, le=MAX_STUDENTS)
    profile: str | None = None
    location: str | None = None

    def resolved(self, table: FactorTable) -> ScenarioInputs:
        """A copy with every None replaced by the factor table's figure."""
        stats = table.education
        return self.model_copy(update={
            "students_per_class": self.students_per_class or stats.students_per_class.value,
            "school_days_per_year": self.school_days_per_year or stats.school_days_per_year.value,
            "vo_schools": self.vo_schools or stats.vo_schools.value,
            "vo_students": self.vo_students or stats.vo_students.value,
            "po_schools": self.po_schools or stats.po_schools.value,
            "po_students": self.po_students or stats.po_students.value,
            "profile": self.profile or table.defaults.profile,
            "location": (self.location or table.defaults.location).upper(),
        })


# What the report ('De milieu-impact van generatieve AI in het po en vo', 2024) printed
# for its vo class day, to compare with exact arithmetic.
REPORT_PRINTED_VO_CLASS_DAY = {"energy_wh": 2103, "co2_g": 523, "water_ml": 8400}
TEXT = Catalog("scenario")

SCALES = ("class_day", "class_year", "school_year", "country_day", "country_year")


def load_inputs(path: Path | None) -> ScenarioInputs:
    """The inputs of a scenario file: any input it names replaces the report's, nested ones
    too ({"po": {"teacher_prompts": 20}} keeps po's other inputs); the rest stay."""
    if path is None:
        return ScenarioInputs()
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput("scenario_file_missing", path=path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidInput("scenario_file_not_json", path=path, error=error) from None
    if not isinstance(raw, dict):
        raise InvalidInput("scenario_file_not_object", path=path)
    defaults = ScenarioInputs().model_dump(include={"vo", "po"})
    merged = {**raw, **{level: {**defaults[level], **raw[level]}
                        for level in ("vo", "po") if isinstance(raw.get(level), dict)}}
    try:
        return ScenarioInputs.model_validate(merged)
    except ValidationError as error:
        raise _file_problem(error, path) from None


def _file_problem(error: ValidationError, path: Path) -> InvalidInput:
    problem = error.errors()[0]
    field = ".".join(str(part) for part in problem["loc"])
    if problem["type"] == "extra_forbidden":
        model = LevelInputs if len(problem["loc"]) > 1 else ScenarioInputs
        known = ", ".join(model.model_fields)
        return InvalidInput("scenario_file_unknown", field=field, path=path, known=known)
    return InvalidInput("scenario_file_invalid", field=field, path=path,
                        problem=invalid_input(error))


def _scale(table: FactorTable, counts: Counts, impact: Impact, factor: float) -> dict:
    scaled = impact.scaled(factor)
    return {
        "prompts": counts.prompts * factor,
        "images": counts.images * factor,
        **scaled.as_dict(),
        "equivalents": [e.as_dict() for e in equivalents(table, scaled)],
    }


def level_result(table: FactorTable, inputs: ScenarioInputs, level: str) -> dict:
    per = getattr(inputs, level)
    students = inputs.students_per_class
    activities = {
        "images": Counts(images=per.images_per_student * students),
        "homework": Counts(prompts=per.prompts_per_student * students),
        "teacher": Counts(prompts=per.teacher_prompts),
    }
    day = sum(activities.values(), Counts())
    impact = impact_of(table, day, inputs.profile, inputs.location)
    classes = getattr(inputs, f"{level}_students") / students
    schools = getattr(inputs, f"{level}_schools")
    days = inputs.school_days_per_year
    factors = {
        "class_day": 1,
        "class_year": days,
        "school_year": classes * days / schools,
        "country_day": classes,
        "country_year": classes * days,
    }
    return {
        "classes": classes,
        "schools": schools,
        "activities": {
            name: {"prompts": c.prompts, "images": c.images,
                   **impact_of(table, c, inputs.profile, inputs.location).as_dict()}
            for name, c in activities.items()
        },
        **{scale: _scale(table, day, impact, factor) for scale, factor in factors.items()},
    }


def run_scenario(table: FactorTable, inputs: ScenarioInputs | None = None) -> dict:
    """Every figure of the scenario, as plain data (the CLI prints it; --json dumps it)."""
    inputs = (inputs or ScenarioInputs()).resolved(table)
    table.profile(inputs.profile)
    table.location(inputs.location)
    result: dict = {
        "inputs": inputs.model_dump(),
        "factors_version": table.version,
        "levels": {level: level_result(table, inputs, level) for level in ("vo", "po")},
        "notes": [],
    }
    vo_day = result["levels"]["vo"]["class_day"]
    if inputs == ScenarioInputs().resolved(table):
        result["report_printed"] = {"vo_class_day": REPORT_PRINTED_VO_CLASS_DAY}
        result["report_figures"] = report_figures(table, result)
        if round(vo_day["co2_g"]) != REPORT_PRINTED_VO_CLASS_DAY["co2_g"]:
            result["notes"].append({lang: TEXT.template("report_printed", lang) for lang in LANGS})
    return result
