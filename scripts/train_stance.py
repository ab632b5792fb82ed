"""Fit the claim-check model on all of FNC-1 dev and write src/storyline/analysis/check_model.json.

The same fit that bench/stance.py scores fold by fold (5 folds by topic); this one sees every
topic, since the shipped model is judged on claims and reports nobody here has seen.

usage: python scripts/train_stance.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL_PATH = ROOT / "src" / "storyline" / "analysis" / "check_model.json"
sys.path.insert(0, str(ROOT / "bench"))
from stance import load  # noqa: E402  (bench/stance.py reads the FNC-1 dev files)

from storyline.analysis import check  # noqa: E402
from storyline.analysis.check_fit import fit  # noqa: E402


def main() -> None:
    training, topics = load()
    features = check.features_of(training.claims, training.reports, training.pairs)
    model = fit(features, training.labels)
    MODEL_PATH.write_text(json.dumps(model.to_json(), indent=0) + "\n", encoding="utf-8")
    print(f"fitted on {len(training.pairs)} pairs, {len(set(topics))} topics; wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
