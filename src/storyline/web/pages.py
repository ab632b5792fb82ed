"""Server-rendered pages: the story list with search, a story, an article with the cited sentence
highlighted, an entity. Jinja2 autoescapes everything, so article text is always shown as text."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..analysis.titles import shown_title
from ..api import Storyline
from ..config import current
from ..models import claim_label
from ..present import dossier
from ..present.coverage import outlet_of
from . import views, workers
from .api import Since, StoryCursor, Until, session
from .schema import MOVED, PAGE_COMMON, PAGE_MISSING

router = APIRouter(tags=["pages"], responses=PAGE_COMMON)
templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(default=True, default_for_string=True))


def article_link(article_id: str, cited: str) -> str:
    """Where a citation mark points: the article, opened at the sentence it carries. The link carries
    the statement's opening only (web.cite_chars, cut at a word): a statement of any length still finds
    its sentence, and no link exceeds what the article page accepts."""
    limit = current().web.cite_chars
    opening = cited if len(cited) <= limit else cited[:limit].rsplit(" ", 1)[0]
    return f"/articles/{article_id}?{urlencode({'cite': opening})}#cited"


templates.globals.update(article_link=article_link, claim_label=claim_label, period=dossier.period,
                         reports=dossier.reports, outlet_of=outlet_of,
                         shown_title=shown_title)


def page(name: str, status_code: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(**context), status_code=status_code)


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    return page("error.html", status, status=status, message=message)


@router.get("/", response_class=HTMLResponse)
def story_list(request: Request, news: Storyline = Depends(session), q: str | None = None,
               since: str | None = Since, until: str | None = Until, outlet: str | None = None,
               entity: str | None = None, language: str | None = None,
               cursor: str | None = StoryCursor) -> HTMLResponse:
    where = views.story_filter(q, since, until, outlet, entity, language)
    listing = views.list_stories(news, where, cursor, request.app.state.settings.pipeline.web.page_size)
    filters = {k: v for k, v in (("q", q), ("since", since), ("until", until), ("outlet", outlet),
                                 ("entity", entity), ("language", language)) if v}
    more = f"/?{urlencode({**filters, 'cursor': listing.next_cursor})}" if listing.next_cursor else None
    return page("stories.html", listing=listing, filters=filters, outlets=news.outlets(),
                languages=news.languages(), more=more, title="Stories")


@router.get("/stories/{story_id}", response_class=HTMLResponse, responses={**PAGE_MISSING, **MOVED})
def story_page(request: Request, story_id: str, news: Storyline = Depends(session)) -> HTMLResponse:
    detail = views.story_detail(news, story_id)
    if detail is None:
        raise views.moved_or_missing(news, story_id, request)
    settings = request.app.state.settings
    return page("story.html", d=detail, a=detail.analysis, title=detail.analysis.title,
                presenting=settings.pipeline.presenting, writable=bool(settings.token))


@router.get("/articles/{article_id}", response_class=HTMLResponse, responses=PAGE_MISSING)
def article_page(article_id: str, news: Storyline = Depends(session),
                 cite: str | None = Query(None, max_length=5000)) -> HTMLResponse:
    found = news.article(article_id)
    if found is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    span = views.highlight_span(found.text, news.article_sentences(article_id), cite)
    body = escape(found.text)
    if span:
        start, end = span
        body = (escape(found.text[:start]) + Markup('<mark id="cited">') + escape(found.text[start:end])
                + Markup("</mark>") + escape(found.text[end:]))
    return page("article.html", article=found, body=body, cited=bool(span), asked=bool(cite), title=found.title)


@router.get("/check", response_class=HTMLResponse)
async def check_page(request: Request, claim: str = Query(
        "", description="the claim, as a sentence; none opens the page asking for one",
        json_schema_extra={"maxLength": current().checking.claim_chars})) -> HTMLResponse:
    """The reports bearing on a claim, those that deny it first, each with its deciding sentence; the claim
    stays in its box to be edited and checked again. An empty or over-long claim is answered on the page,
    above the box to put it right (a form asking again, not an error page); an over-long one with the status
    400 the API gives it, an empty one as the page that asks for a claim."""
    shown = " ".join(claim.split())
    limit = request.app.state.settings.pipeline.checking.claim_chars
    if not shown or len(claim) > limit:
        problem = "Write the claim to check, as a sentence." if not shown else \
            f"A claim is at most {limit:,} characters; this one has {len(claim):,}."
        return page("check.html", 400 if shown else 200, claim=claim[:limit], reports=None, problem=problem, limit=limit,
                    title="Check a claim")
    try:
        result = await workers.check_claim(request.app.state.settings, claim)
    except ValueError as exc:
        return page("check.html", 400, claim=claim, reports=None, problem=str(exc), limit=limit, title="Check a claim")
    order = {"disagree": 0, "agree": 1, "discuss": 2}
    reports = sorted(result.reports, key=lambda r: (order[r.stance], -r.score))
    return page("check.html", claim=claim, reports=reports, problem=None, limit=limit, title=f"Check: {shown}")


@router.get("/entities/{entity_id}", response_class=HTMLResponse, responses=PAGE_MISSING)
def entity_page(entity_id: str, news: Storyline = Depends(session)) -> HTMLResponse:
    found = news.entity(entity_id)
    if found is None:
        raise HTTPException(404, f"no entity with id {entity_id!r}")
    entity, story_id = found
    detail = views.story_detail(news, story_id)
    said = [s for s in detail.statements.values() if s.who_id == entity.id] if detail else []
    others = [(e, s, _story_title(news, s)) for e, s in news.entities_named([entity.name, *entity.aliases])
              if e.id != entity.id]
    return page("entity.html", entity=entity, story_id=story_id, story_title=_story_title(news, story_id),
                said=said, others=others, title=entity.name)


def _story_title(news: Storyline, story_id: str) -> str:
    try:
        return news.story_title(story_id)
    except KeyError:
        return story_id
