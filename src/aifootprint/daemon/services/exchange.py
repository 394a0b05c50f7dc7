"""Export and import: the user's events as JSON or CSV, and back.

An export holds the raw events (never impacts). Import validates the WHOLE document
with the same Event model as the API before storing anything, then stores it in one
transaction: a malformed file changes nothing; events already present are skipped. The
CLI reads a file (JSON, or CSV made into the same document) and hands the document to
the running daemon (POST /api/v1/import), or stores it itself when none runs.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from ...core.errors import InvalidInput, Phrase, invalid_input
from ...model.events import Event, event_row
from ..store.backups import forget_backups
from ..store.events import EVENT_COLUMNS, Store

FORMAT_NAME = "aifootprint-export"
FORMAT_VERSION = 1
# The largest export document the daemon takes in one request: about 140,000 events,
# years of heavy use, parsed and validated in memory at once. Larger files are imported
# with the daemon stopped.
MAX_IMPORT_BYTES = 32 * 1024 * 1024


def export_json(events: Iterable[dict], out: TextIO) -> int:
    """Write {"format", "version", "exported_at", "events": [...]}, one event a line."""
    out.write(json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION,
                          "exported_at": datetime.now(UTC).isoformat(timespec="seconds")})[:-1])
    out.write(', "events": [')
    written = 0
    for event in events:
        out.write(("," if written else "") + "\n" + json.dumps(event, ensure_ascii=False))
        written += 1
    out.write("\n]}\n")
    return written


def export_csv(events: Iterable[dict], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=EVENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    written = 0
    for event in events:
        writer.writerow({**event, "regenerated": "true" if event["regenerated"] else "false",
                         **{field: _as_text(event[field]) for field in TEXT_FIELDS}})
        written += 1
    return written


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection):
# such a model name or label is written with a leading apostrophe, and read back without.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_FIELDS = ("model", "label")


def _as_text(value: str | None) -> str | None:
    return f"'{value}" if value and value.startswith(FORMULA_STARTS) else value


def _from_text(value: str | None) -> str | None:
    if value and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value or None


def export_text(store: Store, fmt: str) -> str:
    """Every stored event as the text of an export file (json or csv)."""
    if fmt not in ("json", "csv"):
        raise InvalidInput("export_format", field="format", format=fmt)
    out = io.StringIO()
    (export_json if fmt == "json" else export_csv)(store.export_events(), out)
    return out.getvalue()


def forget_events(store: Store, before: date | None) -> int:
    """Delete every event (before=None) or those of local days before `before`, and every
    backup: a backup would still hold them."""
    removed = store.forget(before)
    forget_backups(store.path)
    return removed


def import_rows(store: Store, rows: list[dict]) -> tuple[int, int]:
    """(imported, duplicates skipped) of rows from export_rows, in one transaction."""
    return store.add_events(rows)


def load_export(path: Path) -> object:
    """An export file as the document to import: a JSON export as it is, a CSV export as
    the JSON one it came from (InvalidInput if it is neither)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput("file_unreadable", path=path, error=error) from None
    if not text.lstrip().startswith("{"):
        return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "events": _csv_items(text)}
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput("file_not_json", path=path, error=error) from None


THE_DOCUMENT = Phrase("the_document")


def export_rows(document: object, source: Phrase = THE_DOCUMENT) -> list[dict]:
    """Every event of an export document as a stored row; InvalidInput naming the first
    problem (source says what the document is: "The file x.json")."""
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise InvalidInput("export_not_ours", source=source)
    if not isinstance(document.get("events"), list):
        raise InvalidInput("export_no_events", field="events", source=source)
    now = datetime.now(UTC)
    rows = []
    for index, item in enumerate(document["events"]):
        try:
            event = Event.model_validate(item)
        except ValidationError as error:
            problem = invalid_input(error, ("events", index))
            raise InvalidInput("export_invalid", field=problem.field, source=source,
                               problem=problem) from None
        rows.append(event_row(event, _received_at(item, now)))
    return rows


def import_file(store: Store, path: Path) -> tuple[int, int]:
    """(imported, duplicates skipped) after storing a whole export in one transaction."""
    return store.add_events(export_rows(load_export(path), Phrase("the_file", path=path)))


def _csv_items(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"id", "ts", "site", "kind", "count"} <= set(
        reader.fieldnames
    ):
        raise InvalidInput("export_neither")
    return [{
        **row,
        "count": int(row["count"]) if (row.get("count") or "").isdigit() else row["count"],
        "model": _from_text(row.get("model")),
        "label": _from_text(row.get("label")),
        "regenerated": (row.get("regenerated") or "false").lower() in ("true", "1"),
        "seconds": _number(row.get("seconds")),
    } for row in reader]


def _number(text: str | None) -> float | str | None:
    """A CSV cell as a number; '' is none; anything else stays text for the Event to refuse."""
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _received_at(item: object, default: datetime) -> datetime:
    """Keep the original receipt time of an exported event, so an export round-trips."""
    value = item.get("received_at") if isinstance(item, dict) else None
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else default
    except ValueError:
        return default
