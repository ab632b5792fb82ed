"""The claim check: does a report agree with a claim, disagree with it, only discuss it, or not
bear on it at all?

Two learned decisions over a small set of features that any news text has, fitted on the FNC-1
dev files by `scripts/train_stance.py` and shipped beside this module as `check_model.json`:
- *bears on it*: how much of the claim's vocabulary the report shares (TF-IDF cosine over the
  whole report, its lead and its closest sentences; the share of the claim's content words and
  word pairs it contains);
- *which stance*: in the sentences closest to the claim and in the report as a whole, the words
  that deny ("hoax", "false", "denied"), hedge ("reportedly", "unconfirmed") or confirm
  ("confirmed", "revealed"), negations, quotes and questions, each beside the same cue in the
  claim itself (a claim "X is a hoax" is agreed with by a report calling it one).
A sentence bearing on the claim that contradicts it in so many words (an antonym of its event, a
figure of the same kind outside it: check_cues) makes the report disagree whatever the model says.
The evidence shown is the sentence closest to the claim that names the claim's names and carries the
deciding cue (for "disagree", a refuting word or a denial of the claim's event).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .. import config
from ..models import Article, ArticleText
from .check_cues import SCOPE_NAMES, ClaimScope, SentenceScope, decided, denies, names_it, scoped_cues, sentence_scopes
from .check_space import TOKEN, ReportIndex, Space, space_for, split_sentences, tokens

STANCES = ("agree", "disagree", "discuss")
MODEL_FILE = "check_model.json"

CUES: dict[str, re.Pattern] = {
    "refute": re.compile(
        r"\b(?:hoax(?:es)?|fake[sd]?|false(?:ly)?|falsehood|debunk\w*|untrue|not true|isn'?t true|no truth|"
        r"fabricat\w+|made[- ]up|bogus|satir\w+|myth|baseless|unfounded|erroneous\w*|incorrect|"
        r"den(?:y|ies|ied|ying)|denial|refut\w+|rebut\w*|dismiss\w*|rejects?|rejected|disprov\w+|"
        r"nonsense|ridiculous|prank|spoof|parody|misleading|wrong|retract\w*|not real|no evidence|"
        r"never happened|doctored|photoshopp\w+|scam|rumou?r(?:s)? (?:is|are|was|were) (?:not|false))\b", re.I),
    "hedge": re.compile(
        r"\b(?:reportedly|allegedly|alleged|purported\w*|apparently|rumou?r\w*|unconfirmed|unverified|"
        r"claim(?:s|ed|ing)?|according to|supposedly|said to|believed to|thought to|appears? to|"
        r"seem(?:s|ed)? to|may|might|could|possibl\w+|perhaps|suggest\w*|speculat\w+|if true|"
        r"can ?not (?:be )?(?:independently )?(?:confirm|verif)\w*|not (?:yet )?(?:been )?(?:confirm|verif)\w*|"
        r"circulat\w+|viral|report(?:s|ed)? (?:that|say|said))\b", re.I),
    "confirm": re.compile(
        r"\b(?:confirm(?:s|ed|ing)?|confirmation|verif(?:y|ied|ies)|officially|announc\w+|reveal\w*|"
        r"admit\w*|acknowledg\w+|indeed|in fact|proved?|proven|genuine|authentic|real|true|has been|"
        r"have been|was (?:found|seen|arrested|killed)|told \w+)\b", re.I),
    "negation": re.compile(r"\b(?:not|no|never|nothing|none|nobody|n't|neither|nor|without)\b|n't\b", re.I),
    "question": re.compile(r"\?"),
    "quote": re.compile(r"[\"“”]"),
}
CUE_NAMES = tuple(CUES)
RELATEDNESS = ("cosine", "closest_sentence", "closest_three", "claim_words_shared", "claim_pairs_shared",
               "claim_words_in_lead", "log_sentences")
FEATURE_NAMES = [*RELATEDNESS, *(f"{where}_{cue}" for where in ("near", "whole", "claim", "claim_x_report")
                                 for cue in CUE_NAMES)]


@dataclass
class Report:
    """A report as the check sees it: where it came from and its sentences (title first). What the
    features read of its words is computed once, whatever claims it meets (a report kept between
    checks keeps it)."""

    key: str
    sentences: list[str]

    @cached_property
    def words(self) -> ReportWords:
        per_sentence = [tokens(s) for s in self.sentences]
        flat = [w for words in per_sentence for w in words]
        cues = np.array([_cue_counts([s]) for s in self.sentences]).reshape(len(self.sentences), len(CUE_NAMES))
        return ReportWords(set(flat), set(itertools.pairwise(flat)), {w for words in per_sentence[:3] for w in words},
                           cues, sentence_scopes(self.sentences))


@dataclass(frozen=True)
class ReportWords:
    words: set[str]
    word_pairs: set[tuple[str, str]]
    lead_words: set[str]
    sentence_cues: np.ndarray  # (sentences, cues)
    scopes: list[SentenceScope]


@dataclass(frozen=True)
class ClaimWords:
    """What the features read of a claim, computed once however many reports it meets."""

    text: str
    words: set[str]
    pairs: set[tuple[str, str]]
    cues: np.ndarray
    scope: ClaimScope

    @classmethod
    def of(cls, claim: str) -> ClaimWords:
        listed = tokens(claim)
        return cls(claim, set(listed), set(itertools.pairwise(listed)), _cue_counts([claim]),
                   ClaimScope.of(claim, bool(CUES["hedge"].search(claim))))


@dataclass
class Verdict:
    key: str
    stance: str
    score: float
    evidence: str | None


def _cue_counts(sentences: list[str]) -> np.ndarray:
    return np.array([sum(len(CUES[name].findall(s)) for s in sentences) for name in CUE_NAMES], dtype=float)


def pair_features(claim: ClaimWords, report: ReportWords, sims: np.ndarray, cosine: float,
                  closest: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """The features of one (claim, report) pair, from the claim's TF-IDF cosine with each of the
    report's sentences (`sims`) and with the whole report; its scoped cues (check_cues); and the
    sentences ranked closest first. Cues are counted in the `closest` sentences."""
    count = report.sentence_cues.shape[0]
    sims = sims[:count]
    # sentences as close as float noise allows (words of the same weight in another order) tie, the earlier first
    order = [int(i) for i in np.argsort(-np.round(sims, 12), kind="stable")]
    top = sims[order[:closest]] if order else np.zeros(1)
    claim_words, claim_pairs = claim.words, claim.pairs
    relatedness = [
        cosine, float(top[0]), float(np.mean(top)),
        len(claim_words & report.words) / len(claim_words) if claim_words else 0.0,
        len(claim_pairs & report.word_pairs) / len(claim_pairs) if claim_pairs else 0.0,
        len(claim_words & report.lead_words) / len(claim_words) if claim_words else 0.0,
        math.log1p(count),
    ]
    near = report.sentence_cues[order[:closest]].sum(axis=0) if order else np.zeros(len(CUE_NAMES))
    whole = report.sentence_cues.sum(axis=0) / max(1.0, math.sqrt(count))
    in_claim = claim.cues
    weights = top / top[0] if order and top[0] > 0 else np.zeros(len(top))
    scoped = scoped_cues(claim.scope, report.scopes, order[:closest], weights)
    return np.concatenate([relatedness, near, whole, in_claim, in_claim * (near + whole)]), scoped, order


def context_text(report: Report, order: list[int], count: int) -> str:
    """The `count` sentences closest to the claim, lower-cased: the words a stance is read from."""
    return " ".join(t.lower() for i in order[:count] for t in TOKEN.findall(report.sentences[i]))


def claim_text(claim: str) -> str:
    return " ".join(t.lower() for t in TOKEN.findall(claim))


def _fixed_vectorizer(vocabulary: list[str], idf: list[float], ngrams: int) -> TfidfVectorizer:
    vectorizer = TfidfVectorizer(vocabulary=vocabulary, ngram_range=(1, ngrams), sublinear_tf=True)
    vectorizer.idf_ = np.asarray(idf)
    return vectorizer


@dataclass(frozen=True)
class Shape:
    """How many of the closest sentences the features read: fixed when a model is fitted, since
    its weights only mean something for features read the same way."""

    closest: int
    context: int

    @classmethod
    def of(cls, checking: config.Checking) -> Shape:
        return cls(checking.closest_sentences, checking.context_sentences)


@dataclass
class StanceModel:
    """Two logistic layers over standardised features: bears on the claim or not, then agree /
    disagree / discuss from the features plus the words of the closest sentences and of the claim."""

    mean: np.ndarray
    scale: np.ndarray
    related_coef: np.ndarray
    related_intercept: float
    related_threshold: float
    candidate_cosine: float
    context: TfidfVectorizer
    claim_words: TfidfVectorizer
    stance_coef: np.ndarray  # (len(STANCES), n)
    stance_intercept: np.ndarray
    reading: Shape

    def _standard(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.scale

    def related(self, x: np.ndarray) -> np.ndarray:
        z = self._standard(x) @ self.related_coef + self.related_intercept
        return 1.0 / (1.0 + np.exp(-z))

    def stance_inputs(self, x: np.ndarray, contexts: list[str], claims: list[str]):
        return sparse.hstack([self.context.transform(contexts), self.claim_words.transform(claims),
                              sparse.csr_matrix(self._standard(x))]).tocsr()

    def stance(self, x: np.ndarray, contexts: list[str], claims: list[str]) -> np.ndarray:
        z = self.stance_inputs(x, contexts, claims) @ self.stance_coef.T + self.stance_intercept
        z = np.asarray(z) - np.max(z, axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def to_json(self) -> dict:
        def words(v: TfidfVectorizer) -> dict:
            vocabulary = sorted(v.vocabulary_, key=v.vocabulary_.get)
            return {"vocabulary": vocabulary, "idf": [round(float(i), 6) for i in v.idf_], "ngrams": v.ngram_range[1]}
        return {"features": FEATURE_NAMES, "reading": vars(self.reading), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(),
                "related": {"coef": self.related_coef.tolist(), "intercept": self.related_intercept,
                            "threshold": self.related_threshold,
                            "candidate_cosine": self.candidate_cosine},
                "stance": {"classes": list(STANCES), "context": words(self.context), "claim": words(self.claim_words),
                           "coef": [[round(float(c), 6) for c in row] for row in self.stance_coef],
                           "intercept": self.stance_intercept.tolist()}}

    @classmethod
    def from_json(cls, data: dict) -> StanceModel:
        st = data["stance"]
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["related"]["coef"]),
                   float(data["related"]["intercept"]), float(data["related"]["threshold"]),
                   float(data["related"]["candidate_cosine"]),
                   _fixed_vectorizer(st["context"]["vocabulary"], st["context"]["idf"], st["context"]["ngrams"]),
                   _fixed_vectorizer(st["claim"]["vocabulary"], st["claim"]["idf"], st["claim"]["ngrams"]),
                   np.array(st["coef"]), np.array(st["intercept"]), Shape(**data["reading"]))


@dataclass
class Features:
    x: np.ndarray
    orders: list[list[int]]
    contexts: list[str]
    claims: list[str]
    shape: Shape
    scoped: np.ndarray  # (pairs, SCOPE_NAMES): what the decision reads beside the model (check_cues)

    def subset(self, rows) -> Features:
        return Features(self.x[rows], [self.orders[i] for i in rows], [self.contexts[i] for i in rows],
                        [self.claims[i] for i in rows], self.shape, self.scoped[rows])


def features_of(claims: list[str], reports: list[Report], pairs: list[tuple[int, int]],
                space: Space | None = None, shape: Shape | None = None,
                claimed: dict[int, ClaimWords] | None = None) -> Features:
    """Features of the pairs, read as `shape` says (default: the active settings); `claimed`: the
    claims' words by index, when already read."""
    shape = shape or Shape.of(config.current().checking)
    x, scoped, orders = feature_matrix(claims, reports, pairs, shape.closest, space, claimed)
    return Features(x, orders, [context_text(reports[r], o, shape.context) for (_, r), o in zip(pairs, orders)],
                    [claim_text(claims[c]) for c, _ in pairs], shape, scoped)


def predict(model: StanceModel, features: Features) -> tuple[np.ndarray, np.ndarray]:
    """P(bears on the claim) and P(agree, disagree, discuss) of each pair."""
    return model.related(features.x), model.stance(features.x, features.contexts, features.claims)


def decide(model: StanceModel, features: Features) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pair's P(bears on the claim), stance and P(stance): the model's, read against the scoped
    cues of the sentences bearing on the claim (check_cues.decided)."""
    related, probabilities = predict(model, features)
    stances, contradicted = decided(probabilities, features.scoped)
    # a contradiction in so many words is as sure as the model's surest stance for the pair
    return related, stances, np.where(contradicted, probabilities.max(axis=1), probabilities[np.arange(len(stances)), stances])


@lru_cache(maxsize=1)
def shipped_model() -> StanceModel:
    """The model fitted by scripts/train_stance.py, shipped inside the package."""
    return StanceModel.from_json(json.loads(resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")))


def feature_matrix(claims: list[str], reports: list[Report], pairs: list[tuple[int, int]], closest: int,
                   space: Space | None = None,
                   claimed: dict[int, ClaimWords] | None = None) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """Features of the (claim index, report index) pairs, their scoped cues, and each pair's
    sentences closest first."""
    space = space or space_for(claims, reports)
    by_claim = space.claims.T.tocsr()  # (words, claims): every sentence meets every claim in one product
    positions = sorted({r for _, r in pairs})
    rows, starts = space.sentence_rows(reports, positions)
    sentence_sims = (rows @ by_claim).tocsc()
    whole_sims = (space.reports[positions] @ by_claim).tocsc()
    where = {r: k for k, r in enumerate(positions)}
    claimed = claimed or read_claims(claims, pairs)
    columns = {c: (sentence_sims[:, [c]].toarray().ravel(), whole_sims[:, [c]].toarray().ravel()) for c in claimed}
    features, scoped, orders = [], [], []
    for c, r in pairs:
        sims, cosines = columns[c]
        k = where[r]
        x, cues, order = pair_features(claimed[c], reports[r].words, sims[starts[k]:starts[k + 1]], float(cosines[k]),
                                       closest)
        features.append(x)
        scoped.append(cues)
        orders.append(order)
    return (np.array(features).reshape(len(pairs), len(FEATURE_NAMES)),
            np.array(scoped).reshape(len(pairs), len(SCOPE_NAMES)), orders)


def read_claims(claims: list[str], pairs: list[tuple[int, int]]) -> dict[int, ClaimWords]:
    """The words of each claim the pairs name, read once however many reports it meets."""
    return {c: ClaimWords.of(claims[c]) for c in sorted({c for c, _ in pairs})}


def candidate_pairs(space: Space, min_cosine: float, most: int | None = None) -> list[tuple[int, int]]:
    """Pairs whose whole-report TF-IDF cosine reaches min_cosine (learned: the level that nearly every
    report bearing on a claim reaches), so the costly features are computed for few pairs; with `most`,
    only each claim's `most` closest reports (a claim of common words otherwise reaches every report)."""
    cosines = (space.claims @ space.reports.T).tocoo()
    nearest: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for c, r, v in zip(cosines.row, cosines.col, cosines.data):
        if v >= min_cosine:
            nearest[int(c)].append((-float(v), int(r)))
    return sorted((c, r) for c, near in nearest.items() for _, r in sorted(near)[:most])


def evidence(report: Report, order: list[int], stance: str, closest: int, claim: ClaimScope) -> str | None:
    """Among the 2 x `closest` sentences nearest the claim, the first that names the claim's names and
    carries the cue deciding this stance (for "disagree", a refuting word or a denial of what the claim
    says: check_cues.denies), else the closest one: a sentence about something else, or a negation of
    something else, never stands as the reason."""
    cue = {"disagree": ("refute",), "discuss": ("hedge", "question"), "agree": ("confirm",)}[stance]
    scopes = report.words.scopes
    for i in order[:closest * 2]:
        if names_it(claim, scopes[i]) and (any(CUES[name].search(report.sentences[i]) for name in cue)
                                           or (stance == "disagree" and denies(claim, scopes, i))):
            return report.sentences[i]
    return report.sentences[order[0]] if order else None


def check(claims: list[str], reports: list[Report], model: StanceModel | None = None,
          index: ReportIndex | None = None) -> list[list[Verdict]]:
    """For each claim, a verdict for every report that bears on it, surest first; `index`: the reports'
    ReportIndex, when kept from an earlier check."""
    model = model or shipped_model()
    verdicts: list[list[Verdict]] = [[] for _ in claims]
    if not claims or not reports:
        return verdicts
    space = space_for(claims, reports, index)
    pairs = candidate_pairs(space, model.candidate_cosine, config.current().checking.candidates)
    if not pairs:
        return verdicts
    claimed = read_claims(claims, pairs)
    features = features_of(claims, reports, pairs, space, model.reading, claimed)
    related, stances, sure = decide(model, features)
    for (c, r), p_related, best, p_stance, order in zip(pairs, related, stances, sure, features.orders):
        if p_related < model.related_threshold:
            continue
        stance = STANCES[best]
        verdicts[c].append(Verdict(reports[r].key, stance, round(float(p_related * p_stance), 4),
                                   evidence(reports[r], order, stance, model.reading.closest, claimed[c].scope)))
    for row in verdicts:
        row.sort(key=lambda v: (-v.score, v.key))
    return verdicts


@dataclass
class CheckedReport:
    """One report's stance toward a claim, with the sentence that decides it."""

    article: Article
    stance: str
    score: float
    evidence: str | None


@dataclass
class ClaimCheck:
    claim: str
    reports: list[CheckedReport]


@dataclass(frozen=True)
class Checkable:
    """The reports claims are checked against, each read once, and the index of their words. Kept
    while the store grows (articles are only ever added, their texts never change): a check then
    costs its claims, and a new article costs itself, not a re-read of every report."""

    reports: list[Report]
    index: ReportIndex
    last_row: int  # the store row of the last article read

    @classmethod
    def of(cls, texts: list[ArticleText]) -> Checkable:
        return cls([], ReportIndex.of([]), 0).extended(texts)

    def extended(self, texts: list[ArticleText]) -> Checkable:
        """These reports and the articles after them (this one is left as it is for checks reading it)."""
        if not texts:
            return self
        added = [Report(t.id, split_sentences(t.title, t.text)) for t in texts]
        return Checkable(self.reports + added, self.index.extended(added), texts[-1].row)


def claim_checks(claims: list[str], verdicts: list[list[Verdict]], articles: dict[str, Article]) -> list[ClaimCheck]:
    """The verdicts with the articles they name, as the store has them now (a correction may have moved
    one to another story since its report was read)."""
    return [ClaimCheck(claim, [CheckedReport(articles[v.key], v.stance, v.score, v.evidence) for v in row])
            for claim, row in zip(claims, verdicts)]
