"""The OpenAPI 3.1 description served at /api/v1/openapi.json, built from the routes table.

Each route's request and answer schemas come from its pydantic models (routes.py), so the
description cannot drift from what the daemon validates and sends; the bounds are in them.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel

from ... import __version__
from ...model.events import MAX_BATCH, MAX_BODY_BYTES
from ..services.reports import MAX_PERIOD_DAYS
from .routes import ROUTES, Route
from .security import PUBLIC

REF = "#/components/schemas/{model}"
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["message", "field"], "properties": {
        "message": {"type": "string"}, "field": {"type": "string"}}}},
}
REASONS = {
    400: "Not JSON", 401: "No or wrong token",
    403: "A web page's Origin, a foreign Host, or a credential too weak for the route",
    413: f"Body over {MAX_BODY_BYTES} bytes", 415: "Not JSON",
    422: "Invalid; error.field names the field, e.g. events[3].ts",
    502: "The class aggregator cannot be reached or refused",
    503: "Busy, or the disk is full; retry after Retry-After seconds",
}
WITH_TOKEN = (401, 403)
WITH_BODY = (400, 413, 415, 422)


def _schema(model: type[BaseModel], schemas: dict, mode: str) -> dict:
    """A $ref to the model, with the model and what it refers to added to `schemas`."""
    schema = model.model_json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _errors(route: Route) -> dict:
    statuses = {*route.errors}
    if route.access != PUBLIC:
        statuses |= {*WITH_TOKEN}
    if route.body or route.query:
        statuses |= {422}
    if route.body:
        statuses |= {*WITH_BODY}
    return {str(status): {"description": REASONS[status],
                          "content": {"application/json": {"schema": ERROR}}}
            for status in sorted(statuses)}


def _operation(route: Route, schemas: dict) -> dict:
    if route.download:
        ok = {"description": "A file", "content": {kind: {} for kind in route.download}}
    elif route.answer:
        answer = _schema(route.answer, schemas, "serialization")
        if route.path == "/days":
            answer = {"type": "array", "items": answer}
        ok = {"description": "OK", "content": {"application/json": {"schema": answer}}}
    else:
        ok = {"description": "OK"}
    operation: dict = {"summary": route.summary, "responses": {"200": ok, **_errors(route)}}
    if route.query:
        operation["parameters"] = [
            {"name": name, "in": "query", "schema": schema, "description": description}
            for name, schema, description in route.query]
    if route.body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": _schema(route.body, schemas, "validation")}}}
    if route.access == PUBLIC:
        operation["security"] = []
    else:
        operation["x-credential"] = route.access  # the extension's token or the owner's
    return operation


@cache
def openapi_description() -> dict:
    """Every /api/v1 route but this description itself."""
    schemas: dict = {}
    paths: dict = {}
    for route in ROUTES:
        if route.api and route.path != "/openapi.json":
            paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "AI Footprint daemon", "version": __version__, "description": (
            f"Local API on 127.0.0.1. Bearer token on everything but GET /health: the owner's "
            f"(or the dashboard's session cookie) on every route, the browser extension's on "
            f"those whose x-credential is 'extension'. Bounds: at "
            f"most {MAX_BATCH} events a batch, count 1-1000, strings up to 200 characters "
            f"(site up to 253, a host name), body up to {MAX_BODY_BYTES} bytes, ts from "
            f"2020-01-01 to 24 h ahead, a period of at most {MAX_PERIOD_DAYS} days. "
            "The outside contract is docs/api.md.")},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}],
        "paths": paths,
    }
