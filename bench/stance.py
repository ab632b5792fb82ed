"""The claim check on FNC-1 dev, 5 folds by topic, beside three peers fitted on the same folds.

A topic is a connected group of claims and the reports bearing on them (so a claim and all its
related reports stay on one side of every split). Each fold fits on four fifths of the topics and
predicts the rest; the predictions of all five are scored together with the scoring rule of
../shared/eval/score_stance.py (FNC-1 relative score, per-class and macro F1).

Peers, fitted the same way:
- FNC-1 official baseline: gradient boosting over word overlap, refuting words, polarity and
  co-occurrence counts of the claim's words, n-grams and character n-grams in the report;
- TF-IDF threshold: cosine of claim and report over a threshold chosen on the training folds,
  every related pair "discuss";
- UCL Machine Reading (Riedel et al. 2017): term-frequency vectors of claim and report (5,000
  terms), their TF-IDF cosine, into a one-hidden-layer MLP (100 units, strong L2 in place of
  its dropout) over the four classes.

usage: python bench/stance.py [--skip-peers]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import normalize

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))
from storyline.analysis import check as stance  # noqa: E402
from storyline.analysis.check_fit import Training, fit  # noqa: E402

LABELS = ("agree", "disagree", "discuss", "unrelated")
FOLDS = 5


def load() -> tuple[Training, list[str]]:
    """The FNC-1 dev pairs as training data, and each pair's topic."""
    read = lambda name: [json.loads(line) for line in (DATA / name).open(encoding="utf-8") if line.strip()]  # noqa: E731
    bodies = {r["url"]: stance.Report(r["url"], stance.split_sentences(r.get("title", ""), r["text"]))
              for r in read("fnc1-dev-bodies.jsonl")}
    claims = {r["claim_id"]: r["claim"] for r in read("fnc1-dev-claims.jsonl")}
    gold = read("fnc1-dev-gold.jsonl")
    claim_ids, body_ids = sorted(claims), sorted(bodies)
    claim_index = {k: i for i, k in enumerate(claim_ids)}
    body_index = {k: i for i, k in enumerate(body_ids)}
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for g in gold:
        if g["stance"] != "unrelated":
            parent[root(g["claim_id"])] = root(g["url"])
    training = Training([claims[k] for k in claim_ids], [bodies[k] for k in body_ids],
                               [(claim_index[g["claim_id"]], body_index[g["url"]]) for g in gold],
                               [g["stance"] for g in gold])
    return training, [root(g["claim_id"]) for g in gold]


def fnc_score(gold: list[str], predicted: list[str]) -> tuple[float, float, dict[str, float]]:
    """As ../shared/eval/score_stance.py scores it: relative FNC-1 score, macro F1, F1 per class."""
    score = best = 0.0
    for g, p in zip(gold, predicted):
        best += 0.25 if g == "unrelated" else 1.0
        score += (0.25 + (0.5 if g != "unrelated" else 0.0)) if g == p else 0.0
        score += 0.25 if g != "unrelated" and p != "unrelated" else 0.0
    f1 = {}
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        fp = sum(p == label != g for g, p in zip(gold, predicted))
        fn = sum(g == label != p for g, p in zip(gold, predicted))
        f1[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return score / best, sum(f1.values()) / len(f1), f1


def folds(topics: list[str]):
    return GroupKFold(FOLDS).split(np.zeros(len(topics)), groups=topics)


def storyline_predictions(training: Training, topics: list[str]) -> list[str]:
    features = stance.features_of(training.claims, training.reports, training.pairs)
    predicted = np.empty(len(training.pairs), dtype=object)
    for train, test in folds(topics):
        model = fit(features, training.labels, train)
        subset = features.subset(test)
        related, decided, _ = stance.decide(model, subset)
        candidate = subset.x[:, 0] >= model.candidate_cosine
        labels = np.array(stance.STANCES)[decided]
        predicted[test] = np.where(candidate & (related >= model.related_threshold), labels, "unrelated")
    return list(predicted)


# --- peers ---------------------------------------------------------------------------------

REFUTING = ["fake", "fraud", "hoax", "false", "deny", "denies", "not", "despite", "nope", "doubt", "doubts",
            "bogus", "debunk", "pranks", "retract"]
TOKEN = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return list(TOKEN.findall(text.lower()))


def _grams(words: list[str], n: int) -> list[str]:
    return [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]


def _chargrams(text: str, n: int) -> list[str]:
    text = " ".join(_words(text))
    return [text[i:i + n] for i in range(len(text) - n + 1)]


def baseline_features(claim: str, body: str) -> list[float]:
    """The FNC-1 baseline's features (feature_engineering.py): overlap, refuting, polarity, hand."""
    cw, bw = _words(claim), _words(body)
    lead = " ".join(bw[:60])[:255]
    overlap = len(set(cw) & set(bw)) / max(1, len(set(cw) | set(bw)))
    refuting = [float(w in cw) for w in REFUTING]
    polarity = [sum(w in REFUTING for w in cw) % 2, sum(w in REFUTING for w in bw) % 2]
    hand = []
    for n in (2, 4, 8, 16):
        grams = _chargrams(claim, n)
        hand += [sum(g in " ".join(bw) for g in grams), sum(g in lead for g in grams)]
    for n in (2, 3, 4, 5, 6):
        grams = _grams(cw, n)
        joined, lead_joined = " ".join(bw), lead
        hand += [sum(g in joined for g in grams), sum(g in lead_joined for g in grams)]
    content = [w for w in cw if w not in ENGLISH_STOP_WORDS]
    hand += [sum(w in bw for w in cw), sum(w in bw[:60] for w in cw), sum(w in bw for w in content),
             sum(w in bw[:60] for w in content)]
    return [overlap, *refuting, *polarity, *hand]


def peer_predictions(training: Training, topics: list[str]) -> dict[str, list[str]]:
    claims = [training.claims[c] for c, _ in training.pairs]
    bodies = [" ".join(training.reports[r].sentences) for _, r in training.pairs]
    labels = np.array(training.labels)
    official = np.array([baseline_features(c, b) for c, b in zip(claims, bodies)])
    results = {name: np.empty(len(labels), dtype=object) for name in ("FNC-1 baseline", "TF-IDF threshold", "UCL MLP")}
    for train, test in folds(topics):
        boost = GradientBoostingClassifier(n_estimators=200, random_state=14128).fit(official[train], labels[train])
        results["FNC-1 baseline"][test] = boost.predict(official[test])
        vectorizer = TfidfVectorizer(stop_words="english", max_features=5000)
        vectorizer.fit([claims[i] for i in train] + [bodies[i] for i in train])
        ch, bo = vectorizer.transform(claims), vectorizer.transform(bodies)
        cosine = np.asarray(ch.multiply(bo).sum(axis=1)).ravel()
        results["TF-IDF threshold"][test] = _threshold_discuss(cosine, labels, train, test)
        counts = CountVectorizer(stop_words="english", max_features=5000)
        counts.fit([claims[i] for i in train] + [bodies[i] for i in train])
        inputs = sparse.hstack([normalize(counts.transform(claims)), normalize(counts.transform(bodies)),
                                sparse.csr_matrix(cosine[:, None])]).tocsr()
        mlp = MLPClassifier(hidden_layer_sizes=(100,), alpha=1.0, max_iter=40, random_state=0)
        results["UCL MLP"][test] = mlp.fit(inputs[train], labels[train]).predict(inputs[test])
    return {name: list(values) for name, values in results.items()}


def _threshold_discuss(cosine: np.ndarray, labels: np.ndarray, train, test) -> np.ndarray:
    candidates = np.quantile(cosine[train], np.linspace(0.05, 0.95, 91))
    related = labels[train] != "unrelated"
    best = max(candidates, key=lambda t: ((cosine[train] >= t) == related).mean())
    return np.where(cosine[test] >= best, "discuss", "unrelated")


def stance_table(skip_peers: bool = False) -> None:
    """The table bench/quality.py prints beside its other extraction figures."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    started = time.perf_counter()
    training, topics = load()
    rows = {"storyline": storyline_predictions(training, topics)}
    seconds = time.perf_counter() - started
    if not skip_peers:
        rows.update(peer_predictions(training, topics))
    print(f"claim check, FNC-1 dev: {len(training.pairs)} pairs, {len(set(topics))} topics, {FOLDS} folds by topic "
          f"(storyline: {seconds:.1f} s for features and all folds)")
    print(f"{'method':18s} {'relative':>8s} {'macro F1':>8s} " + " ".join(f"{'F1 ' + label:>13s}" for label in LABELS))
    for name, predicted in rows.items():
        relative, macro, f1 = fnc_score(training.labels, predicted)
        print(f"{name:18s} {relative:8.3f} {macro:8.3f} " + " ".join(f"{f1[label]:13.3f}" for label in LABELS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args()
    stance_table(args.skip_peers)


if __name__ == "__main__":
    main()
