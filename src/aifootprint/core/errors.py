"""Domain exceptions, and the one way a pydantic validation error becomes one.

Each message is one sentence a user can act on, in Dutch and English: an error is raised
with the key of its sentence in the `errors` section of texts.json and the values it names
(`InvalidInput("period_kind", field="period", kind="month")`), and `error.text(lang)` says
it in either language. The API's error middleware answers in the request's language; the
CLI prints the sentence in its language to stderr and exits non-zero; str(error), for
logs, is English. Nothing below the handlers raises HTTP errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .i18n import Catalog

Model = TypeVar("Model", bound=BaseModel)
TEXT = Catalog("errors")


class Phrase:
    """Part of an error's sentence that is said in the user's language too (the file or
    document an import names)."""

    def __init__(self, key: str, /, **params: object):
        self.key, self.params = key, params

    def text(self, lang: str) -> str:
        return TEXT(self.key, lang, **self.params)


class FootprintError(Exception):
    """Base class: a problem the user can fix; error.text(lang) says how."""

    status = 400  # the HTTP status the API answers with

    def __init__(self, key: str, /, *, field: str = "", **params: object):
        super().__init__(key)
        self.key, self.field, self.params = key, field, params

    def text(self, lang: str) -> str:
        """The sentence in `lang`; a value that is an error or a Phrase is said in `lang` too.
        A sentence about a field names it as {field} ('the body' when there is none)."""
        values = {name: value.text(lang) if isinstance(value, FootprintError | Phrase)
                  else value for name, value in self.params.items()}
        return TEXT(self.key, lang, field=self.field or TEXT("the_body", lang), **values)

    def __str__(self) -> str:
        return self.text("en")


class FactorTableError(FootprintError):
    """shared_factors.json is missing, malformed or references something unknown."""

    status = 500


class ConfigError(FootprintError):
    """A setting, flag or config file value is wrong."""


class InvalidInput(FootprintError):
    """Input that fails validation; `field` names where (for example events[3].ts)."""

    status = 422


class DatabaseError(FootprintError):
    """The database cannot be used as it is (for example, written by a newer version)."""

    status = 500


class DaemonNotRunning(FootprintError):
    """A command that needs the running daemon could not reach it."""


class DaemonRefused(FootprintError):
    """The running daemon answered the CLI with an error: its status, and its sentence
    (already in the CLI's language: the CLI asks for it) or the status line."""

    def __init__(self, key: str, /, status: int, field: str = "", **params: object):
        super().__init__(key, field=field, **params)
        self.status = status


class MalformedBody(FootprintError):
    """A request body that is not JSON at all (garbage, truncated)."""


class Unauthorized(FootprintError):
    """No or a wrong token."""

    status = 401


class Forbidden(FootprintError):
    """A request from a web page (Origin) or for a host name that is not ours."""

    status = 403


class BodyTooLarge(FootprintError):
    status = 413


class UnsupportedMediaType(FootprintError):
    status = 415


class Busy(FootprintError):
    """Too many writes waiting: the client should retry a little later."""

    status = 503
    retry_after_s = 1


class DiskFull(Busy):
    """SQLite answered SQLITE_FULL: nothing of the write was stored; retry once there is room."""

    retry_after_s = 60
# Class sharing (aggregator and student side). Each message says what happened and what to do.


class ClassNotFound(FootprintError):
    """An unknown class id or join code."""

    status = 404


class TeacherKeyWrong(FootprintError):
    status = 401


class JoinCodeExpired(FootprintError):
    status = 410


class ClassFull(FootprintError):
    status = 409


class JoiningClosed(FootprintError):
    """The teacher closed joining: members stay, no one new gets in."""

    status = 409


class PeriodNotClosed(FootprintError):
    """A submission before the period has closed on the aggregator's clock: try later."""

    status = 425


class SubmissionRefused(FootprintError):
    """A well-formed submission the aggregator will not count (duplicate, period not open)."""

    status = 409


class TooManyRequests(FootprintError):
    """A client asked too often; `retry_after_s` seconds until it may again (Retry-After)."""

    status = 429

    def __init__(self, key: str, /, retry_after_s: int, **params: object):
        super().__init__(key, field="", **params)
        self.retry_after_s = retry_after_s


class SharingFailed(FootprintError):
    """The aggregator could not be reached or refused; `retry` says whether trying later helps.
    `status` is the aggregator's answer (502 when there was none)."""

    status = 502

    def __init__(self, key: str, /, status: int = 502, retry: bool = True, **params: object):
        super().__init__(key, field="", **params)
        self.status = status
        self.retry = retry


def field_path(location: Iterable[str | int]) -> str:
    """pydantic's ('events', 3, 'ts') as events[3].ts."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def invalid_input(error: ValidationError, prefix: tuple = ()) -> InvalidInput:
    """The first problem of a validation error, as one sentence naming the field.

    pydantic's wording is English only, so the sentence comes from the catalogue by the
    problem's type (`missing`, `int_type`, ... or a validator's PydanticCustomError type),
    with pydantic's context (`ge`, `max_length`, `expected`...) as its values. A type the
    catalogue lacks still names the field, with pydantic's own words in brackets."""
    problem = error.errors()[0]
    field = field_path(prefix + tuple(problem["loc"]))
    key = f"invalid_{problem['type']}"
    values: dict[str, object] = {  # "at least 1", not "1.0"
        name: str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        for name, value in (problem.get("ctx") or {}).items()}
    if key == "invalid_string_too_short" and values.get("min_length") == "1":
        key = "invalid_string_empty"  # not 'at least 1 characters'
    if key not in TEXT.messages:
        key, values = "invalid_other", {"detail": problem["msg"].rstrip(".")}
    if "expected" in values:  # pydantic's "'a', 'b' or 'c'", with "or" in the user's language
        *first, last = re.split(r", | or ", str(values["expected"]))
        values["expected"] = Phrase("either", first=", ".join(first), last=last) if first else last
    return InvalidInput(key, field=field, **values)


def validated(model: type[Model], value: object) -> Model:
    """`value` as a `model`, or InvalidInput naming the first wrong field."""
    try:
        return model.model_validate(value)
    except ValidationError as error:
        raise invalid_input(error) from None
