"""Ingest scheduling. The pipeline: (workers) read -> clean -> language -> copy signature; (here)
copy check; (workers) parse -> extract -> terms -> embed; (here) story clustering -> store; then per
story (run.stories): events, dates, entities, quotes, figures, relations, timeline, summary -> store.

Ingest works in chunks, each committed atomically with the clustering state it changed,
and marks the stories it touched dirty; dirty stories are then re-analysed one
transaction each. A kill at any point leaves the store consistent, and the next run
finishes the job (new chunks are skipped by content hash, dirty stories redone).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np

from .. import store
from ..config import current
from ..group import embed
from ..group.cluster import CorpusStats, Group, GroupIndex
from ..group.linking import article_profile, story_decision
from ..models import Article, Failure, RawDocument
from ..prepare.copies import DuplicateIndex, from_bytes, to_bytes
from ..read.guard import FailureLog
from ..store.backends import Database
from .report import IngestReport, Timer
from .stories import analyse_dirty
from .tasks import (
    Analysed,
    Finished,
    Pool,
    Prepared,
    WorkerPool,
    analyse_articles,
    analysis_crashed,
    pool_for,
    read_and_prepare,
    read_crashed,
)


class Ingestor:
    """The clustering, copy-detection and term statistics of one store, loaded once per process.

    Kept between ingests and reused while the store's ingest generation (bumped by every committed
    chunk) is the one it last saw and the run's settings are those it was built under (its index
    sizes and copy signatures follow them); another process's ingest, a failed chunk or other
    settings make the next ingest load it afresh.
    """

    _loaded: ClassVar[dict[str, tuple[int, Ingestor]]] = {}

    def __init__(self, conn: Database):
        self.conn = conn
        self.settings = current()
        self.stats = CorpusStats(*store.term_statistics(conn))
        self.stories = GroupIndex("s", story_decision(), self.stats,
                                  loader=lambda group_id: _stored_story(conn, group_id))
        stored = list(store.group_terms(conn, "story"))
        live = [group_id for group_id, parent, _terms in stored if not parent]
        recent = set(live[-current().grouping.recent_groups:])
        for group_id, parent, terms in stored:  # only the recently active stories are read whole
            if group_id in recent or terms is None:
                whole = _stored_story(conn, group_id)
                if whole is not None:  # listed a moment ago, in the same store
                    self.stories.load(whole)
            else:
                self.stories.load_terms(group_id, parent, terms)
        self.duplicates = DuplicateIndex()
        for article_id, data in store.minhashes(conn):
            self.duplicates.add(article_id, from_bytes(data))
        self.stored = store.article_count(conn)
        self.unmerged = store.unmerged(conn)
        self.kept_apart = frozenset(store.kept_apart(conn))

    @classmethod
    def for_store(cls, conn: Database) -> Ingestor:
        generation = store.ingest_generation(conn)
        cached = cls._loaded.get(store.store_key(conn))
        if cached and cached[0] == generation and cached[1].conn is conn and cached[1].settings == current():
            return cached[1]
        ingestor = cls(conn)
        ingestor._remember(generation)
        return ingestor

    @classmethod
    def forget(cls, conn: Database) -> None:
        cls._loaded.pop(store.store_key(conn), None)

    def _remember(self, generation: int) -> None:
        self._loaded[store.store_key(self.conn)] = (generation, self)

    def original_or_register(self, article_id: str, minhash: np.ndarray) -> str | None:
        """The article this one copies; None (after indexing it as an original) if it copies none.

        Runs before parsing, so a syndicated copy costs no parse, extraction or embedding: it takes
        its original's facts. A copy of an earlier article of the same input is caught too.
        """
        original = self.duplicates.original_of(minhash)
        if original is None:
            self.duplicates.add(article_id, minhash)
        return original

    def commit(self, placed: list[tuple[Article, Analysed | None, np.ndarray]],
               report: IngestReport) -> None:
        """One atomic unit: a chunk's articles, their facts and the clustering state they change."""
        touched: set[str] = set()
        with store.transaction(self.conn):
            for article, analysed, minhash in placed:
                story_id = self._store_one(article, analysed, minhash, report)
                touched.add(story_id)
                self._merge_at_store_boundary(story_id, touched, report)
            with Timer(report, "cluster"):
                store.set_unmerged(self.conn, self.unmerged)
                store.save_groups(self.conn, "story", [g.to_stored() for g in self.stories.take_changed()])
            report.stories_touched = {self.stories.root(s) for s in report.stories_touched | touched}
            store.mark_dirty(self.conn, {self.stories.root(s) for s in touched})
            generation = store.bump_ingest_generation(self.conn)
        self._remember(generation)

    def _store_one(self, article: Article, analysed: Analysed | None, minhash: np.ndarray, report: IngestReport) -> str:
        """An original is placed in a story; a copy joins its original's, with its original's facts. The story's id."""
        with Timer(report, "cluster"):
            if analysed is None:  # a copy (article.duplicate_of), stored before it
                facts, vector = store.facts_and_vector(self.conn, article.duplicate_of or "")
                article.event_id, original_story = store.article_event(self.conn, article.duplicate_of or "")
                story_id = self.stories.root(original_story or "")
                dense, signature_bytes = None, None
                report.near_duplicates += 1
            else:
                self.stats.add(analysed.terms)
                profile = article_profile(article.title, analysed.vector, analysed.dense, article.published,
                                          article.language, analysed.facts)
                story_id = self.stories.assign(article.id, profile)
                facts, vector, dense = analysed.facts.to_dict(), analysed.vector, analysed.dense
                signature_bytes = to_bytes(minhash)
            article.story_id = story_id
        with Timer(report, "store"):
            store.insert_article(self.conn, article, facts, vector, signature_bytes, embed.to_bytes(dense))
            if analysed is not None:
                store.add_document_frequencies(self.conn, set(analysed.terms))
        report.new += 1
        return story_id

    def _merge_at_store_boundary(self, story_id: str, touched: set[str], report: IngestReport) -> None:
        """Merge the stories touched since the last check each time the store reaches a multiple of grouping.merge_every.

        The schedule counts the store's articles, not this run's: where a run, a chunk or a kill cuts
        the input then changes nothing, so two ingests one after the other (or a killed and resumed
        one) end with the stories of one ingest of everything. The touched stories of a run that ends
        between two boundaries wait, stored, for the next one. Events are never merged after the fact
        (on the dev corpora that cost ECB+ event precision 0.72 -> 0.69 for a little recall elsewhere).
        """
        self.unmerged.add(story_id)
        self.stored += 1
        if self.stored % current().grouping.merge_every:
            return
        with Timer(report, "cluster"):
            merges = self.stories.merge_touched(self.unmerged, self.kept_apart)
            store.record_merges(self.conn, "story", merges)
            touched |= {into for _gone, into in merges}
            self.unmerged = set()


def _stored_story(conn: Database, group_id: str) -> Group | None:
    stored = store.load_group(conn, "story", group_id)
    return Group.from_stored(stored) if stored else None


class Feed:
    """Streams inputs through the workers and places the results in input order.

    Files are read and cleaned by the workers a few ahead (ingest.read_ahead); this process checks each
    article against the store and the copy detector, sends originals to be parsed in batches
    (ingest.analyse_batch, at most ingest.in_flight batches ahead), and places and writes each result in input
    order, ingest.chunk articles per transaction. Memory is bounded by those windows, not by the input.
    """

    def __init__(self, ingestor: Ingestor, pool: Pool, report: IngestReport,
                 progress: Callable[[int, int | None], None] | None):
        self.ingestor, self.pool, self.report, self.progress = ingestor, pool, report, progress
        self.reads: deque = deque()
        self.batch: list[tuple[Prepared, str | None]] = []
        self.batch_originals = 0
        self.in_flight: deque = deque()
        self.claimed: set[str] = set()
        self.failed_originals: set[str] = set()
        self.chunk: list = []
        self.done = 0

    def add(self, item) -> None:
        self.reads.append(self.pool.submit(read_and_prepare, item, on_crash=read_crashed))
        while len(self.reads) > current().ingest.read_ahead:
            self._wait_for(self.reads[0])
            self._route(self.reads.popleft().get())

    def finish(self) -> None:
        while self.reads:
            self._route(self.reads.popleft().get())
        self._send()
        while self.in_flight:
            self._place(self.in_flight.popleft())
        self._commit()

    def _wait_for(self, task) -> None:
        """Place finished work while a read is pending: the writer never idles while results wait."""
        while not task.ready():
            if self.in_flight and self.in_flight[0][1].ready():
                self._place(self.in_flight.popleft())
            else:
                task.wait(0.005)

    def _route(self, result: tuple[list[Prepared | Failure], dict[str, float]]) -> None:
        items, seconds = result
        self.report.add_seconds(seconds)
        failures = [item for item in items if isinstance(item, Failure)]
        if failures:
            self._record(failures)
        prepared = [item for item in items if not isinstance(item, Failure)]
        for item in prepared:  # checked one by one: placing the previous ones may have committed this one
            with Timer(self.report, "dedup"):
                if item.article.id in self.claimed or store.known_ids(self.ingestor.conn, [item.article.id]):
                    self.report.duplicates += 1
                    continue
                self.claimed.add(item.article.id)
                original = self.ingestor.original_or_register(item.article.id, item.minhash)
            self.batch.append((item, original))
            self.batch_originals += original is None
            if self.batch_originals >= current().ingest.analyse_batch:
                self._send()

    def _send(self) -> None:
        if not self.batch:
            return
        originals = [item.article for item, original in self.batch if original is None]
        task = self.pool.submit(analyse_articles, originals, on_crash=analysis_crashed) if originals else _NOTHING
        self.in_flight.append((self.batch, task))
        self.batch, self.batch_originals = [], 0
        while len(self.in_flight) > current().ingest.in_flight or (self.in_flight and self.in_flight[0][1].ready()):
            self._place(self.in_flight.popleft())

    def _place(self, sent) -> None:
        batch, task = sent
        results, seconds = task.get()
        self.report.add_seconds(seconds)
        outcomes = iter(results)
        for item, original in batch:
            analysed = None if original else next(outcomes)
            if original in self.failed_originals:  # its original could not be extracted: it is one itself
                self.ingestor.duplicates.add(item.article.id, item.minhash)
                results, seconds = self.pool.submit(analyse_articles, [item.article], on_crash=analysis_crashed).get()
                self.report.add_seconds(seconds)
                original, analysed = None, results[0]
            if isinstance(analysed, Failure):
                self.failed_originals.add(item.article.id)
                self.ingestor.duplicates.remove(item.article.id)
                self.claimed.discard(item.article.id)
                self._record([analysed])
                continue
            item.article.duplicate_of = original
            self.chunk.append((item.article, analysed, item.minhash))
            if len(self.chunk) >= current().ingest.chunk:
                self._commit()

    def _commit(self) -> None:
        if not self.chunk:
            return
        self.ingestor.commit(self.chunk, self.report)
        self.claimed -= {article.id for article, _analysed, _minhash in self.chunk}
        self.done += len(self.chunk)
        self.chunk = []
        if self.progress:
            self.progress(self.done, None)

    def _record(self, failures: list[Failure]) -> None:
        self.report.failures += failures
        with store.transaction(self.ingestor.conn):
            store.record_failures(self.ingestor.conn, failures)


_NOTHING = Finished(([], {}))



def ingest_stream(conn: Database, items: Iterable[Path | Failure | list[RawDocument]],
                  progress: Callable[[int, int | None], None] | None = None,
                  on_wait: Callable[[str], None] | None = None, workers: int | Pool | None = None) -> IngestReport:
    """Ingest a stream of input files, failures and lists of documents (pages fetched from URLs)."""
    return _ingest_items(conn, items, IngestReport(), progress, on_wait, workers)



def document_items(documents: list[RawDocument | Failure]) -> Iterator[list[RawDocument] | Failure]:
    """Documents already read as stream items: the failures one by one (bounded per kind, as a file's are),
    the documents in worker-sized batches."""
    failed = FailureLog()
    failed.extend(d for d in documents if isinstance(d, Failure))
    yield from failed
    readable = [d for d in documents if not isinstance(d, Failure)]
    size = current().ingest.analyse_batch
    yield from (readable[start:start + size] for start in range(0, len(readable), size))


def one_blas_thread():
    """This process's numpy on one BLAS thread while it ingests: the workers hold the cores, and a second
    BLAS thread spinning for its turn made a 2,000 x 512 product 60 times slower (3.5 ms, not 0.06)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")


def _ingest_items(conn: Database, items, report: IngestReport, progress,
                  on_wait, workers: int | Pool | None) -> IngestReport:
    """Holds the store's writer lock throughout: a concurrent ingest waits (told through on_wait) and
    then finds this one's articles already stored. workers: a number of local processes (None: the
    ingest.workers setting) or a pool (scaleout.DaskPool)."""
    pool = pool_for(workers)
    with store.writer_lock(conn, on_wait), one_blas_thread():
        if report.failures:
            with store.transaction(conn):
                store.record_failures(conn, report.failures)
        ingestor = Ingestor.for_store(conn)
        try:
            feed = Feed(ingestor, pool, report, progress)
            for item in items:
                feed.add(item)
            feed.finish()
        except BaseException:
            Ingestor.forget(conn)  # its in-memory state may be ahead of the store
            WorkerPool.discard()
            raise
        with Timer(report, "write analyses"):
            report.failures += analyse_dirty(conn, ingestor.stats, workers, report)
    return report
