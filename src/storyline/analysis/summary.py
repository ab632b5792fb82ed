"""Extractive story summaries whose every sentence cites all the articles that carry it.

Sentences are scored by centrality (TF-IDF cosine to the story's centroid) and picked
greedily with a redundancy penalty (maximal marginal relevance), so the summary covers
distinct events instead of repeating the lead each outlet shares. A sentence is cited by
every article holding a near-identical sentence.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..config import current
from ..models import SummarySentence
from ..text import STOPWORDS


def summarize(sentences: list[tuple[str, str]], count: int | None = None) -> list[SummarySentence]:
    """sentences: (article id, sentence) in article order; returns up to `count` (default: the
    summaries.sentences setting) cited sentences."""
    settings = current().summaries
    count = settings.sentences if count is None else count
    usable = [(a, s) for a, s in sentences
              if settings.min_words <= len(s.split()) <= settings.max_words and not s.endswith(":")]
    if not usable:
        return []
    texts = [s for _, s in usable]
    try:
        matrix = TfidfVectorizer(stop_words=list(STOPWORDS), sublinear_tf=True).fit_transform(texts)
    except ValueError:  # only stop words
        return []
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    centrality = matrix @ centroid
    position_bonus = np.array([settings.lead_bonus if i == 0 or usable[i - 1][0] != usable[i][0] else 0.0
                               for i in range(len(usable))])
    scores = centrality / (centrality.max() or 1) + position_bonus
    pool = np.argsort(-scores, kind="stable")[:settings.candidates]  # MMR among the best, not among all pairs
    similarity = (matrix[pool] @ matrix[pool].T).toarray()
    chosen: list[int] = []
    while len(chosen) < min(count, len(pool)):
        penalty = similarity[:, chosen].max(axis=1) if chosen else np.zeros(len(pool))
        marginal = scores[pool] - settings.redundancy_weight * penalty
        marginal[chosen] = -np.inf
        best = int(np.argmax(marginal))
        if chosen and penalty[best] > settings.stop_similarity:
            break
        chosen.append(best)
    picked = sorted(int(pool[i]) for i in chosen)
    carriers = (matrix @ matrix[picked].T).toarray()
    return [SummarySentence(texts[i], sorted({usable[j][0]
                                              for j in np.flatnonzero(carriers[:, k] >= settings.same_sentence_cosine)}))
            for k, i in enumerate(picked)]
