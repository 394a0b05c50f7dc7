"""Daemon-side settings (stored in the database) and the profile/location in force.

Precedence for the factors used in a summary: a query override (the dashboard's
selector), then the stored settings, then the config file, then the table's default.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, ValidationError

from ...core.errors import InvalidInput, invalid_input
from ...core.i18n import LANGS
from ...model.events import ACTIVITY_LABELS
from ...model.factors import FactorTable
from ..config import Config
from ..store.events import Store


class Settings(BaseModel):
    """Every field optional: a PUT changes only the fields it names."""

    model_config = ConfigDict(extra="forbid")

    profile: StrictStr | None = None
    location: StrictStr | None = None
    lang: Literal["nl", "en"] | None = None
    role: Literal["student", "teacher"] | None = None
    paused: StrictBool | None = None
    label: Literal[ACTIVITY_LABELS] | None = None  # type: ignore[valid-type]


# The settings every client (popup, tray, dashboard) reads and changes: the daemon keeps
# when each last changed, so an extension that changed one while the daemon was down can
# tell whose change is later when it reconnects (docs/extension.md, "One pause").
SHARED = ("paused", "label")


def changed_now() -> str:
    """The time of a change as the API gives it: UTC, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def parse_settings(body: object, table: FactorTable) -> dict:
    """The fields a PUT sets (None clears a field), checked against the factor table."""
    try:
        settings = Settings.model_validate(body)
    except ValidationError as error:
        raise invalid_input(error) from None
    values = settings.model_dump(include=settings.model_fields_set)
    check_choice(table, values.get("profile"), values.get("location"))
    return values


def check_choice(table: FactorTable, profile: str | None, location: str | None) -> None:
    """InvalidInput naming the field when a profile or location is not in the table."""
    if profile is not None and profile not in table.profiles:
        raise InvalidInput("profile_unknown", field="profile", name=profile,
                           known=", ".join(table.profiles))
    if location is not None and location.upper() not in table.locations:
        raise InvalidInput("location_unknown", field="location", name=location,
                           known=", ".join(table.locations))


def in_force(
    table: FactorTable,
    config: Config,
    stored: dict,
    profile: str | None = None,
    location: str | None = None,
) -> tuple[str, str]:
    """The (profile, location) names a summary uses, by the precedence above."""
    check_choice(table, profile, location)
    profile = profile or stored.get("profile") or config.profile or table.defaults.profile
    location = location or stored.get("location") or config.location or table.defaults.location
    return profile, location.upper()


def settings_in_force(store: Store, table: FactorTable, config: Config) -> dict:
    """Every setting with the value in force (stored, else the config's or a default)."""
    stored = store.get_settings()
    profile, location = in_force(table, config, stored)
    return {
        "profile": profile,
        "location": location,
        "lang": stored.get("lang") or config.lang,
        # False until the user picks a language: the dashboard then follows the browser's.
        "lang_saved": stored.get("lang") is not None,
        "role": stored.get("role"),
        "paused": bool(stored.get("paused")),
        "label": stored.get("label"),
        **{f"{name}_changed_at": stored.get(f"{name}_changed_at") for name in SHARED},
        "labels": list(ACTIVITY_LABELS),
    }


def change_settings(store: Store, table: FactorTable, config: Config, values: dict) -> dict:
    """Store the settings a PUT names (parse_settings); every setting in force after it.

    A shared setting's change time moves only when its value does, so a client repeating
    the value it read does not make its copy look newer than another client's change.
    """
    stored, now = store.get_settings(), changed_now()
    times = {f"{name}_changed_at": now for name in SHARED
             if name in values and (values[name] or None) != (stored.get(name) or None)}
    store.put_settings({**values, **times})
    return settings_in_force(store, table, config)


def page_language(store: Store, config: Config, asked: str | None,
                  browser: str | None) -> str:
    """A page's language: ?lang= when it is nl or en, else the user's choice, else the
    browser's (Accept-Language), else the system's."""
    if asked is not None and asked in LANGS:
        return asked
    return store.get_settings().get("lang") or browser or config.lang
