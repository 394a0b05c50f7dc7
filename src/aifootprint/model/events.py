"""The event the extension sends, its documented bounds, and the row stored for it.

One pydantic model is the single source of truth: the API validates with it, the
OpenAPI description is generated from it, and `aifootprint import` checks files with it.
"""

from __future__ import annotations

import functools
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from ..core.errors import invalid_input

# The documented bounds (README, OpenAPI): change them only with a note there.
MAX_BATCH = 500
MAX_COUNT = 1000
MAX_VIDEO_SECONDS = 3600
MAX_TEXT = 200
MAX_SITE = 253
MAX_BODY_BYTES = 256 * 1024
MAX_FUTURE = timedelta(hours=24)
EARLIEST = datetime(2020, 1, 1, tzinfo=UTC)
# The activity labels a user can choose, the same in the tray, dashboard and extension
# (extension/settings.js keeps a copy; tests/test_activity_labels.py compares them). An
# event may carry another label (an import, a script); it is shown as it is.
ACTIVITY_LABELS = ("homework", "lesson-prep", "study", "other")

# RFC 3339 date-time with a required offset; 'T' or space, fractions up to microseconds.
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})$"
)
HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOST_NAME = re.compile(rf"^{HOST_LABEL}(?:\.{HOST_LABEL})*$")


def parse_timestamp(value: str) -> datetime:
    """An aware datetime from an RFC 3339 string. A wrong one raises a ValueError whose type
    names its sentence in the catalogue (errors.invalid_<type>), in both languages."""
    if not RFC3339.match(value):
        raise PydanticCustomError("timestamp_format", "not an RFC 3339 timestamp")
    moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    if moment < EARLIEST:
        raise PydanticCustomError("timestamp_too_early", "before 2020-01-01")
    if moment.timestamp() > time.time() + MAX_FUTURE.total_seconds():  # cheaper than now()
        raise PydanticCustomError("timestamp_future", "over 24 hours ahead")
    return moment


def _check_timestamp(value: str) -> str:
    parse_timestamp(value)
    return value


def _check_site(value: str) -> str:
    site = value.lower()
    if not HOST_NAME.match(site):
        raise PydanticCustomError("site_not_host", "not a host name")
    return site


Timestamp = Annotated[StrictStr, AfterValidator(_check_timestamp)]
Site = Annotated[StrictStr, Field(min_length=1, max_length=MAX_SITE), AfterValidator(_check_site)]
Text = Annotated[StrictStr, Field(min_length=1, max_length=MAX_TEXT)]


class Event(BaseModel):
    """One prompt, image or video generation (or several: `count`), never its text."""

    # Unknown fields are ignored so an older daemon accepts a newer extension's events.
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: uuid.UUID = Field(description="Client-generated UUID; sent again (with its timestamp) "
                                      "it is a duplicate and stored once.")
    ts: Timestamp = Field(
        description="RFC 3339 with offset; not before 2020-01-01 nor over 24 h ahead.",
        json_schema_extra={"format": "date-time"},
    )
    site: Site = Field(description="Host name of the AI site, e.g. chatgpt.com.")
    kind: Literal["prompt", "image", "video"]
    count: StrictInt = Field(ge=1, le=MAX_COUNT)
    seconds: float | None = Field(default=None, gt=0, le=MAX_VIDEO_SECONDS,
                                  description="A video's length, where the site reveals it.")
    model: Text | None = None
    label: Text | None = Field(default=None, description="Activity label, e.g. homework.")
    regenerated: StrictBool = Field(default=False, description="A regeneration (still counted).")


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[Event] = Field(max_length=MAX_BATCH)


def parse_batch(body: object) -> list[Event]:
    """Validate a POSTed body; InvalidInput names the first wrong field and its index."""
    try:
        return EventBatch.model_validate(body).events
    except ValidationError as error:
        raise invalid_input(error) from None


def event_row(event: Event, received_at: datetime | str) -> dict:
    """The stored row: the event as sent plus its day in the user's local time zone."""
    if isinstance(received_at, datetime):
        received_at = received_at.isoformat(timespec="seconds")
    minute = int(parse_timestamp_unchecked(event.ts).timestamp() // 60)
    return {
        "id": str(event.id),
        "ts": event.ts,
        "local_date": local_date(minute, time.tzname),
        "site": event.site,
        "kind": event.kind,
        "count": event.count,
        "model": event.model,
        "label": event.label,
        "regenerated": int(event.regenerated),
        "received_at": received_at,
        "seconds": event.seconds if event.kind == "video" else None,
    }


@functools.lru_cache(maxsize=4096)
def local_date(minute: int, zone: tuple[str, str]) -> str:
    """The local calendar day of a UTC minute in the process's time zone `zone`.

    Offsets are whole minutes, so the day cannot change within one; cached because a
    batch's events share their minutes (zone is in the key: TZ may change at run time).
    """
    return datetime.fromtimestamp(minute * 60).date().isoformat()


def parse_timestamp_unchecked(value: str) -> datetime:
    """For timestamps already validated (no bounds check: an old import stays old)."""
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
