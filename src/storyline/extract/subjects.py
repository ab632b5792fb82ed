"""Whose a figure is, read off the English parse.

The subject is whose figure it is: the thing a unit qualifies ('the 6.1-magnitude quake'), the verb's
subject when the figure is its object ('SeaMicro employs'), the doer when the counted things are its
victims ('a tsunami that killed', 'an earthquake ..., killing', 'injured by a landslide', 'Aceh was hit by
the Boxing Day earthquake ..., killing'), the whole a part is of ('five units of this class'); with the place
it happened in ('in Central Aceh district') when the report names one, and a description read back to the
name the report gave it (`references.py`). Never the speaker of the sentence the figure is reported in: that
is its source. When the sentence says nothing, what the report is about (`salient_entity`).
"""

from __future__ import annotations

from collections import Counter

from .forms import PLACE_KINDS
from .measures import (
    COMPASS,
    PLACE_PREPOSITIONS,
    figure_token,
    governing_verb,
    holder_of,
    noun_phrase,
    qualified_noun,
    scale_before,
    unit_of,
)
from .numbers import VAGUE
from .references import referent

PLACE_ENTITIES = {"GPE", "LOC", "FAC"}
# clauses through which a figure's event is told from above ('an earthquake hit, killing ...'); not
# 'ccomp': '..., said Sutopo' is who reports it
CLAUSE_LINKS = {"advcl", "conj", "xcomp", "relcl", "acl"}
SALIENT_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART"}


def salient_entity(doc) -> str | None:
    """What the report is most about: the name its names end in most often ('Aceh' of 'Aceh', 'Banda Aceh'
    and 'Central Aceh'; 'SeaMicro', not the 'Intel' of 'Intel Atom' and 'Intel Xeon'), given as the words
    those names share ('Kitty Hawk' of 'Kitty Hawk' and 'USS Kitty Hawk')."""
    ents = [e for e in doc.ents if e.label_ in SALIENT_LABELS]
    heads = [(e, words[-1]) for e in ents if (words := [t.text for t in e if t.pos_ == "PROPN" and t.text[:1].isupper()])]
    if not heads:
        return None
    word = Counter(head for _e, head in heads).most_common(1)[0][0]
    names = [e.text.split() for e, head in heads if head == word]
    return " ".join(_shared_run(names, word))


def _shared_run(names: list[list[str]], word: str) -> list[str]:
    """The longest run of words around `word` that every name holds."""
    first = names[0]
    at = first.index(word) if word in first else len(first) - 1
    best = [word]
    for start in range(at + 1):
        for end in range(at + 1, len(first) + 1):
            run = first[start:end]
            if len(run) > len(best) and all(_holds(name, run) for name in names):
                best = run
    return best


def _holds(name: list[str], run: list[str]) -> bool:
    return any(name[i:i + len(run)] == run for i in range(len(name) - len(run) + 1))


def subject_of_figure(span, counted, sum_or_share: bool = False) -> str | None:
    """Whose figure it is, with the place the report says it happened in; None when the sentence does not
    say (the report's own subject is then the figure's: see `salient_entity`)."""
    holder = holder_of(span, counted)
    unit = unit_of(span, counted)
    qualified = qualified_noun(holder, span) if unit is not None else None
    verb = governing_verb(holder)
    read_on = scale_before(span)
    place = _place(verb, holder) if verb is not None else None
    whose: str | None
    if read_on is not None and figure_token(span).head.pos_ == "NOUN":  # 'a magnitude 9.1 quake off Indonesia'
        whose = noun_phrase(figure_token(span).head, span, with_place=True, skip={read_on.i})
    elif qualified is not None:  # 'the 6.1-magnitude quake': the quake, without its magnitude
        bearing = qualified.lower_ in COMPASS  # '400 km southwest of Okinawa': where from, not 'southwest'
        whose = referent(qualified) or \
            noun_phrase(qualified, span, with_place=bearing, skip={t.i for t in unit.subtree})
    else:
        whose = (_agent(verb, span, sum_or_share) if verb is not None else None) or \
            (None if sum_or_share else _whole(span, holder))
    if whose and place and place.lower() in whose.lower():
        place = None
    return ", ".join(w for w in (whose, place) if w) or None


def _agent(verb, span, sum_or_share: bool = False) -> str | None:
    """The subject of the figure's verb, or of the clause it is told in, that is neither the figure nor
    another count ('10 people were killed, 140 were injured'); a sum's subject may hold a number ('the top 12
    films grossed $125.4 million')."""
    node = verb
    for _ in range(4):
        siblings = [c for c in node.children if c.dep_ == "conj" and c.pos_ == "VERB"]
        subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass", "agent")), None)
        # the doer of a passive before the thing done to: 'Aceh was hit by the Boxing Day earthquake ..., killing
        # 170,000', 'the previous record was set by "Cast Away" with $8.5 million'
        subject = next((c for c in node.children if c.dep_ == "agent"), subject)
        if subject is None or any(t.like_num for t in subject.subtree):  # '12 were killed and 70 injured by a landslide'
            subject = next((c for s in [node, *siblings] for c in s.children if c.dep_ == "agent"), subject)
        if subject is not None and subject.dep_ == "agent":
            subject = next((c for c in subject.children if c.dep_ == "pobj"), None)
        if subject is not None and subject.pos_ != "PRON" and not _another_figure(subject, span, sum_or_share):
            return referent(subject) or noun_phrase(_named(subject), with_place=True)
        if node.dep_ in ("relcl", "acl") and node.head.pos_ in ("NOUN", "PROPN"):
            return noun_phrase(node.head, with_place=True)  # 'a tsunami that killed 230,000 people'
        if node.dep_ == "pcomp" and node.head.dep_ == "prep":
            node = node.head.head  # 'to fight deforestation by planting 30 million trees'
            continue
        if node.dep_ not in CLAUSE_LINKS or node.head is node:
            return None
        node = node.head
    return None


def _whole(span, holder) -> str | None:
    """'five units of this class', 'two of its Han-class SSNs': the whole the figure counts part of, when the
    report has named it (not 'three of the chips': chips, whose is not said)."""
    for part in (holder, figure_token(span)):
        for whole in (c for p in part.children if p.dep_ == "prep" and p.lower_ == "of" for c in p.children
                      if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN") and not c.like_num):
            named = referent(whole)
            if named is not None or any(t.pos_ == "PROPN" for t in whole.subtree if t.i <= whole.i):
                return named or noun_phrase(whole)
    return None


def _named(noun):
    """The name a common noun is set beside ('Disney's animated hit "The Incredibles"'), else the noun."""
    return next((c for c in noun.children if c.pos_ == "PROPN" and
                 (c.dep_ == "appos" or (c.ent_type_ == "WORK_OF_ART" and c.i > noun.i))), noun)


def _another_figure(subject, span, sum_or_share: bool = False) -> bool:
    """'140 were injured', 'Twelve people were killed', 'hundreds of people', or the figure itself: a count, not whose it is
    ('a 6.1-magnitude earthquake' is whose: its number counts nothing, nor do 'top 12 films' of a sum)."""
    counts = subject.like_num or subject.lower_ in VAGUE or any(c.dep_ == "nummod" for c in subject.children)
    return (counts and not sum_or_share) or any(span.start <= t.i < span.end for t in subject.subtree)


def _place(verb, holder) -> str | None:
    """'in Central Aceh district', 'off Banda Aceh': the place named on the verb or on the things counted; on
    the things counted any 'in' is their scope ('170,000 people in the province' are not '230,000 people in 13
    countries')."""
    clause = [holder, verb, *verb.ancestors]
    clause += [c for owner in clause[1:] for c in owner.children if c.dep_ in ("conj", "ccomp") and c.pos_ == "VERB"]
    for owner in clause:
        for prep in owner.children:
            if prep.dep_ == "prep" and prep.lower_ in PLACE_PREPOSITIONS:
                place = next((c for c in prep.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN")), None)
                scope = owner is holder and holder is not verb and prep.lower_ == "in"
                named = referent(place) if place is not None else None
                if place is not None and (scope or _is_place(place) or _of_place(place) or named):
                    return named or noun_phrase(place, with_place=_of_place(place))
    struck = next((c for owner in clause[1:] for c in owner.children if c.dep_ == "dobj" and c is not holder and
                   (_is_place(c) or _of_place(c))), None)
    return noun_phrase(struck, with_place=True) if struck is not None else None  # 'strikes the province of Aceh'


def _of_place(noun) -> bool:
    """'the city of Banda Aceh', 'the province of Aceh': a kind of place with its name."""
    named = [p for o in noun.children if o.lower_ == "of" for p in o.children if p.dep_ == "pobj"]
    return any(_is_place(p) or (p.pos_ == "PROPN" and noun.lemma_.lower() in PLACE_KINDS) for p in named)


def _is_place(noun) -> bool:
    return noun.ent_type_ in PLACE_ENTITIES or any(c.ent_type_ in PLACE_ENTITIES for c in noun.children
                                                   if c.dep_ in ("compound", "poss"))
