"""Event clustering on the labelled WikinewsSum dev file: storyline against the classic baseline.

Runs `storyline ingest` + `storyline export` on ../shared/data/wikinewssum-dev.jsonl, scores the
export with ../shared/eval/score_clusters.py, and in the same run the classic approach
(TF-IDF, cosine, average-link agglomerative clustering, best threshold on this very file)
on the same texts. Prints both BCubed F1s, their ratio, articles/s for each, peak RSS, and how many non-English
articles land in the same event as one of their English siblings.

With --batches N the storyline side ingests the file as N shuffled batches, one `ingest` each,
as a live feed would, and also prints how many story merges the store recorded.

With --scale N it instead measures the online story clustering alone (candidate lookup in
the inverted index, fused term + dense scoring, assignment, merges) on N perturbed replicas of
the labelled articles, as a feed of SCALE_PER_DAY articles a day: each replica keeps 30% of
an article's terms as they are and renames the rest per replica (distinct happenings with the
corpus's word statistics), and jitters its lead embedding. It prints the time per article
at every tenfold checkpoint from 1,000 on; flat means no all-pairs work.

usage: python bench/cluster.py [--batches N] [--seed S] | --scale N
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "data" / "wikinewssum-dev.jsonl"
sys.path.insert(0, str(SHARED / "eval"))
from score_clusters import bcubed  # noqa: E402


def batch_files(rows: list[dict], batches: int, seed: int, tmp: Path) -> list[Path]:
    """The labelled file shuffled and cut into `batches` JSONL files."""
    if batches <= 1:
        return [GOLD]
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    files = []
    for number in range(batches):
        path = tmp / f"batch{number:02d}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in shuffled[number::batches]), encoding="utf-8")
        files.append(path)
    return files


def storyline_run(tmp: Path, inputs: list[Path]) -> tuple[float, float, dict[str, tuple[str, str]]]:
    db, export = tmp / "bench.db", tmp / "export.json"
    binary = Path(sys.executable).parent / "storyline"
    start = time.perf_counter()
    for path in inputs:
        subprocess.run([str(binary), "ingest", str(path), "--db", str(db)], check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    if len(inputs) > 1:
        merges = sqlite3.connect(db).execute("SELECT COUNT(*) FROM merges WHERE kind='story'").fetchone()[0]
        print(f"streaming: {len(inputs)} shuffled batches, {merges} story merges recorded in the store")
    subprocess.run([str(binary), "export", "--db", str(db), "--format", "json", "-o", str(export)], check=True,
                   capture_output=True)
    scored = subprocess.run([sys.executable, str(SHARED / "eval" / "score_clusters.py"), str(export), str(GOLD)],
                            capture_output=True, text=True).stdout.strip().splitlines()
    print("storyline:", " | ".join(scored))
    exported = json.loads(export.read_text(encoding="utf-8"))
    event_of = {a["source"]: (a["event_id"], a["story_id"]) for a in exported["articles"]}
    return float(scored[-1].split("F1=")[1]), elapsed, event_of


def cross_language(rows: list[dict], event_of: dict[str, tuple[str, str]], level: int) -> tuple[int, int]:
    """(joined, total): non-English articles with English siblings in the gold that share an event
    (level 0) or a story (level 1) with one."""
    joined = total = 0
    for row in rows:
        siblings = [r["url"] for r in rows if r["event"] == row["event"] and r["language"] == "en"]
        if row["language"] == "en" or not siblings:
            continue
        total += 1
        joined += any(event_of[s][level] == event_of[row["url"]][level] for s in siblings)
    return joined, total


def baseline_run(rows: list[dict]) -> tuple[float, float, float]:
    start = time.perf_counter()
    texts = [f"{r.get('title') or ''}\n{r['text']}" for r in rows]
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    distance = 1 - (matrix @ matrix.T).toarray()
    gold = {r["url"]: r["event"] for r in rows}
    best = (0.0, 0.0)
    for threshold in np.arange(0.05, 0.95, 0.025):
        labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                         distance_threshold=1 - threshold).fit_predict(distance)
        f1 = bcubed({r["url"]: labels[i] for i, r in enumerate(rows)}, gold)[2]
        best = max(best, (f1, threshold))
    return best[0], best[1], time.perf_counter() - start


SCALE_PER_DAY = 200
SCALE_KEEP = 0.3
SCALE_JITTER = 0.02


def scale_run(rows: list[dict], total: int, seed: int) -> None:
    from datetime import date, timedelta

    from storyline.cluster import STORY_THRESHOLD, STORY_WINDOW_DAYS, CorpusStats, GroupIndex, article_terms, tf_vector
    from storyline.embed import embed_leads, lead_text

    rng = np.random.default_rng(seed)
    bases = [article_terms(r.get("title") or "", r["text"], []) for r in rows]
    leads = embed_leads([lead_text(r.get("title") or "", r["text"]) for r in rows])
    stats = CorpusStats()
    index = GroupIndex("s", STORY_THRESHOLD, stats, STORY_WINDOW_DAYS)
    start_day, clock, done, last_mark = date(2020, 1, 1), 0.0, 0, (0, 0.0)
    checkpoints = [n for n in (1_000, 3_000, 10_000, 30_000, 100_000, 300_000) if n < total] + [total]
    print(f"scale: {total:,} replicas, {SCALE_PER_DAY} a day; story clustering only (index, scoring, merges)")
    while done < total:
        chunk = []
        for _ in range(min(16, total - done)):
            base = done % len(rows)
            replica = done // len(rows)
            terms = {(t if rng.random() < SCALE_KEEP else f"{t}#{replica}"): c for t, c in bases[base].items()}
            dense = leads[base] + rng.normal(0, SCALE_JITTER, leads.shape[1]).astype(np.float32)
            day = (start_day + timedelta(days=done // SCALE_PER_DAY)).isoformat()
            chunk.append((f"a{done:012d}", terms, dense / np.linalg.norm(dense), day))
            done += 1
        began = time.perf_counter()
        touched = set()
        for article_id, terms, dense, day in chunk:
            stats.add(terms)
            touched.add(index.assign(article_id, tf_vector(terms), dense, day))
        index.merge_touched(touched)
        index.take_changed()
        clock += time.perf_counter() - began
        if done >= checkpoints[0]:
            stories = sum(1 for g in index.groups.values() if not g.parent)
            print(f"  N={done:>9,}: {clock / done * 1000:.3f} ms/article over all, "
                  f"{(clock - last_mark[1]) / (done - last_mark[0]) * 1000:.3f} ms/article since N={last_mark[0]:,}, "
                  f"{stories:,} stories, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
                  flush=True)
            last_mark = (done, clock)
            checkpoints.pop(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=int, default=0, help="replicas for the scale run (e.g. 100000)")
    args = parser.parse_args()
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.scale:
        scale_run(rows, args.scale, args.seed)
        return
    with tempfile.TemporaryDirectory() as tmp:
        inputs = batch_files(rows, args.batches, args.seed, Path(tmp))
        ours, our_seconds, event_of = storyline_run(Path(tmp), inputs)
    base, threshold, base_seconds = baseline_run(rows)
    print(f"baseline (TF-IDF avg-link, threshold {threshold:.3f} tuned on this file): F1={base:.3f}, "
          f"{len(rows) / base_seconds:.0f} articles/s")
    print(f"storyline: F1={ours:.3f}, {len(rows) / our_seconds:.1f} articles/s end to end (parse, extract, cluster, analyse)")
    print(f"ratio storyline/baseline: {ours / base:.3f}")
    for level, name in enumerate(("event", "story")):
        joined, total = cross_language(rows, event_of, level)
        print(f"cross-language: {joined} of {total} non-English articles share {name} with an English sibling")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (bench), "
          f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB (storyline)")


if __name__ == "__main__":
    main()
