"""The shapes of the daemon's API that live nowhere else: request bodies of the dashboard's
routes and the answers of every route, as pydantic models.

Requests are validated with these models (or with the model's own module: events, settings,
scenario); answers are documented with them, and tests/test_api.py checks real answers
against them, so the OpenAPI description (openapi.py) cannot drift from what is sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from ...model.events import Event
from ...model.submission import PSEUDONYM_PATTERN


class Answer(BaseModel):
    """An answer: the fields listed are always there; more may follow."""

    model_config = ConfigDict(extra="allow")


# -- requests


class ForgetRequest(BaseModel):
    """{"all": true} forgets every event; {"before": "YYYY-MM-DD"} the local days before."""

    model_config = ConfigDict(extra="forbid")
    all: Literal[True] | None = None
    before: dt.date | None = None

    @model_validator(mode="after")
    def one_of_the_two(self) -> ForgetRequest:
        if (self.all is None) == (self.before is None):
            raise PydanticCustomError("forget_one_of", "all or before")
        return self


class ExportDocument(BaseModel):
    """What `aifootprint export` writes and POST /import reads back (validated whole)."""

    model_config = ConfigDict(extra="allow")
    format: Literal["aifootprint-export"]
    version: int = 1
    events: list[Event]


class ClassAsk(BaseModel):
    """A join code and the class server that issued it."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=100)
    server: str = Field(min_length=1, max_length=200, json_schema_extra={"format": "uri"})


class ClassJoin(ClassAsk):
    """Joining: the pseudonym the preview showed and the student's explicit yes."""

    pseudonym: str = Field(pattern=PSEUDONYM_PATTERN)
    confirm: Literal[True]


# -- answers


class Health(Answer):
    status: Literal["ok"]
    version: str
    # with ?challenge=: hex HMAC-SHA256 keyed by the extension's token of
    # "aifootprint-proof:<port>:<challenge>" (security.daemon_proof)
    proof: str | None = None


class LoginLink(Answer):
    url: str  # http://127.0.0.1:PORT/login?code=...
    expires_in_s: int


class Stored(Answer):
    accepted: int
    duplicates: int
    paused: bool = False


class Range(Answer):
    low: float
    high: float


class Ranges(Answer):
    energy_wh: Range
    co2_g: Range
    water_ml: Range


class Group(Answer):
    """One site or activity label of a day ('' is: no label)."""

    name: str
    prompts: int
    images: int
    videos: int
    energy_wh: float
    co2_g: float
    water_ml: float
    range: Ranges


class Equivalent(Answer):
    metric: Literal["energy_wh", "co2_g", "water_ml"]
    key: str
    amount: float
    text: dict[str, str]


class DaySummary(Answer):
    date: dt.date
    profile: str
    location: str
    prompts: int
    images: int
    videos: int
    energy_wh: float
    co2_g: float
    water_ml: float
    range: Ranges
    equivalents: list[Equivalent]
    sites: list[Group]
    labels: list[Group]
    # GET /summary only: whether anything is stored on any day (false: not paired yet).
    any_counts: bool | None = None


class FactorsInForce(Answer):
    profile: str
    location: str
    table: dict


class SettingsInForce(Answer):
    profile: str
    location: str
    lang: Literal["nl", "en"]
    lang_saved: bool
    role: Literal["student", "teacher"] | None
    paused: bool
    label: str | None
    paused_changed_at: dt.datetime | None = Field(
        description="When pause last changed (UTC); null if never.")
    label_changed_at: dt.datetime | None = Field(
        description="When the label last changed (UTC); null if never.")
    labels: list[str] = Field(description="The activity labels a user can choose.")


class ScenarioResult(Answer):
    inputs: dict
    levels: dict


class Imported(Answer):
    imported: int
    duplicates: int


class Forgotten(Answer):
    deleted: int


class ClassStatus(Answer):
    """Whether this computer shares with a class; when it does, which and what was sent."""

    member: bool


class ClassPreview(Answer):
    """The class, the explanation in nl and en, and the exact submission."""

    preview: dict
