"""Fitting the claim-check model on labelled pairs of claim and report (FNC-1 dev): what
scripts/train_stance.py ships as check_model.json and bench/stance.py scores fold by fold."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .. import config
from .check import STANCES, Features, Report, StanceModel


@dataclass
class Training:
    """What a stance model is fitted on: pairs of claim and report with their gold stance."""

    claims: list[str]
    reports: list[Report]
    pairs: list[tuple[int, int]]
    labels: list[str]  # agree | disagree | discuss | unrelated


def fit(features: Features, labels: list[str], rows: np.ndarray | None = None) -> StanceModel:
    """Fit both layers on the given rows (all by default). Stance classes are weighted by their
    inverse frequency: "disagree" is rare in news and the one a reader most needs found."""
    checking = config.current().checking
    from sklearn.linear_model import LogisticRegression

    rows = np.arange(len(labels)) if rows is None else rows
    y = np.asarray(labels)[rows]
    x = features.x[rows]
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    related = LogisticRegression(max_iter=3000).fit(z, y != "unrelated")
    bearing = rows[y != "unrelated"]
    context = TfidfVectorizer(min_df=10, ngram_range=(1, 2), sublinear_tf=True, max_features=5000)
    context.fit([features.contexts[i] for i in bearing])
    claim_words = TfidfVectorizer(min_df=5, sublinear_tf=True).fit([features.claims[i] for i in bearing])
    bearing_cosines = np.sort(x[y != "unrelated", 0])
    candidate_cosine = float(bearing_cosines[int(len(bearing_cosines) * checking.candidate_miss)]) \
        if len(bearing_cosines) else 0.0
    model = StanceModel(mean, scale, related.coef_[0], float(related.intercept_[0]), checking.related_probability,
                        candidate_cosine,
                        context, claim_words,
                        np.zeros((len(STANCES), 1)), np.zeros(len(STANCES)), features.shape)
    inputs = model.stance_inputs(features.x[bearing], [features.contexts[i] for i in bearing],
                                 [features.claims[i] for i in bearing])
    stance = LogisticRegression(max_iter=3000, C=checking.stance_regularisation, class_weight="balanced") \
        .fit(inputs, np.asarray(labels)[bearing])
    order = [list(stance.classes_).index(name) for name in STANCES]
    model.stance_coef = stance.coef_[order]
    model.stance_intercept = stance.intercept_[order]
    return model
