"""Story summaries on WikinewsSum dev against the Wikinews article written about each event.

`storyline ingest` of the 102 dev reports into a fresh store, then each of the 45 events' summary is the
summary of the story holding most of its reports, as a reader finds it. Beside it, on the same events
and the same sentences (the reports as storyline cleaned and split them, English reports only, earliest
given date first, then file order):
- Lead-3: the first three sentences of the earliest report;
- First 100 words: the opening of the earliest report;
- LexRank (sumy; Erkan & Radev 2004) over every sentence of the event's reports: the fewest top-ranked
  sentences that reach 100 words, in document order (as sumy gives them).
Every candidate is cut to its first 100 words and scored with ROUGE-1, -2 and -L F1 (rouge-score,
Porter stemming) against the whole Wikinews article; the table gives the mean over the events that have
an English report (the held-out bar is set on those) and the paired bootstrap share of resamples in which
storyline is ahead of each baseline. Also printed: storyline summaries shorter than 100 words, and each
story's title (furniture titles are what the titles issue removes).

usage: python bench/summaries.py [--keep DIR]   (`make bench-deps` installs sumy and rouge-score)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))
from storyline.prepare.parse import parse  # noqa: E402

WORDS = 100
MEASURES = ("rouge1", "rouge2", "rougeL")
BOOTSTRAP = 2000


class WordTokenizer:
    """sumy's tokenizer interface over the sentences storyline split (sumy's own needs NLTK data downloads)."""

    language = "english"

    @staticmethod
    def to_words(sentence: str) -> list[str]:
        return [w for w in (t.strip(".,;:!?\"'()[]«»“”‘’") for t in sentence.split()) if w]

    @staticmethod
    def to_sentences(paragraph: str) -> list[str]:
        return [paragraph]


def first_words(text: str, count: int = WORDS) -> str:
    return " ".join(text.split()[:count])


def ingest_and_export(keep: Path | None) -> dict:
    binary = Path(sys.executable).parent / "storyline"
    with tempfile.TemporaryDirectory() as folder:
        tmp = keep or Path(folder)
        tmp.mkdir(parents=True, exist_ok=True)
        db, export = tmp / "summaries.db", tmp / "export.json"
        subprocess.run([str(binary), "ingest", str(DATA / "wikinewssum-dev.jsonl"), "--db", str(db)], check=True,
                       capture_output=True)
        subprocess.run([str(binary), "export", "--db", str(db), "--format", "json", "-o", str(export)], check=True,
                       capture_output=True)
        return json.loads(export.read_text(encoding="utf-8"))


def storyline_summaries(exported: dict, events: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """event -> (summary, story title): the story holding most of the event's exported reports."""
    articles = {a["source"]: a for a in exported["articles"]}
    stories = {s["id"]: s for s in exported["stories"]}
    chosen = {}
    for event, urls in events.items():
        held = Counter(articles[u]["story_id"] for u in urls if u in articles and articles[u].get("story_id"))
        if not held:
            chosen[event] = ("", "")
            continue
        story = stories[sorted(held.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]]
        chosen[event] = (" ".join(s["text"] for s in story["summary"]), story["title"])
    return chosen


def english_reports(exported: dict, rows: list[dict]) -> dict[str, list[list[str]]]:
    """event -> its English reports' sentences (as storyline cleaned the text), earliest given date first."""
    articles = {a["source"]: a for a in exported["articles"]}
    order = {r["url"]: i for i, r in enumerate(rows)}
    reports = defaultdict(list)
    for row in rows:
        article = articles.get(row["url"])
        if row.get("language") == "en" and article is not None:
            reports[row["event"]].append(article)
    return {event: [[s.text.strip() for s in parse(a["text"], "en").sents if s.text.strip()]
                    for a in sorted(group, key=lambda a: (a.get("published") is None, a.get("published") or "",
                                                          order[a["source"]]))]
            for event, group in reports.items()}


def lexrank(reports: list[list[str]]) -> str:
    """sumy's LexRank with the fewest top-ranked sentences that reach the word budget, in document order."""
    document = ObjectDocumentModel([Paragraph([Sentence(s, WordTokenizer()) for s in sentences])
                                    for sentences in reports])
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    total = sum(len(r) for r in reports)
    for count in range(1, total + 1):
        picked = [str(s) for s in summarizer(document, count)]
        if sum(len(s.split()) for s in picked) >= WORDS:
            break
    return " ".join(picked)


def baselines(reports: list[list[str]]) -> dict[str, str]:
    return {"Lead-3": " ".join(reports[0][:3]), "First 100 words": " ".join(reports[0]), "LexRank": lexrank(reports)}


def score(candidate: str, reference: str, scorer) -> list[float]:
    result = scorer.score(reference, first_words(candidate))
    return [100 * result[m].fmeasure for m in MEASURES]


def ahead_share(ours: np.ndarray, theirs: np.ndarray, seed: int = 0) -> float:
    """Paired bootstrap over events: the share of resamples in which our mean is above theirs."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(ours), size=(BOOTSTRAP, len(ours)))
    return float(np.mean(ours[picks].mean(axis=1) > theirs[picks].mean(axis=1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="keep the store and export in this folder")
    args = parser.parse_args()
    rows = [json.loads(line) for line in (DATA / "wikinewssum-dev.jsonl").read_text(encoding="utf-8").splitlines() if line]
    references = {json.loads(line)["event"]: json.loads(line)["summary"]
                  for line in (DATA / "wikinewssum-dev-summaries.jsonl").read_text(encoding="utf-8").splitlines() if line}
    events: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        events[row["event"]].append(row["url"])
    exported = ingest_and_export(args.keep)
    ours = storyline_summaries(exported, events)
    english = english_reports(exported, rows)
    scorer = rouge_scorer.RougeScorer(list(MEASURES), use_stemmer=True)
    systems: dict[str, list[list[float]]] = defaultdict(list)
    scored = sorted(e for e in events if english.get(e))
    for event in scored:
        systems["storyline"].append(score(ours[event][0], references[event], scorer))
        for name, text in baselines(english[event]).items():
            systems[name].append(score(text, references[event], scorer))
    print(f"WikinewsSum dev: {len(scored)} of {len(events)} events with an English report; ROUGE F1 at {WORDS} words")
    print(f"{'system':<16} {'R-1':>6} {'R-2':>6} {'R-L':>6}   storyline ahead in (R-1 / R-2 resamples)")
    table = {name: np.array(values) for name, values in systems.items()}
    for name, values in table.items():
        means = values.mean(axis=0)
        line = f"{name:<16} {means[0]:>6.1f} {means[1]:>6.1f} {means[2]:>6.1f}"
        if name != "storyline":
            line += "   " + " / ".join(f"{ahead_share(table['storyline'][:, k], values[:, k]):.2f}" for k in (0, 1))
        print(line)
    short = [e for e in scored if len(ours[e][0].split()) < WORDS]
    print(f"storyline summaries shorter than {WORDS} words: {len(short)} of {len(scored)}")
    print("story titles:")
    for title in sorted({ours[e][1] for e in events}):
        print(f"  {title}")


if __name__ == "__main__":
    main()
