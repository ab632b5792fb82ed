"""Evidence that two names of one story are one entity beyond their spelling, each join with its
reason: initials ("UN" of "United Nations", "HP" of "Hewlett-Packard"), a surname or first name
with or without a title ("Prof Maathai", "De Niro", "Jessica" in a report naming Jessica Rosales),
a shortened place ("Calif" of "California"), an organisation's name with one word less ("Bellevue
Hospital" / "Bellevue Hospital Center"). Every rule asks that the evidence single out one entity
of the story: a short form that could be two is left alone.

What the report's syntax says of a name and the other forms it writes it in are read in `forms`
when mentions are found.

Also what is no name at all: two people's or two places' names run together by a page's layout
("By Geoffrey Dabelko Wangari Maathai with good reason to smile" gives "Geoffrey Dabelko Wangari").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..config import current

PLACE_LABELS = frozenset({"GPE", "LOC"})
NAME_LINKS = {"of", "the", "and", "for", "in", "on", "de", "la", "le", "del", "von", "van", "da", "di", "du", "des"}
# Words a name may carry before a person's surname: honorifics, ranks and offices.
TITLE_WORDS = (r"(?:Prof|Professor|Dr|Doctor|Mr|Mrs|Ms|Mme|Sir|Dame|Lord|Lady|Sen|Senator|Rep|Representative|Gov|"
               r"Governor|President|Judge|Justice|Rev|Reverend|Father|Gen|General|Col|Colonel|Capt|Captain|Lt|Lieutenant|"
               r"Sgt|Sergeant|Officer|Detective|Det|Chief|Mayor|Minister|Premier|Chancellor|King|Queen|Prince|Princess|"
               r"Pope|Sheikh|Spokesman|Spokeswoman|Commissioner|Director|Secretary|Chairman|Chairwoman)")
# Words a name may carry before a person's name: honorifics, ranks and offices, with what they head
# ('Prof Maathai', 'Tulsa Police Officer Jillian Roberson', 'Brooklyn Borough President Eric Adams').
TITLE = re.compile(rf"^(?:[A-Z][\w.'’-]*\s+){{0,3}}?{TITLE_WORDS}\.?\s+")
ACRONYM = re.compile(r"(?:[A-Z]\.?){2,6}")
DESIGNATOR = re.compile(r"[A-Z]{2,4}")
# A place's name with its kind after it: the kind goes, the place stays.
PLACE_TYPE_WORD = re.compile(
    r"\s+(?:People's Republics?|Republics?|Regions?|Oblast|Province|Governorate|District|Krai|Region|Island|County|"
    r"Prefecture|Regency|(?-i:city))$", re.I)  # 'Medan city'; never 'Mexico City', another place than Mexico
# Words that begin place names and are tagged places alone by mistake ('South' of 'South Africa').
PLACE_NAME_WORDS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "upper",
                    "lower", "new", "greater", "saint", "st", "san", "santa", "port", "mount", "lake", "cape", "fort"}
# A street's kind and the direction before its name, each as written out and as abbreviated.
# Not 'Court' or 'Terrace', which also end the names of courts and buildings ('Fairmont Terrace').
STREET_KINDS = {"street": "st", "avenue": "ave", "road": "rd", "boulevard": "blvd", "drive": "dr", "lane": "ln",
                "parkway": "pkwy", "highway": "hwy"}
DIRECTIONS = {"north": "n", "south": "s", "east": "e", "west": "w"}

@dataclass(frozen=True)
class Join:
    """Two names of a story that are one entity, and why; `kind`: what the evidence says the name is,
    whatever the model tagged it ('Hughes' tagged an organisation in a report on Corey Hughes is a
    person; 'Kitty Hawk' tagged a person beside 'USS Kitty Hawk' is the ship)."""

    name: str
    other: str
    reason: str
    kind: str | None = None


def evidence_joins(labels: dict[str, Counter], articles: dict[str, set], person_cued: set[str]) -> list[Join]:
    """Every join the story's names support, for the names in `labels` (name -> label votes), `articles`
    (name -> the articles naming it) and `person_cued` (names the syntax calls a person's somewhere)."""
    return [*initials(labels), *possessives(labels), *person_parts(labels, articles, person_cued), *shortened_places(labels),
            *longer_organisation_names(labels), *designated_names(labels), *places_with_type_words(labels),
            *street_names(labels, articles),
            *written_together(labels)]


def people_by_syntax(labels: dict[str, Counter], person_cued: set[str]) -> set[str]:
    """Names the model tagged as no person that the report's syntax calls a person's: a full name
    ('neighbor Tiffany Sanders said', tagged an organisation) the story agrees on (the model tags it a
    person's somewhere, or its surname alone is a person's), and a lone word tagged a place ('Fauzi, an
    official from the local disaster agency'), which no place can be. A full name tagged a place stays one."""
    return {name for name, votes in labels.items()
            if name in person_cued and not TITLE.match(name) and all(w[0].isupper() for w in name.split())
            and not mostly_person(votes) and (
                (" " not in name and main_label(votes) in PLACE_LABELS) or
                (" " in name and main_label(votes) not in PLACE_LABELS
                 and (votes["PERSON"] > 0 or _said_person(labels, name.split()[-1], person_cued))))}


def _said_person(labels: dict[str, Counter], name: str, person_cued: set[str]) -> bool:
    return name in person_cued or (name in labels and main_label(labels[name]) == "PERSON")


def initials(labels: dict[str, Counter]) -> list[Join]:
    """An acronym and the one multi-word name of the story (not a person's) whose initials it spells."""
    by_initials: dict[str, set[str]] = defaultdict(set)
    for name, votes in labels.items():
        letters = name_initials(name)
        if len(letters) >= 2 and main_label(votes) != "PERSON":
            by_initials[letters].add(name)
    joins = []
    for name in labels:
        if ACRONYM.fullmatch(name):
            spelled = by_initials.get(name.replace(".", ""), set()) - {name}
            if len({folded(n) for n in spelled}) == 1:
                other = min(spelled)
                joins.append(Join(name, other, f"the initials of {other}"))
    return joins


def possessives(labels: dict[str, Counter]) -> list[Join]:
    """A person's name with a possessive written without its apostrophe ('his sister and James Poores
    sex life'), which the model reads as another name."""
    return [Join(name, owner, f"{owner}'s written without its apostrophe")
            for name in labels if (owner := _possessive_of(name, labels))]


def _possessive_of(name: str, labels: dict[str, Counter]) -> str | None:
    """The full name of a person `name` is the possessive of, written 'Poores' for "Poore's": rarer
    than the name itself."""
    owner = name[:-1]
    if name.endswith("s") and len(name.split()) >= 2 and owner in labels and main_label(labels[owner]) == "PERSON":
        return owner if sum(labels[name].values()) < sum(labels[owner].values()) else None
    return None


def person_parts(labels: dict[str, Counter], articles: dict[str, set], person_cued: set[str]) -> list[Join]:
    """A surname ('Maathai', 'De Niro'), a title and surname ('Prof Maathai') or a first name ('Jessica')
    and the one person of the story whose full name holds it. A lone first name must also be in a
    report naming that person; so must a surname the model tagged as no person, which the syntax must
    also call a person's somewhere (an age beside it, 'died', 'his son'), and which no other name of
    the story may hold ('Sears Holdings' beside 'Michael Sears': 'Sears' is the company)."""
    people = [n for n, votes in labels.items() if len(n.split()) >= 2 and not TITLE.match(n)
              and n.split()[0].lower() not in NAME_LINKS and mostly_person(votes) and not _possessive_of(n, labels)]
    by_surname: dict[str, set[str]] = defaultdict(set)
    by_first: dict[str, set[str]] = defaultdict(set)
    for person in people:
        words = person.split()
        by_first[folded(words[0])].add(person)
        for cut in range(1, len(words)):
            by_surname[folded(" ".join(words[cut:]))].add(person)
    known = {folded(p): p for p in people}
    joins = []
    for name, votes in labels.items():
        bare = TITLE.sub("", name)
        if bare != name and folded(bare) in known:
            joins.append(Join(name, known[folded(bare)], f"{known[folded(bare)]} with a title"))
            continue
        if name in people or not bare or (" " in bare and bare.split()[0].lower() not in NAME_LINKS):
            continue
        surname_of = _one_per_report(name, by_surname.get(folded(bare), set()), articles)
        first_of = None if " " in bare else _one(by_first.get(folded(bare), set()))
        if surname_of:
            person, part = surname_of, "surname"
        elif first_of:
            person, part = first_of, "first name"
        else:
            continue
        said_person = votes["PERSON"] * 2 > sum(votes.values()) or bare != name
        sure = said_person and part == "surname"
        beside = (said_person or name in person_cued) and _named_beside(name, person, articles)
        if sure or (beside and not _held_elsewhere(bare, person, labels)):
            joins.append(Join(name, person, f"the {part} of {person}" + (" with a title" if bare != name else ""),
                              kind=None if said_person else "PERSON"))
    return joins


def shortened_places(labels: dict[str, Counter]) -> list[Join]:
    """A one-word place of four or five letters that begins exactly one longer one-word place of the
    story ('Calif' / 'California', 'Okla' / 'Oklahoma'): how datelines shorten states and provinces."""
    places = [n for n, votes in labels.items() if " " not in n and main_label(votes) in PLACE_LABELS]
    by_start: dict[str, set[str]] = defaultdict(set)  # a store's thousands of places are looked up, not scanned
    for place in places:
        for size in (4, 5):
            if len(place) >= size + 3:
                by_start[folded(place)[:size]].add(place)
    joins = []
    for name in places:
        longer = by_start.get(folded(name), set()) if 4 <= len(name) <= 5 else set()
        if len(longer) == 1:
            joins.append(Join(name, next(iter(longer)), f"a short form of {next(iter(longer))}"))
    return joins


def longer_organisation_names(labels: dict[str, Counter]) -> list[Join]:
    """An organisation's name of two words or more and the one longer name of the story that adds a
    single word at its end ('Bellevue Hospital' / 'Bellevue Hospital Center'); a name of three words
    or more and the one longer name that ends with it ('Comer Children's Hospital' / 'University of
    Chicago Medicine Comer Children's Hospital')."""
    organisations = [n for n, votes in labels.items() if main_label(votes) == "ORG"]
    by_start: dict[str, set[str]] = defaultdict(set)
    by_end: dict[str, set[str]] = defaultdict(set)
    for name in organisations:
        words = folded(name).split()
        if len(words) >= 3:
            by_start[" ".join(words[:-1])].add(name)
        for cut in range(1, len(words) - 2):
            by_end[" ".join(words[cut:])].add(name)
    joins = []
    for name in organisations:
        longer = by_start.get(folded(name), set()) if len(name.split()) >= 2 else set()
        if len(longer) == 1:
            joins.append(Join(name, next(iter(longer)), f"{next(iter(longer))} without its last word"))
        elif len(ending := by_end.get(folded(name), set())) == 1:
            joins.append(Join(name, next(iter(ending)), f"{next(iter(ending))} without its first words"))
    return joins


def designated_names(labels: dict[str, Counter]) -> list[Join]:
    """A name of two words or more and the same name after a designator in capitals ('USS Kitty Hawk',
    'UN Security Council')."""
    joins = []
    for name in labels:
        first, _, rest = name.partition(" ")
        if DESIGNATOR.fullmatch(first) and " " in rest and rest in labels:
            joins.append(Join(rest, name, f"{name} without its designator", kind=main_label(labels[name])))
    return joins


def places_with_type_words(labels: dict[str, Counter]) -> list[Join]:
    """A place and its name with a type word ('Okinawa Island', 'Aceh province', 'Luhansk Oblast')."""
    joins = []
    for name in labels:
        base = PLACE_TYPE_WORD.sub("", name)
        if base != name and base in labels:
            joins.append(Join(base, name, f"{name} without its type word"))
    return joins


def street_names(labels: dict[str, Counter], articles: dict[str, set]) -> list[Join]:
    """One street as a report abbreviates or shortens it ('S. Aberdeen St', 'South Aberdeen', and 'Aberdeen'
    in reports that name the street) and its full name 'South Aberdeen Street'."""
    streets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name in labels:
        direction, core, kind = _street_parts(name)
        if kind:
            streets[(direction, core)].add(name)
    full = {key: max(names, key=len) for key, names in streets.items()}
    by_core: dict[str, set[str]] = defaultdict(set)
    for (_, core), name in full.items():
        by_core[core].add(name)
    joins = []
    for name in labels:
        direction, core, kind = _street_parts(name)
        street = full.get((direction, core)) if kind or direction else _one(by_core.get(core, set()))
        if not street or street == name:
            continue
        if kind or direction or articles.get(name, set()) <= articles.get(street, set()):
            joins.append(Join(name, street, f"{street} written short", kind=main_label(labels[street])))
    return joins


def _street_parts(name: str) -> tuple[str, str, str]:
    """(direction, name, kind) of a street's name, each folded and abbreviated ('s', 'aberdeen', 'st')."""
    words = [w.rstrip(".") for w in folded(name).split()]
    kind = words.pop() if len(words) >= 2 and (words[-1] in STREET_KINDS or words[-1] in STREET_KINDS.values()) else ""
    direction = words.pop(0) if len(words) >= 2 and (words[0] in DIRECTIONS or words[0] in DIRECTIONS.values()) else ""
    return DIRECTIONS.get(direction, direction), " ".join(words), STREET_KINDS.get(kind, kind)


def written_together(labels: dict[str, Counter]) -> list[Join]:
    """One name written apart, together, as a web address or with a stray possessive ('Sea Micro' /
    'SeaMicro', 'NBCNews.com' / 'NBC News', "Comer's Children's Hospital" / "Comer Children's Hospital")."""
    by_letters: dict[str, list[str]] = defaultdict(list)
    for name in sorted(labels):
        by_letters[re.sub(r"(?:\.com|\.org|\.net)$|'s\b|[\s.-]", "", folded(name))].append(name)
    return [Join(other, same[0], f"{same[0]} written another way") for same in by_letters.values()
            for other in same[1:] if len(same[0]) >= 4]


def run_together(labels: dict[str, Counter]) -> set[str]:
    """Names that are two names run together by a page's layout (a byline and a caption, a dateline and
    a headline): a known person's name and another person's first name or name, or two known places."""
    kinds = {name: "PERSON" if main_label(votes) == "PERSON" else "PLACE" if main_label(votes) in PLACE_LABELS else ""
             for name, votes in labels.items()}
    first_names = {folded(n.split()[0]) for n in labels if kinds[n] == "PERSON" and " " in n}
    found = set()
    for name in labels:
        words = name.split()
        for cut in range(1, len(words)):
            head, rest = " ".join(words[:cut]), " ".join(words[cut:])
            if not kinds.get(head) or kinds[head] != kinds[name] or _count(labels, head) <= _count(labels, name):
                continue  # a name run together is a one-off beside its parts ('Papua New Guinea' is not)
            if kinds[name] == "PERSON" and cut < 2:
                continue  # 'Robert' + 'De Niro' is one name
            if kinds[name] == "PLACE" and (head.split()[-1].lower() in PLACE_NAME_WORDS or _count(labels, head) < 2):
                continue  # 'South Africa', 'New Mexico': a place's own words, not a place before it
            if kinds.get(rest) == kinds[name] or (kinds[name] == "PERSON" and folded(rest) in first_names):
                found.add(name)
    return found


def name_initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w and not (w.lower() in NAME_LINKS and w[0].islower())]
    if len(words) < 2 or not all(w[0].isupper() for w in words):
        return ""
    return "".join(w[0] for w in words)


def _named_beside(name: str, person: str, articles: dict[str, set]) -> bool:
    return bool(articles.get(name, set()) & articles.get(person, set()))


def _held_elsewhere(word: str, person: str, labels: dict[str, Counter]) -> bool:
    """A name of the story that is no person's, and not named after this one, holds the word ('Sears
    Holdings' beside 'Michael Sears'; not 'Wangari Maathai Foundation' beside 'Wangari Maathai')."""
    folded_word, folded_person = folded(word), folded(person)
    return any(" " in n and main_label(votes) != "PERSON" and folded_word in folded(n).split()
               and folded_person not in folded(n) for n, votes in labels.items())


def mostly_person(votes: Counter) -> bool:
    """The model calls the name a person often enough (extraction.person_share) for it to lend its parts."""
    return votes["PERSON"] >= current().extraction.person_share * sum(votes.values())


def _count(labels: dict[str, Counter], name: str) -> int:
    return sum(labels[name].values()) if name in labels else 0


def _one_per_report(name: str, holders: set[str], articles: dict[str, set]) -> str | None:
    """The one person a surname can be: the only holder of the story, else the holder every report
    naming the surname names and the only one some of them name, no other holder being alone in any
    ('Phillips' in reports on Maurice Phillips, some also naming Tahirah Phillips, none her alone)."""
    if len({folded(n) for n in holders}) <= 1:
        return _one(holders)
    alone = set()
    for article in articles.get(name, set()):
        named_there = {folded(h) for h in holders if article in articles.get(h, set())}
        if not named_there:
            return None
        if len(named_there) == 1:
            alone |= named_there
    person = _one({h for h in holders if folded(h) in alone})
    named_everywhere = person and articles.get(name, set()) <= articles.get(person, set())
    return person if named_everywhere else None


def _one(names: set[str]) -> str | None:
    return next(iter(names)) if len({folded(n) for n in names}) == 1 else None


def main_label(votes: Counter) -> str:
    """The label most of a name's mentions carry ("" for none)."""
    return votes.most_common(1)[0][0] if votes else ""


def folded(name: str) -> str:
    """Lower case without diacritics: the spelling a keyboard without them gives."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
