"""One story's analysis, from its articles' stored facts: its events (articles grouped by what
happened, dated), entities, quotes, figures and the relations between them, timeline, summary and
title. Pure: the run stage reads the inputs from the store and writes the result."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np

from ..dates.published import infer_publication_dates
from ..extract import ArticleFacts
from ..extract.entities import resolve_entities, sweep_variants
from ..extract.merge import figure_source, merge_figures, merge_quotes
from ..group import embed
from ..group.cluster import CorpusStats, add_to_events, cluster_events
from ..group.linking import article_profile, shipped_models
from ..models import Article, Claim, Event, Quote, Relation, StoryAnalysis
from .details import detail_disputes, name_disputes
from .disputes import Settled, fingerprint, relate
from .summary import report_sentences, summarize
from .timeline import build_timeline
from .titles import group_title


@dataclass
class Previous:
    """What a story's last analysis left: each analysed article's event, the relations, and each
    statement's fingerprint (to tell which statements changed)."""

    events: dict[str, str]
    relations: list[Relation]
    statements: dict[str, str]




def analyse_story(story_id: str, articles: list[Article], facts: dict[str, ArticleFacts],
                  given: dict[str, str | None], vectors: dict[str, tuple[dict[str, float], bytes | None]],
                  stats: CorpusStats, previous: Previous | None = None
                  ) -> tuple[StoryAnalysis, list[Event], dict[str, tuple[str | None, bool]]]:
    """Everything a reader sees about one story, from its articles' stored facts.

    With `previous`, the articles analysed before keep their events (new ones join them or start
    their own) and statements unchanged since then are not compared again: the pairwise work is
    in proportion to what was added, not to the story's size.
    """
    originals = [a for a in articles if not a.duplicate_of]
    times = {aid: f.times for aid, f in facts.items()}
    own_dates = infer_publication_dates(given, times, {a.id: a.id for a in articles})
    event_of = _event_of(articles, facts, own_dates, vectors, stats, previous.events if previous else None)
    published = infer_publication_dates(given, times, event_of)
    day_of = {aid: d for aid, (d, _inferred) in published.items()}
    mentions = [m for a in originals for m in facts[a.id].mentions]
    mentions += sweep_variants(mentions, [(a.id, w) for a in originals for w in facts[a.id].proper_words])
    entities, alias_map = resolve_entities(mentions, story_id)
    by_id = {e.id: e for e in entities}
    raw_quotes = [(a.id, q) for a in originals for q in facts[a.id].quotes]
    quotes = merge_quotes(story_id, raw_quotes, alias_map, by_id, day_of)
    raw_figures = [(a.id, f, figure_source(f, facts[a.id].quotes)) for a in originals for f in facts[a.id].figures
                   if not f.identifier]
    claims = merge_figures(story_id, raw_figures, alias_map, by_id, {a.id: a.outlet for a in articles},
                           {a.id: a.language for a in articles}, day_of)
    positions = _statement_positions(quotes, claims, raw_quotes, raw_figures)
    relations = relate(quotes, claims, positions, day_of, _settled(quotes, claims, previous))
    raw_details = [(a.id, d, figure_source(d, facts[a.id].quotes)) for a in originals for d in facts[a.id].details]
    outlets = {a.id: a.outlet for a in articles}
    details, disputed = detail_disputes(story_id, raw_details, alias_map, by_id, outlets, day_of, event_of)
    names, misnamed = name_disputes(story_id, quotes, raw_quotes, {a.id: facts[a.id].sentences for a in originals}, by_id)
    claims, relations = claims + details + names, relations + disputed + misnamed
    quotes, claims = _carried_by_copies(quotes, claims, articles, _figure_sentences(claims, raw_figures))
    timeline = build_timeline(story_id, {a.id: facts[a.id] for a in originals}, day_of)
    summary = summarize([report_sentences(a.id, a.title, a.language, facts[a.id], event_of.get(a.id)) for a in originals])
    dense = {aid: embed.from_bytes(data) for aid, (_terms, data) in vectors.items()}
    said = {a.id: facts[a.id].sentences for a in originals}
    title = group_title(originals or articles, dense, said, summary[0].text if summary else None)
    events = _events(story_id, articles, event_of, day_of, dense, said)
    return (StoryAnalysis(story_id, title, summary, entities, quotes, claims, relations, timeline), events, published)


def _carried_by_copies(quotes: list[Quote], claims: list[Claim], articles: list[Article],
                       said_in: dict[str, list[str]]) -> tuple[list[Quote], list[Claim]]:
    """Every statement cites the syndicated copies that carry its words too (a Reuters report on three
    sites states its quotes three times), though only originals are read: a copy's own outlet carries
    it. A figure merged from several reports is carried by a copy that holds the sentence its original
    gives it in (said_in: claim id -> those sentences). Relations were decided before, so a copy never
    agrees with its original."""
    copies: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.duplicate_of:
            copies[article.duplicate_of].append(article)
    if not copies:
        return quotes, claims

    def carrying(article_ids: list[str], text: str) -> list[str]:
        return [c.id for aid in article_ids for c in copies.get(aid, []) if text in c.text and c.id not in article_ids]

    quotes = [replace(q, variants=q.variants + [replace(v, article_id=cid) for v in q.variants
                                                for cid in carrying([v.article_id], v.text)
                                                if cid not in {w.article_id for w in q.variants}]) for q in quotes]
    claims = [replace(c, article_ids=sorted({*c.article_ids, *(a for text in [c.text, *said_in.get(c.id, [])]
                                                                for a in carrying(c.article_ids, text))}))
              for c in claims]
    return quotes, claims


def _figure_sentences(claims: list[Claim], raw_figures) -> dict[str, list[str]]:
    """claim id -> the sentences each of its reports gives its figure in (a merged claim keeps one)."""
    sentences: dict[tuple, list[str]] = defaultdict(list)
    for article_id, figure, _source in raw_figures:
        sentences[(article_id, figure.value, figure.low, figure.high)].append(figure.text[:400])
    return {c.id: [t for aid in c.article_ids for t in sentences[(aid, c.quantity.value, c.quantity.low, c.quantity.high)]]
            for c in claims if c.quantity is not None}


def _settled(quotes, claims, previous: Previous | None) -> Settled | None:
    """The statements unchanged since the previous analysis, and the relations found among them then."""
    if previous is None:
        return None
    unchanged = {s.id for s in [*quotes, *claims] if previous.statements.get(s.id) == fingerprint(s)}
    return Settled(unchanged, [r for r in previous.relations if r.a in unchanged and r.b in unchanged])


def _event_of(articles: list[Article], facts: dict[str, ArticleFacts], own_dates: dict[str, tuple[str | None, bool]],
              vectors: dict[str, tuple[dict[str, float], bytes | None]], stats: CorpusStats,
              settled: dict[str, str] | None = None) -> dict[str, str]:
    """article id -> event id (the smallest member id, prefixed 'e'); copies join their original.

    Dates inferred from the text within the story ("September 21" read against the story's newest
    known date) are what keep an undated report of an earlier happening apart. settled: the events
    of articles analysed before, kept; the others are then placed into them one by one.
    """
    originals = [a for a in articles if not a.duplicate_of]
    reports = [(a.id, article_profile(a.title, vectors[a.id][0], embed.from_bytes(vectors[a.id][1]),
                                      own_dates[a.id][0], a.language, facts[a.id])) for a in originals]
    if settled:
        labels = add_to_events(reports, settled, shipped_models()["event"], stats)
    else:
        labels = cluster_events(reports, shipped_models()["event"], stats)
    members: dict[int, list[str]] = defaultdict(list)
    for (article_id, _profile), label in zip(reports, labels):
        members[label].append(article_id)
    event_of = {aid: "e" + min(ids)[1:] for ids in members.values() for aid in ids}
    for article in articles:
        if article.duplicate_of:
            event_of[article.id] = event_of.get(article.duplicate_of, "e" + article.id[1:])
    return event_of


def _statement_positions(quotes, claims, raw_quotes, raw_figures) -> dict[str, set[tuple[str, int]]]:
    """Where each merged statement sits (article, sentence), for proximity cues."""
    positions: dict[str, set[tuple[str, int]]] = defaultdict(set)
    quote_at = defaultdict(set)
    for article_id, raw in raw_quotes:
        quote_at[(article_id, raw.text)].add(raw.sentence)
    for quote in quotes:
        for variant in quote.variants:
            positions[quote.id] |= {(variant.article_id, s) for s in quote_at[(variant.article_id, variant.text)]}
    figure_at = defaultdict(set)
    for article_id, figure, _source in raw_figures:
        figure_at[(article_id, figure.text[:400])].add(figure.sentence)
    for claim in claims:
        for article_id in claim.article_ids:
            positions[claim.id] |= {(article_id, s) for s in figure_at[(article_id, claim.text)]}
    return positions


def _events(story_id: str, articles: list[Article], event_of: dict[str, str], day_of: dict[str, str | None],
            dense: dict[str, np.ndarray | None], said: dict[str, list[str]]) -> list[Event]:
    members: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        members[event_of[article.id]].append(article)
    events = []
    for event_id, group in sorted(members.items()):
        days = sorted(d for d in (day_of.get(a.id) for a in group) if d)
        originals = [a for a in group if not a.duplicate_of] or group
        events.append(Event(event_id, story_id, group_title(originals, dense, said), days[0] if days else None,
                            days[-1] if days else None, [a.id for a in group]))
    return events

