"""Stories (one subject over weeks or years), built online, and events (one happening) within them.

Each arriving article is compared with the stories whose centroid shares its strongest terms (an
inverted index) or whose summed lead embedding is nearest among the recently active ones: a
handful of candidates, never all stories. The learned story model (`linking`) decides whether it
continues the best of them as a whole (centroid link) or starts a new story. Every so often (see
run.ingest) the stories touched since the last check are compared with their candidates by the same
model, so a later article can reveal that two threads were one; the store records each merge.

Events are found inside one story, once its dates are inferred, by average-link clustering over
the learned same-event probability of every pair of its reports: an article joins an event only
if it matches the event's reports on average, never because it resembles one of them, and the
result does not depend on the order the reports arrived in.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from ..config import current
from ..store import StoredGroup
from . import embed
from .linking import Decision, LinkModel, Profile, link_features, pairwise_features


@dataclass
class Group:
    """An event or a story: its members and their summed profile."""

    id: str
    members: list[str]
    profile: Profile = field(default_factory=Profile)
    parent: str | None = None
    indexed_terms: list[str] | None = None

    def add(self, member: str, profile: Profile) -> None:
        self.members.append(member)
        self.profile.add(profile)

    def absorb(self, other: Group) -> None:
        self.members.extend(m for m in other.members if m not in self.members)
        self.profile.add(other.profile)

    def to_stored(self) -> StoredGroup:
        """As the store keeps it: the profile as plain data, the embedding as bytes."""
        return StoredGroup(self.id, self.members, self.profile.to_dict(), embed.to_bytes(self.profile.dense),
                           self.profile.first, self.profile.last, self.parent, self.indexed_terms)

    @classmethod
    def from_stored(cls, stored: StoredGroup) -> Group:
        """A stored group whole; stores from before profiles were kept hold the terms alone."""
        data, dense = stored.profile, embed.from_bytes(stored.dense)
        if "size" in data and isinstance(data.get("terms"), dict):
            profile = Profile.from_dict(data, dense)
        else:
            profile = Profile(terms=data, dense=dense, first=stored.first, last=stored.last, size=len(stored.members))
        return cls(stored.id, stored.members, profile, stored.parent, stored.indexed_terms)


@dataclass
class CorpusStats:
    """Document frequencies of the whole store, updated as articles arrive."""

    df: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    _known: dict[str, float] = field(default_factory=dict, repr=False)

    def idf(self, term: str) -> float:
        """Memoised until the next article arrives: one article is compared with many groups."""
        value = self._known.get(term)
        if value is None:
            value = self._known[term] = math.log((1 + self.documents) / (1 + self.df.get(term, 0))) + 1
        return value

    def add(self, terms) -> None:
        for term in terms:
            self.df[term] = self.df.get(term, 0) + 1
        self.documents += 1
        self._known = {}

    def subset(self, terms: set[str]) -> CorpusStats:
        """The frequencies of these terms only: what one story's analysis needs, cheap to send to a worker."""
        return CorpusStats({t: self.df[t] for t in terms if t in self.df}, self.documents)

    def weighted(self, vector: dict[str, float]) -> dict[str, float]:
        return {t: w * self.idf(t) for t, w in vector.items()}


def top_terms(vector: dict[str, float], count: int) -> list[str]:
    """The count strongest terms, strongest first (ties by term); a partial sort of up to 2,000 terms."""
    return [t for t, _ in heapq.nsmallest(count, vector.items(), key=lambda kv: (-kv[1], kv[0]))]


class GroupIndex:
    """Groups of one level, an inverted index over their top terms, and the model that links to them."""

    def __init__(self, prefix: str, model: Decision, stats: CorpusStats,
                 loader: Callable[[str], Group | None] | None = None):
        """loader: a stored group by id. With one, only the recently active groups (and those changed
        and not yet saved) stay in memory; the others are read back when an article's terms point
        at them, and a few of those are kept (grouping.cached_groups, least recently used leave first)."""
        self.prefix, self.model, self.stats, self.loader = prefix, model, stats, loader
        self.groups: dict[str, Group] = {}  # in memory: the recent and the changed ones (all, without a loader)
        self.cached: OrderedDict[str, Group] = OrderedDict()
        self.postings: dict[str, dict[str, None]] = {}
        self.recent: dict[str, int] = {}  # group id -> its row of unit lead embeddings, least recent first
        self.capacity = current().grouping.recent_groups  # fixed for this index: the rows below are allocated
        self.units = np.zeros((self.capacity, embed.dimensions()), dtype=np.float32)
        self.free_rows = list(range(self.capacity - 1, -1, -1))
        self.row_owner: list[str | None] = [None] * self.capacity
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
            self._mark_recent(group)

    def load_terms(self, group_id: str, parent: str | None, indexed_terms: list[str]) -> None:
        """A stored group left on disk: only its place in the term index, as `load` would give it."""
        if not parent:
            for term in indexed_terms:
                posting = self.postings.setdefault(term, {})
                posting[group_id] = None
                if len(posting) > current().grouping.max_posting:
                    del posting[next(iter(posting))]

    def group(self, group_id: str) -> Group:
        """The group, read back from the store when it has left memory."""
        found = self.groups.get(group_id)
        if found is not None:
            return found
        found = self.cached.pop(group_id, None) or (self.loader(group_id) if self.loader else None)
        if found is None:
            raise KeyError(group_id)
        self.cached[group_id] = found
        if len(self.cached) > current().grouping.cached_groups:
            self.cached.popitem(last=False)
        return found

    def _reindex(self, group: Group) -> None:
        self.changed.add(group.id)
        self._unindex(group)
        self._mark_recent(group)
        self._index(group, top_terms(self.stats.weighted(group.profile.terms), current().grouping.top_terms))

    def _mark_recent(self, group: Group) -> None:
        """Make the group the most recently active one, its unit embedding kept in a row of `units`."""
        self.groups[group.id] = group
        self.cached.pop(group.id, None)
        if len(self.recent) == self.capacity:
            oldest = next(iter(self.recent))
            self._forget(oldest)
            self._leave_memory(oldest)
        row = self.free_rows.pop()
        self.recent[group.id] = row
        self.row_owner[row] = group.id
        dense = group.profile.dense
        norm = float(np.linalg.norm(dense)) if dense is not None else 0.0
        self.units[row] = dense / norm if dense is not None and norm else 0.0

    def _leave_memory(self, group_id: str) -> None:
        """With a loader, a group neither recent nor waiting to be saved is dropped (it is in the store)."""
        if self.loader and group_id not in self.recent and group_id not in self.changed:
            self.groups.pop(group_id, None)

    def _forget(self, group_id: str) -> None:
        row = self.recent.pop(group_id, None)
        if row is not None:
            self.units[row] = 0.0
            self.row_owner[row] = None
            self.free_rows.append(row)

    def _index(self, group: Group, terms: list[str]) -> None:
        group.indexed_terms = terms
        for term in terms:
            posting = self.postings.setdefault(term, {})
            posting[group.id] = None
            if len(posting) > current().grouping.max_posting:
                del posting[next(iter(posting))]

    def _unindex(self, group: Group) -> None:
        self._forget(group.id)
        for term in group.indexed_terms or []:
            self.postings.get(term, {}).pop(group.id, None)
        group.indexed_terms = []

    def candidates(self, profile: Profile, exclude: str | None = None) -> list[str]:
        """Live groups sharing the most of the profile's strongest terms (grouping.candidates at most)."""
        shared: Counter = Counter()
        for term in top_terms(self.stats.weighted(profile.terms), current().grouping.query_terms):
            shared.update(iter(self.postings.get(term, ())))
        ranked = (g for g, _n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])))
        by_terms = list(islice((g for g in ranked if self._usable(g, exclude)), current().grouping.candidates))
        by_meaning = [g for g in self._nearest(profile) if self._usable(g, exclude)]
        return list(dict.fromkeys(by_terms + by_meaning[:current().grouping.dense_candidates]))

    def _usable(self, group_id: str, exclude: str | None) -> bool:
        return group_id != exclude and not self.group(group_id).parent

    def _nearest(self, profile: Profile) -> list[str]:
        """Recently active groups by cosine of lead embeddings (summed for a group), nearest first."""
        norm = float(np.linalg.norm(profile.dense)) if profile.dense is not None else 0.0
        if profile.dense is None or not norm or not self.recent:
            return []
        wanted = 2 * current().grouping.dense_candidates
        cosines = self.units @ (profile.dense / norm)
        rows = np.fromiter(self.recent.values(), dtype=np.int64, count=len(self.recent))
        if len(rows) > wanted:  # only the rows that can rank among the first `wanted` are sorted
            rows = rows[cosines[rows] >= np.partition(cosines[rows], -wanted)[-wanted]]
        ranked = rows[np.lexsort((rows, -cosines[rows]))]  # nearest first, ties by row: a stable order
        return [self.row_owner[row] for row in ranked[:wanted]]

    def best_match(self, profile: Profile, exclude: str | None = None) -> tuple[str | None, float]:
        """The candidate the model links with the highest probability, if that reaches its threshold."""
        best, best_probability = None, 0.0
        for group_id in self.candidates(profile, exclude):
            probability = self.model.probability(link_features(profile, self.group(group_id).profile,
                                                               self.stats.idf))
            if probability > best_probability:
                best, best_probability = group_id, probability
        return (best, best_probability) if best_probability >= self.model.threshold else (None, best_probability)

    def assign(self, member: str, profile: Profile) -> str:
        """Put member into the group the model links it with, or a new one; returns the group id."""
        group_id, _probability = self.best_match(profile)
        if group_id is None:
            return self.start(member, profile)
        self.join(group_id, member, profile)
        return group_id

    def start(self, member: str, profile: Profile) -> str:
        group_id = self.prefix + member.lstrip("aes")
        self.groups[group_id] = Group(group_id, [], Profile())
        self.join(group_id, member, profile)
        return group_id

    def join(self, group_id: str, member: str, profile: Profile) -> None:
        group = self.group(group_id)
        group.add(member, profile)
        self._reindex(group)

    def absorb(self, into: str, gone: str) -> None:
        kept, merged = self.group(into), self.group(gone)
        kept.absorb(merged)
        merged.parent = into
        self.groups[gone] = merged
        self.changed.add(gone)
        self._reindex(kept)
        self._unindex(merged)

    def take_changed(self) -> list[Group]:
        changed = [self.groups[g] for g in sorted(self.changed)]
        self.changed = set()
        for group in changed:
            self._leave_memory(group.id)
        return changed

    def merge_touched(self, touched: set[str], kept_apart: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
        """Merge touched groups into groups the model links them with (a later member bridged them).

        kept_apart: groups a reader corrected, which never merge on their own again.
        """
        merges = []
        for group_id in sorted(touched - kept_apart):
            group = self.groups.get(group_id) or (self.group(group_id) if self.loader else None)
            if group is None or group.parent:
                continue
            target, _probability = self._best_partner(group, kept_apart)
            if target is not None:
                into, gone = sorted((target, group_id))
                self.absorb(into, gone)
                merges.append((gone, into))
        return merges

    def _best_partner(self, group: Group, kept_apart: frozenset[str]) -> tuple[str | None, float]:
        """Groups compare smaller side first, as an article is compared with a group."""
        best, best_probability = None, 0.0
        for other_id in self.candidates(group.profile, exclude=group.id):
            if other_id in kept_apart:
                continue
            other = self.group(other_id).profile
            small, large = (group.profile, other) if group.profile.size <= other.size else (other, group.profile)
            probability = self.model.probability(link_features(small, large, self.stats.idf))
            if probability > best_probability:
                best, best_probability = other_id, probability
        return (best, best_probability) if best_probability >= self.model.threshold else (None, best_probability)

    def root(self, group_id: str) -> str:
        parent = self.group(group_id).parent
        while parent:
            group_id, parent = parent, self.group(parent).parent
        return group_id


def cluster_events(reports: list[tuple[str, Profile]], model: LinkModel, stats: CorpusStats) -> list[int]:
    """An event number for each report of one story: average link over the same-event probability,
    cut where the average falls below the model's threshold."""
    if len(reports) < 2:
        return [0] * len(reports)
    if len(reports) > current().grouping.max_exact:
        return _online_events(reports, model, stats)
    from sklearn.cluster import AgglomerativeClustering

    n = len(reports)
    features = pairwise_features([profile for _id, profile in reports], stats.idf)
    upper = np.triu_indices(n, 1)  # each pair once, the earlier report as the smaller side
    distance = np.zeros((n, n))
    distance[upper] = 1.0 - model.probabilities(features[upper])
    distance.T[upper] = distance[upper]
    clustering = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                         distance_threshold=1.0 - model.threshold)
    return [int(label) for label in clustering.fit_predict(distance)]


def _online_events(reports: list[tuple[str, Profile]], model: LinkModel, stats: CorpusStats) -> list[int]:
    """Very large stories: each report, in date order, joins the event it matches as a whole, or starts one."""
    index = GroupIndex("e", model, stats)
    order = sorted(range(len(reports)), key=lambda i: (reports[i][1].first or "9999", reports[i][0]))
    numbers: dict[str, int] = {}
    labels = [0] * len(reports)
    for i in order:
        report_id, profile = reports[i]
        labels[i] = numbers.setdefault(index.assign(report_id, profile), len(numbers))
    return labels


def add_to_events(reports: list[tuple[str, Profile]], settled: dict[str, str], model: LinkModel,
                  stats: CorpusStats) -> list[int]:
    """Event numbers for a story analysed before: reports in `settled` (id -> event) keep their events;
    each new one, in date order, joins the event it matches as a whole, or starts its own."""
    index = GroupIndex("e", model, stats)
    profiles = dict(reports)
    events: dict[str, Group] = {}
    for report_id, event_id in sorted(settled.items()):
        if report_id in profiles:
            events.setdefault(event_id, Group(event_id, [], Profile())).add(report_id, profiles[report_id])
    for group in events.values():
        index.load(group)
    numbers = {event_id: number for number, event_id in enumerate(events)}
    fresh = sorted((r for r in reports if r[0] not in settled), key=lambda r: (r[1].first or "9999", r[0]))
    for report_id, profile in fresh:
        numbers.setdefault(index.assign(report_id, profile), len(numbers))
    group_of = {member: group.id for group in index.groups.values() for member in group.members}
    return [numbers[group_of[report_id]] for report_id, _profile in reports]
