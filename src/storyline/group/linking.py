"""Same-event and same-story decisions, learned from labelled news instead of hand-set thresholds.

What an article or a group of articles is known by is one `Profile`: its term vector (content
stems and entity keys), title terms, summed lead embedding, the span of its publication dates,
the days its texts name, its figures and its languages. A group's profile is the sum of its
members', so an article is compared with an event or a story *as a whole* (centroid link):
it joins because it resembles the group, never because it resembles one member, which is
what let one shooting report chain two dozen others together.

`link_features` turns an (article, group) pair into a few numbers; a logistic model per level
(event, story), fitted on the labelled dev corpora by `scripts/train_links.py` and shipped in
`link_models.json`, turns them into a probability. Dates, places and figures enter as features,
so the data decides how far apart two same-kind happenings must be to stay apart.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Protocol

import numpy as np

from ..config import current
from ..dates import resolve, to_date
from ..text import word_list
from .names import ACTOR_LABELS, NAME_FEATURES, PLACE_LABELS, name_counts, name_features

# what the words, the embedding, the dates and the figures say (every pair of a story's reports gets these)
TEXT_FEATURES = ("text", "entities", "entities_covered", "title", "dense", "dense_cross_language", "cross_language",
                 "numbers", "named_days", "days_apart", "both_dated", "size")
FEATURES = TEXT_FEATURES + NAME_FEATURES  # and who and where (`names`), for the story decision


def sublinear(counts: Counter) -> dict[str, float]:
    return {t: 1 + math.log(c) for t, c in counts.items() if c > 0}


def strongest(weights: dict[str, float], count: int) -> dict[str, float]:
    return dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:count])


@dataclass
class Profile:
    """What linking knows of an article, or (summed) of a group of articles."""

    terms: dict[str, float] = field(default_factory=dict)
    title: dict[str, float] = field(default_factory=dict)
    dense: np.ndarray | None = None
    first: str | None = None
    last: str | None = None
    named_days: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    size: int = 0
    places: dict[str, int] = field(default_factory=dict)
    actors: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)

    def add(self, other: Profile) -> None:
        for sums, weights in ((self.terms, other.terms), (self.title, other.title)):
            for term, weight in weights.items():
                sums[term] = sums.get(term, 0.0) + weight
        for mine, theirs in ((self.named_days, other.named_days), (self.numbers, other.numbers),
                             (self.languages, other.languages), (self.places, other.places),
                             (self.actors, other.actors), (self.people, other.people)):
            for key, count in theirs.items():
                mine[key] = mine.get(key, 0) + count
        if len(self.terms) > 2 * current().linking.centroid_terms:
            # a long-running story keeps its strongest terms: scoring and indexing cost stays bounded
            self.terms = strongest(self.terms, current().linking.centroid_terms)
        if len(self.title) > 2 * current().linking.centroid_terms:
            self.title = strongest(self.title, current().linking.centroid_terms)
        for names in ("places", "actors", "people"):
            if len(getattr(self, names)) > 2 * current().linking.centroid_terms:
                setattr(self, names, dict(Counter(getattr(self, names)).most_common(current().linking.centroid_terms)))
        if other.dense is not None:
            self.dense = other.dense.copy() if self.dense is None else self.dense + other.dense
        self.first = min(filter(None, (self.first, other.first)), default=None)
        self.last = max(filter(None, (self.last, other.last)), default=None)
        self.size += other.size

    def to_dict(self) -> dict:
        """Everything but the embedding (stored apart, as bytes)."""
        return {"terms": self.terms, "title": self.title, "first": self.first, "last": self.last,
                "named_days": self.named_days, "numbers": self.numbers, "languages": self.languages,
                "size": self.size, "places": self.places, "actors": self.actors,
                "people": self.people}

    @classmethod
    def from_dict(cls, data: dict, dense: np.ndarray | None) -> Profile:
        """Profiles stored before who and where was kept have none."""
        return cls(data["terms"], data["title"], dense, data["first"], data["last"], data["named_days"],
                   data["numbers"], data["languages"], data["size"], data.get("places", {}), data.get("actors", {}),
                   data.get("people", {}))


def article_terms(title: str, text: str, entity_names: list[str]) -> Counter:
    """Term counts: content stems (title counted linking.title_weight more times) and entity keys."""
    from ..extract.entities import transliteration_key

    terms = Counter(word_list(text))
    for word in word_list(title):
        terms[word] += current().linking.title_weight
    for name in entity_names:
        terms["@" + transliteration_key(name)] += 1
    return terms


def tf_vector(terms: Counter) -> dict[str, float]:
    """Sublinear term frequency, entity terms boosted, the strongest terms kept."""
    entity_weight = current().linking.entity_weight
    weights = {t: w * (entity_weight if t.startswith("@") else 1.0) for t, w in sublinear(terms).items()}
    return strongest(weights, current().linking.vector_terms)


def article_profile(title: str, vector: dict[str, float], dense: np.ndarray | None, published: str | None,
                    language: str | None, facts) -> Profile:
    """One article's profile from its term vector (`tf_vector`) and what extraction found in it
    (facts: extract.ArticleFacts); published: its date, given or inferred, if any."""
    anchor = to_date(published)
    return Profile(terms=vector, title=sublinear(Counter(word_list(title))), dense=dense,
                   first=published, last=published, named_days=dict(Counter(_named_days(facts.times, anchor))),
                   numbers=dict(Counter(_figure_values(facts.figures))), languages={language or "?": 1}, size=1,
                   places=name_counts(facts.mentions, PLACE_LABELS), actors=name_counts(facts.mentions, ACTOR_LABELS),
                   people=name_counts(facts.mentions, {"PERSON"}))


def _named_days(times, anchor: date | None) -> list[str]:
    """Single days the narrative names (future ones included: both reports announce the same date)."""
    days = []
    for mention in times:
        resolved = resolve(mention.expression(), anchor, mention.future)
        if resolved is not None and resolved.first == resolved.last and (anchor or resolved.explicit_year):
            days.append(resolved.first.isoformat())
    return days


def _figure_values(figures) -> list[str]:
    """Amounts two reports of one event share; not people's ages nor how long things lasted, which unrelated
    reports share by chance."""
    return [f"{f.value:g}" for f in figures if f.value is not None and abs(f.value) > current().linking.small_number
            and f.measure not in ("age", "duration")]


def _cosine(a: dict[str, float], b: dict[str, float], idf: Callable[[str], float]) -> float:
    if not a or not b:
        return 0.0
    weights = {t: idf(t) for t in a.keys() & b.keys()}
    dot = sum(a[t] * b[t] * w * w for t, w in weights.items())
    if dot == 0.0:
        return 0.0
    na = math.sqrt(sum((w * idf(t)) ** 2 for t, w in a.items()))
    nb = math.sqrt(sum((w * idf(t)) ** 2 for t, w in b.items()))
    return dot / (na * nb)


def term_norms(terms: dict[str, float], idf: Callable[[str], float]) -> tuple[float, float]:
    """Squared IDF-weighted norms of a term vector: over all terms, and over entity terms."""
    everything = names = 0.0
    for term, weight in terms.items():
        y = weight * idf(term)
        everything += y * y
        if term.startswith("@"):
            names += y * y
    return everything, names


def _term_similarities(a: dict[str, float], b: dict[str, float], idf: Callable[[str], float]
                       ) -> tuple[float, float, float]:
    """IDF-weighted cosine over all terms, cosine over entity terms, and the share of a's entities that
    b names too (a report of another happening names other people and places, however alike its
    words; 0 when a names none). One pass over a; b's norms only when the two share a term."""
    a_all = a_names = a_names_total = dot = dot_names = covered = 0.0
    for term, weight in a.items():
        scale = idf(term)
        x = weight * scale
        a_all += x * x
        other = b.get(term)
        is_name = term.startswith("@")
        if is_name:
            a_names += x * x
            a_names_total += x
        if other is not None:
            shared = x * other * scale
            dot += shared
            if is_name:
                dot_names += shared
                covered += x
    coverage = covered / a_names_total if a_names_total else 0.0
    if dot == 0.0:
        return 0.0, 0.0, coverage
    b_all, b_names = term_norms(b, idf)
    names = dot_names / math.sqrt(a_names * b_names) if dot_names else 0.0
    return dot / math.sqrt(a_all * b_all), names, coverage


def pairwise_features(profiles: list[Profile], idf: Callable[[str], float]) -> np.ndarray:
    """The TEXT_FEATURES of `link_features(profiles[i], profiles[j], idf)` for every pair at once: an (n, n,
    len(TEXT_FEATURES)) array, what the event model reads.

    One story's reports are all compared with each other to find its events; pair by pair that is
    n² passes over term dicts in Python (a 100-report story: 4,950), here a few sparse and dense
    matrix products. The same numbers up to floating-point rounding (sums taken in another order)."""
    n = len(profiles)
    x, names = _weighted_terms([p.terms for p in profiles], idf)
    dot = (x @ x.T).toarray()
    squares = np.asarray(x.multiply(x).sum(axis=1)).ravel()
    x_names = x[:, names]
    dot_names = (x_names @ x_names.T).toarray()
    name_squares = np.asarray(x_names.multiply(x_names).sum(axis=1)).ravel()
    name_totals = np.asarray(x_names.sum(axis=1)).ravel()
    present = x_names.copy()
    present.data = np.ones_like(present.data)
    covered = (x_names @ present.T).toarray()
    with np.errstate(divide="ignore", invalid="ignore"):
        text = np.where(dot != 0.0, dot / np.sqrt(np.outer(squares, squares)), 0.0)
        named = np.where(dot_names != 0.0, dot_names / np.sqrt(np.outer(name_squares, name_squares)), 0.0)
        coverage = np.where(name_totals[:, None] != 0.0, covered / name_totals[:, None], 0.0)
    title, _ = _weighted_terms([p.title for p in profiles], idf)
    title_dot = (title @ title.T).toarray()
    title_norms = np.sqrt(np.asarray(title.multiply(title).sum(axis=1)).ravel())
    with np.errstate(divide="ignore", invalid="ignore"):
        titles = np.where(title_dot != 0.0, title_dot / np.outer(title_norms, title_norms), 0.0)
    dense = _pairwise_dense([p.dense for p in profiles])
    same_language = _pairwise_language_share(profiles)
    gap, dated = _pairwise_days_apart(profiles)
    features = np.stack([
        text, named, coverage, titles, dense, dense * (1.0 - same_language), 1.0 - same_language,
        _pairwise_shared([p.numbers for p in profiles]), _pairwise_shared([p.named_days for p in profiles]),
        np.where(dated, np.log1p(gap), 0.0), dated.astype(float),
        np.broadcast_to(np.log1p(np.array([float(p.size) for p in profiles]))[None, :], (n, n)),
    ], axis=-1)
    return features


def _weighted_terms(vectors: list[dict[str, float]], idf: Callable[[str], float]):
    """The vectors as one sparse matrix of IDF-weighted rows, and the columns of entity ('@') terms."""
    from scipy.sparse import csr_matrix

    columns: dict[str, int] = {}
    rows, cols, values = [], [], []
    for i, vector in enumerate(vectors):
        for term, weight in vector.items():
            rows.append(i)
            cols.append(columns.setdefault(term, len(columns)))
            values.append(weight * idf(term))
    matrix = csr_matrix((values, (rows, cols)), shape=(len(vectors), len(columns)), dtype=np.float64)
    names = np.array([c for term, c in columns.items() if term.startswith("@")], dtype=np.int64)
    return matrix, names


def _pairwise_dense(vectors: list[np.ndarray | None]) -> np.ndarray:
    known = [v for v in vectors if v is not None]
    if not known:
        return np.zeros((len(vectors), len(vectors)))
    width = len(known[0])
    matrix = np.array([np.zeros(width) if v is None else np.asarray(v, dtype=np.float64) for v in vectors])
    norms = np.linalg.norm(matrix, axis=1)
    scale = np.outer(norms, norms)
    return (matrix @ matrix.T) / np.where(scale != 0.0, scale, 1.0)


def _pairwise_language_share(profiles: list[Profile]) -> np.ndarray:
    languages = sorted({k for p in profiles for k in p.languages})
    shares = np.array([[p.languages.get(k, 0) / max(1, p.size) for k in languages] for p in profiles]).reshape(
        len(profiles), len(languages))
    return np.minimum(shares[:, None, :], shares[None, :, :]).sum(axis=-1)


def _pairwise_shared(items: list[dict[str, int]]) -> np.ndarray:
    """`_shared(items[i], items[j])` for every pair."""
    from scipy.sparse import csr_matrix

    columns: dict[str, int] = {}
    rows, cols = [], []
    for i, keys in enumerate(items):
        for key in keys:
            rows.append(i)
            cols.append(columns.setdefault(key, len(columns)))
    present = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(items), max(1, len(columns))))
    counts = np.array([float(len(keys)) for keys in items])
    both = (present @ present.T).toarray()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(counts[:, None] != 0.0, both / counts[:, None], 0.0)


def _pairwise_days_apart(profiles: list[Profile]) -> tuple[np.ndarray, np.ndarray]:
    """`_days_apart` for every pair, and where it is known."""
    def ordinal(day: str | None) -> float:
        return float(date.fromisoformat(day[:10]).toordinal()) if day else math.nan

    known = np.array([bool(p.first and p.last) for p in profiles])
    first = np.array([ordinal(p.first) if k else math.nan for p, k in zip(profiles, known)])
    last = np.array([ordinal(p.last) if k else math.nan for p, k in zip(profiles, known)])
    dated = known[:, None] & known[None, :]
    gap = np.maximum(0.0, np.maximum(first[:, None] - last[None, :], first[None, :] - last[:, None]))
    return np.where(dated, gap, 0.0), dated


def _dense_cosine(a: np.ndarray | None, b: np.ndarray | None) -> float:
    if a is None or b is None:
        return 0.0
    norm = float(np.linalg.norm(a) * np.linalg.norm(b)) or 1.0
    return float(a @ b) / norm


def _shared(mine: dict[str, int], theirs: dict[str, int]) -> float:
    """Share of one side's items (figures, named days) the other side also has; 0 when it has none."""
    if not mine or not theirs:
        return 0.0
    return sum(1 for key in mine if key in theirs) / len(mine)


def _days_apart(a: Profile, b: Profile) -> float | None:
    if not (a.first and a.last and b.first and b.last):
        return None
    a_first, a_last, b_first, b_last = (date.fromisoformat(d[:10]) for d in (a.first, a.last, b.first, b.last))
    return float(max(0, (a_first - b_last).days, (b_first - a_last).days))


def link_features(a: Profile, b: Profile, idf: Callable[[str], float]) -> list[float]:
    """The FEATURES of the pair (a: the smaller side, usually one article; b: a group); idf from the store."""
    same_language = sum(min(a.languages.get(k, 0) / max(1, a.size), c / max(1, b.size)) for k, c in b.languages.items())
    dense = _dense_cosine(a.dense, b.dense)
    gap = _days_apart(a, b)
    text, names, names_covered = _term_similarities(a.terms, b.terms, idf)
    return [
        text,
        names,
        names_covered,
        _cosine(a.title, b.title, idf),
        dense,
        dense * (1.0 - same_language),
        1.0 - same_language,
        _shared(a.numbers, b.numbers),
        _shared(a.named_days, b.named_days),
        math.log1p(gap) if gap is not None else 0.0,
        1.0 if gap is not None else 0.0,
        math.log1p(b.size),
        *name_features(a, b, idf),
    ]


class Decision(Protocol):
    """What groups reports: a probability for a pair's features and the probability a link needs."""

    @property
    def threshold(self) -> float: ...

    def probability(self, features: list[float]) -> float: ...


@dataclass(frozen=True)
class LinkModel:
    """A fitted logistic model over some of the FEATURES (standardised), and the probability a link needs."""

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    _columns: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.features) - set(FEATURES)
        if unknown:
            raise ValueError(f"link model uses features this code does not compute: {sorted(unknown)}")
        object.__setattr__(self, "_columns", tuple(FEATURES.index(f) for f in self.features))

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """`probability` of each row of features (the FEATURES as columns, or their first ones)."""
        if max(self._columns, default=-1) >= features.shape[-1]:
            raise ValueError(f"this model reads {self.features}: more than the {features.shape[-1]} columns given")
        z = self.intercept + ((features[:, list(self._columns)] - np.array(self.mean)) / np.array(self.scale)) \
            @ np.array(self.coef)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))

    def probability(self, features: list[float]) -> float:
        z = self.intercept + sum(c * (features[i] - m) / s
                                 for c, i, m, s in zip(self.coef, self._columns, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "coef": list(self.coef), "intercept": self.intercept,
                "mean": list(self.mean), "scale": list(self.scale), "threshold": self.threshold}

    @classmethod
    def from_dict(cls, data: dict) -> LinkModel:
        return cls(tuple(data["features"]), tuple(data["coef"]), data["intercept"], tuple(data["mean"]),
                   tuple(data["scale"]), data["threshold"])


MODEL_FILE = "link_models.json"


@lru_cache(maxsize=1)
def shipped_models() -> dict[str, LinkModel]:
    """The event and story models fitted by scripts/train_links.py, shipped inside the package."""
    data = json.loads(resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    return {level: LinkModel.from_dict(data[level]) for level in ("event", "story", "names")}


_BOTH_NAMED, _PEOPLE_SHARED, _CROSS_LANGUAGE = (FEATURES.index(f) for f in ("both_named", "people_shared", "cross_language"))


@dataclass(frozen=True)
class EntityChecked:
    """The story decision: the text-and-time model links a report to a story only where the names model
    (who and where, `names`) does not object, and the names model alone links a report told in another
    language than (some of) the story, whose people and places are the story's and which shares at least
    one of its people: there the words cannot link (a war told in Spanish, French and Italian over years
    keeps its places and leaders), while in one language they can, and names alone would join two
    shootings in one city. Where one side names nobody (a language without a names model), who and where
    cannot object. Measured leave one corpus out in scripts/train_links.py."""

    text: LinkModel
    names: LinkModel
    veto: float
    alone: float

    @property
    def threshold(self) -> float:
        return self.text.threshold

    def probability(self, features: list[float]) -> float:
        if not features[_BOTH_NAMED]:
            return self.text.probability(features)  # no names on one side: nothing to object with
        by_names = self.names.probability(features)
        if by_names >= self.alone and features[_PEOPLE_SHARED] > 0 and features[_CROSS_LANGUAGE] > 0:
            return max(by_names, self.threshold)  # a person shared, across languages
        return self.text.probability(features) if by_names >= self.veto else 0.0


def story_decision() -> EntityChecked:
    """The shipped story decision, with this call's settings."""
    models = shipped_models()
    return EntityChecked(models["story"], models["names"], current().grouping.story_name_veto,
                         current().grouping.story_names_alone)
