"""The words the claim check reads, and the TF-IDF space it weighs them in.

A report's sentences are split and its words stemmed without a parser, since a check reads every
report in the store. Kept between checks, a `ReportIndex` holds every report's word counts (whole
and per sentence); a check then counts only its claims' words and weighs everything by the same
formula a fit over all the texts would give, and a new report is counted on its own.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from ..text import STOPWORDS, stem

SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])|\n+")
TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


class Sentenced(Protocol):
    """A report as the space reads it: its sentences, title first."""

    sentences: list[str]


def split_sentences(title: str, text: str) -> list[str]:
    """Sentences of a report, its title (when it has one) first: cheap, no parser, since a claim
    check reads every report in the store."""
    parts = [title.strip()] if title and title.strip() else []
    parts += [s.strip() for s in SENTENCE_END.split(text or "") if s and s.strip()]
    return [p for p in parts if TOKEN.search(p)]


def tokens(text: str) -> list[str]:
    return [stem(w) for w in (t.lower() for t in TOKEN.findall(text)) if w not in STOPWORDS]


def analysed(text: str) -> list[str]:
    return _with_pairs(tokens(text))


@dataclass
class Space:
    """TF-IDF fitted on the texts at hand (the claims and reports of this check), so a word common
    in this store counts for little, whatever the store is about; each text is analysed once."""

    vectorizer: TfidfVectorizer | None  # fitted on these texts (None: weighed from a kept index)
    claims: Any  # sparse rows, one per claim
    reports: Any  # sparse rows, one per whole report
    index: ReportIndex | None = None  # the reports' kept counts, when the space was weighed from them
    idf: Any = None  # the words' weights then

    def sentence_rows(self, reports: Sequence[Sentenced], positions: list[int]) -> tuple[Any, np.ndarray]:
        """The sentences of the reports at `positions` in this space, stacked in one matrix (a report
        without a sentence gets one empty row), and where each report's rows start; weighed in one
        pass, from the index's kept counts when there is one."""
        starts = np.cumsum([0] + [max(1, len(reports[p].sentences)) for p in positions])
        if self.index is None:
            assert self.vectorizer is not None  # a fitted space
            return self.vectorizer.transform([s for p in positions for s in reports[p].sentences or [""]]), starts
        return _weighed(_widened(self.index.sentence_rows(positions), len(self.idf)), self.idf), starts


def space_for(claims: list[str], reports: Sequence[Sentenced], index: ReportIndex | None = None) -> Space:
    """The TF-IDF space of these claims and reports; with the reports' `index` (kept while the store is
    unchanged), only the claims' words are counted: the reports' counts and document frequencies are
    the index's, weighed by the same formula as a fit over everything."""
    if index is None:
        vectorizer = TfidfVectorizer(analyzer=analysed, sublinear_tf=True)
        matrix = vectorizer.fit_transform(claims + [" ".join(r.sentences) for r in reports]).tocsr()
        return Space(vectorizer, matrix[:len(claims)], matrix[len(claims):])
    known = index.vocabulary
    claim_terms = [Counter(analysed(claim)) for claim in claims]
    unknown: dict[str, int] = {}  # the claims' words no report holds, in columns after the reports' words
    for terms in claim_terms:
        for term in terms:
            if term not in known:
                unknown.setdefault(term, len(known) + len(unknown))
    width = len(known) + len(unknown)
    rows = [(k, known.get(term, unknown.get(term)), count) for k, terms in enumerate(claim_terms)
            for term, count in terms.items()]
    claim_counts = sparse.csr_matrix(([c for _, _, c in rows], ([k for k, _, _ in rows], [col for _, col, _ in rows])),
                                     shape=(len(claims), width))
    df = np.zeros(width)
    df[:len(index.df)] = index.df
    df += np.bincount(claim_counts.indices, minlength=width)
    idf = np.log((1 + len(reports) + len(claims)) / (1 + df)) + 1  # sklearn's smoothed idf
    return Space(None, _weighed(claim_counts, idf), _weighed(_widened(index.counts, width), idf), index, idf)


def _widened(counts: Any, width: int) -> Any:
    """The same rows with more (empty) columns: the claims' words no report holds."""
    return sparse.csr_matrix((counts.data, counts.indices, counts.indptr), shape=(counts.shape[0], width))


def _weighed(counts: Any, idf: np.ndarray) -> Any:
    """Counts as TF-IDF rows, as TfidfVectorizer(sublinear_tf=True) weighs them: 1 + log(count), times
    the word's idf, each row scaled to length 1."""
    weigh = TfidfTransformer(sublinear_tf=True)
    weigh.idf_ = idf
    return weigh.transform(counts).tocsr()


@dataclass(frozen=True)
class ReportIndex:
    """The reports' word counts as the check's TF-IDF reads them (words and word pairs), whole and
    sentence by sentence, counted once and kept with the reports while the store grows: new reports
    are counted on their own, so a check counts only its claims and an ingest only its reports."""

    vocabulary: dict[str, int]  # every word and word pair of the reports, by column
    counts: Any  # sparse, one row per report
    df: np.ndarray  # how many reports hold each word
    sentence_counts: Any  # sparse, one row per sentence (a report without one has an empty row)
    sentence_starts: np.ndarray  # where each report's sentence rows start, and the end of the last

    @classmethod
    def of(cls, reports: Sequence[Sentenced]) -> ReportIndex:
        empty = sparse.csr_matrix((0, 0), dtype=np.int64)
        return cls({}, empty, np.zeros(0), empty, np.zeros(1, dtype=np.int64)).extended(reports)

    def sentence_rows(self, positions: list[int]) -> Any:
        """The sentence rows of the reports at these positions, in order."""
        starts = self.sentence_starts
        return self.sentence_counts[np.concatenate([np.arange(starts[p], starts[p + 1]) for p in positions])]

    def extended(self, reports: Sequence[Sentenced]) -> ReportIndex:
        """This index and the `reports` after its own (the index itself is left as it is: a check
        reading it meanwhile sees it whole)."""
        vocabulary = dict(self.vocabulary)
        whole, by_sentence = _Occurrences(), _Occurrences()
        sentences_per_report = [max(1, len(r.sentences)) for r in reports]
        for report in reports:
            last_word = None
            for words in [tokens(s) for s in report.sentences] or [[]]:
                columns = [vocabulary.setdefault(t, len(vocabulary)) for t in _with_pairs(words)]
                by_sentence.add_row(columns)
                whole.add(columns)
                if words and last_word is not None:  # the pair across two sentences is the report's, not theirs
                    whole.add([vocabulary.setdefault(f"{last_word} {words[0]}", len(vocabulary))])
                last_word = words[-1] if words else last_word
            whole.end_row()
        added = whole.counts(len(vocabulary))
        df = np.zeros(len(vocabulary))
        df[:len(self.df)] = self.df
        df += np.bincount(added.indices, minlength=len(vocabulary))
        return ReportIndex(vocabulary, _stacked(self.counts, added), df,
                           _stacked(self.sentence_counts, by_sentence.counts(len(vocabulary))),
                           np.concatenate([self.sentence_starts,
                                           self.sentence_starts[-1] + np.cumsum(sentences_per_report)]))


class _Occurrences:
    """Term occurrences (their columns) row by row, counted into a sparse matrix at the end."""

    def __init__(self) -> None:
        self.columns: list[int] = []
        self.row_ends: list[int] = []

    def add(self, columns: list[int]) -> None:
        self.columns.extend(columns)

    def add_row(self, columns: list[int]) -> None:
        self.add(columns)
        self.end_row()

    def end_row(self) -> None:
        self.row_ends.append(len(self.columns))

    def counts(self, width: int) -> Any:
        """One row per row added, each term's occurrences summed."""
        matrix = sparse.csr_matrix((np.ones(len(self.columns), dtype=np.int64), np.array(self.columns, dtype=np.int64),
                                    np.array([0, *self.row_ends], dtype=np.int64)), shape=(len(self.row_ends), width))
        matrix.sum_duplicates()
        return matrix


def _with_pairs(words: list[str]) -> list[str]:
    """Words and word pairs, as the check's TF-IDF reads a text (see `analysed`)."""
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def _stacked(kept: Any, added: Any) -> Any:
    """Kept rows (widened to the added rows' columns) and the added rows after them."""
    return sparse.vstack([_widened(kept, added.shape[1]), added], format="csr")
