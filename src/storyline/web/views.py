"""What the API and the pages show, assembled once for both through the session (`api.Storyline`): story listings with
cursors, a story with its statements numbered and cross-referenced, and where a cited sentence
sits in its article."""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from urllib.parse import quote

from fastapi import HTTPException, Request
from rapidfuzz import fuzz

from ..analysis import corrections
from ..analysis.corrections import describe
from ..api import ClaimCheck, StoryFilter, Storyline, StoryRow, story_sort_key
from ..config import current
from ..models import (
    Article,
    Claim,
    Correction,
    Entity,
    Event,
    Quote,
    Relation,
    StoryAnalysis,
    claim_label,
    speaker_confidence,
)
from ..present import chart, coverage, export
from ..present.coverage import Coverage, Phase, TimelineParts
from ..text import content_words, overlap

SQLITE_MAX_INTEGER = 2 ** 63


class BadRequest(ValueError):
    """A request parameter that cannot be used; the message says which and why."""


# ------------------------------------------------------------------ cursors and filters

def encode_cursor(*parts: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kinds: tuple[type, ...]) -> list | None:
    """The cursor's parts, checked against their expected types; None for the first page."""
    if not cursor:
        return None
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadRequest("cursor is not one this server issued") from None
    if not isinstance(parts, list) or len(parts) != len(kinds) or not all(isinstance(p, k) for p, k in zip(parts, kinds)):
        raise BadRequest("cursor is not one this server issued")
    if any(isinstance(p, int) and not 0 <= p < SQLITE_MAX_INTEGER for p in parts):
        raise BadRequest("cursor is not one this server issued")
    return parts


def moved_or_missing(news: Storyline, story_id: str, request: Request) -> HTTPException:
    """301 to the story a merged-away id joined (links and bookmarks outlive merges), else 404. The
    redirect keeps what was asked of the story: the same route (its dossier, its corrections) and query."""
    into = news.merged_into(story_id)
    if into:
        route = request.scope.get("route")
        template = getattr(route, "path", None) or "/stories/{story_id}"
        params = {name: quote(str(value), safe="") for name, value in {**request.path_params, "story_id": into}.items()}
        location = template.format(**params) + (f"?{request.url.query}" if request.url.query else "")
        return HTTPException(301, f"story {story_id!r} was merged into {into!r}", headers={"Location": location})
    return HTTPException(404, f"no story with id {story_id!r}")


def iso_day(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadRequest(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from None


def story_filter(q: str | None, since: str | None, until: str | None, outlet: str | None,
                 entity: str | None, language: str | None = None) -> StoryFilter:
    return StoryFilter(q or None, iso_day(since, "since"), iso_day(until, "until"), outlet or None, entity or None,
                       language or None)


@dataclass
class StoryPage:
    items: list[StoryRow]
    next_cursor: str | None


def one_page(rows: list, limit: int, key) -> tuple[list, str | None]:
    """The first `limit` of `limit + 1` fetched rows, and the cursor after the last one when the
    extra row shows that another page follows."""
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(*key(rows[-1])) if more and rows else None


def list_stories(news: Storyline, where: StoryFilter, cursor: str | None, limit: int) -> StoryPage:
    after = decode_cursor(cursor, (str, str))
    rows = news.story_page(where, (after[0], after[1]) if after else None, limit + 1)
    return StoryPage(*one_page(rows, limit, story_sort_key))


# ------------------------------------------------------------------ one story

@dataclass
class Citation:
    """One article carrying a statement, in the words that article uses."""

    article_id: str
    number: int
    text: str


@dataclass
class Statement:
    """A quote or a claimed figure, as the reader sees it."""

    id: str
    kind: str
    who: str
    who_id: str | None
    text: str
    citations: list[Citation]
    sure: str | None = None  # how sure the speaker is (models.ATTRIBUTIONS): 'low' is shown as such


@dataclass
class Shown:
    """A correction as the story shows it: does the story still hold what it names?"""

    correction: Correction
    applies: bool

    @property
    def what(self) -> str:
        return describe(self.correction)


@dataclass
class StoryDetail:
    analysis: StoryAnalysis
    events: list[Event]
    sources: list[Article]
    number: dict[str, int]
    statements: dict[str, Statement]
    coverage: Coverage | None = None
    phases: list[Phase] = field(default_factory=list)
    chart: str = ""
    corrections: list[Shown] = field(default_factory=list)
    corrected: dict[str, Correction] = field(default_factory=dict)  # statement id or "title" -> its correction
    speakers: list[tuple[str, str | None, list[Statement]]] = field(default_factory=list)
    disputes: list[tuple[Relation, Statement, Statement]] = field(default_factory=list)
    agreements: list[tuple[Relation, Statement, Statement]] = field(default_factory=list)
    figures: list[Claim] = field(default_factory=list)  # disputed, then most carried, first
    entities: list[Entity] = field(default_factory=list)  # the most central first (see `central_entities`)
    timeline: TimelineParts = field(default_factory=lambda: TimelineParts([], []))  # own span first, background folded

    def cite(self, article_ids: list[str], text: str) -> list[Citation]:
        return [Citation(a, self.number[a], text) for a in article_ids if a in self.number]


def story_detail(news: Storyline, story_id: str) -> StoryDetail | None:
    try:
        story = news.story(story_id)
    except KeyError:
        return None
    analysis, events = story.analysis, story.events
    sources = sorted(story.articles, key=lambda a: (a.published or "9999", a.id))
    if not sources:
        return None
    detail = StoryDetail(analysis, events, sources, {a.id: n for n, a in enumerate(sources, 1)}, {},
                         coverage.coverage(analysis, sources), coverage.phases(analysis, events, sources),
                         chart.svg(coverage.reports_over_time(sources)))
    for said in analysis.quotes:
        detail.statements[said.id] = _quote_statement(detail, said)
    for claim in analysis.claims:
        kind = "figure" if claim.quantity else "detail"
        detail.statements[claim.id] = Statement(claim.id, kind, claim.source or "unattributed", claim.source_entity_id,
                                                f"{claim_label(claim)}: {claim.text}",
                                                detail.cite(claim.article_ids, claim.text))
    by_speaker: dict[tuple[str, str | None], list[Statement]] = defaultdict(list)
    for said in analysis.quotes:
        by_speaker[(said.speaker or "unattributed", said.speaker_entity_id)].append(detail.statements[said.id])
    detail.speakers = sorted(((who, wid, items) for (who, wid), items in by_speaker.items()),
                             key=lambda s: (s[0] == "unattributed", -len(s[2]), s[0]))
    detail.figures = coverage.key_figures(analysis)
    detail.entities = central_entities(analysis)
    detail.timeline = coverage.timeline_parts(analysis.timeline, sources)
    _show_corrections(news, detail)
    for relation in analysis.relations:
        a, b = detail.statements.get(relation.a), detail.statements.get(relation.b)
        if a and b:
            (detail.agreements if relation.type == "agrees" else detail.disputes).append((relation, a, b))
    return detail


def central_entities(analysis: StoryAnalysis) -> list[Entity]:
    """The story's people, groups and places, the most central first: named by the most of its reports, then
    speaking or claiming the most, then by name. A story of 100 reports names hundreds; the first dozen
    are who the story is about, not the first found."""
    said = Counter(q.speaker_entity_id for q in analysis.quotes if q.speaker_entity_id)
    said.update(c.source_entity_id for c in analysis.claims if c.source_entity_id)
    return sorted(analysis.entities, key=lambda e: (-len(set(e.article_ids)), -said[e.id], e.name.lower(), e.id))


def _show_corrections(news: Storyline, detail: StoryDetail) -> None:
    """The corrections naming the story, and which statement (or the title) each active one changed."""
    analysis, article_ids = detail.analysis, list(detail.number)
    for item in news.corrections(analysis.story_id):
        applies = item.active and corrections.applies(item, analysis, detail.events, article_ids)
        detail.corrections.append(Shown(item, applies))
        if applies and item.kind == "rename":
            detail.corrected["title"] = item
        elif applies and item.kind == "speaker":
            quote_id = corrections.find_statement(analysis, {"quote": item.value["variants"]})
            if quote_id:
                detail.corrected[quote_id] = item


def _quote_statement(detail: StoryDetail, quote: Quote) -> Statement:
    citations = [c for v in quote.variants for c in detail.cite([v.article_id], v.text)]
    text = quote.variants[0].text if quote.variants else ""
    return Statement(quote.id, quote.kind, quote.speaker or "unattributed", quote.speaker_entity_id, text, citations,
                     speaker_confidence(quote.variants) if quote.speaker else None)


# ------------------------------------------------------------------ JSON shapes

def story_row_json(row: StoryRow) -> dict:
    return asdict(row)


def article_json(article: Article, with_text: bool = True) -> dict:
    data = asdict(article)
    data.pop("content_hash")
    if not with_text:
        data.pop("text")
    return data


def story_json(detail: StoryDetail) -> dict:
    a = detail.analysis
    return {"id": a.story_id, "title": a.title, "summary": [asdict(s) for s in a.summary],
            "events": [asdict(e) for e in detail.events], "timeline": [asdict(t) for t in a.timeline],
            "quotes": [asdict(q) for q in a.quotes], "claims": [asdict(c) for c in a.claims],
            "relations": [asdict(r) for r in a.relations], "entities": [asdict(e) for e in a.entities],
            "articles": [article_json(x, with_text=False) for x in detail.sources],
            **export.coverage_json(a, detail.events, detail.sources),
            "corrections": [correction_json(c) for c in detail.corrections]}


def correction_json(shown: Shown) -> dict:
    return {**asdict(shown.correction), "what": shown.what, "applies": shown.applies}


def entity_json(entity: Entity, story_id: str, others: list[tuple[Entity, str]] | None = None) -> dict:
    data = {**asdict(entity), "story_id": story_id}
    if others is not None:
        data["also_in"] = [{"entity_id": e.id, "story_id": s} for e, s in others if e.id != entity.id]
    return data


# ------------------------------------------------------------------ the cited sentence

def highlight_span(text: str, sentences: list[str], cited: str | None) -> tuple[int, int] | None:
    """Where in `text` the sentence that best carries `cited` sits; None if none carries it well enough.

    A statement is cited in every article that carries it, often in other words (another
    translation of the same quote), so a sentence counts by its characters or by its content words.
    """
    if not cited:
        return None
    best, best_score = None, 0.0
    cited_words = content_words(cited)
    for sentence in sentences:
        score = max(fuzz.partial_ratio(cited, sentence) / 100, overlap(cited_words, content_words(sentence)))
        if score > best_score:
            best, best_score = sentence, score
    if best is None or best_score < current().web.highlight_min_score:
        return None
    start = text.find(best)
    return (start, start + len(best)) if start >= 0 else None


def claim_check_json(result: ClaimCheck) -> dict:
    return {"claim": result.claim,
            "reports": [{"article": article_json(r.article, with_text=False), "stance": r.stance, "score": r.score,
                         "evidence": r.evidence} for r in result.reports]}
