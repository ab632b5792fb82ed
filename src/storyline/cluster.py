"""Stories (related reports over weeks), built online, and events (the same happening) within them.

Each article becomes a term vector over content-word stems plus its named entities (names
weigh more: two reports of one happening name the same people and places), weighted by
IDF from the whole store at comparison time, so early articles are not stuck with the
IDF of a nearly empty store. Each article also carries a dense multilingual embedding of its
lead (see `embed`); a match fuses the two, half each, so rewording and translation do not hide
a shared event while names and numbers keep distinct events apart. Candidate stories come from an inverted index over the top
terms of each story centroid: an article is compared with a handful of stories, never
with all of them. After a batch, touched stories that now resemble each other merge (a
later article can bridge them), and the store records the merge.

Events are found inside one story, where the numbers are small enough for average-link
clustering over a similarity that adds two signals text alone misses: the same quotation
carried by both reports, and the distance between their dates.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .embed import dense_similarity
from .extract.entities import transliteration_key
from .text import overlap, word_list

EVENT_THRESHOLD = 0.16
STORY_THRESHOLD = 0.16
SHARED_QUOTE_BONUS = 0.25
MAX_EXACT = 400
SAME_DAY_SLACK = 2
DATE_FADE_DAYS = 30
STORY_WINDOW_DAYS = 120
TOP_TERMS = 40
QUERY_TERMS = 25
VECTOR_TERMS = 300
ENTITY_WEIGHT = 2.0
TITLE_WEIGHT = 2
TEXT_SHARE = 0.5
CENTROID_TERMS = 1000


@dataclass
class Group:
    """An event or a story: the summed vectors of its members."""

    id: str
    members: list[str]
    centroid: dict[str, float] = field(default_factory=dict)
    first: str | None = None
    last: str | None = None
    parent: str | None = None
    dense: np.ndarray | None = None
    indexed_terms: list[str] | None = None

    def add(self, vector: dict[str, float], dense: np.ndarray | None, member: str, when: str | None) -> None:
        self.members.append(member)
        self._sum(vector, dense)
        self._widen(when, when)

    def absorb(self, other: "Group") -> None:
        self.members.extend(m for m in other.members if m not in self.members)
        self._sum(other.centroid, other.dense)
        self._widen(other.first, other.last)

    def _sum(self, vector: dict[str, float], dense: np.ndarray | None) -> None:
        for term, weight in vector.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + weight
        if len(self.centroid) > 2 * CENTROID_TERMS:
            # a long-running story keeps its strongest terms: scoring and indexing cost stays bounded
            self.centroid = dict(sorted(self.centroid.items(), key=lambda kv: (-kv[1], kv[0]))[:CENTROID_TERMS])
        if dense is not None:
            self.dense = dense.copy() if self.dense is None else self.dense + dense

    def _widen(self, first: str | None, last: str | None) -> None:
        if first:
            self.first = min(filter(None, (self.first, first)))
        if last:
            self.last = max(filter(None, (self.last, last)))


def article_terms(title: str, text: str, entity_names: list[str]) -> Counter:
    """Term counts: content stems (title counted twice) and entity keys."""
    terms = Counter(word_list(text))
    for word in word_list(title):
        terms[word] += TITLE_WEIGHT
    for name in entity_names:
        terms["@" + transliteration_key(name)] += 1
    return terms


def tf_vector(terms: Counter) -> dict[str, float]:
    """Sublinear term frequency, entity terms boosted, the strongest terms kept."""
    weights = {t: (1 + math.log(c)) * (ENTITY_WEIGHT if t.startswith("@") else 1.0) for t, c in terms.items()}
    return dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:VECTOR_TERMS])


@dataclass
class CorpusStats:
    """Document frequencies of the whole store, updated as articles arrive."""

    df: dict[str, int] = field(default_factory=dict)
    documents: int = 0

    def idf(self, term: str) -> float:
        return math.log((1 + self.documents) / (1 + self.df.get(term, 0))) + 1

    def add(self, terms) -> None:
        for term in terms:
            self.df[term] = self.df.get(term, 0) + 1
        self.documents += 1

    def weighted(self, vector: dict[str, float]) -> dict[str, float]:
        return {t: w * self.idf(t) for t, w in vector.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    na = math.sqrt(sum(w * w for w in a.values())) or 1.0
    nb = math.sqrt(sum(w * w for w in b.values())) or 1.0
    return dot / (na * nb)


def fused_similarity(text: float, dense: float | None) -> float:
    """Lexical and dense evidence, TEXT_SHARE of each; text alone for rows stored without an embedding."""
    return text if dense is None else TEXT_SHARE * text + (1 - TEXT_SHARE) * dense


def top_terms(vector: dict[str, float], count: int) -> list[str]:
    return [t for t, _ in sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]


class GroupIndex:
    """Groups with an inverted index from their top terms, for candidate lookup."""

    def __init__(self, prefix: str, threshold: float, stats: CorpusStats, window_days: int | None = None):
        self.prefix, self.threshold, self.window_days, self.stats = prefix, threshold, window_days, stats
        self.groups: dict[str, Group] = {}
        self.postings: dict[str, set[str]] = {}
        self.changed: set[str] = set()

    def load(self, group: Group) -> None:
        """A stored group, indexed under the terms it had when stored.

        Not re-ranked with today's IDF: a resumed or later run must find exactly the candidates
        the uninterrupted run would have found, or a kill and resume would change the stories.
        """
        self.groups[group.id] = group
        if group.indexed_terms is None:
            self._reindex(group)
        elif not group.parent:
            self._index(group, group.indexed_terms)

    def _reindex(self, group: Group) -> None:
        self.changed.add(group.id)
        self._unindex(group)
        self._index(group, top_terms(self.stats.weighted(group.centroid), TOP_TERMS))

    def _index(self, group: Group, terms: list[str]) -> None:
        group.indexed_terms = terms
        for term in terms:
            self.postings.setdefault(term, set()).add(group.id)

    def _unindex(self, group: Group) -> None:
        for term in group.indexed_terms or []:
            self.postings.get(term, set()).discard(group.id)
        group.indexed_terms = []

    def candidates(self, vector: dict[str, float]) -> set[str]:
        found: set[str] = set()
        for term in top_terms(self.stats.weighted(vector), QUERY_TERMS):
            found |= self.postings.get(term, set())
        return found

    def best_match(self, vector: dict[str, float], dense: np.ndarray | None, when: str | None,
                   exclude: str | None = None) -> tuple[str | None, float]:
        best, best_score = None, 0.0
        weighted = self.stats.weighted(vector)
        for group_id in sorted(self.candidates(vector)):
            group = self.groups[group_id]
            if group_id == exclude or group.parent or not self._in_window(group, when):
                continue
            score = fused_similarity(cosine(weighted, self.stats.weighted(group.centroid)),
                                     dense_similarity(dense, group.dense))
            if score > best_score:
                best, best_score = group_id, score
        return (best, best_score) if best_score >= self.threshold else (None, best_score)

    def _in_window(self, group: Group, when: str | None) -> bool:
        if not self.window_days or not when or not group.first:
            return True
        day = date.fromisoformat(when[:10])
        first, last = date.fromisoformat(group.first[:10]), date.fromisoformat(group.last[:10])
        return (first - day).days <= self.window_days and (day - last).days <= self.window_days

    def assign(self, member: str, vector: dict[str, float], dense: np.ndarray | None, when: str | None) -> str:
        """Put member into its best group or a new one; returns the group id."""
        group_id, _score = self.best_match(vector, dense, when)
        if group_id is None:
            group_id = self.prefix + member.lstrip("aes")
            self.groups[group_id] = Group(group_id, [])
        group = self.groups[group_id]
        group.add(vector, dense, member, when)
        self._reindex(group)
        return group_id

    def absorb(self, into: str, gone: str) -> None:
        self.groups[into].absorb(self.groups[gone])
        self.groups[gone].parent = into
        self.changed.add(gone)
        self._reindex(self.groups[into])
        self._unindex(self.groups[gone])

    def take_changed(self) -> list[Group]:
        changed = [self.groups[g] for g in sorted(self.changed)]
        self.changed = set()
        return changed

    def merge_touched(self, touched: set[str]) -> list[tuple[str, str]]:
        """Merge touched groups into similar groups (a later member bridged them); (from, into) pairs."""
        merges = []
        for group_id in sorted(touched):
            group = self.groups.get(group_id)
            if group is None or group.parent:
                continue
            target, _score = self.best_match(group.centroid, group.dense, group.first, exclude=group_id)
            if target is not None:
                into, gone = sorted((target, group_id))
                self.absorb(into, gone)
                merges.append((gone, into))
        return merges

    def root(self, group_id: str) -> str:
        while self.groups[group_id].parent:
            group_id = self.groups[group_id].parent
        return group_id


# ------------------------------------------------------------------ events inside a story

@dataclass
class EventEvidence:
    """What event clustering knows of one article."""

    article_id: str
    vector: dict[str, float]
    day: date | None
    quotes: list[set[str]]
    dense: np.ndarray | None = None
    duplicate_of: str | None = None


def _shares_quote(a: EventEvidence, b: EventEvidence) -> bool:
    return any(overlap(qa, qb) >= 0.5 and len(qa & qb) >= 4 for qa in a.quotes for qb in b.quotes)


def _date_factor(a: EventEvidence, b: EventEvidence) -> float:
    if a.day is None or b.day is None:
        return 1.0
    gap = abs((a.day - b.day).days)
    return max(0.0, 1.0 - max(0, gap - SAME_DAY_SLACK) / DATE_FADE_DAYS)


def event_similarity(a: EventEvidence, b: EventEvidence, stats: CorpusStats) -> float:
    text = cosine(stats.weighted(a.vector), stats.weighted(b.vector))
    bonus = SHARED_QUOTE_BONUS if _shares_quote(a, b) else 0.0
    return (fused_similarity(text, dense_similarity(a.dense, b.dense)) + bonus) * _date_factor(a, b)


def cluster_events(evidence: list[EventEvidence], stats: CorpusStats) -> dict[str, str]:
    """article id -> event id (the smallest member id, prefixed 'e'); copies join their original."""
    originals = [e for e in evidence if not e.duplicate_of]
    labels = _average_link(originals, stats)
    members: dict[int, list[str]] = {}
    for item, label in zip(originals, labels):
        members.setdefault(label, []).append(item.article_id)
    event_of = {aid: "e" + min(ids)[1:] for ids in members.values() for aid in ids}
    for item in evidence:
        if item.duplicate_of:
            event_of[item.article_id] = event_of.get(item.duplicate_of, "e" + item.article_id[1:])
    return event_of


def _average_link(items: list[EventEvidence], stats: CorpusStats) -> list[int]:
    """Average-link agglomerative clustering with a similarity threshold (online beyond MAX_EXACT)."""
    if len(items) < 2:
        return [0] * len(items)
    if len(items) > MAX_EXACT:
        return _online_events(items, stats)
    from sklearn.cluster import AgglomerativeClustering

    n = len(items)
    distance = np.ones((n, n))
    for i in range(n):
        distance[i, i] = 0.0
        for j in range(i + 1, n):
            distance[i, j] = distance[j, i] = 1.0 - event_similarity(items[i], items[j], stats)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=1.0 - EVENT_THRESHOLD)
    return list(model.fit_predict(distance))


def _online_events(items: list[EventEvidence], stats: CorpusStats) -> list[int]:
    """Very large stories: each article joins its best candidate event via the inverted index."""
    index = GroupIndex("e", EVENT_THRESHOLD, stats, window_days=SAME_DAY_SLACK + DATE_FADE_DAYS // 2)
    ordered = sorted(range(len(items)), key=lambda i: (items[i].day or date.max, items[i].article_id))
    labels: dict[str, int] = {}
    assigned = [0] * len(items)
    for i in ordered:
        item = items[i]
        group = index.assign(item.article_id, item.vector, item.dense, item.day.isoformat() if item.day else None)
        assigned[i] = labels.setdefault(group, len(labels))
    return assigned
