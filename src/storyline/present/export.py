"""The export machines read: JSON exactly per ../shared/contract/EXPORT.md (what the scorers read), with the
fields the contract lets us add. The exports a person reads (Markdown, HTML) are in `dossier`."""

from __future__ import annotations

import json
from dataclasses import asdict

from .. import store
from ..dates import article_times
from ..extract.across_stories import link_entities
from ..models import Article, Entity, Event, StoryAnalysis, speaker_confidence
from ..store.backends import Database
from . import coverage

CONTRACT_VERSION = 1


Stories = list[tuple[StoryAnalysis, list[Event]]]


def collect(conn: Database, story_id: str | None = None) -> tuple[list[Article], Stories]:
    """Everything, or one story alone (KeyError if the store has no such story): its articles in
    the order the full export lists them, so a story's dossier is its part of the full export."""
    if story_id is None:
        return store.articles(conn), [store.load_analysis(conn, sid) for sid in store.story_ids(conn)]
    analysis = store.load_analysis(conn, story_id)
    return store.articles(conn, story_id), [analysis]


def _quantity(q) -> dict | None:
    """The contract's quantity, plus (added under the contract's rule) whose figure it is and what it
    measures (and whether the subject is only what the report is about), so a reader can tell two figures
    of one thing from figures of two things. None for a claim that states a detail, not a figure."""
    if q is None:
        return None
    data = asdict(q)
    return {k: data[k] for k in ("value", "low", "high", "unit", "hedge", "subject", "measure", "subject_inferred")}


def to_json_document(conn: Database, story_id: str | None = None) -> dict:
    articles, stories = collect(conn, story_id)
    by_story: dict[str, list[Article]] = {}
    for a in articles:
        by_story.setdefault(a.story_id or "", []).append(a)
    story_entities: list[tuple[str, Entity]] = []
    document: dict = {"version": CONTRACT_VERSION, "articles": [], "events": [], "stories": [], "entities": [],
                      "quotes": [], "claims": [], "relations": [], "timeline": []}
    for a in articles:
        document["articles"].append({
            "id": a.id, "source": a.source, "title": a.title, "outlet": coverage.outlet_of(a), "language": a.language,
            "published": a.published, "published_inferred": a.published_inferred, "text": a.text,
            "event_id": a.event_id, "story_id": a.story_id, "duplicate_of": a.duplicate_of,
            "times": [asdict(t) for t in article_times(_with_headline(a), a.published, a.language)]})
    for analysis, events in stories:
        sid = analysis.story_id
        document["events"] += [{"id": e.id, "story_id": sid, "title": e.title, "start": e.start, "end": e.end,
                                "article_ids": e.article_ids} for e in events]
        document["stories"].append({
            "id": sid, "title": analysis.title, "event_ids": [e.id for e in events],
            "article_ids": [aid for e in events for aid in e.article_ids],
            "summary": [asdict(s) for s in analysis.summary],
            **coverage_json(analysis, events, by_story.get(sid, []))})
        story_entities += [(sid, e) for e in analysis.entities]
        document["quotes"] += [{"id": q.id, "speaker": q.speaker, "speaker_entity_id": q.speaker_entity_id,
                                "speaker_confidence": speaker_confidence(q.variants) if q.speaker else None,
                                "kind": q.kind, "said_on": q.said_on, "story_id": sid,
                                "variants": [asdict(v) for v in q.variants]} for q in analysis.quotes]
        document["claims"] += [{"id": c.id, "text": c.text, "source": c.source, "source_kind": c.source_kind,
                                "source_entity_id": c.source_entity_id, "quantity": _quantity(c.quantity),
                                "detail": asdict(c.detail) if c.detail else None,
                                "article_ids": c.article_ids, "story_id": sid} for c in analysis.claims]
        document["relations"] += [{**asdict(r), "story_id": sid} for r in analysis.relations]
        document["timeline"] += [asdict(t) for t in analysis.timeline]
    _add_store_entities(document, story_entities)
    return document


def _add_store_entities(document: dict, story_entities: list[tuple[str, Entity]]) -> None:
    """The store's entities (one per referent across stories, each with the stories naming it), and
    every speaker's and source's entity id pointing at them."""
    store_id: dict[str, str] = {}
    for linked in link_entities(story_entities):
        document["entities"].append({**asdict(linked.entity), "story_id": linked.story_ids[0],
                                     "story_ids": linked.story_ids})
        store_id.update(dict.fromkeys(linked.linked_ids, linked.entity.id))
    for quote in document["quotes"]:
        quote["speaker_entity_id"] = store_id.get(quote["speaker_entity_id"], quote["speaker_entity_id"])
    for claim in document["claims"]:
        claim["source_entity_id"] = store_id.get(claim["source_entity_id"], claim["source_entity_id"])


def _with_headline(article: Article) -> str:
    """The headline is part of what the article says ('Apple to give refunds Friday'): its dates count too."""
    return article.text if article.text.startswith(article.title) else f"{article.title}\n{article.text}"


def coverage_json(analysis: StoryAnalysis, events: list[Event], articles: list[Article]) -> dict:
    """A story's coverage and phases (fields added under the contract's rule): which outlets covered
    it and when each first did, which outlets carry each statement, and its events as phases."""
    seen = coverage.coverage(analysis, articles)
    first = seen.first
    return {"coverage": {
                "outlets": [asdict(o) for o in seen.outlets],
                "first_reported": {"outlet": first.outlet, "published": first.first_published,
                                   "article_id": first.first_article_id, "inferred": first.first_inferred,
                                   "outlying": seen.first_outlying, "same_day": seen.same_day}
                if first else None,
                "languages": seen.languages, "undated_articles": seen.undated,
                "unknown_outlet_articles": seen.unknown_outlet,
                "statements": [asdict(c) for c in seen.carriage]},
            "phases": [{"event_id": p.event.id, "start": p.event.start, "end": p.event.end, "outlets": p.outlets,
                        "quote_ids": [q.id for q in p.quotes], "claim_ids": [c.id for c in p.claims]}
                       for p in coverage.phases(analysis, events, articles)]}


def to_json(conn: Database, story_id: str | None = None) -> str:
    return json.dumps(to_json_document(conn, story_id), ensure_ascii=False, indent=2)


def story_articles(articles: list[Article], events: list[Event]) -> list[Article]:
    """A story's articles in the order of its events (the order its sources are listed in)."""
    lookup = {a.id: a for a in articles}
    return [lookup[aid] for e in events for aid in e.article_ids if aid in lookup]
