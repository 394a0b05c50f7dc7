"""Replica of app.leonardo.ai and its API host api.leonardo.ai: every call is a GraphQL POST to
https://api.leonardo.ai/v1/graphql (cross-origin, with CORS): mutation Generate (an image
model with parameters.quantity, or a video model such as kling-3.0 or Seedance whose
parameters carry a duration), the legacy CreateSDGenerationJob (arg1.num_images), and the
GetAIGenerationFeed polling after each, which must not count; a Generate refused with a
GraphQL error answered 200 must not count either. Shapes: tests/extension/fixtures/leonardo/
(generate, legacy-create-job, video-model, feed-polling-not-counted,
graphql-error-not-counted)."""

from __future__ import annotations

import uuid

from aiohttp import web

from .common import STATE, ReplicaState, create_site_app, page_route

HOSTS = ("app.leonardo.ai", "api.leonardo.ai")
PAGE = "leonardo.html"


async def graphql(request: web.Request) -> web.Response:
    body = await request.json()
    state = request.app[STATE]
    operation = body.get("operationName")
    state.note(request, operation)
    if operation == "GetAIGenerationFeed":
        return web.json_response({"data": {"generations": [
            {"id": str(uuid.uuid4()), "status": "COMPLETE"}]}})
    if state.take_answer("leonardo") == "errors":
        state.note(request, "errors")
        return web.json_response({"errors": [{"message": "not enough tokens"}], "data": None})
    generation = {"generationId": str(uuid.uuid4())}
    if operation == "CreateSDGenerationJob":
        return web.json_response({"data": {"sdGenerationJob": generation}})
    return web.json_response({"data": {"generate": generation}})


def create_app(state: ReplicaState) -> web.Application:
    return create_site_app(state, [
        page_route(PAGE),
        web.post("/v1/graphql", graphql),
    ])
