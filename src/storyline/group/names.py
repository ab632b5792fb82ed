"""Who and where: the people, organisations and places two reports (or a report and a story) name.

A story is a thread of reports about the same people and places, not the same words: two earthquakes
share every word but not a place, and a war told over years in Spanish, French and Italian shares its
places and actors ('Siria', 'Syrie'; 'Assad', 'Asad') more than its wording. Each side's names are
counted by their spelling-insensitive key (`transliteration_key`) and weighed by how rare the name is
in the store, so 'Chicago police' in a store of Chicago shootings says little and a victim's name
much. The features below feed the learned story decision (`linking.EntityChecked`):

- places_shared / actors_shared: the weighted share of one side's places (people and bodies) among the
  other side's ten strongest;
- place_conflict: both name places and their strongest ones differ (another earthquake, elsewhere);
- names_alike / actors_alike: how closely one side's strongest names match the other's, spelling
  across languages allowed ('Siria' / 'Syria');
- top_name_shared: one side's strongest name is among the other's;
- places_and_actors: the smaller of the two shares (a place shared without its people is a different
  happening in the same city).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
from rapidfuzz import fuzz

from ..config import current

PLACE_LABELS = {"GPE", "LOC", "FAC"}
ACTOR_LABELS = {"PERSON", "ORG", "NORP"}
NAME_FEATURES = ("places_shared", "place_conflict", "actors_shared", "names_alike", "top_name_shared",
                 "places_and_actors", "actors_alike")


def name_counts(mentions, labels: set[str]) -> dict[str, int]:
    """How often a report names each person, body or place of these labels, by spelling-insensitive key."""
    from ..extract.entities import transliteration_key

    counts: Counter = Counter()
    for mention in mentions:
        if mention.label in labels:
            key = transliteration_key(mention.text)
            if len(key) >= current().linking.min_name_key:
                counts[key] += 1
    return dict(counts)


def name_features(places_a: dict[str, int], actors_a: dict[str, int], places_b: dict[str, int],
                  actors_b: dict[str, int], idf: Callable[[str], float]) -> list[float]:
    """The NAME_FEATURES of side a (usually one report) against side b (usually a story)."""
    strong = current().linking
    places = _share(places_a, places_b, idf)
    actors = _share(actors_a, actors_b, idf)
    names_a, names_b = Counter(places_a) + Counter(actors_a), Counter(places_b) + Counter(actors_b)
    top_a = _strongest(names_a, 1, idf)
    conflict = bool(places_a and places_b and not set(_strongest(places_a, strong.own_names, idf))
                    & set(_strongest(places_b, 2 * strong.own_names, idf)))
    return [places, float(conflict), actors, _alike(names_a, names_b, idf),
            float(bool(top_a) and top_a[0] in _strongest(names_b, strong.top_name_among, idf)),
            min(places, actors), _alike(actors_a, actors_b, idf)]


def _strongest(counts: dict[str, int], count: int, idf: Callable[[str], float]) -> list[str]:
    return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1] * idf("@" + kv[0]), kv[0]))[:count]]


def _share(mine: dict[str, int], theirs: dict[str, int], idf: Callable[[str], float]) -> float:
    """The rarity-weighted share of my names among the other side's strongest (a long story names
    everything once: only what it names most counts)."""
    if not mine or not theirs:
        return 0.0
    strongest = set(_strongest(theirs, current().linking.story_names, idf))
    total = sum(n * idf("@" + k) for k, n in mine.items())
    return sum(n * idf("@" + k) for k, n in mine.items() if k in strongest) / total if total else 0.0


def _alike(mine: dict[str, int], theirs: dict[str, int], idf: Callable[[str], float]) -> float:
    """How closely my strongest names are written among the other side's strongest: 'siria' and 'syria'
    (keys of 'Siria' and 'Syria') are 0.8 alike."""
    own = _strongest(mine, current().linking.own_names, idf)
    others = _strongest(theirs, current().linking.their_names, idf)
    if not own or not others:
        return 0.0
    return float(np.mean([max(fuzz.ratio(name, other) for other in others) / 100 for name in own]))
