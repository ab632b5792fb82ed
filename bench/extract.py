"""Extraction throughput: model load time, then articles/s for parsing + entities, quotes, figures, times.

usage: python bench/extract.py [--n 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import base_texts, replica

from storyline.extract import extract_facts
from storyline.prepare.clean import clean_text, split_title
from storyline.prepare.parse import english, parse_many


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    english()
    print(f"model load {time.perf_counter() - start:.2f} s (once per process)")
    import random

    rng = random.Random(7)
    texts = base_texts()
    bodies = [split_title(clean_text(replica(texts[i % len(texts)], i, rng)), None)[1] for i in range(args.n)]
    start = time.perf_counter()
    quotes = figures = 0
    for index, doc in enumerate(parse_many(bodies, args.processes)):
        facts = extract_facts(doc, f"a{index}")
        quotes += len(facts.quotes)
        figures += len(facts.figures)
    elapsed = time.perf_counter() - start
    words = sum(len(b.split()) for b in bodies)
    print(f"{args.n} articles ({words / args.n:.0f} words each) in {elapsed:.1f} s: {args.n / elapsed:.1f} articles/s "
          f"with {args.processes} process(es); {quotes} quotes, {figures} figures")


if __name__ == "__main__":
    main()
