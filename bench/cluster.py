"""Online grouping at scale: time per article from 1,000 to N articles.

Measures the online story grouping alone (`cluster.GroupIndex`: candidate lookup in the inverted
index and among the recently active stories' embeddings, the learned story decision, merges every 16
articles; events are found later, inside each story) on N perturbed replicas of the WikinewsSum dev articles,
as a feed of SCALE_PER_DAY
articles a day: each replica keeps SCALE_KEEP of an article's terms as they are and renames the
rest per replica (distinct happenings with the corpus's word statistics), and jitters its lead
embedding. Prints the time per article at every checkpoint (overall and since the last one),
the number of stories, and peak RSS; flat means no all-pairs work.

Grouping quality on the labelled corpora is bench/quality.py.

usage: python bench/cluster.py --scale N [--seed S]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "data" / "wikinewssum-dev.jsonl"
SCALE_PER_DAY = 200
SCALE_KEEP = 0.3
SCALE_JITTER = 0.02
MERGE_EVERY = 16


def scale_run(rows: list[dict], total: int, seed: int) -> None:
    from storyline.group.cluster import CorpusStats, GroupIndex
    from storyline.group.embed import embed_leads, lead_text
    from storyline.group.linking import Profile, article_terms, story_decision, sublinear, tf_vector
    from storyline.text import word_list

    rng = np.random.default_rng(seed)
    bases = [article_terms(r.get("title") or "", r["text"], []) for r in rows]
    titles = [Counter(word_list(r.get("title") or "")) for r in rows]
    leads = embed_leads([lead_text(r.get("title") or "", r["text"]) for r in rows])
    stats = CorpusStats()
    stories = GroupIndex("s", story_decision(), stats)
    start_day, clock, done, last_mark, unmerged = date(2020, 1, 1), 0.0, 0, (0, 0.0), set()
    checkpoints = [n for n in (1_000, 3_000, 10_000, 30_000, 100_000, 300_000) if n < total] + [total]
    print(f"scale: {total:,} replicas, {SCALE_PER_DAY} a day; story grouping only (index, learned decision, merges)")
    while done < total:
        base, replica = done % len(rows), done // len(rows)
        rename = lambda t: t if rng.random() < SCALE_KEEP else f"{t}#{replica}"  # noqa: E731
        terms = Counter({rename(t): c for t, c in bases[base].items()})
        dense = leads[base] + rng.normal(0, SCALE_JITTER, leads.shape[1]).astype(np.float32)
        day = (start_day + timedelta(days=done // SCALE_PER_DAY)).isoformat()
        profile = Profile(terms=tf_vector(terms), title=sublinear(Counter({rename(t): c for t, c in titles[base].items()})),
                          dense=dense / np.linalg.norm(dense), first=day, last=day,
                          languages={rows[base].get("language") or "?": 1}, size=1)
        began = time.perf_counter()
        stats.add(terms)
        unmerged.add(stories.assign(f"a{done:012d}", profile))
        done += 1
        if done % MERGE_EVERY == 0:
            stories.merge_touched(unmerged)
            unmerged = set()
            stories.take_changed()
        clock += time.perf_counter() - began
        if done >= checkpoints[0]:
            live = sum(1 for g in stories.groups.values() if not g.parent)
            print(f"  N={done:>9,}: {clock / done * 1000:.3f} ms/article over all, "
                  f"{(clock - last_mark[1]) / (done - last_mark[0]) * 1000:.3f} ms/article since N={last_mark[0]:,}, "
                  f"{live:,} stories, "
                  f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)
            last_mark = (done, clock)
            checkpoints.pop(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, required=True, help="replicas to group (e.g. 100000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    scale_run(rows, args.scale, args.seed)


if __name__ == "__main__":
    main()
