"""JSON API under /api: stories (search and filters), one story, articles, entities, and
POST /api/articles to ingest with the same pipeline as the CLI."""

from __future__ import annotations

import hmac
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from .. import config
from ..analysis.corrections import FIELDS, CorrectionError, NothingThere
from ..api import IngestReport, Storyline
from ..models import Failure
from . import views, workers
from .schema import COMMON, CORRECTION_BODY, DOSSIER, MISSING, MOVED, POST_BODY, WRITING
from .settings import Settings

router = APIRouter(prefix="/api", tags=["api"], responses=COMMON)
Limit = Query(None, ge=1, description="items per page (default and most: the web.page_size and "
                                       "web.max_page_size settings)")
# A cursor is a token this server issued (the last item's sort key), named by its own format in the schema.
StoryCursor = Query(None, description="next_cursor from the previous page", json_schema_extra={"format": "story-cursor"})
Since = Query(None, description="stories with an article on or after YYYY-MM-DD", json_schema_extra={"format": "date"})
Until = Query(None, description="stories with an article on or before YYYY-MM-DD", json_schema_extra={"format": "date"})
RowCursor = Query(None, description="next_cursor from the previous page", json_schema_extra={"format": "row-cursor"})


def session(request: Request) -> Iterator[Storyline]:
    """One read-only session per request, under the server's settings (writes go through the ingest worker)."""
    settings: Settings = request.app.state.settings
    news = Storyline(settings.db_path, settings.pipeline, read_only=True)
    try:
        yield news
    finally:
        news.close()


def page_limit(request: Request, limit: int | None = Limit) -> int:
    """The page size asked for, within the server's settings."""
    web = request.app.state.settings.pipeline.web
    if limit is None:
        return web.page_size
    if limit > web.max_page_size:
        raise HTTPException(400, f"limit: at most {web.max_page_size} items per page")
    return limit


def not_found(kind: str, item_id: str) -> HTTPException:
    return HTTPException(404, f"no {kind} with id {item_id!r}")


@router.get("/stories")
def list_stories(news: Storyline = Depends(session),
                 q: str | None = Query(None, description="full-text search over the stories' articles"),
                 since: str | None = Since, until: str | None = Until,
                 outlet: str | None = None, entity: str | None = Query(None, description="a name or alias"),
                 language: str | None = Query(None, description="stories with an article in this language (ISO code)"),
                 cursor: str | None = StoryCursor, limit: int = Depends(page_limit)) -> dict:
    """Stories, newest first; every filter narrows the list. With q, each story says why it matched:
    its best-matching article and a passage with the query's words at `highlights`."""
    page = views.list_stories(news, views.story_filter(q, since, until, outlet, entity, language), cursor, limit)
    return {"items": [views.story_row_json(r) for r in page.items], "next_cursor": page.next_cursor}


@router.get("/stories/{story_id}", responses={**MISSING, **MOVED})
def get_story(request: Request, story_id: str, news: Storyline = Depends(session)) -> dict:
    """One story: summary, events, timeline, quotes, claims, relations, entities, its articles."""
    detail = views.story_detail(news, story_id)
    if detail is None:
        raise views.moved_or_missing(news, story_id, request)
    return views.story_json(detail)


DOSSIER_TYPES = {"html": "text/html; charset=utf-8", "markdown": "text/markdown; charset=utf-8",
                 "json": "application/json"}
DOSSIER_SUFFIX = {"html": "html", "markdown": "md", "json": "json"}


@router.get("/stories/{story_id}/dossier", responses={**MISSING, **MOVED, 200: DOSSIER},
            response_class=Response)
def get_dossier(request: Request, story_id: str, news: Storyline = Depends(session),
                format: Literal["html", "markdown", "json"] = Query("html", description="html | markdown | json")
                ) -> Response:
    """One story alone, self-contained, as a file to hand on: phases, coverage, disputes, quotes,
    figures, timeline and sources (json: the story's part of the full export)."""
    try:
        text = news.export(format, story_id)
    except KeyError:
        raise views.moved_or_missing(news, story_id, request) from None
    name = f"storyline-{story_id}.{DOSSIER_SUFFIX[format]}"
    return Response(text, media_type=DOSSIER_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/articles")
def list_articles(news: Storyline = Depends(session), story: str | None = None,
                  cursor: str | None = RowCursor, limit: int = Depends(page_limit)) -> dict:
    """Articles with their clean text, in ingest order; optionally one story's."""
    rows, next_cursor = views.one_page(news.article_page(story, _after_rowid(cursor), limit + 1), limit,
                                       lambda row: (row[0],))
    return {"items": [views.article_json(a) for _, a in rows], "next_cursor": next_cursor}


@router.get("/articles/{article_id}", responses=MISSING)
def get_article(article_id: str, news: Storyline = Depends(session)) -> dict:
    """One article: clean text, its sentences (as citations count them), event and story."""
    found = news.article(article_id)
    if found is None:
        raise not_found("article", article_id)
    return {**views.article_json(found), "sentences": news.article_sentences(article_id)}


ClaimText = Query(..., min_length=1, max_length=2000, description="the claim, as a sentence")


@router.get("/check")
async def check_claim(request: Request, claim: str = ClaimText) -> dict:
    """Every report bearing on the claim: agree, disagree or discuss, the deciding sentence, how sure."""
    try:
        return views.claim_check_json(await workers.check_claim(request.app.state.settings, claim))
    except ValueError as exc:  # a claim over checking.claim_chars
        raise views.BadRequest(str(exc)) from None


@router.get("/entities")
def list_entities(news: Storyline = Depends(session),
                  q: str | None = Query(None, description="part of a name or alias"),
                  cursor: str | None = RowCursor, limit: int = Depends(page_limit)) -> dict:
    """People, organisations and places, each with its aliases and story."""
    rows, next_cursor = views.one_page(news.entity_page(q, _after_rowid(cursor), limit + 1), limit,
                                       lambda row: (row[0],))
    return {"items": [views.entity_json(e, s) for _, e, s in rows], "next_cursor": next_cursor}


def _after_rowid(cursor: str | None) -> int:
    after = views.decode_cursor(cursor, (int,))
    return after[0] if after else 0


@router.get("/entities/{entity_id}", responses=MISSING)
def get_entity(entity_id: str, news: Storyline = Depends(session)) -> dict:
    """One entity, its aliases, and the same name in other stories."""
    found = news.entity(entity_id)
    if found is None:
        raise not_found("entity", entity_id)
    entity, story_id = found
    return views.entity_json(entity, story_id, news.entities_named([entity.name, *entity.aliases]))


@router.post("/articles", status_code=201, responses=WRITING,
             openapi_extra={"requestBody": POST_BODY, "security": [{"bearer": []}]})
async def post_articles(request: Request) -> JSONResponse:
    """Ingest one article (a JSON object as in the ingest JSONL format) or a list of them.

    Needs `Authorization: Bearer <STORYLINE_TOKEN>`. Records that cannot be read are listed
    under `failures` (named "POST <request> record <n>") and recorded in the store; the others
    are ingested. Parsing and ingesting run in a worker process, one request at a time, so a
    hostile body never stalls the server's other requests.
    """
    settings: Settings = request.app.state.settings
    _authorise(request, settings)
    body = await _read_limited(request, settings.body_limit)
    label = f"POST {datetime.now(UTC):%Y-%m-%dT%H:%M:%S} {uuid.uuid4().hex[:8]}"
    status, payload = await workers.in_writer(settings, ingest_posted, settings.db_path, settings.pipeline, body, label)
    if status != 201:
        raise HTTPException(status, payload)
    request.app.state.metrics.record_ingest(payload["new"], payload.pop("stage_seconds"))
    return JSONResponse(payload, status_code=201)


def ingest_posted(db_path: str, pipeline: config.Settings, body: bytes, label: str) -> tuple[int, dict | str]:
    """Runs in the ingest worker: (201, report) or (400, why)."""
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return 400, f"body is not JSON: {type(exc).__name__}: {str(exc)[:200]}"
    records = parsed if isinstance(parsed, list) else [parsed]
    if not records:
        return 400, "body is an empty list: send an article object or a list of them"
    with Storyline(db_path, pipeline) as session:
        documents = session.read_records(records, label)
        report: IngestReport = session.ingest(documents)  # records every failure, also when all fail
    if all(isinstance(d, Failure) for d in documents):
        return 400, "no readable article: " + "; ".join(f"{f.source}: {f.reason}" for f in report.failures)
    return 201, {"new": report.new, "already_stored": report.duplicates,
                 "syndicated_copies": report.near_duplicates, "stories": sorted(report.stories_touched),
                 "failures": [{"source": f.source, "reason": f.reason} for f in report.failures],
                 "stage_seconds": dict(report.stage_seconds)}


@router.get("/stories/{story_id}/corrections", responses={**MISSING, **MOVED})
def list_corrections(request: Request, story_id: str, news: Storyline = Depends(session)) -> dict:
    """The readers' corrections naming this story, in the order made (undone ones too), each saying
    whether the story shows it."""
    detail = views.story_detail(news, story_id)
    if detail is None:
        raise views.moved_or_missing(news, story_id, request)
    return {"items": [views.correction_json(c) for c in detail.corrections]}


@router.post("/corrections", status_code=201, responses={**WRITING, **MISSING},
             openapi_extra={"requestBody": CORRECTION_BODY, "security": [{"bearer": []}]})
async def post_correction(request: Request) -> JSONResponse:
    """Correct the machine: rename a story, fix or remove a quote's speaker, mark a dispute wrong,
    move a report to another event or story, split a story, merge two. Needs the bearer token.
    Kept across re-analysis and re-ingest, shown on the story, undone by POST .../undo."""
    settings: Settings = request.app.state.settings
    _authorise(request, settings)
    body = await _read_limited(request, settings.body_limit)
    status, payload = await workers.in_writer(settings, correct_posted, settings.db_path, settings.pipeline, body)
    if status != 201:
        raise HTTPException(status, payload)
    return JSONResponse(payload, status_code=201)


@router.post("/corrections/{correction_id}/undo", responses={**WRITING, **MISSING},
             openapi_extra={"security": [{"bearer": []}]})
async def undo_correction(request: Request, correction_id: str,
                          author: str = Query("api", min_length=1, max_length=200, description="who undoes it")
                          ) -> dict:
    """Take a correction back: its record stays, marked undone (by whom, when)."""
    settings: Settings = request.app.state.settings
    _authorise(request, settings)
    status, payload = await workers.in_writer(settings, undo_posted, settings.db_path, settings.pipeline, correction_id, author)
    if status != 200:
        raise HTTPException(status, payload)
    return payload


def correct_posted(db_path: str, pipeline: config.Settings, body: bytes) -> tuple[int, dict | str]:
    """Runs in the ingest worker (the one writer): (201, the correction) or (400/404, why)."""
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return 400, f"body is not JSON: {type(exc).__name__}: {str(exc)[:200]}"
    if not isinstance(parsed, dict) or not all(isinstance(parsed.get(k), str) for k in ("kind", "story_id")):
        return 400, "body: an object with kind and story_id (text) and the fields of that kind"
    unknown = sorted(set(parsed) - {"kind", "story_id", "author", *FIELDS})
    if unknown:
        return 400, f"unknown field {unknown[0]!r}; a correction has kind, story_id, author and {', '.join(FIELDS)}"
    author = parsed.get("author", "api")
    if not isinstance(author, str) or not author.strip():
        return 400, "author: a name"
    fields = {k: v for k, v in parsed.items() if k in FIELDS}
    with Storyline(db_path, pipeline) as session:
        try:
            made = session.correct(parsed["kind"], parsed["story_id"], author.strip(), **fields)
        except CorrectionError as exc:
            return (404 if isinstance(exc, NothingThere) else 400), str(exc)
    return 201, views.correction_json(views.Shown(made, True))


def undo_posted(db_path: str, pipeline: config.Settings, correction_id: str, author: str) -> tuple[int, dict | str]:
    with Storyline(db_path, pipeline) as session:
        try:
            item = session.undo(correction_id, author)
        except CorrectionError as exc:
            return (404 if isinstance(exc, NothingThere) else 400), str(exc)
    return 200, views.correction_json(views.Shown(item, False))


def _authorise(request: Request, settings: Settings) -> None:
    if not settings.token:
        raise HTTPException(403, "this server is read-only: start it with STORYLINE_TOKEN set to accept articles")
    supplied = request.headers.get("authorization", "")
    if not hmac.compare_digest(supplied.encode(), f"Bearer {settings.token}".encode()):
        raise HTTPException(401, "missing or wrong token: send 'Authorization: Bearer <STORYLINE_TOKEN>'",
                            headers={"WWW-Authenticate": "Bearer"})


async def _read_limited(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length", "")
    too_large = HTTPException(413, f"request body over the limit of {limit:,} bytes")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
