"""One entity across the store: the entities of different stories that are one real-world referent.

Each story resolves its own names (two people who share a surname in two stories stay two people).
Across stories only evidence that needs no context links: the same place or organisation under the
same name, the same person under the same full name, and a place a dateline shortens in one story
('TULSA, Okla.') written out in another ('Oklahoma'). A lone word that is a person's name in two
stories ('Rosales') is never linked: it is whoever that story's reports mean.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..models import Entity, NameJoin
from .aliases import PLACE_LABELS, folded, shortened_places


@dataclass
class StoreEntity:
    """An entity of the store: the story entities it links, under the name and id of the one most
    articles name."""

    entity: Entity
    story_ids: list[str]
    linked_ids: list[str] = field(default_factory=list)  # the story entities' ids it stands for


def link_entities(story_entities: list[tuple[str, Entity]]) -> list[StoreEntity]:
    """The store's entities from each story's (story id, entity), in the order of the input's first member."""
    parent = list(range(len(story_entities)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reasons: dict[int, list[NameJoin]] = defaultdict(list)
    for i, j, why in _links(story_entities):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
            reasons[min(ri, rj)].append(NameJoin(story_entities[i][1].name, story_entities[j][1].name, why))
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(story_entities)):
        members[find(i)].append(i)
    return [_merged([story_entities[i] for i in group], reasons[root]) for root, group in members.items()]


def _family(entity: Entity) -> str:
    return "PLACE" if entity.type in PLACE_LABELS else entity.type


def _links(story_entities: list[tuple[str, Entity]]) -> list[tuple[int, int, str]]:
    """Pairs of story entities that are one, with the reason a reader is shown."""
    by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (_story, entity) in enumerate(story_entities):
        if entity.type != "PERSON" or " " in entity.name:
            by_name[(_family(entity), folded(entity.name))].append(i)
    links = [(same[0], other, "the same name in another story") for same in by_name.values() for other in same[1:]]
    places = {key[1]: same[0] for key, same in by_name.items() if key[0] == "PLACE"}
    labels = {story_entities[i][1].name: Counter({story_entities[i][1].type: 1}) for i in places.values()}
    for join in shortened_places(labels):
        links.append((places[folded(join.name)], places[folded(join.other)], f"{join.reason} in another story"))
    return links


def _merged(members: list[tuple[str, Entity]], joins: list[NameJoin]) -> StoreEntity:
    """One entity named as its member with the most articles (ties: the smaller id, stable across runs)."""
    _story, lead = min(members, key=lambda m: (-len(m[1].article_ids), m[1].id))
    if len(members) == 1:
        return StoreEntity(lead, [_story], [lead.id])
    entity = Entity(lead.id, lead.name, lead.type,
                    sorted({alias for _s, e in members for alias in e.aliases}),
                    sorted({aid for _s, e in members for aid in e.article_ids}),
                    [j for _s, e in members for j in e.joins] + joins)
    return StoreEntity(entity, sorted({s for s, _e in members}), sorted(e.id for _s, e in members))
