"""End-to-end throughput: ingest N synthetic articles, print articles/s, seconds per stage, peak RSS.

usage: python bench/pipeline.py [--n 1000] [--n 10000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

from storyline import store  # noqa: E402
from storyline.nlp import english  # noqa: E402
from storyline.pipeline import ingest  # noqa: E402


def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp) / "corpus", count)
        conn = store.open_store(str(Path(tmp) / "bench.db"))
        start = time.perf_counter()
        report = ingest(conn, [str(corpus)])
        elapsed = time.perf_counter() - start
        stories = conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
        print(f"N={count}: {report.new} new ({report.near_duplicates} syndicated copies), {stories} stories, "
              f"{elapsed:.1f} s, {count / elapsed:.1f} articles/s")
        for stage, seconds in sorted(report.stage_seconds.items(), key=lambda kv: -kv[1]):
            print(f"  {stage:12s} {seconds:8.1f} s")
        main_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  peak RSS    {main_mb:8.0f} MB (main process), {worker_mb:.0f} MB (largest parser worker)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, action="append", help="corpus size (repeatable)")
    sizes = parser.parse_args().n or [1000]
    load = time.perf_counter()
    english()
    print(f"model load {time.perf_counter() - load:.1f} s")
    for count in sizes:
        run(count)


if __name__ == "__main__":
    main()
