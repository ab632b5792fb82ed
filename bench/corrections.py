"""Seconds per correction kind on the WikinewsSum dev store (../shared/data/wikinewssum-dev.jsonl).

Ingests the 102 reports into a fresh store (or opens --db), then, in one process as the web app or a
CLI command would: merges the largest stories into one until it holds --size reports (each merge
timed), and on that story times a rename, a speaker set and removed, a dispute marked wrong, a report
moved to another event and to another story, a split, and the undo of each. Prints one line per kind:
the median seconds over the times it ran. A rename or a speaker fix should answer in well under a
second; a regroup (move, split, merge) in a few seconds on a story of 100 reports.

usage: PYTHONPATH=src python bench/corrections.py [--size 100] [--db STORE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from storyline import Storyline

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "wikinewssum-dev.jsonl"


def timed(seconds: dict[str, list[float]], kind: str, action):
    started = time.perf_counter()
    result = action()
    seconds[kind].append(time.perf_counter() - started)
    return result


def grow(news: Storyline, size: int, seconds: dict[str, list[float]]) -> str:
    """The largest story, with the next largest merged into it until it holds `size` reports."""
    rows = sorted(news.stories(limit=1000), key=lambda r: (-r.articles, r.id))
    story, held = rows[0].id, rows[0].articles
    for row in rows[1:-1]:  # the last story is kept apart: a report is moved there
        if held >= size:
            break
        timed(seconds, "merge", lambda row=row: news.correct("merge", row.id, "bench", into_story=story))
        held += row.articles
    return story


def run(news: Storyline, size: int) -> dict[str, list[float]]:
    seconds: dict[str, list[float]] = defaultdict(list)
    story_id = grow(news, size, seconds)
    story = news.story(story_id)
    print(f"story {story_id}: {len(story.articles)} reports, {len(story.events)} events, "
          f"{len(story.analysis.quotes)} quotes", file=sys.stderr)
    made = [timed(seconds, "rename", lambda: news.correct("rename", story_id, "bench", title="A title by a reader"))]
    quote = next(q for q in story.analysis.quotes if q.speaker)
    made.append(timed(seconds, "speaker", lambda: news.correct("speaker", story_id, "bench", quote_id=quote.id,
                                                                speaker="A reader's name")))
    other = next(q for q in news.story(story_id).analysis.quotes if q.speaker and q.id != quote.id)
    made.append(timed(seconds, "speaker", lambda: news.correct("speaker", story_id, "bench", quote_id=other.id,
                                                                speaker=None)))
    relation = next(iter(news.story(story_id).analysis.relations), None)
    if relation is not None:
        made.append(timed(seconds, "dispute", lambda: news.correct("dispute", story_id, "bench",
                                                                    a=relation.a, b=relation.b)))
    events = news.story(story_id).events
    if len(events) > 1:
        made.append(timed(seconds, "event", lambda: news.correct("event", story_id, "bench",
                                                                  article_id=events[0].article_ids[0],
                                                                  event_id=events[1].id)))
    target = next(r.id for r in news.stories(limit=1000) if r.id != story_id)
    reports = [a.id for a in news.story(story_id).articles if not a.duplicate_of]
    made.append(timed(seconds, "move", lambda: news.correct("move", story_id, "bench", article_id=reports[-1],
                                                             to_story=target)))
    made.append(timed(seconds, "split", lambda: news.correct("split", story_id, "bench", article_ids=reports[:3])))
    for correction in reversed(made):
        timed(seconds, f"undo {correction.kind}", lambda c=correction: news.undo(c.id, "bench"))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100, help="reports in the story corrected")
    parser.add_argument("--db", help="an existing store (default: the dev file ingested into a fresh one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        news = Storyline(args.db or Path(folder) / "bench.db")
        if not args.db:
            news.ingest([str(DEV)])
        seconds = run(news, args.size)
        news.close()
    for kind, found in seconds.items():
        print(f"{kind:14} {statistics.median(found):7.3f} s median  ({len(found)}× , max {max(found):.3f} s)")


if __name__ == "__main__":
    main()
