"""Extractive story summaries: news sentences, chosen by what a summary sentence looks like, each citing
every article that carries it.

Which sentences a summary holds is learned: a logistic model over each sentence's features
(`SENTENCE_FEATURES`: where it stands in its report, how central it is to the story and how many
outlets say the same, what it names, counts and dates, whether it is quoted, and the cues of page
furniture — record and e-mail headers, polls, notes, fact-box lists — that look nothing like a news
sentence), fitted by `scripts/train_summaries.py` on how much of each WikinewsSum dev sentence the
Wikinews article about its event says, and shipped in `summary_model.json`. Sentences are then taken
best first with a redundancy penalty (maximal marginal relevance) until the summary reaches its
word budget, so it covers distinct facts instead of repeating the lead each outlet shares, and it
leads with what happened. A sentence is cited by every article holding a near-identical sentence.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..config import current
from ..models import SummarySentence
from ..text import STOPWORDS, WORD, content_words

SENTENCE_FEATURES = ("centrality", "support", "first", "position", "relative_position", "words", "title_words",
                     "names", "figures", "times", "quoted", "stop_words", "capitalised", "digits", "symbols", "header",
                     "question", "report_centrality")
HEADER = re.compile(r"^\W*(?:[A-Z][\w.'-]*\s?){1,3}:\s")  # 'From: ', 'NOTES: ', 'Congressional Record: '
QUOTE_MARKS = re.compile(r"[\"“”«»]")
FIELD = re.compile(r"(?:^|\s)[A-Z][A-Za-z]{1,15}:\s")  # 'From: ', 'Subject: '
# a numbered note ('NOTES: (1) ', '1) ') or a 'Note:' label among a line's first words
NOTE = re.compile(r"^\W*(?:[A-Z]+:\s*)?\(?\d{1,2}[).]\s|^(?:\S+\s){0,4}N(?:ote|OTE)[sS]?:\s")
# marks of menus, listings and markup (a block-list: letters of any script, their vowel signs and every
# sentence's punctuation, brackets and ellipses included, are no symbols)
SYMBOL = re.compile(r"[|•*#@<>=©®™►▶▪■◆●~^\\{}]|-{2,}")
# a sentence about the page itself (its player, its links, its mailbox), which news never is
PAGE_TALK = re.compile(r"\b(?:javascript|cookies|click (?:here|to)|e-?mail (?:this|us)|contact us)\b", re.I)
# words news uses too ('a browser bug', 'will enable the holders'), page talk only when they speak to the reader
PAGE_WORDS = re.compile(r"\b(?:browser|enable|subscribe|log ?in|sign ?in)\b", re.I)
READER = re.compile(r"\b(?:you|your|please)\b", re.I)
# the place and agency a report was filed from, ahead of its first sentence ('NEW YORK (AP) -- ',
# 'WASHINGTON, Dec. 31 (Xinhuanet) -- '): the place in capitals, as wires write it, so a sentence that opens
# with a name and a dash ('Microsoft - the largest ...') keeps it
DATELINE = re.compile(r"^[A-Z][A-Z.'-]{2,}(?:[ ,]+[A-Z0-9][\w.'-]*){0,4}\s*(?:\([^)]{1,30}\))?\s*(?:--|[-–—])\s+(?=\S)")
MODEL_FILE = "summary_model.json"


@dataclass
class ReportSentences:
    """One report as the summary reads it: its sentences in order and which of them name, count, date or quote."""

    article_id: str
    title: str
    sentences: list[str]
    language: str | None = None
    names: list[str] = field(default_factory=list)
    figure_sentences: set[int] = field(default_factory=set)
    time_sentences: set[int] = field(default_factory=set)
    quote_sentences: set[int] = field(default_factory=set)
    event: str | None = None  # the event of the story it reports


def report_sentences(article_id: str, title: str, language: str | None, facts, event: str | None = None
                     ) -> ReportSentences:
    """What the summary reads of one report, from its extracted facts (extract.ArticleFacts)."""
    return ReportSentences(article_id, title, facts.sentences, language, [m.text for m in facts.mentions],
                           {f.sentence for f in facts.figures}, {t.sentence for t in facts.times},
                           {q.sentence for q in facts.quotes}, event)


@dataclass(frozen=True)
class Candidate:
    """A sentence the summary may take: whose, which, and its words."""

    article_id: str
    index: int
    text: str


def candidates(reports: list[ReportSentences]) -> list[Candidate]:
    """Sentences of a usable length that are not page furniture."""
    settings = current().summaries
    return [Candidate(r.article_id, i, s) for r in reports for i, s in enumerate(r.sentences)
            if settings.min_words <= len(s.split()) <= settings.max_words and not furniture(s)]


def furniture(sentence: str) -> bool:
    """Lines of a page that are not news sentences, whatever the page: one that speaks of the page itself
    ('click here', 'e-mail us', 'enable your browser'); one ending in a colon introduces something and says
    nothing; a question without quotation marks asks the reader (a poll); two or more 'Label:' fields are a
    header (an e-mail's From/To/Subject, a record's Page/Date); a numbered note ('NOTES: (1) ...'); a line
    of menu or listing symbols; a line of capitalised words only (a fact box's list of members, a headline
    or a caption run into the text), in any language."""
    settings = current().summaries
    text = sentence.strip()
    words = WORD.findall(text)
    if PAGE_TALK.search(text) or (PAGE_WORDS.search(text) and READER.search(text)):
        return True
    if text.endswith(":") or (text.endswith("?") and not QUOTE_MARKS.search(text)):
        return True
    if len(FIELD.findall(text)) >= 2 or NOTE.match(text):
        return True
    if len(SYMBOL.findall(text)) > settings.furniture_symbols * max(1, len(words)):
        return True
    capitalised = sum(1 for w in words if w[:1].isupper())
    return len(words) >= settings.min_words and capitalised >= settings.furniture_capitalised * len(words)


def sentence_features(reports: list[ReportSentences], chosen: list[Candidate], matrix) -> np.ndarray:
    """The SENTENCE_FEATURES of each candidate (rows of `matrix`: their TF-IDF vectors)."""
    by_id = {r.article_id: r for r in reports}
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    centrality = matrix @ centroid
    centrality = centrality / (centrality.max() or 1.0)
    report_of = np.array([c.article_id for c in chosen])
    report_centrality = _report_centrality(matrix, report_of, centroid)
    support = _support(matrix, report_of, len(reports))
    title_words = {r.article_id: content_words(r.title) for r in reports}  # once per report, not per sentence
    names = {r.article_id: set(r.names) for r in reports}
    rows = []
    for k, candidate in enumerate(chosen):
        report = by_id[candidate.article_id]
        rows.append([centrality[k], support[k], float(candidate.index == 0), math.log1p(candidate.index),
                     candidate.index / max(1, len(report.sentences) - 1), math.log(len(candidate.text.split())),
                     _share_of(title_words[report.article_id], candidate.text),
                     math.log1p(sum(1 for name in names[report.article_id] if name in candidate.text)),
                     float(candidate.index in report.figure_sentences), float(candidate.index in report.time_sentences),
                     float(candidate.index in report.quote_sentences or bool(QUOTE_MARKS.search(candidate.text))),
                     *_shape(candidate.text), report_centrality[candidate.article_id]])
    return np.array(rows, dtype=float).reshape(len(chosen), len(SENTENCE_FEATURES))


def _shape(text: str) -> tuple[float, float, float, float, float, float]:
    """What a news sentence looks like and furniture does not: the share of stop words (a fact box's list of
    names has none), of capitalised words, of digits, of symbols other than a sentence's punctuation (menus,
    listings and breadcrumbs: '*', '|', '>', '•', '---'); a leading 'Label: ' header; a question (a reader poll)."""
    words = WORD.findall(text)
    count = max(1, len(words))
    stop = sum(1 for w in words if w.lower() in STOPWORDS) / count
    capitalised = sum(1 for w in words if w[:1].isupper()) / count
    digits = sum(ch.isdigit() for ch in text) / max(1, len(text))
    symbols = len(SYMBOL.findall(text)) / count
    return stop, capitalised, digits, symbols, float(bool(HEADER.match(text))), float(text.rstrip().endswith("?"))


def _share_of(words: set[str], text: str) -> float:
    return len(words & content_words(text)) / len(words) if words else 0.0


def _report_centrality(matrix, report_of: np.ndarray, centroid: np.ndarray) -> dict[str, float]:
    """Each report's own centroid against the story's: a report of something else (or an error page) is far."""
    result = {}
    norm = float(np.linalg.norm(centroid)) or 1.0
    for article_id in sorted(set(report_of)):
        own = np.asarray(matrix[report_of == article_id].mean(axis=0)).ravel()
        result[article_id] = float(own @ centroid) / ((float(np.linalg.norm(own)) or 1.0) * norm)
    return result


def _support(matrix, report_of: np.ndarray, reports: int) -> np.ndarray:
    """The share of the story's other reports holding a sentence much like this one: what several outlets say.
    Compared a block of rows at a time: a story of thousands of sentences never holds all their pairs at once."""
    settings = current().summaries
    carriers = np.zeros(len(report_of))
    for start in range(0, len(report_of), settings.support_block):
        stop = min(start + settings.support_block, len(report_of))
        similar = (matrix[start:stop] @ matrix.T).toarray() >= settings.support_cosine
        for k in range(start, stop):
            carriers[k] = len(set(report_of[similar[k - start]]) - {report_of[k]})
    return carriers / max(1, reports - 1)


@dataclass(frozen=True)
class SentenceModel:
    """A logistic model over the SENTENCE_FEATURES (standardised): how likely a sentence belongs in a summary."""

    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def scores(self, features: np.ndarray) -> np.ndarray:
        z = self.intercept + ((features - np.array(self.mean)) / np.array(self.scale)) @ np.array(self.coef)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))

    def to_dict(self) -> dict:
        return {"features": list(SENTENCE_FEATURES), "coef": list(self.coef), "intercept": self.intercept,
                "mean": list(self.mean), "scale": list(self.scale)}

    @classmethod
    def from_dict(cls, data: dict) -> SentenceModel:
        if tuple(data["features"]) != SENTENCE_FEATURES:
            raise ValueError(f"summary model reads {data['features']}, this code computes {SENTENCE_FEATURES}")
        return cls(tuple(data["coef"]), data["intercept"], tuple(data["mean"]), tuple(data["scale"]))


@lru_cache(maxsize=1)
def shipped_model() -> SentenceModel:
    """The sentence model fitted by scripts/train_summaries.py, shipped inside the package."""
    return SentenceModel.from_dict(json.loads(resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")))


def vectorise(texts: list[str]):
    """TF-IDF rows of the sentences (None when they hold only stop words)."""
    try:
        return TfidfVectorizer(stop_words=list(STOPWORDS), sublinear_tf=True).fit_transform(texts)
    except ValueError:
        return None


def summarize(reports: list[ReportSentences]) -> list[SummarySentence]:
    """Up to summaries.sentences cited sentences until the summary holds summaries.words words: the lead of the
    story's most summary-like report, then what the others add."""
    settings = current().summaries
    reports = in_summary_language(reports)
    chosen = candidates(reports)
    matrix = vectorise([c.text for c in chosen]) if chosen else None
    if matrix is None:
        return []
    scores = shipped_model().scores(sentence_features(reports, chosen, matrix))
    picked = select(scores, matrix, chosen, settings.sentences, _events(reports))
    carries = (matrix @ matrix[picked].T).toarray() >= settings.same_sentence_cosine
    return [SummarySentence(DATELINE.sub("", chosen[i].text), sorted({chosen[j].article_id
                                                                      for j in np.flatnonzero(carries[:, k])}))
            for k, i in enumerate(picked)]


def in_summary_language(reports: list[ReportSentences]) -> list[ReportSentences]:
    """The reports in the one language the summary is written in: a summary that switches language mid-way
    reads as noise, and a reader reads theirs (summaries.reader_language) first."""
    held = Counter(r.language for r in reports)
    reader = current().summaries.reader_language
    language = reader if held[reader] else min(held, key=lambda lang: (-held[lang], lang or ""))
    return [r for r in reports if r.language == language]


def _events(reports: list[ReportSentences]) -> list[set[str]]:
    """The reports of each of the story's events."""
    members: dict[str | None, set[str]] = {}
    for report in reports:
        members.setdefault(report.event, set()).add(report.article_id)
    return list(members.values())


def lead(scores: np.ndarray, chosen: list[Candidate], events: list[set[str]] | None = None) -> list[int]:
    """The opening news sentences of the report whose best sentences the model rates highest, among the
    reports of the story's most reported event (of equal events, the one with the best such report): a story
    is told best the way its clearest report tells it, lead first (what happened, where, when). Leading with
    a second event's lead too was measured worse (ROUGE-1 28.2 against 28.9 on WikinewsSum dev). A sentence
    rated below the story's usual (a byline, a caption, a header left above the lead) is skipped, not ended on."""
    settings = current().summaries
    report_of = np.array([c.article_id for c in chosen])
    present = set(report_of)

    def rating(article_id: str) -> float:
        return float(np.mean(np.sort(scores[report_of == article_id])[-settings.lead_report_best:]))

    groups = [g for g in (sorted(e & present) for e in events or []) if g] or [sorted(present)]
    size = max(len(g) for g in groups)
    best = max((a for g in groups if len(g) == size for a in g), key=lambda a: (rating(a), a))
    floor = float(np.quantile(scores, settings.lead_quantile))
    return [int(i) for i in np.flatnonzero(report_of == best) if scores[i] >= floor][:settings.lead_sentences]


def select(scores: np.ndarray, matrix, chosen: list[Candidate], count: int,
           events: list[set[str]] | None = None) -> list[int]:
    """The lead, then maximal marginal relevance among the best candidates, until `count` sentences or the word
    budget; a candidate nearly the same as one taken ends it."""
    settings = current().summaries
    lengths = [len(c.text.split()) for c in chosen]
    taken: list[int] = []
    for index in lead(scores, chosen, events):
        if len(taken) < count and sum(lengths[i] for i in taken) < settings.words:
            taken.append(int(index))
    pool = np.array(taken + [int(i) for i in np.argsort(-scores, kind="stable")[:settings.candidates] if i not in taken])
    similarity = (matrix[pool] @ matrix[pool].T).toarray()
    slots = list(range(len(taken)))
    while len(slots) < min(count, len(pool)) and sum(lengths[pool[i]] for i in slots) < settings.words:
        penalty = similarity[:, slots].max(axis=1) if slots else np.zeros(len(pool))
        marginal = scores[pool] - settings.redundancy_weight * penalty
        marginal[slots] = -np.inf
        best = int(np.argmax(marginal))
        if slots and penalty[best] > settings.stop_similarity:
            break
        slots.append(best)
    return [int(pool[i]) for i in slots]
