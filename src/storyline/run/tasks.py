"""Per-article work, done in worker processes: the main process only decides and writes.

Two kinds of task, both pure functions of their input so that any worker (or the calling
process itself) gives the same answer:
- `read_and_prepare(item)`: one input file (or a batch of documents already read) -> cleaned
  articles with their language and copy-detection signature, or Failures. Cheap, so copies
  are found from the signature *before* anything is parsed.
- `analyse_articles(articles)`: originals -> parse, extract, term vector, lead embedding.

`WorkerPool` runs them in a persistent pool of forked processes (each loads its models once,
on first use, and keeps them for every later ingest of the process) or in-line; results come
back in submission order. Every task reports the CPU seconds it spent per stage. A worker that
dies (a segfault in compiled code) costs only the input that kills it (see Task).
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import multiprocessing.util
import os
import time
from collections import Counter
from collections.abc import Iterable
from concurrent import futures
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

import numpy as np

from ..config import Settings, current, using
from ..dates import date_from_url
from ..extract import ArticleFacts, extract_facts
from ..group import embed
from ..group.linking import article_terms, tf_vector
from ..models import Article, Failure, RawDocument
from ..prepare.clean import clean_text, split_title
from ..prepare.copies import signature
from ..prepare.language import detect_language
from ..prepare.parse import parse_many, pipeline_for
from ..processes import forked_children_die_with_parent
from ..read.files import read_path
from ..read.guard import FailureLog, guarded, optional, path_text
from ..read.outlets import outlet_name
from ..read.pagekind import not_an_article
from ..text import name_text, safe_text


@dataclass
class Prepared:
    """A cleaned article and its copy-detection signature (MinHash values)."""

    article: Article
    minhash: np.ndarray


@dataclass
class Analysed:
    """Everything the main process needs to place and store an original article."""

    facts: ArticleFacts
    terms: Counter
    vector: dict[str, float]
    dense: np.ndarray | None


@dataclass
class StageClock:
    """CPU seconds per stage of the process that did the work."""

    seconds: dict[str, float] = field(default_factory=dict)

    def measure(self, stage: str, started: float) -> float:
        now = time.process_time()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - started
        return now


def prepare(doc: RawDocument) -> Article | Failure:
    """Clean one document into an article (id from its content, so re-ingest is a no-op)."""
    return guarded(doc.where, "cleaning", lambda: _prepare(doc))


def _prepare(doc: RawDocument) -> Article | Failure:
    cleaned = clean_text(safe_text(doc.text))
    title, body = split_title(cleaned, optional(doc.title))
    if len(body) < current().reading.min_text_chars:
        return Failure(doc.where, "no article text after removing page leftovers")
    kind = not_an_article(title or "", body)
    if kind:
        return Failure(doc.where, f"not a news article: {kind}")
    source = safe_text(doc.source)
    content_hash = hashlib.sha256(body.encode()).hexdigest()
    identity = hashlib.sha256(f"{source}\n{content_hash}".encode()).hexdigest()
    title = name_text(title or body.split("\n\n")[0][:120])
    outlet = outlet_name(optional(doc.outlet), doc.url or source)
    return Article(id="a" + identity[:12], source=source, title=title, text=body, content_hash=content_hash,
                   outlet=name_text(outlet) or None if outlet else None,
                   language=detect_language(body, optional(doc.language)),
                   published=optional(doc.published) or date_from_url(doc.url or source))


def read_and_prepare(item: Path | Failure | list[RawDocument]) -> tuple[list[Prepared | Failure], dict[str, float]]:
    """An input file (or documents already read) -> its articles, ready for copy detection."""
    clock, started = StageClock(), time.process_time()
    if isinstance(item, Failure):
        return [item], clock.seconds
    failures: Iterable[Failure] = ()
    if isinstance(item, list):
        documents = item
    else:
        result = read_path(item)
        documents, failures = result.documents, result.failures
    started = clock.measure("read", started)
    out: list[Prepared | Failure] = []
    failed = FailureLog()
    failed.extend(failures)
    for doc in documents:
        article = prepare(doc)
        prepared = article if isinstance(article, Failure) else \
            guarded(article.source, "cleaning", lambda: Prepared(article, signature(article.text).hashvalues))
        if isinstance(prepared, Failure):
            failed.append(prepared)
        else:
            out.append(prepared)
    clock.measure("clean", started)
    return [*failed, *out], clock.seconds


def analyse_articles(articles: list[Article]) -> tuple[list[Analysed | Failure], dict[str, float]]:
    """Parse, extract, vectorise and embed a batch of originals (one failure never sinks the batch)."""
    clock, started = StageClock(), time.process_time()
    docs = list(parse_many([a.text for a in articles], 1, [a.language for a in articles]))
    started = clock.measure("parse", started)
    facts = [guarded(a.source, "extraction", lambda: extract_facts(doc, a.id, a.language, a.title))
             for a, doc in zip(articles, docs)]
    del docs
    started = clock.measure("extract", started)
    # a name written with a title or a kind ('Medan city') is the name again, not another term to group by
    terms = [Counter() if isinstance(f, Failure)
             else article_terms(a.title, a.text, [m.text for m in f.mentions if m.written_with is None])
             for a, f in zip(articles, facts)]
    started = clock.measure("terms", started)
    kept = [a for a, f in zip(articles, facts) if not isinstance(f, Failure)]
    leads = embed.embed_leads([embed.lead_text(a.title, a.text) for a in kept])
    dense = {a.id: vector for a, vector in zip(kept, leads)}
    clock.measure("embed", started)
    out: list[Analysed | Failure] = [
        f if isinstance(f, Failure) else Analysed(f, t, tf_vector(t), dense[a.id])
        for a, f, t in zip(articles, facts, terms)]
    return out, clock.seconds


CRASH_REASON = "{stage} crashed a worker process (a fault in compiled code); the input is skipped"


class Finished:
    """An in-line task's result, shaped like a pool's Task."""

    def __init__(self, value):
        self.value = value

    def ready(self) -> bool:
        return True

    def wait(self, seconds: float) -> None:
        pass

    def get(self):
        return self.value


class Task:
    """A task in the pool. A worker killed by a fault in compiled code (a segfault in a parser) breaks
    the pool and every task in flight: each is then run again alone, in a process of its own, and
    only the one that crashes even there takes its `on_crash` answer. Nothing hangs, nothing else is lost."""

    def __init__(self, pool: WorkerPool, future: Future, function, args: tuple, on_crash):
        self.pool, self.future, self.function, self.args, self.on_crash = pool, future, function, args, on_crash

    def ready(self) -> bool:
        return self.future.done()

    def wait(self, seconds: float) -> None:
        futures.wait([self.future], seconds)

    def get(self):
        try:
            return self.future.result()
        except BrokenProcessPool:
            self.pool.restart()
            outcome = run_alone(self.function, self.args)
            return self.on_crash(*self.args) if outcome is CRASHED else outcome


CRASHED = object()


def under(settings: Settings, function, *args):
    """function(*args) under the settings of the run that sent it (a worker outlives runs)."""
    with using(settings):
        return function(*args)


def run_alone(function, args: tuple):
    """function(*args) in a fresh process of its own; CRASHED if that process dies."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as alone:
        try:
            return alone.submit(under, current(), function, *args).result()
        except BrokenProcessPool:
            return CRASHED


def read_crashed(item) -> tuple[list[Failure], dict[str, float]]:
    where = item.source if isinstance(item, Failure) else \
        ", ".join(d.where for d in item) if isinstance(item, list) else path_text(item)
    return [Failure(where, CRASH_REASON.format(stage="reading"))], {}


def analysis_crashed(articles: list[Article]) -> tuple[list[Analysed | Failure], dict[str, float]]:
    """A batch that crashes a worker even alone: each article alone; the one that crashes is a Failure."""
    results: list[Analysed | Failure] = []
    for article in articles:
        outcome = run_alone(analyse_articles, ([article],))
        results.append(Failure(article.source, CRASH_REASON.format(stage="parsing or extraction"))
                       if outcome is CRASHED else outcome[0][0])
    return results, {}


def load_shared_models() -> None:
    """The pipelines (every language's, with parsing.preload; else English only) and the embedding model,
    loaded before the workers fork: their weights are then one copy in memory shared by every worker
    (copy-on-write), not one per worker. Without preload, other languages' pipelines load in a worker
    when its first report of that language comes.

    The objects loaded so far are then moved out of the garbage collector's sight (gc.freeze): a
    collection in a worker writes to the header of every object it tracks, and each write copies that
    object's page into the worker, until a model's millions of small objects are a copy per worker."""
    for key in (current().parsing.models if current().parsing.preload else ["en"]):
        pipeline_for(key)
    embed.embed_leads(["warm-up"])
    gc.freeze()


class Pool(Protocol):
    """Runs work somewhere (local processes, a Dask cluster): submit returns a task with ready(),
    wait(seconds) and get(); on_crash(*args) answers for a task that kills its worker."""

    def submit(self, function, *args, on_crash): ...


def pool_for(workers: int | Pool | None) -> Pool:
    """The pool an ingest uses: one given (a DaskPool), else `workers` local processes (None: the
    ingest.workers setting)."""
    if workers is None or isinstance(workers, int):
        return WorkerPool(current().ingest.workers if workers is None else workers)
    return workers


class WorkerPool:
    """`processes` forked workers, kept for the life of the process; 0 or 1: in-line."""

    _pools: ClassVar[dict[tuple[int, int], ProcessPoolExecutor]] = {}

    def __init__(self, processes: int):
        self.processes = processes

    def submit(self, function, *args, on_crash):
        """function(*args) in a worker; on_crash(*args) answers for it if it crashes a worker even alone."""
        if self.processes <= 1:
            return Finished(function(*args))
        try:
            future = self._pool().submit(under, current(), function, *args)
        except BrokenProcessPool:
            self.restart()
            future = self._pool().submit(under, current(), function, *args)
        return Task(self, future, function, args, on_crash)

    def _pool(self) -> ProcessPoolExecutor:
        key = (os.getpid(), self.processes)
        pool = self._pools.get(key)
        if pool is None:
            forked_children_die_with_parent()
            load_shared_models()
            pool = self._pools[key] = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("fork"))
            # stopped before multiprocessing joins a process's children at its exit: the pool's workers are
            # not daemons, and a process started by multiprocessing (the server's ingest worker) would wait
            # for them forever
            multiprocessing.util.Finalize(pool, _stop, args=(pool,), exitpriority=10)
        return pool

    def restart(self) -> None:
        """Drop a broken pool; the next task starts a new one."""
        pool = self._pools.pop((os.getpid(), self.processes), None)
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    @classmethod
    def discard(cls) -> None:
        """Stop this process's workers (after a failure left tasks of an abandoned ingest queued)."""
        for key in [k for k in cls._pools if k[0] == os.getpid()]:
            _stop(cls._pools.pop(key))


def _stop(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers, then wait for the pool's manager thread to see them gone: left running,
    it met a closed wake-up pipe at interpreter exit and printed a traceback after the command's report."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
