"""Domain exceptions, and the one way a pydantic validation error becomes one.

Each message is one sentence a user can act on.

The API's error middleware turns these into one JSON shape; the CLI prints the
sentence to stderr and exits non-zero. Nothing below the handlers raises HTTP errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


class FootprintError(Exception):
    """Base class: a problem the user can fix; str(error) says how."""

    status = 400  # the HTTP status the API answers with


class FactorTableError(FootprintError):
    """shared_factors.json is missing, malformed or references something unknown."""

    status = 500


class ConfigError(FootprintError):
    """A setting, flag or config file value is wrong."""


class InvalidInput(FootprintError):
    """Input that fails validation; `field` names where (for example events[3].ts)."""

    status = 422

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class DatabaseError(FootprintError):
    """The database cannot be used as it is (for example, written by a newer version)."""

    status = 500


class DaemonNotRunning(FootprintError):
    """A command that needs the running daemon could not reach it."""


class DaemonRefused(FootprintError):
    """The running daemon answered the CLI with an error: its message, status and field."""

    def __init__(self, message: str, status: int, field: str = ""):
        super().__init__(message)
        self.status = status
        self.field = field


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

    def __init__(self, message: str, retry_after_s: int):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class SharingFailed(FootprintError):
    """The aggregator could not be reached or refused; `retry` says whether trying later helps.
    `status` is the aggregator's answer (502 when there was none)."""

    status = 502

    def __init__(self, message: str, status: int = 502, retry: bool = True):
        super().__init__(message)
        self.status = status
        self.retry = retry


def field_path(location: Iterable[str | int]) -> str:
    """pydantic's ('events', 3, 'ts') as events[3].ts."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def invalid_input(error: ValidationError, prefix: tuple = ()) -> InvalidInput:
    """The first problem of a validation error, as one sentence naming the field."""
    problem = error.errors()[0]
    field = field_path(prefix + tuple(problem["loc"]))
    message = problem["msg"].removeprefix("Value error, ").rstrip(".")
    return InvalidInput(f"{field or 'The body'}: {message}.", field=field)


def validated(model: type[Model], value: object) -> Model:
    """`value` as a `model`, or InvalidInput naming the first wrong field."""
    try:
        return model.model_validate(value)
    except ValidationError as error:
        raise invalid_input(error) from None
