"""Whom a definite description stands for, so a figure's subject names it.

Reports name a thing once and then describe it: 'Bener Meriah district' becomes 'the district' and 'his
district', the 'Han class' submarine 'this class', 'Meet the Fockers' 'the film' and 'the star-studded
sequel', Wangari Maathai 'the 64-year-old Kenyan'. A figure told of the description is the named thing's,
and only the name lets reports of it be compared. Resolved only on evidence in the report itself, nearest
name first; anything else keeps the words the report used (a subject too vague is better than a wrong one):

- the description's noun ends a name said before it: 'the district' -> 'Bener Meriah district';
- a kind of work ('the film', 'the sequel') -> the work the report names most, said before it;
- a person described by nationality ('the 64-year-old Kenyan') -> the one person the report is about (named
  far more often than anyone else), said before it.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Token

from ..config import current

NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "NORP"}
# words that make a noun phrase point back at something already named
DEFINITE = {"the", "this", "these", "that", "those", "his", "her", "its", "their"}
# kinds of work a report calls its film or book by ('the film', 'the sequel'): they stand for a named work
WORK_KINDS = {"film", "movie", "sequel", "prequel", "comedy", "drama", "thriller", "book", "novel", "album", "song",
              "musical", "show", "series", "play", "documentary"}


def referent(noun: Token) -> str | None:
    """The name an earlier sentence gives the thing `noun` describes, None when the report does not tell."""
    if noun.pos_ not in ("NOUN", "ADJ", "PROPN") or not _definite(noun) or _restricted(noun):
        return None
    lemma = noun.lemma_.lower()
    before = [e for e in noun.doc.ents if e.end <= noun.i]
    names = [e for e in before if e.label_ in NAME_LABELS]
    named = next((name for e in reversed(names) if (name := _name_ending_in(e, lemma)) is not None), None)
    if named is not None or (noun.pos_ == "PROPN" and noun.ent_type_ != "NORP"):
        return named
    if lemma in WORK_KINDS:
        return _most_named(before, "WORK_OF_ART")
    if _described_person(noun):
        return _dominant_person(noun.doc, before)
    return None


def _name_ending_in(ent, lemma: str) -> str | None:
    """'Han class', or 'Bener Meriah' written before 'district': the name as the report writes it with the noun."""
    if len(ent) > 1 and ent[-1].lemma_.lower() == lemma:
        return ent.text
    after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return f"{ent.text} {after.text}" if after is not None and after.lemma_.lower() == lemma else None


def _definite(noun: Token) -> bool:
    return any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in noun.children)


def _restricted(noun: Token) -> bool:
    """'the district of Lampahan', 'the film that won': the phrase says itself which one it is ('the film,
    which teams Ben Stiller ...' only says more of it)."""
    return any(c.dep_ in ("prep", "relcl", "acl") and c.i > noun.i and noun.doc[c.left_edge.i - 1].text != ","
               for c in noun.children)


def _described_person(noun: Token) -> bool:
    """'the 64-year-old Kenyan': a person told by nationality alone. Not 'the 5-year-old' by age alone: in a
    report of a family's shooting that is as often a child never named as the one person it names."""
    return noun.ent_type_ == "NORP"


def _most_named(mentions, label: str) -> str | None:
    counts = Counter(e.text for e in mentions if e.label_ == label)
    return counts.most_common(1)[0][0] if counts else None


def _dominant_person(doc, before) -> str | None:
    """The person a report is about: named (by surname) at least `dominant_person_ratio` times as often as
    anyone else, and already named before the description. A surname the tagger once calls a person's counts
    every time it is named, whatever it is tagged there ('Maathai' as a place)."""
    persons = {e[-1].text for e in doc.ents if e.label_ == "PERSON"}
    surnames = Counter(e[-1].text for e in doc.ents if e[-1].text in persons)
    if not surnames:
        return None
    ranked = surnames.most_common(2)
    surname, count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if count < current().extraction.dominant_person_ratio * max(runner_up, 1):
        return None
    full = [e.text for e in before if e[-1].text == surname]
    return max(full, key=len) if full else None
