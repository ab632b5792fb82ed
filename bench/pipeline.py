"""End-to-end throughput on real, copy-free news (bench/corpus.py), beside spaCy's parse floor.

For each N: one `ingest` of N reports into a fresh store, then prints articles/s, words/s, CPU
milliseconds (all processes) per original article and per 1,000 words, CPU seconds per stage,
the peak RSS of every process and of all together (summed RSS, and summed PSS:
pages shared by forked workers counted once), and - in the same run,
on the same texts - the floor: the pipeline's spaCy models alone (`nlp.pipe`, the same components
and processes) and the end-to-end words/s as a share of it.

`--stream 50` ingests the corpus in batches of 50 (one `ingest` call each, as a live feed) and
prints CPU per article over the batches that end at each tenfold step (100, 1,000, 10,000...).

`--db postgresql://user@host/db` runs on PostgreSQL: each run creates a fresh database on that
server (named after the given one) and drops it afterwards; the server's own processes are not in
the CPU and memory figures. Default: a fresh SQLite file in a temporary folder.

`--workers 1,2` runs each N on a Dask LocalCluster of 1, then 2 worker processes (`--trim 65536,-1`:
once per MALLOC_TRIM_THRESHOLD_ given to the workers); without it, the local worker pool.

`--language en` takes the reports of that language only (replicated as above); default: all languages.

usage: python bench/pipeline.py [--n 1000] [--n 10000] [--stream 50] [--no-floor] [--db URL]
                                [--workers 1,2] [--trim 65536,-1] [--language en]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import copy_free, write_corpus

from storyline import Storyline
from storyline.config import current, using
from storyline.prepare.parse import model_language, parse_many, pipeline_for
from storyline.store.backends import is_postgres

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> float:
    """User + system CPU of this process, of its children that ended, and of its live descendants
    (the persistent worker pool) so far."""
    times = os.times()
    live = sum(_cpu_of(pid) for pid in _descendants(os.getpid()))
    return times.user + times.system + times.children_user + times.children_system + live


def _cpu_of(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


class RssSampler:
    """Peak resident memory of this process, of each descendant, and of all of them together."""

    def __init__(self, every: float = 0.5):
        self.every, self.peak_total, self.peak_shared_once, self.peaks = every, 0, 0, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = [os.getpid(), *_descendants(os.getpid())]
            sizes = {pid: _memory_kb(pid, "VmRSS:") for pid in pids}
            self.peak_total = max(self.peak_total, sum(sizes.values()))
            self.peak_shared_once = max(self.peak_shared_once, sum(_memory_kb(pid, "Pss:", "smaps_rollup")
                                                                   for pid in pids))
            for pid, size in sizes.items():
                self.peaks[pid] = max(self.peaks.get(pid, 0), size)
            self._stop.wait(self.every)

    def describe(self) -> str:
        main = self.peaks.get(os.getpid(), 0)
        others = sorted((size for pid, size in self.peaks.items() if pid != os.getpid()), reverse=True)
        workers = ", ".join(f"{size / 1024:.0f}" for size in others) or "none"
        return (f"peak RSS: all processes together {self.peak_total / 1024:.0f} MB (shared pages counted once: "
                f"{self.peak_shared_once / 1024:.0f} MB PSS); main {main / 1024:.0f} MB; workers {workers} MB")


class SegmentClock:
    """Progress callback of one large ingest: at every tenth of the corpus (from 10,000 reports on;
    below that only at the end) prints wall and CPU time per article over that segment and the peak
    PSS so far, so time per article can be compared along the run, and a run stopped early still
    leaves figures."""

    def __init__(self, count: int, memory: RssSampler):
        self.step = count // 10 if count >= 10_000 else count
        self.memory, self.next_mark, self.last_done = memory, self.step, 0
        self.last_wall, self.last_cpu, self.start = time.perf_counter(), cpu_seconds(), time.perf_counter()

    def __call__(self, done: int, _total: int | None) -> None:
        if done < self.next_mark or self.step == 0:
            return
        wall, cpu, count = time.perf_counter(), cpu_seconds(), done - self.last_done
        print(f"  {self.last_done + 1:7d}-{done:7d}: {1000 * (wall - self.last_wall) / count:6.1f} ms/article wall, "
              f"CPU {1000 * (cpu - self.last_cpu) / count:6.1f} ms/article; {wall - self.start:7.0f} s so far, "
              f"peak PSS so far {self.memory.peak_shared_once / 1024:.0f} MB", flush=True)
        self.last_done, self.last_wall, self.last_cpu = done, wall, cpu
        while self.next_mark <= done:
            self.next_mark += self.step


def _descendants(pid: int) -> list[int]:
    """Children, grandchildren...: read from /proc/<pid>/task/<tid>/children (no scan of all of /proc)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            threads = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for thread in threads:
            try:
                with open(f"/proc/{parent}/task/{thread}/children") as handle:
                    children = [int(child) for child in handle.read().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def _memory_kb(pid: int, field: str, table: str = "status") -> int:
    """A kB figure of /proc/<pid>/status (VmRSS) or smaps_rollup (Pss: shared pages split between sharers)."""
    try:
        with open(f"/proc/{pid}/{table}") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def parse_floor(folder: Path, processes: int) -> tuple[float, float]:
    """(wall s, CPU s) of the pipeline's spaCy models alone over the corpus texts, in their languages,
    grouped by language (each language's texts in one `nlp.pipe` run over the processes: the floor's
    best case; in input order a mixed stream would make short runs on one process)."""
    def records():
        for path in sorted(folder.glob("*.jsonl")):
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    yield json.loads(line)

    by_language = sorted(((model_language(r.get("language")), r["text"]) for r in records()), key=lambda kv: kv[0])
    for key in {key for key, _text in by_language}:
        pipeline_for(key)
    cpu, start = cpu_seconds(), time.perf_counter()
    for _doc in parse_many([text for _key, text in by_language], processes, [key for key, _text in by_language]):
        pass
    return time.perf_counter() - start, cpu_seconds() - cpu


@contextmanager
def fresh_store(db: str | None, folder: str) -> Iterator[Storyline]:
    """A new, empty store: an SQLite file in `folder`, or a new database on the PostgreSQL server `db`."""
    if not db or not is_postgres(db):
        with Storyline(str(Path(folder) / "bench.db")) as session:
            yield session
        return
    import psycopg

    url = urlsplit(db)
    name = f"{url.path.strip('/') or 'storyline'}_bench_{os.getpid()}_{time.monotonic_ns()}"
    with psycopg.connect(db, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with Storyline(url._replace(path=f"/{name}").geturl()) as session:
            yield session
    finally:
        with psycopg.connect(db, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}"')


def run(count: int, floor: bool, db: str | None, workers: int | None = None, language: str | None = None) -> None:
    """One ingest of `count` reports; workers: a Dask LocalCluster of that many processes (its start-up,
    models loaded in each worker, is outside the timed part), None: the local worker pool."""
    if workers is None:
        _run(count, floor, db, None, language)
        return
    from storyline.api import dask_pool

    with dask_pool(workers) as pool:
        pool.client.run(lambda: None)  # every worker up, its models loaded (the plugin's setup)
        print(f"Dask LocalCluster: {workers} worker process(es), MALLOC_TRIM_THRESHOLD_="
              f"{current().scaleout.malloc_trim_threshold if current().scaleout.malloc_trim_threshold >= 0 else 'unset'}")
        _run(count, floor, db, pool, language)


def _run(count: int, floor: bool, db: str | None, pool, language: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_store(db, tmp) as session:
        corpus, words = write_corpus(Path(tmp) / "corpus", count, language=language)
        print(f"store: {session.backend} ({session.shown_location}); reports: {language or 'all languages'}")
        cpu, start = cpu_seconds(), time.perf_counter()
        with RssSampler() as memory:
            report = session.ingest([str(corpus)], progress=SegmentClock(count, memory), workers=pool)
        elapsed, used = time.perf_counter() - start, cpu_seconds() - cpu
        stories = len(session.story_ids())
        originals = max(1, report.new - report.near_duplicates)
        print(f"N={count} ({words / count:.0f} words/article): {report.new} new, {report.near_duplicates} taken for "
              f"copies, {len(report.failures)} failed, {stories} stories")
        print(f"  CPU {used / count:.3f} s/article (all processes)")
        print(f"  end to end   {elapsed:8.1f} s  {count / elapsed:7.1f} articles/s  {words / elapsed:8.0f} words/s  "
              f"CPU {1000 * used / originals:6.1f} ms/original article, {1000 * used / (words / 1000):6.1f} ms/1,000 words")
        print(f"  {memory.describe()}")
        print("  CPU per stage (s, all processes):")
        for stage, seconds in sorted(report.stage_seconds.items(), key=lambda kv: -kv[1]):
            print(f"    {stage:14s} {seconds:8.1f}")
        if floor:
            workers = current().ingest.workers
            floor_wall, floor_cpu = parse_floor(corpus, workers)
            print(f"  parse floor  {floor_wall:8.1f} s  {count / floor_wall:7.1f} articles/s  {words / floor_wall:8.0f} "
                  f"words/s  CPU {1000 * floor_cpu / count:6.1f} ms/article ({workers} processes)")
            print(f"  end to end / floor (words/s): {floor_wall / elapsed:.2f}")


def stream(batch: int, total: int, db: str | None, language: str | None = None) -> None:
    """Ingest `total` reports `batch` at a time; CPU per article, and per stage, over each tenfold step."""
    with tempfile.TemporaryDirectory() as tmp, fresh_store(db, tmp) as session:
        records = copy_free(total, language=language)
        done, step_done, next_mark, words = 0, 0, 100, 0
        step_start, step_cpu, stages = time.perf_counter(), cpu_seconds(), Counter()
        print(f"stream: batches of {batch}")
        while done < total:
            rows = [r for _i, r in zip(range(batch), records)]
            path = Path(tmp) / "batch.jsonl"
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
            stages.update(session.ingest([str(path)]).stage_seconds)
            done += len(rows)
            words += sum(len(r["text"].split()) for r in rows)
            if done >= next_mark or done >= total:
                count = done - step_done
                per_stage = ", ".join(f"{stage} {1000 * seconds / count:.1f}" for stage, seconds in stages.most_common(6))
                used = cpu_seconds() - step_cpu
                print(f"  {step_done + 1:6d}-{done:6d} ({words / count:.0f} words/article): CPU {1000 * used / count:6.1f} "
                      f"ms/article, {1000 * used / (words / 1000):6.1f} ms/1,000 words, "
                      f"{count / (time.perf_counter() - step_start):6.1f} articles/s (ms/article: {per_stage})", flush=True)
                step_start, step_cpu, step_done, stages = time.perf_counter(), cpu_seconds(), done, Counter()
                words = 0
                next_mark *= 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, action="append", help="corpus size (repeatable)")
    parser.add_argument("--stream", type=int, help="ingest in batches of this size instead")
    parser.add_argument("--total", type=int, default=10_000, help="articles streamed (with --stream)")
    parser.add_argument("--no-floor", action="store_true", help="skip the parse floor")
    parser.add_argument("--db", help="postgresql://... to run on PostgreSQL (default: SQLite)")
    parser.add_argument("--workers", help="comma-separated Dask LocalCluster sizes to run each N on, e.g. 1,2")
    parser.add_argument("--language", help="reports of this language only (e.g. en); default: all")
    parser.add_argument("--trim", default="65536", help="comma-separated MALLOC_TRIM_THRESHOLD_ values for the "
                                                         "Dask workers (-1: unset, glibc's own)")
    args = parser.parse_args()
    if args.stream:
        stream(args.stream, args.total, args.db, args.language)
        return
    for count in args.n or [1000]:
        if not args.workers:
            run(count, not args.no_floor, args.db, language=args.language)
            sys.stdout.flush()
            continue
        for trim in (int(t) for t in args.trim.split(",")):
            with using(current().with_overrides({"scaleout.malloc_trim_threshold": trim})):
                for workers in (int(w) for w in args.workers.split(",")):
                    run(count, False, args.db, workers, args.language)
                    sys.stdout.flush()


if __name__ == "__main__":
    main()
