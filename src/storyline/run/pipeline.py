"""The pipeline: (workers) read -> clean -> language -> copy signature; (here) copy check; (workers)
parse -> extract -> terms -> embed; (here) story clustering -> store; then per story: events, dates,
entities, quotes, figures, relations, timeline, summary -> store.

Ingest works in chunks, each committed atomically with the clustering state it changed,
and marks the stories it touched dirty; dirty stories are then re-analysed one
transaction each. A kill at any point leaves the store consistent, and the next run
finishes the job (new chunks are skipped by content hash, dirty stories redone).
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np

from .. import store
from ..analyse import corrections
from ..analyse.corrections import Correction, CorrectionError, NothingThere
from ..analyse.disputes import Settled, fingerprint, relate
from ..analyse.summary import summarize
from ..analyse.timeline import build_timeline
from ..config import current
from ..dates.published import infer_publication_dates
from ..extract import ArticleFacts
from ..extract.entities import resolve_entities, sweep_variants
from ..extract.merge import figure_source, merge_figures, merge_quotes
from ..group import embed
from ..group.cluster import CorpusStats, Group, GroupIndex, add_to_events, cluster_events
from ..group.links import Profile, article_profile, shipped_models
from ..models import Article, Event, Failure, RawDocument, Relation, StoryAnalysis
from ..prepare.clean import headline
from ..prepare.copies import DuplicateIndex, from_bytes, to_bytes
from ..read.files import iter_input_files
from ..read.guard import FailureLog, guarded
from ..store.backends import Database
from .tasks import (
    CRASH_REASON,
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


@dataclass
class Previous:
    """What a story's last analysis left: each analysed article's event, the relations, and each
    statement's fingerprint (to tell which statements changed)."""

    events: dict[str, str]
    relations: list[Relation]
    statements: dict[str, str]


@dataclass
class IngestReport:
    new: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    failures: list[Failure] = field(default_factory=list)
    stories_touched: set[str] = field(default_factory=set)
    stage_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # CPU, all processes

    @property
    def failed(self) -> int:
        """Inputs that failed: a summary row counts every failure it stands for."""
        return sum(f.count for f in self.failures)

    def add_seconds(self, seconds: dict[str, float]) -> None:
        for stage, value in seconds.items():
            self.stage_seconds[stage] += value


class Timer:
    """CPU seconds of this process spent on a stage."""

    def __init__(self, report: IngestReport, stage: str):
        self.report, self.stage = report, stage

    def __enter__(self):
        self.start = time.process_time()

    def __exit__(self, *exc):
        self.report.stage_seconds[self.stage] += time.process_time() - self.start


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
        self.stats = store.corpus_stats(conn)
        self.stories = GroupIndex("s", shipped_models()["story"], self.stats,
                                  loader=lambda group_id: store.load_group(conn, "story", group_id))
        stored = list(store.group_terms(conn, "story"))
        live = [group_id for group_id, parent, _terms in stored if not parent]
        recent = set(live[-current().grouping.recent_groups:])
        for group_id, parent, terms in stored:  # only the recently active stories are read whole
            if group_id in recent or terms is None:
                whole = store.load_group(conn, "story", group_id)
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
                store.save_groups(self.conn, "story", self.stories.take_changed())
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


def ingest(conn: Database, paths: list[str], progress: Callable[[int, int | None], None] | None = None,
           on_wait: Callable[[str], None] | None = None,
           workers: int | Pool | None = None) -> IngestReport:
    """Ingest files and folders (streamed: read as they are reached); analyse every story they touched."""
    return ingest_stream(conn, iter_input_files(paths), progress, on_wait, workers)


def ingest_stream(conn: Database, items: Iterable[Path | Failure | list[RawDocument]],
                  progress: Callable[[int, int | None], None] | None = None,
                  on_wait: Callable[[str], None] | None = None, workers: int | Pool | None = None) -> IngestReport:
    """Ingest a stream of input files, failures and lists of documents (pages fetched from URLs)."""
    return _ingest_items(conn, items, IngestReport(), progress, on_wait, workers)


def ingest_documents(conn: Database, documents: list[RawDocument | Failure],
                     progress: Callable[[int, int | None], None] | None = None,
                     on_wait: Callable[[str], None] | None = None, workers: int | Pool | None = None) -> IngestReport:
    """Ingest documents already read (and the failures of those that could not be); analyse touched stories."""
    return ingest_stream(conn, document_items(documents), progress, on_wait, workers)


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
    stats = stats or store.corpus_stats(conn)
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
    into it), and every statement or event correction, which finds its statement by its words
    wherever re-grouping put it."""
    found = []
    for correction in store.corrections(conn):
        if correction.kind != "rename" or story_id in (correction.story_id, store.merged_into(conn, correction.story_id)):
            found.append(correction)
    return found


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
    raw_figures = [(a.id, f, figure_source(f, facts[a.id].quotes)) for a in originals for f in facts[a.id].figures]
    claims = merge_figures(story_id, raw_figures, alias_map, by_id, {a.id: a.outlet for a in articles},
                           {a.id: a.language for a in articles})
    positions = _statement_positions(quotes, claims, raw_quotes, raw_figures)
    relations = relate(quotes, claims, positions, day_of, _settled(quotes, claims, previous))
    timeline = build_timeline(story_id, {a.id: facts[a.id] for a in originals}, day_of)
    sentences = [(a.id, s) for a in originals for s in facts[a.id].sentences]
    summary = summarize(sentences)
    dense = {aid: embed.from_bytes(data) for aid, (_terms, data) in vectors.items()}
    title = central_title(originals or articles, dense)
    events = _events(story_id, articles, event_of, day_of, dense)
    return (StoryAnalysis(story_id, title, summary, entities, quotes, claims, relations, timeline), events, published)


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
            dense: dict[str, np.ndarray | None]) -> list[Event]:
    members: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        members[event_of[article.id]].append(article)
    events = []
    for event_id, group in sorted(members.items()):
        days = sorted(d for d in (day_of.get(a.id) for a in group) if d)
        originals = [a for a in group if not a.duplicate_of] or group
        events.append(Event(event_id, story_id, central_title(originals, dense), days[0] if days else None,
                            days[-1] if days else None, [a.id for a in group]))
    return events


def central_title(articles: list[Article], dense: dict[str, np.ndarray | None]) -> str:
    """The headline of the report nearest the group's mean lead embedding: the most typical one,
    in any language. Titles are never written from the summary: a reader trusts a real headline."""
    vectors = {a.id: v for a in articles if (v := dense.get(a.id)) is not None}
    if not vectors:
        return headline(articles[0].title)
    mean = np.sum(list(vectors.values()), axis=0)
    return headline(max((a for a in articles if a.id in vectors), key=lambda a: (float(vectors[a.id] @ mean), a.id)).title)


# ------------------------------------------------------------------ the reader's corrections

def correct(conn: Database, kind: str, story_id: str, author: str, fields: dict) -> Correction:
    """Record a reader's correction, regroup the reports it moves, and re-analyse what it touches.

    The record and the regrouping are one transaction; the re-analysis follows (a kill in between
    leaves the stories dirty, and the next run analyses them with the correction replayed).
    """
    with store.writer_lock(conn):
        try:
            analysis, events = store.load_analysis(conn, story_id)
        except KeyError:
            raise NothingThere(f"no story with id {story_id!r}") from None
        article_ids = [a.id for a in store.articles(conn, story_id)]
        for other in ("to_story", "into_story"):
            if other in fields and (fields[other] == story_id or not store.articles(conn, str(fields[other]))):
                raise CorrectionError(f"{other}: no other story with id {fields[other]!r}")
        value = corrections.value_for(kind, analysis, events, article_ids, fields)
        at = store.now()
        correction = Correction(corrections.correction_id(kind, story_id, value, author, at), kind, story_id,
                                value, author, at)
        if kind == "split":
            correction.value["new_story"] = corrections.split_story_id(correction)
        with store.transaction(conn):
            store.add_correction(conn, correction)
            touched = _regroup(conn, correction, undo=False)
            store.mark_dirty(conn, touched | {store.merged_into(conn, story_id) or story_id})
            store.bump_ingest_generation(conn)
        analyse_dirty(conn)
    return correction


def undo(conn: Database, correction_id: str, author: str) -> Correction:
    """Take a correction back: the record stays (as undone, by whom and when) and what it moved goes back."""
    with store.writer_lock(conn):
        correction = store.correction(conn, correction_id)
        if correction is None:
            raise NothingThere(f"no correction with id {correction_id!r}")
        if not correction.active:
            raise CorrectionError(f"correction {correction_id} was already undone")
        with store.transaction(conn):
            store.set_undone(conn, correction_id, author)
            touched = _regroup(conn, correction, undo=True)
            home = store.merged_into(conn, correction.story_id) or correction.story_id
            store.mark_dirty(conn, touched | {home})
            store.bump_ingest_generation(conn)
        analyse_dirty(conn)
    undone = store.correction(conn, correction_id)
    assert undone is not None  # written above, never deleted
    return undone


def reanalyse(conn: Database) -> list[Failure]:
    """Analyse every story again from its stored facts, corrections replayed."""
    with store.writer_lock(conn):
        with store.transaction(conn):
            store.mark_dirty(conn, set(store.story_ids(conn)))
        return analyse_dirty(conn)


def _regroup(conn: Database, correction: Correction, undo: bool) -> set[str]:
    """Move the reports a grouping correction names (back, to undo it), and rebuild the clustering
    profiles of the stories they left and joined; returns those stories."""
    v = correction.value
    live = lambda story_id: store.merged_into(conn, story_id) or story_id  # noqa: E731
    if correction.kind == "move":
        home, away = live(v["from_story"]), live(v["to_story"])
        store.set_story(conn, [v["article_id"]], home if undo else away)
        changed = {home, away}
    elif correction.kind == "split":
        home = live(correction.story_id)
        store.set_story(conn, v["article_ids"], home if undo else v["new_story"])
        changed = {home, v["new_story"]}
    elif correction.kind == "merge":
        gone, into = v["from_story"], live(v["into_story"])
        if undo:
            store.unrecord_merge(conn, gone, into)
            store.set_story(conn, v["article_ids"], gone)
        else:
            store.record_merges(conn, "story", [(gone, into)])
        _rebuild_story_group(conn, gone, parent=None if undo else into)
        _rebuild_story_group(conn, into)
        return {gone, into} if undo else {into}
    else:
        return set()
    for story_id in sorted(changed):
        _rebuild_story_group(conn, story_id)
    return changed


def _rebuild_story_group(conn: Database, story_id: str, parent: str | None = None) -> None:
    """A story's clustering profile from the reports it now holds, so new reports are linked to what
    the story is after the correction, not before. Its index terms are left to the next ingest
    (stored as unknown, so it re-ranks them with the IDF of its day)."""
    facts, vectors = store.article_facts(conn, story_id), store.article_vectors(conn, story_id)
    given = store.published_given(conn, story_id)
    group = Group(story_id, [], Profile(), parent)
    for article in store.articles(conn, story_id):
        if article.duplicate_of or article.id not in vectors:
            continue
        terms, dense = vectors[article.id]
        group.add(article.id, article_profile(article.title, terms, embed.from_bytes(dense), given.get(article.id),
                                              article.language, ArticleFacts.from_dict(facts[article.id])))
    store.save_groups(conn, "story", [group])
