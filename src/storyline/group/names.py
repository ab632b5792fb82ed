"""Who and where: the people, organisations and places two reports (or a report and a story) name.

A story is a thread of reports about the same people and places, not the same words: two earthquakes
share every word but not a place, and a war told over years in Spanish, French and Italian shares its
places and actors ('Siria', 'Syrie'; 'Assad', 'Asad') more than its wording. Each side's names are
counted by a spelling- and language-insensitive key (`language_free_key`) and weighed by how rare the name is
in the store, so 'Chicago police' in a store of Chicago shootings says little and a victim's name
much. The features below feed the learned story decision (`linking.EntityChecked`):

- places_shared / actors_shared: the weighted share of one side's places (people and bodies) among the
  other side's ten strongest;
- place_conflict: both name places and their strongest ones differ (another earthquake, elsewhere);
- names_alike / actors_alike: how closely one side's strongest names match the other's, spelling
  across languages allowed ('Siria' / 'Syria');
- top_name_shared: one side's strongest name is among the other's;
- places_and_actors: the smaller of the two shares (a place shared without its people is a different
  happening in the same city);
- people_shared: the share of one side's people among the other side's strongest, the larger of the two
  ways round (a thread keeps its people; two shootings in one city share the city and its police, not
  the people shot; in one report a name named by the other too is less rare than its own);
- both_named: both sides name someone or somewhere; where one does not (a language without a names
  model, a two-line brief) who and where say nothing, and the story decision leans on the words alone.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable

import numpy as np
from rapidfuzz import fuzz

from ..config import current

PLACE_LABELS = {"GPE", "LOC", "FAC"}
ACTOR_LABELS = {"PERSON", "ORG", "NORP"}
NAME_FEATURES = ("places_shared", "place_conflict", "actors_shared", "names_alike", "top_name_shared",
                 "places_and_actors", "actors_alike", "both_named", "people_shared")


def name_counts(mentions, labels: set[str]) -> dict[str, int]:
    """How often a report names each person, body or place of these labels, by `language_free_key`."""
    counts: Counter = Counter()
    for mention in mentions:
        if mention.label in labels:
            key = language_free_key(mention.text)
            if len(key) >= current().linking.min_name_key:
                counts[key] += 1
    return dict(counts)


def language_free_key(name: str) -> str:
    """The spelling-insensitive key with each word's closing vowels dropped: languages write one name
    with their own endings ('Siria', 'Syrie'; 'Libia', 'Libye'; 'Francia', 'France' all meet)."""
    from ..extract.entities import strip_vowel_end, transliteration_key

    return " ".join(strip_vowel_end(word) or word for word in transliteration_key(name).split())


def name_features(a, b, idf: Callable[[str], float]) -> list[float]:
    """The NAME_FEATURES of side a (usually one report's linking.Profile) against side b (usually a story's).
    Each side's names are ranked once (a story's run to thousands, and a report meets a score of candidate
    stories)."""
    linking = current().linking
    places_a, actors_a, places_b, actors_b = a.places, a.actors, b.places, b.actors
    deepest = max(linking.story_names, linking.their_names, linking.top_name_among, 2 * linking.own_names)
    names_a, names_b = Counter(places_a) + Counter(actors_a), Counter(places_b) + Counter(actors_b)
    mine = {kind: _strongest(counts, linking.own_names, idf)
            for kind, counts in (("places", places_a), ("actors", actors_a), ("names", names_a))}
    theirs = {kind: _strongest(counts, deepest, idf)
              for kind, counts in (("places", places_b), ("actors", actors_b), ("names", names_b))}
    places = _share(places_a, theirs["places"][:linking.story_names], idf)
    actors = _share(actors_a, theirs["actors"][:linking.story_names], idf)
    conflict = bool(places_a and places_b and not set(mine["places"]) & set(theirs["places"][:2 * linking.own_names]))
    return [places, float(conflict), actors, _alike(mine["names"], theirs["names"][:linking.their_names]),
            float(bool(mine["names"]) and mine["names"][0] in theirs["names"][:linking.top_name_among]),
            min(places, actors), _alike(mine["actors"], theirs["actors"][:linking.their_names]),
            float(bool(mine["names"]) and bool(theirs["names"])),
            max(_share(a.people, _strongest(b.people, linking.story_names, idf), idf),
                _share(b.people, _strongest(a.people, linking.story_names, idf), idf))]


def _strongest(counts: dict[str, int], count: int, idf: Callable[[str], float]) -> list[str]:
    """The count names named most, weighed by rarity, strongest first (ties by key)."""
    return [k for k, _ in heapq.nsmallest(count, counts.items(), key=lambda kv: (-kv[1] * idf("@" + kv[0]), kv[0]))]


def _share(mine: dict[str, int], strongest: list[str], idf: Callable[[str], float]) -> float:
    """The rarity-weighted share of my names among the other side's strongest (a long story names
    everything once: only what it names most counts)."""
    if not mine or not strongest:
        return 0.0
    among = set(strongest)
    total = sum(n * idf("@" + k) for k, n in mine.items())
    return sum(n * idf("@" + k) for k, n in mine.items() if k in among) / total if total else 0.0


def _alike(own: list[str], others: list[str]) -> float:
    """How closely my strongest names are written among the other side's strongest: 'siria' and 'syria'
    (keys of 'Siria' and 'Syria') are 0.8 alike."""
    if not own or not others:
        return 0.0
    return float(np.mean([max(fuzz.ratio(name, other) for other in others) / 100 for name in own]))
