"""The factor table: load shared_factors.json and validate every number in it.

The same file is read by the extension (a synced copy in extension/), so its shape
is the contract between the two sides. A malformed file must fail loudly with one
sentence naming the field, never silently give zeros.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..core.errors import FactorTableError

Kind = Literal["prompt", "image", "video"]
KINDS: tuple[Kind, ...] = ("prompt", "image", "video")
# Each profile's own kinds; a video's factor is the table's, the same under every profile.
PROFILE_KINDS: tuple[Kind, ...] = ("prompt", "image")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


class Source(_Strict):
    title: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    covers: str = Field(min_length=1)
    url: str = ""  # where a reader can check the figure, where it is on the web


class Sourced(_Strict):
    sources: list[str] = Field(min_length=1)


class Range(Sourced):
    """A positive quantity with an honest low-high range around it."""

    low: float = Field(gt=0)
    central: float = Field(gt=0)
    high: float = Field(gt=0)
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low <= self.central <= self.high:
            raise ValueError("needs low <= central <= high")
        return self


class Profile(_Strict):
    """Energy per unit (Wh) of one published set of figures."""

    label: Text
    scope: Text
    prompt: Range
    image: Range



class Location(Sourced):
    label: Text
    grid_g_per_kwh: float = Field(gt=0)
    water_ml_per_wh: float = Field(gt=0)
    note: str = ""


class WaterRange(Sourced):
    low: float = Field(gt=0)
    high: float = Field(gt=0)
    note: str = ""


class Equivalent(Sourced):
    value: float = Field(gt=0)
    label: Text


class Statistic(Sourced):
    value: float = Field(gt=0)
    note: str = ""


class Defaults(_Strict):
    profile: str
    location: str


class Equivalents(_Strict):
    phone_charge_wh: Equivalent
    digibord_w: Equivalent
    car_g_per_km: Equivalent
    car_km_per_year: Equivalent
    household_kwh_per_year: Equivalent
    household_water_l_per_person_day: Equivalent
    drinking_water_l_per_person_day: Equivalent
    glass_ml: Equivalent


class Education(_Strict):
    school_days_per_year: Statistic
    students_per_class: Statistic
    po_schools: Statistic
    po_students: Statistic
    vo_schools: Statistic
    vo_students: Statistic


class FactorTable(_Strict):
    version: str = Field(min_length=1)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    defaults: Defaults
    sources: dict[str, Source] = Field(min_length=1)
    profiles: dict[str, Profile] = Field(min_length=1)
    video: Range  # per generated clip; not the report's (see its note)
    water_range_ml_per_wh: WaterRange
    locations: dict[str, Location] = Field(min_length=1)
    equivalents: Equivalents
    education: Education

    @model_validator(mode="after")
    def _references_exist(self) -> FactorTable:
        if self.defaults.profile not in self.profiles:
            raise ValueError(f"defaults.profile names unknown profile {self.defaults.profile!r}")
        if self.defaults.location not in self.locations:
            raise ValueError(
                f"defaults.location names unknown location {self.defaults.location!r}"
            )
        for path, sourced in self._sourced_items():
            for name in sourced.sources:
                if name not in self.sources:
                    raise ValueError(f"{path}.sources names unknown source {name!r}")
        return self

    def _sourced_items(self) -> list[tuple[str, Sourced]]:
        items: list[tuple[str, Sourced]] = [("water_range_ml_per_wh", self.water_range_ml_per_wh)]
        for name, profile in self.profiles.items():
            items += [(f"profiles.{name}.{kind}", getattr(profile, kind))
                      for kind in PROFILE_KINDS]
        items.append(("video", self.video))
        items += [(f"locations.{name}", loc) for name, loc in self.locations.items()]
        items += [(f"equivalents.{n}", e) for n, e in self.equivalents]
        items += [(f"education.{n}", s) for n, s in self.education]
        return items

    def profile(self, name: str | None = None) -> Profile:
        name = name or self.defaults.profile
        if name not in self.profiles:
            raise FactorTableError("profile_unknown", name=name, known=", ".join(self.profiles))
        return self.profiles[name]

    def energy_wh(self, kind: Kind, profile: str | None = None) -> Range:
        """Wh per unit of a kind under a profile: a prompt, an image, a video clip."""
        return self.video if kind == "video" else getattr(self.profile(profile), kind)

    def location(self, name: str | None = None) -> Location:
        name = (name or self.defaults.location).upper()
        if name not in self.locations:
            raise FactorTableError("location_unknown", name=name,
                                   known=", ".join(self.locations))
        return self.locations[name]


def default_factors_path() -> Path:
    """The table shipped with the package (a link to the repository's shared_factors.json)."""
    return Path(str(resources.files("aifootprint.model").joinpath("shared_factors.json")))


def load_factors(path: Path | None = None) -> FactorTable:
    """Read and validate a factor table; any problem becomes one FactorTableError sentence."""
    path = path or default_factors_path()
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FactorTableError("factors_missing", path=path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise FactorTableError("factors_not_json", path=path, error=error) from None
    try:
        return FactorTable.model_validate(raw)
    except ValidationError as error:
        problem = _first_problem(error)
        raise FactorTableError("factors_invalid", path=path, problem=problem) from None


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    field = ".".join(str(part) for part in problem["loc"])
    message = problem["msg"].removeprefix("Value error, ")
    return f"{field}: {message}" if field else message
