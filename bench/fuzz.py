"""The long fuzz run: the properties of tests/fuzzing.py on many hypothesis examples.

Every stage gets its share of --examples (the whole-pipeline ingest, which costs about a
second an example, gets 0.5%; gzip archives, bombs up to 64 MB among them, 0.5%). The "postgres"
stage runs on a throw-away PostgreSQL server this script starts (tests/pgserver.py).
Unlike the test, a failing example does not stop the run:
each exception is counted by stage and type, and the first input of each kind is printed.
Prints inputs tried, unhandled exceptions, exports that are not strict JSON, and the time.

usage: python bench/fuzz.py [--examples 100000] [--seed 1] [--stage NAME]
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import fuzzing
from fuzzing import PROPERTIES
from pgserver import TempPostgres

from storyline import store

SHARES = {"read": 0.15, "archive": 0.005, "postgres": 0.1, "record": 0.2, "clean": 0.2, "dates": 0.2,
          "extract": 0.08, "ingest": 0.005, "search": 0.05, "correct": 0.01}


def run_stage(stage: str, examples: int, random_seed: int) -> tuple[int, Counter, float]:
    strategy, check = PROPERTIES[stage]
    tried, errors = 0, Counter()
    started = time.perf_counter()

    @seed(random_seed)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(example):
        nonlocal tried
        tried += 1
        try:
            check(example)
        except Exception as exc:
            kind = f"{type(exc).__name__}: {str(exc)[:80]}"
            if kind not in errors:
                print(f"  [{stage}] {kind}\n    input: {repr(example)[:300]}\n    at: "
                      f"{traceback.format_exc().strip().splitlines()[-3].strip()}", flush=True)
            errors[kind] += 1

    run()
    return tried, errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stage", choices=sorted(PROPERTIES))
    args = parser.parse_args()
    stages = [args.stage] if args.stage else list(SHARES)
    server = TempPostgres().start() if "postgres" in stages else None
    if server:
        fuzzing.POSTGRES = store.open_store(server.create("fuzz"))
    total_tried, total_errors, non_json, total_seconds = 0, 0, 0, 0.0
    print(f"{'stage':8} {'inputs':>8} {'exceptions':>10} {'seconds':>8} {'inputs/s':>9}")
    for stage in stages:
        share = 1.0 if args.stage else SHARES[stage]
        tried, errors, seconds = run_stage(stage, max(1, round(args.examples * share)), args.seed)
        failures = sum(errors.values())
        non_json += sum(n for kind, n in errors.items() if "is not JSON" in kind)
        total_tried, total_errors, total_seconds = total_tried + tried, total_errors + failures, total_seconds + seconds
        print(f"{stage:8} {tried:8d} {failures:10d} {seconds:8.1f} {tried / seconds:9.1f}", flush=True)
    if server:
        fuzzing.POSTGRES.close()
        server.stop()
    print(f"total: {total_tried} inputs tried, {total_errors} unhandled exceptions, {non_json} non-JSON exports, "
          f"{total_seconds:.0f} s")
    sys.exit(1 if total_errors else 0)


if __name__ == "__main__":
    main()
