"""Events (the same happening) and stories (related events over weeks), built online.

Each article becomes a TF-IDF vector over content-word stems plus its named entities
(names weigh more: two reports of one happening name the same people and places).
Candidates come from an inverted index over the top terms of each event centroid, so an
article is compared with a handful of events, never with all of them. An article joins
the most similar candidate event above EVENT_THRESHOLD, else starts one; events join
stories the same way with the looser STORY_THRESHOLD and a time window. After a batch,
touched events that now resemble each other are merged (a later article can bridge them).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .extract.entities import transliteration_key
from .text import word_list

EVENT_THRESHOLD = 0.30
STORY_THRESHOLD = 0.12
STORY_WINDOW_DAYS = 120
TOP_TERMS = 40
QUERY_TERMS = 25
VECTOR_TERMS = 300
ENTITY_WEIGHT = 2.0
TITLE_WEIGHT = 2


@dataclass
class Group:
    """An event or a story: the summed vectors of its members."""

    id: str
    members: list[str]
    centroid: dict[str, float] = field(default_factory=dict)
    first: str | None = None
    last: str | None = None
    parent: str | None = None

    def add(self, vector: dict[str, float], member: str, when: str | None) -> None:
        self.members.append(member)
        for term, weight in vector.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + weight
        self._widen(when, when)

    def absorb(self, other: "Group") -> None:
        self.members.extend(m for m in other.members if m not in self.members)
        for term, weight in other.centroid.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + weight
        self._widen(other.first, other.last)

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


def tfidf_vector(terms: Counter, document_frequency: dict[str, int], documents: int) -> dict[str, float]:
    """Sublinear TF times smoothed IDF, entity terms boosted, L2-normalised, top terms kept."""
    weights = {}
    for term, count in terms.items():
        idf = math.log((1 + documents) / (1 + document_frequency.get(term, 0))) + 1
        weights[term] = (1 + math.log(count)) * idf * (ENTITY_WEIGHT if term.startswith("@") else 1.0)
    top = sorted(weights.items(), key=lambda kv: -kv[1])[:VECTOR_TERMS]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {term: w / norm for term, w in top}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    na = math.sqrt(sum(w * w for w in a.values())) or 1.0
    nb = math.sqrt(sum(w * w for w in b.values())) or 1.0
    return dot / (na * nb)


def top_terms(vector: dict[str, float], count: int) -> list[str]:
    return [t for t, _ in sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]


class GroupIndex:
    """Groups with an inverted index from their top terms, for candidate lookup."""

    def __init__(self, prefix: str, threshold: float, window_days: int | None = None):
        self.prefix, self.threshold, self.window_days = prefix, threshold, window_days
        self.groups: dict[str, Group] = {}
        self.postings: dict[str, set[str]] = {}
        self.indexed_terms: dict[str, list[str]] = {}
        self.changed: set[str] = set()

    def load(self, group: Group) -> None:
        self.groups[group.id] = group
        self._reindex(group)

    def _reindex(self, group: Group) -> None:
        self.changed.add(group.id)
        for term in self.indexed_terms.get(group.id, []):
            self.postings.get(term, set()).discard(group.id)
        terms = top_terms(group.centroid, TOP_TERMS)
        self.indexed_terms[group.id] = terms
        for term in terms:
            self.postings.setdefault(term, set()).add(group.id)

    def candidates(self, vector: dict[str, float]) -> set[str]:
        found: set[str] = set()
        for term in top_terms(vector, QUERY_TERMS):
            found |= self.postings.get(term, set())
        return found

    def best_match(self, vector: dict[str, float], when: str | None, exclude: str | None = None) -> tuple[str | None, float]:
        best, best_score = None, 0.0
        for group_id in sorted(self.candidates(vector)):
            group = self.groups[group_id]
            if group_id == exclude or group.parent or not self._in_window(group, when):
                continue
            score = cosine(vector, group.centroid)
            if score > best_score:
                best, best_score = group_id, score
        return (best, best_score) if best_score >= self.threshold else (None, best_score)

    def _in_window(self, group: Group, when: str | None) -> bool:
        if not self.window_days or not when or not group.first:
            return True
        day = date.fromisoformat(when[:10])
        first, last = date.fromisoformat(group.first[:10]), date.fromisoformat(group.last[:10])
        return (first - day).days <= self.window_days and (day - last).days <= self.window_days

    def assign(self, member: str, vector: dict[str, float], when: str | None) -> str:
        """Put member into its best group or a new one; returns the group id."""
        group_id, _score = self.best_match(vector, when)
        if group_id is None:
            group_id = self.prefix + member.lstrip("aes")
            self.groups[group_id] = Group(group_id, [])
        group = self.groups[group_id]
        group.add(vector, member, when)
        self._reindex(group)
        return group_id

    def add_vector(self, group_id: str, vector: dict[str, float], when: str | None) -> None:
        """Another article of an existing member: the centroid moves, the members stay."""
        group = self.groups[group_id]
        for term, weight in vector.items():
            group.centroid[term] = group.centroid.get(term, 0.0) + weight
        group._widen(when, when)
        self._reindex(group)

    def absorb(self, into: str, gone: str) -> None:
        self.groups[into].absorb(self.groups[gone])
        self.groups[gone].parent = into
        self.changed.add(gone)
        self._reindex(self.groups[into])
        for term in self.indexed_terms.pop(gone, []):
            self.postings.get(term, set()).discard(gone)

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
            target, _score = self.best_match(group.centroid, group.first, exclude=group_id)
            if target is not None:
                into, gone = sorted((target, group_id))
                self.absorb(into, gone)
                merges.append((gone, into))
        return merges

    def root(self, group_id: str) -> str:
        while self.groups[group_id].parent:
            group_id = self.groups[group_id].parent
        return group_id
