"""The pipeline: read -> clean -> dedup -> extract -> cluster -> (per story) analyse -> store.

Ingest works in chunks, each committed atomically with the clustering state it changed,
and marks the stories it touched dirty; dirty stories are then re-analysed one
transaction each. A kill at any point leaves the store consistent, and the next run
finishes the job (new chunks are skipped by content hash, dirty stories redone).
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from . import store
from .clean import clean_text, split_title
from .cluster import EVENT_THRESHOLD, STORY_THRESHOLD, STORY_WINDOW_DAYS, GroupIndex, article_terms, tfidf_vector
from .compare import relate
from .dedup import DuplicateIndex, from_bytes, signature, to_bytes
from .extract import ArticleFacts, extract_facts
from .extract.entities import resolve_entities
from .extract.merge import figure_source, merge_figures, merge_quotes
from .ingest import iter_input_files, read_path
from .language import detect_language
from .models import Article, Event, Failure, RawDocument, StoryAnalysis
from .nlp import parse_many
from .published import infer_publication_dates
from .summarize import DEFAULT_SENTENCES, summarize, title_from
from .timeline import build_timeline

CHUNK = 64
MIN_TEXT_CHARS = 40


@dataclass
class IngestReport:
    new: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    failures: list[Failure] = field(default_factory=list)
    stories_touched: set[str] = field(default_factory=set)
    stage_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))


class Timer:
    def __init__(self, report: IngestReport, stage: str):
        self.report, self.stage = report, stage

    def __enter__(self):
        self.start = time.perf_counter()

    def __exit__(self, *exc):
        self.report.stage_seconds[self.stage] += time.perf_counter() - self.start


def prepare(doc: RawDocument) -> Article | Failure:
    """Clean one document into an article (id from its content, so re-ingest is a no-op)."""
    cleaned = clean_text(doc.text)
    title, body = split_title(cleaned, doc.title)
    if len(body) < MIN_TEXT_CHARS:
        return Failure(doc.source, "no article text after removing page leftovers")
    content_hash = hashlib.sha256(body.encode()).hexdigest()
    title = title or body.split("\n\n")[0][:120]
    return Article(id="a" + content_hash[:12], source=doc.source, title=title, text=body, content_hash=content_hash,
                   outlet=doc.outlet, language=detect_language(body, doc.language), published=doc.published)


def read_inputs(paths: list[str], report: IngestReport) -> list[RawDocument]:
    documents = []
    for item in iter_input_files(paths):
        if isinstance(item, Failure):
            report.failures.append(item)
            continue
        result = read_path(item)
        documents.extend(result.documents)
        report.failures.extend(result.failures)
    return documents


class Ingestor:
    """Holds the loaded clustering and duplicate indexes for one ingest run."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.events = GroupIndex("e", EVENT_THRESHOLD)
        self.stories = GroupIndex("s", STORY_THRESHOLD, STORY_WINDOW_DAYS)
        for group in store.load_groups(conn, "event"):
            self.events.load(group)
        for group in store.load_groups(conn, "story"):
            self.stories.load(group)
        self.duplicates = DuplicateIndex()
        for article_id, data in store.minhashes(conn):
            self.duplicates.add(article_id, from_bytes(data))
        self.event_story = {e.id: self._story_of(e.members) for e in self.events.groups.values() if not e.parent}

    def _story_of(self, article_ids: list[str]) -> str | None:
        _event, story = store.article_event(self.conn, article_ids[0]) if article_ids else (None, None)
        return story

    def ingest_chunk(self, articles: list[Article], report: IngestReport) -> None:
        with Timer(report, "extract"):
            docs = list(parse_many([a.text for a in articles]))
            facts = [extract_facts(doc, a.id) for doc, a in zip(docs, articles)]
        touched_events: set[str] = set()
        with store.transaction(self.conn):
            df, count = store.document_frequencies(self.conn)
            for article, fact in zip(articles, facts):
                self._ingest_one(article, fact, df, count, report, touched_events)
            with Timer(report, "cluster"):
                self._merge_bridged(touched_events, report)
                store.save_groups(self.conn, "event", self.events.take_changed())
                store.save_groups(self.conn, "story", self.stories.take_changed())
            store.mark_dirty(self.conn, report.stories_touched)

    def _ingest_one(self, article: Article, fact: ArticleFacts, df, count, report, touched_events) -> None:
        with Timer(report, "dedup"):
            minhash = signature(article.text)
            original = self.duplicates.original_of(minhash)
        with Timer(report, "cluster"):
            terms = article_terms(article.title, article.text, [m.text for m in fact.mentions])
            vector = tfidf_vector(terms, df, count + 1)
            if original:
                article.duplicate_of = original
                article.event_id, article.story_id = store.article_event(self.conn, original)
                report.near_duplicates += 1
            else:
                self.duplicates.add(article.id, minhash)
                article.event_id = self.events.assign(article.id, vector, article.published)
                article.story_id = self._story_for(article.event_id, vector, article.published)
                touched_events.add(article.event_id)
                for term in terms:
                    df[term] = df.get(term, 0) + 1
                count += 1
        with Timer(report, "store"):
            store.insert_article(self.conn, article, fact.to_dict(), vector,
                                 None if original else to_bytes(minhash))
            if not original:
                store.add_document_frequencies(self.conn, set(terms))
        report.new += 1
        report.stories_touched.add(article.story_id)

    def _story_for(self, event_id: str, vector: dict[str, float], when: str | None) -> str:
        story_id = self.event_story.get(event_id)
        if story_id is None:
            story_id = self.stories.assign(event_id, vector, when)
            self.event_story[event_id] = story_id
        else:
            self.stories.add_vector(story_id, vector, when)
        return story_id

    def _merge_bridged(self, touched_events: set[str], report: IngestReport) -> None:
        """Events (then stories) that a new article made similar are merged, and recorded."""
        event_merges = self.events.merge_touched(touched_events)
        story_merges = []
        for gone, into in event_merges:
            story_gone, story_into = self.event_story.pop(gone, None), self.event_story.get(into)
            if story_gone and story_into and story_gone != story_into:
                a, b = sorted((self.stories.root(story_gone), self.stories.root(story_into)))
                if a != b:
                    self.stories.absorb(a, b)
                    story_merges.append((b, a))
        touched_stories = {self.event_story[e] for e in touched_events if e in self.event_story}
        story_merges += self.stories.merge_touched(touched_stories)
        for event_id, story_id in list(self.event_story.items()):
            self.event_story[event_id] = self.stories.root(story_id)
        store.record_merges(self.conn, "event", event_merges)
        store.record_merges(self.conn, "story", story_merges)
        report.stories_touched = {self.stories.root(s) for s in report.stories_touched if s}


def ingest(conn: sqlite3.Connection, paths: list[str], progress: Callable[[int, int], None] | None = None,
           summary_sentences: int = DEFAULT_SENTENCES) -> IngestReport:
    """Ingest files and folders; analyse every story they touched."""
    report = IngestReport()
    with Timer(report, "read+clean"):
        prepared = []
        for doc in read_inputs(paths, report):
            item = prepare(doc)
            (report.failures.append(item) if isinstance(item, Failure) else prepared.append(item))
    with store.transaction(conn):
        store.record_failures(conn, report.failures)
    fresh = _new_articles(conn, prepared, report)
    ingestor = Ingestor(conn)
    done = 0
    for start in range(0, len(fresh), CHUNK):
        chunk = fresh[start:start + CHUNK]
        ingestor.ingest_chunk(chunk, report)
        done += len(chunk)
        if progress:
            progress(done, len(fresh))
    with Timer(report, "analyse"):
        analyse_dirty(conn, summary_sentences)
    return report


def _new_articles(conn: sqlite3.Connection, prepared: list[Article], report: IngestReport) -> list[Article]:
    known = store.known_hashes(conn, [a.content_hash for a in prepared])
    fresh, seen = [], set()
    for article in prepared:
        if article.content_hash in known or article.content_hash in seen:
            report.duplicates += 1
        else:
            seen.add(article.content_hash)
            fresh.append(article)
    return fresh


def analyse_dirty(conn: sqlite3.Connection, summary_sentences: int = DEFAULT_SENTENCES) -> list[str]:
    """Re-analyse every story marked dirty, one transaction each."""
    done = []
    for story_id in store.dirty_stories(conn):
        articles = store.articles(conn, story_id)
        if not articles:
            with store.transaction(conn):
                conn.execute("DELETE FROM stories WHERE id=?", (story_id,))
            continue
        facts = {aid: ArticleFacts.from_dict(f) for aid, f in store.article_facts(conn, story_id).items()}
        given = store.published_given(conn, story_id)
        analysis, events, published = analyse_story(story_id, articles, facts, given, summary_sentences)
        with store.transaction(conn):
            for article_id, (day, inferred) in published.items():
                store.set_published(conn, article_id, day, inferred)
            store.save_analysis(conn, analysis, events)
        done.append(story_id)
    return done


def analyse_story(story_id: str, articles: list[Article], facts: dict[str, ArticleFacts],
                  given: dict[str, str | None], summary_sentences: int = DEFAULT_SENTENCES
                  ) -> tuple[StoryAnalysis, list[Event], dict[str, tuple[str | None, bool]]]:
    """Everything a reader sees about one story, from its articles' stored facts."""
    originals = [a for a in articles if not a.duplicate_of]
    event_of = {a.id: a.event_id for a in articles}
    times = {aid: f.times for aid, f in facts.items()}
    published = infer_publication_dates(given, times, event_of)
    day_of = {aid: d for aid, (d, _inferred) in published.items()}
    mentions = [m for a in originals for m in facts[a.id].mentions]
    entities, alias_map = resolve_entities(mentions, story_id)
    by_id = {e.id: e for e in entities}
    raw_quotes = [(a.id, q) for a in originals for q in facts[a.id].quotes]
    quotes = merge_quotes(story_id, raw_quotes, alias_map, by_id, day_of)
    raw_figures = [(a.id, f, figure_source(f, facts[a.id].quotes)) for a in originals for f in facts[a.id].figures]
    claims = merge_figures(story_id, raw_figures, alias_map, by_id, {a.id: a.outlet for a in articles})
    positions = _statement_positions(quotes, claims, raw_quotes, raw_figures)
    relations = relate(quotes, claims, positions)
    timeline = build_timeline(story_id, {a.id: facts[a.id] for a in originals}, day_of)
    sentences = [(a.id, s) for a in originals for s in facts[a.id].sentences]
    summary = summarize(sentences, summary_sentences)
    title = title_from(summary, originals[0].title if originals else story_id)
    events = _events(story_id, articles, day_of, facts)
    return (StoryAnalysis(story_id, title, summary, entities, quotes, claims, relations, timeline), events, published)


def _statement_positions(quotes, claims, raw_quotes, raw_figures) -> dict[str, set[tuple[str, int]]]:
    """Where each merged statement sits (article, sentence), for proximity cues."""
    positions: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for quote in quotes:
        for variant in quote.variants:
            for article_id, raw in raw_quotes:
                if article_id == variant.article_id and raw.text == variant.text:
                    positions[quote.id].add((article_id, raw.sentence))
    for claim in claims:
        for article_id, figure, _source in raw_figures:
            if article_id in claim.article_ids and figure.text[:400] == claim.text:
                positions[claim.id].add((article_id, figure.sentence))
    return positions


def _events(story_id: str, articles: list[Article], day_of: dict[str, str | None],
            facts: dict[str, ArticleFacts]) -> list[Event]:
    members: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        members[article.event_id].append(article)
    events = []
    for event_id, group in sorted(members.items()):
        days = sorted(d for d in (day_of.get(a.id) for a in group) if d)
        lead = next((a for a in group if not a.duplicate_of), group[0])
        events.append(Event(event_id, story_id, lead.title, days[0] if days else None, days[-1] if days else None,
                            [a.id for a in group]))
    return events
