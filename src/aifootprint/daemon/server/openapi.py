"""The OpenAPI 3.1 description served at /api/v1/openapi.json.

Request schemas come from the pydantic models (events.EventBatch, settings.Settings),
so the description cannot drift from what the daemon validates; the bounds are in them.
"""

from __future__ import annotations

from ... import __version__
from ...model.events import MAX_BATCH, MAX_BODY_BYTES, EventBatch
from ...model.scenario import ScenarioInputs
from ..services.exchange import FORMAT_NAME, MAX_IMPORT_BYTES
from ..services.reports import MAX_PERIOD_DAYS
from ..services.settings import Settings
from . import sharing

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["message", "field"], "properties": {
        "message": {"type": "string"}, "field": {"type": "string"}}}},
}
RANGE = {"type": "object", "properties": {"low": {"type": "number"}, "high": {"type": "number"}}}
GROUP = {"type": "object", "required": ["name", "prompts", "images", "energy_wh"], "properties": {
    "name": {"type": "string"}, "prompts": {"type": "integer"}, "images": {"type": "integer"},
    "energy_wh": {"type": "number"}, "co2_g": {"type": "number"}, "water_ml": {"type": "number"},
}}
SUMMARY = {
    "type": "object",
    "required": ["date", "prompts", "images", "energy_wh", "co2_g", "water_ml", "range", "sites",
                 "labels", "equivalents"],
    "properties": {
        "date": {"type": "string", "format": "date"},
        "profile": {"type": "string"}, "location": {"type": "string"},
        "prompts": {"type": "integer"}, "images": {"type": "integer"},
        "energy_wh": {"type": "number"}, "co2_g": {"type": "number"},
        "water_ml": {"type": "number"},
        "range": {"type": "object", "properties": {
            "energy_wh": RANGE, "co2_g": RANGE, "water_ml": RANGE}},
        "equivalents": {"type": "array", "items": {"type": "object"}},
        "sites": {"type": "array", "items": GROUP},
        "labels": {"type": "array", "items": GROUP, "description": "'' is: no label"},
    },
}
DATE = {"type": "string", "format": "date"}
CHOICE = [
    {"name": "profile", "in": "query", "schema": {"type": "string"},
     "description": "Override the factor profile in force (e.g. report, google-2025)."},
    {"name": "location", "in": "query", "schema": {"type": "string"},
     "description": "Override the location in force (NL, FR, US, EU, WORLD)."},
]


def _errors(*statuses: int) -> dict:
    reasons = {400: "Not JSON", 401: "No or wrong token", 403: "A web page's Origin or a "
               "foreign Host", 413: f"Body over {MAX_BODY_BYTES} bytes", 415: "Not JSON",
               422: "Invalid; error.field names the field, e.g. events[3].ts",
               502: "The class aggregator cannot be reached or refused", 503: "Busy; retry "
               "after a second"}
    return {str(s): {"description": reasons[s], "content": {"application/json": {"schema": ERROR}}}
            for s in statuses}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_description() -> dict:
    batch = EventBatch.model_json_schema(ref_template="#/components/schemas/{model}")
    settings = Settings.model_json_schema()
    schemas = batch.pop("$defs", {})
    schemas["EventBatch"] = batch
    schemas["Settings"] = settings
    ref = {"$ref": "#/components/schemas/EventBatch"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "AI Footprint daemon", "version": __version__, "description": (
            f"Local API on 127.0.0.1. Bearer token on everything but GET /health. Bounds: at "
            f"most {MAX_BATCH} events a batch, count 1-1000, strings up to 200 characters "
            f"(site up to 253, a host name), body up to {MAX_BODY_BYTES} bytes, ts from "
            f"2020-01-01 to 24 h ahead, a period of at most {MAX_PERIOD_DAYS} days.")},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}],
        "paths": {
            "/health": {"get": {"security": [], "responses": {"200": _json({
                "type": "object", "properties": {"status": {"const": "ok"},
                                                 "version": {"type": "string"}}})}}},
            "/events": {"post": {
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": ref}}},
                "responses": {"200": _json({"type": "object", "properties": {
                    "accepted": {"type": "integer"}, "duplicates": {"type": "integer"},
                    "paused": {"type": "boolean"}}}),
                    **_errors(400, 401, 403, 413, 415, 422, 503)}}},
            "/import": {"post": {
                "description": "An export document (what GET /export gives), validated whole "
                             f"and stored in one transaction; a body of up to "
                             f"{MAX_IMPORT_BYTES} bytes. Events already stored are skipped.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["format", "events"], "properties": {
                        "format": {"const": FORMAT_NAME}, "version": {"type": "integer"},
                        "events": {"type": "array", "items": {
                            "$ref": "#/components/schemas/Event"}}}}}}},
                "responses": {"200": _json({"type": "object", "properties": {
                    "imported": {"type": "integer"}, "duplicates": {"type": "integer"}}}),
                    **_errors(400, 401, 403, 413, 415, 422, 503)}}},
            "/summary": {"get": {
                "parameters": [{"name": "date", "in": "query", "schema": DATE}, *CHOICE],
                "responses": {"200": _json(SUMMARY), **_errors(401, 403, 422)}}},
            "/days": {"get": {
                "parameters": [{"name": "from", "in": "query", "schema": DATE},
                               {"name": "to", "in": "query", "schema": DATE}, *CHOICE],
                "responses": {"200": _json({"type": "array", "items": SUMMARY}),
                              **_errors(401, 403, 422)}}},
            "/factors": {"get": {"parameters": CHOICE, "responses": {"200": _json({
                "type": "object", "properties": {"profile": {"type": "string"},
                                                 "location": {"type": "string"},
                                                 "table": {"type": "object"}}}),
                **_errors(401, 403, 422)}}},
            "/settings": {
                "get": {"responses": {"200": _json({"type": "object"}), **_errors(401, 403)}},
                "put": {"requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Settings"}}}},
                    "responses": {"200": _json({"type": "object"}),
                                  **_errors(400, 401, 403, 413, 415, 422, 503)}}},
            **dashboard_paths(),
            **sharing.openapi_paths(_errors, _json),
        },
    }


def dashboard_paths() -> dict:
    """The routes the dashboard uses beyond the contract (dashboard.py)."""
    scenario = ScenarioInputs.model_json_schema()
    return {
        "/scenario": {"post": {
            "description": "The school-day scenario (the model of `aifootprint scenario`); "
                           "every input optional, {} gives the report's.",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": scenario}}},
            "responses": {"200": _json({"type": "object", "required": ["inputs", "levels"]}),
                          **_errors(400, 401, 403, 415, 422)}}},
        "/export": {"get": {
            "parameters": [{"name": "format", "in": "query",
                            "schema": {"enum": ["json", "csv"], "default": "json"}}],
            "responses": {"200": {"description": "Every stored event, as a download (the "
                                                 "files of `aifootprint export`)",
                                  "content": {"application/json": {}, "text/csv": {}}},
                          **_errors(401, 403, 422)}}},
        "/forget": {"post": {
            "description": 'Delete stored events: {"all": true} or {"before": "YYYY-MM-DD"}.',
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "oneOf": [
                    {"type": "object", "required": ["all"], "properties": {
                        "all": {"const": True}}, "additionalProperties": False},
                    {"type": "object", "required": ["before"], "properties": {
                        "before": DATE}, "additionalProperties": False},
                ]}}}},
            "responses": {"200": _json({"type": "object", "properties": {
                "deleted": {"type": "integer"}}}), **_errors(400, 401, 403, 415, 422)}}},
    }
