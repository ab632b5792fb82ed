"""Analysing the stories an ingest or a correction touched: each dirty story's inputs read from
the store, analysed in the workers, the reader's corrections replayed onto the result, and each
written in a transaction of its own."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from .. import store
from ..analysis import corrections
from ..analysis.disputes import fingerprint
from ..analysis.story import Previous, analyse_story
from ..config import current
from ..extract import ArticleFacts
from ..group.cluster import CorpusStats
from ..models import Article, Correction, Event, Failure, StoryAnalysis
from ..read.guard import guarded
from ..store.backends import Database
from .report import IngestReport
from .tasks import (
    CRASH_REASON,
    Pool,
    pool_for,
)


@dataclass
class StoryInput:
    """All one story's analysis needs, read from the store, so a worker can do it.

    previous: the story's last analysis and each article's event then, when the story is large
    enough to take new articles in incrementally (ingest.incremental_from); None means from scratch.
    """

    story_id: str
    articles: list[Article]
    facts: dict[str, dict]
    given: dict[str, str | None]
    vectors: dict[str, tuple[dict[str, float], bytes | None]]
    stats: CorpusStats
    previous: Previous | None = None


def story_input(conn: Database, story_id: str, stats: CorpusStats,
                ) -> StoryInput | None:
    """None when the story has no articles left (merged away)."""
    articles = store.articles(conn, story_id)
    if not articles:
        return None
    vectors = store.article_vectors(conn, story_id)
    terms = {t for vector, _dense in vectors.values() for t in vector}
    return StoryInput(story_id, articles, store.article_facts(conn, story_id), store.published_given(conn, story_id),
                      vectors, stats.subset(terms), _previous(conn, story_id, articles))


def _previous(conn: Database, story_id: str, articles: list[Article]) -> Previous | None:
    originals = [a for a in articles if not a.duplicate_of]
    settled = {a.id: a.event_id for a in originals if a.event_id}
    if len(settled) < current().ingest.incremental_from or len(settled) == len(originals):
        return None
    try:
        analysis, _events = store.load_analysis(conn, story_id)
    except KeyError:
        return None
    return Previous(settled, analysis.relations, {q.id: fingerprint(q) for q in analysis.quotes}
                    | {c.id: fingerprint(c) for c in analysis.claims})


def analyse_input(task: StoryInput) -> tuple[tuple[StoryAnalysis, list[Event], dict] | Failure, dict[str, float]]:
    """One story's analysis (in a worker), and its CPU seconds; a story that fails is a Failure naming it."""
    started = time.process_time()
    facts = {aid: ArticleFacts.from_dict(f) for aid, f in task.facts.items()}
    outcome = guarded(f"story {task.story_id}", "analysis", lambda: analyse_story(
        task.story_id, task.articles, facts, task.given, task.vectors, task.stats,
        task.previous))
    return outcome, {"analyse": time.process_time() - started}


def analyse_dirty(conn: Database,
                  stats: CorpusStats | None = None, workers: int | Pool | None = None,
                  report: IngestReport | None = None) -> list[Failure]:
    """Re-analyse every story marked dirty, in the workers, each written in a transaction of its own;
    a story that fails is a failure row (it stays dirty and is retried by the next run)."""
    report = report or IngestReport()
    stats = stats or CorpusStats(*store.term_statistics(conn))
    pool = pool_for(workers)
    failed: list[Failure] = []
    pending: deque = deque()
    for story_id in store.dirty_stories(conn):
        task = story_input(conn, story_id, stats)
        if task is None:
            with store.transaction(conn):
                store.delete_story(conn, story_id)
            continue
        pending.append(pool.submit(analyse_input, task, on_crash=analysis_of_story_crashed))
        while len(pending) > current().ingest.in_flight or (pending and pending[0].ready()):
            _save_analysis(conn, pending.popleft().get(), failed, report)
    while pending:
        _save_analysis(conn, pending.popleft().get(), failed, report)
    if failed:
        with store.transaction(conn):
            store.record_failures(conn, failed)
    return failed


def analysis_of_story_crashed(task: StoryInput) -> tuple[Failure, dict[str, float]]:
    return Failure(f"story {task.story_id}", CRASH_REASON.format(stage="analysis")), {}


def _save_analysis(conn: Database, result, failed: list[Failure], report: IngestReport) -> None:
    outcome, seconds = result
    report.add_seconds(seconds)
    if isinstance(outcome, Failure):
        failed.append(outcome)
        return
    analysis, events, published = outcome
    replayed = corrections.replay(analysis, events, _corrections_for(conn, analysis.story_id),
                                  {aid: day for aid, (day, _inferred) in published.items()})
    with store.transaction(conn):
        for article_id, (day, inferred) in published.items():
            store.set_published(conn, article_id, day, inferred)
        for event in replayed.events:
            store.set_event(conn, event.id, event.article_ids)
        store.save_analysis(conn, replayed.analysis, replayed.events)


def _corrections_for(conn: Database, story_id: str) -> list[Correction]:
    """The corrections to replay onto a story's analysis: a rename made on it (or on a story merged
    into it), a merge into it (the title it keeps), and every statement or event correction, which
    finds its statement by its words wherever re-grouping put it."""
    found = []
    for correction in store.corrections(conn):
        if correction.kind == "merge":
            if store.merged_into(conn, correction.value["from_story"]) == story_id:
                found.append(correction)
        elif correction.kind != "rename" or story_id in (correction.story_id,
                                                           store.merged_into(conn, correction.story_id)):
            found.append(correction)
    return found
