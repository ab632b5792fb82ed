"""Fit the summary sentence model on WikinewsSum dev and report what it picks, cross-validated by event.

Each dev event's reports (as storyline cleans, splits and reads them: `grouping_data.load`) are one
story; each candidate sentence gets the SENTENCE_FEATURES of `storyline.analysis.summary` and, as its
target, how much of it the Wikinews article about the event says (the share of its content-word stems
the article uses; measured against the mean of ROUGE-1 and -2 precision, which rewards stop words, and
the greedy oracle's picks as 0/1 labels: cross-validated R-1 28.2 and 27.7 against 29.4, before the lead
rule): a soft label, fitted by logistic regression on each row twice
(as 1 with weight t, as 0 with weight 1 - t). Every event weighs the same.

Reported: ROUGE-1/2/L F1 at 100 words of the summaries the pipeline's selection makes (`summary.select`)
with the model fitted on the other folds (5 folds by event), on the events with an English report,
beside the same selection with the model fitted on all events (in-sample) and the first 100 words of
the event's earliest English report.

usage: python scripts/train_summaries.py [--write]   (needs `make bench-deps`: rouge-score)
    --write   store the model fitted on every event in src/storyline/analysis/summary_model.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grouping_data import DATA, ROOT, load

from storyline.analysis.summary import (
    SENTENCE_FEATURES,
    SentenceModel,
    candidates,
    in_summary_language,
    report_sentences,
    select,
    sentence_features,
    vectorise,
)
from storyline.config import current
from storyline.text import content_words

MODEL_PATH = ROOT / "src" / "storyline" / "analysis" / "summary_model.json"
WORDS = 100
FOLDS = 5


def events() -> dict[str, list]:
    """event -> its reports (ReportSentences), in file order."""
    grouped = defaultdict(list)
    for item in load("wikinewssum"):
        if item.article is not None:
            a = item.article
            grouped[item.label].append(report_sentences(a.id, a.title, a.language, item.facts))
    return dict(grouped)


def story_rows(reports, reference: str):
    """(candidates, features, TF-IDF matrix, soft targets) of one event."""
    reports = in_summary_language(reports)
    chosen = candidates(reports)
    matrix = vectorise([c.text for c in chosen]) if chosen else None
    if matrix is None:
        return None
    features = sentence_features(reports, chosen, matrix)
    said = content_words(reference)
    targets = [len(content_words(c.text) & said) / max(1, len(content_words(c.text))) for c in chosen]
    return chosen, features, matrix, np.array(targets)


def fit(rows: list) -> SentenceModel:
    x = np.vstack([r[1] for r in rows])
    t = np.concatenate([r[3] for r in rows])
    w = np.concatenate([np.full(len(r[3]), 1.0 / len(r[3])) for r in rows]) * len(t)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    model = LogisticRegression(C=1.0, max_iter=2000).fit(np.vstack([z, z]), np.r_[np.ones(len(t)), np.zeros(len(t))],
                                                         sample_weight=np.r_[w * t, w * (1 - t)])
    return SentenceModel(tuple(map(float, model.coef_[0])), float(model.intercept_[0]), tuple(map(float, mean)),
                         tuple(map(float, scale)))


def summary_of(row, model: SentenceModel) -> str:
    chosen, features, matrix, _ = row
    picked = select(model.scores(features), matrix, chosen, current().summaries.sentences)
    return " ".join(chosen[i].text for i in picked)


def rouge(text: str, reference: str, scorer) -> list[float]:
    result = scorer.score(reference, " ".join(text.split()[:WORDS]))
    return [100 * result[m].fmeasure for m in ("rouge1", "rouge2", "rougeL")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    references = {json.loads(line)["event"]: json.loads(line)["summary"]
                  for line in (DATA / "wikinewssum-dev-summaries.jsonl").read_text(encoding="utf-8").splitlines() if line}
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    stories = events()
    rows = {e: r for e, reports in sorted(stories.items()) if (r := story_rows(reports, references[e]))}
    names = sorted(rows)
    english = [e for e in names if any(r.language == "en" for r in stories[e])]
    everything = fit([rows[e] for e in names])
    print("model: " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(SENTENCE_FEATURES, everything.coef)))
    held_out = {}
    for train, test in GroupKFold(FOLDS).split(names, groups=names):
        model = fit([rows[names[i]] for i in train])
        held_out.update({names[i]: summary_of(rows[names[i]], model) for i in test})
    table = defaultdict(list)
    for e in english:
        table["cross-validated"].append(rouge(held_out[e], references[e], scorer))
        table["in-sample"].append(rouge(summary_of(rows[e], everything), references[e], scorer))
        earliest = next(r for r in stories[e] if r.language == "en")  # file order: dev reports carry few dates
        table["first 100 words of the first English report"].append(rouge(" ".join(earliest.sentences), references[e], scorer))
    print(f"{len(english)} events with an English report, ROUGE F1 at {WORDS} words:   R-1    R-2    R-L")
    for name, values in table.items():
        means = np.mean(values, axis=0)
        print(f"  {name:<38} {means[0]:6.1f} {means[1]:6.1f} {means[2]:6.1f}")
    if args.write:
        MODEL_PATH.write_text(json.dumps(everything.to_dict(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
