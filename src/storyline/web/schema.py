"""The OpenAPI document as the server behaves, for the API, the pages, /healthz and /metrics: every
error each route can answer (400 where FastAPI would say 422, 404, 301, 401, 403, 413, 503) with the
one error body they share, the POST body and its bearer token, and page sizes bounded by this
server's settings. `tests/test_openapi.py` runs
schemathesis over every route against it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from ..analysis.corrections import FIELDS, KINDS


class ErrorDetail(BaseModel):
    status: int
    message: str


class ErrorBody(BaseModel):
    """Every 4xx and 503 answer of the API: {"error": {"status": 404, "message": "no story with id 's1'"}}."""

    error: ErrorDetail


Responses = dict[int | str, dict[str, Any]]  # FastAPI's `responses`: status -> OpenAPI answer


def error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# Answers every API route can give, and those only some can.
COMMON: Responses = {400: error("a bad parameter, cursor or body"),
          503: error("the store cannot be read (damaged, or its server gone)")}
MISSING: Responses = {404: error("no item with this id")}
MOVED: Responses = {301: {"description": "the story was merged into another: Location names it"}}
WRITING: Responses = {401: error("missing or wrong bearer token"), 403: error("the server is read-only (no STORYLINE_TOKEN)"),
           413: error("the body is over the size limit")}

PRINTED = {"type": "string", "pattern": "[^\\s\\u0000-\\u001f\\u007f]"}  # more than spaces and controls
# The web app's pages answer in HTML, errors too.
def page_error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


PAGE_COMMON: Responses = {400: page_error("a bad parameter or cursor"), 503: page_error("the store cannot be read")}
PAGE_MISSING: Responses = {404: page_error("no item with this id")}


class Unavailable(BaseModel):
    """/healthz when the store does not answer what the pages ask of it."""

    status: str
    reason: str


HEALTH: Responses = {503: {"model": Unavailable, "description": "the store does not answer"}}
DOSSIER = {"description": "the story as a file (Content-Disposition: attachment)",
           "content": {media: {"schema": {"type": "string"}} for media in ("text/html", "text/markdown")}
           | {"application/json": {"schema": {"type": "object"}}}}
METRICS: Responses = {200: {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}}

ARTICLE_RECORD = {
    "type": "object",
    "description": "one report, as a line of the .jsonl input: its text, or the html of a page with an "
                   "article body (a page without one is listed under failures)",
    "properties": {"text": PRINTED, "html": PRINTED,
                   **{name: {"type": "string"} for name in ("title", "url", "published", "outlet", "language")}},
    "anyOf": [{"required": ["text"]}, {"required": ["html"]}],
}
POST_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"oneOf": [
        ARTICLE_RECORD, {"type": "array", "items": ARTICLE_RECORD, "minItems": 1}]}}},
}

CORRECTION_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["kind", "story_id"], "additionalProperties": False,
        "description": "rename: title · speaker: quote_id, speaker (null removes it) · dispute: a, b (statement "
                       "ids) · event: article_id, event_id · move: article_id, to_story · split: article_ids · "
                       "merge: into_story · apart: entity_id, name (one of the entity's names, kept apart from it)",
        "properties": {"kind": {"enum": list(KINDS)}, "story_id": {"type": "string"}, "author": PRINTED,
                       **{name: {"type": "string"} for name in FIELDS if name not in ("speaker", "article_ids")},
                       "speaker": {"type": ["string", "null"]},
                       "article_ids": {"type": "array", "items": {"type": "string"}, "minItems": 1}}}}},
}


def openapi_document(app: FastAPI, max_page_size: int) -> dict[str, Any]:
    """FastAPI's document without the 422 it never sends (validation errors answer 400), with `limit`
    bounded as the server bounds it."""
    document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for path in document["paths"].values():
        for operation in path.values():
            operation["responses"].pop("422", None)
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "limit":
                    parameter["schema"] = {**_without_null(parameter["schema"]), "maximum": max_page_size}
    document.setdefault("components", {})["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "STORYLINE_TOKEN, needed to write"}}
    schemas = document["components"].get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [integer, null]` as the integer it is: an empty `limit=` is no null."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    return {**{k: v for k, v in schema.items() if k != "anyOf"}, **options[0]}
