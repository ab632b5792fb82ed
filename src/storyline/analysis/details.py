"""Disputes over the details of what happened: two sources that tell the same happening with a
different day ('on Sunday' / 'on Saturday'), time of day, wound ('in the chest' / 'in the head'),
bearing ('55 km west of Bireun' / '55 km south of Bireun') or month of a past quake.

A detail is shown only when it is disputed: one claim per answer, citing every report that gives it,
and a 'contradicts' relation between the answers. What keeps this precise: the two answers must be
told, in reports of one event, of the same victim by name or age; each source (a named person or
body, else the outlet) must give one answer only (a source that gives two days or two wounds tells of
two happenings or two victims); answers told of people the words show to be different (a 'she' and a
'boy') are never compared, nor days either side of a midnight.

Names too: the same words quoted from 'Catherine Dougherty' in one report and from 'Crystal
Dougherty' in another are one woman named two ways, and the reader should know the name is in doubt.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace

from ..config import current
from ..dates import article_times
from ..extract.aliases import TITLE
from ..extract.details import WEEKDAYS, RawDetail
from ..extract.merge import record_id
from ..extract.quotes import RawQuote
from ..models import Claim, Detail, Entity, Quote, Relation
from ..text import content_words, overlap

NIGHT = re.compile(r"\b(?:night|overnight|midnight|late|early)\b", re.I)
DATE_OF = "date of the "
BEARING = "bearing from "
QUESTIONS = {"day": "the day it happened", "time": "the time it happened", "time (GMT)": "the time it happened (GMT)",
             "wound": "where the victim was hit"}


@dataclass
class Given:
    """One detail as one article gives it, with its source resolved."""

    article_id: str
    detail: RawDetail
    source: str | None  # the named source, as the story's entities name it
    entity_id: str | None
    kind: str | None  # how the source is known (speaker, attributed), None when the outlet says it
    voice: str  # who answers: the source's entity or name, else the outlet


def detail_disputes(story_id: str, raw: list[tuple[str, RawDetail, tuple[str | None, str | None]]],
                    alias_map: dict[str, str], entities: dict[str, Entity], outlets: dict[str, str | None],
                    published: dict[str, str | None], event_of: dict[str, str]) -> tuple[list[Claim], list[Relation]]:
    """Claims for the disputed details of a story, and the relations that dispute them. Two answers dispute
    only where reports of one event (event_of: article id -> event id) tell the happening alike; each
    answer then cites every report of the story that gives it."""
    by_slot: dict[str, list[Given]] = defaultdict(list)
    for article_id, said, (source, kind) in raw:
        detail = _dated(said, published.get(article_id)) if said.slot.startswith(DATE_OF) else said
        if detail is None:
            continue
        entity_id = alias_map.get(source or "")
        name = entities[entity_id].name if entity_id else source
        voice = entity_id or name or f"outlet {outlets.get(article_id) or article_id}"
        by_slot[detail.slot].append(Given(article_id, detail, name, entity_id, kind, voice))
    claims: list[Claim] = []
    relations: list[Relation] = []
    for slot, given in sorted(by_slot.items()):
        answers = _answers(_single_answer_voices(given))
        pairs = [(i, j) for i in range(len(answers)) for j in range(i + 1, len(answers))
                 if _one_victim(answers[i], answers[j]) and not _overnight(slot, answers[i], answers[j])
                 and (slot.startswith((BEARING, DATE_OF)) or _told_alike(answers[i], answers[j], event_of))]
        made = {i: _claim(story_id, slot, answers[i], outlets) for pair in pairs for i in pair}
        claims += [made[i] for i in sorted(made)]
        relations += [Relation(made[i].id, made[j].id, "contradicts",
                               f"different answers to {QUESTIONS.get(slot, slot)}: {made[i].source or 'one report'} says "
                               f"{_answer(made[i])}, {made[j].source or 'another'} says {_answer(made[j])}")
                      for i, j in pairs]
    return claims, relations


def _dated(detail: RawDetail, day: str | None) -> RawDetail | None:
    """A happening's date read against its report's ('April last year' -> 2012-04): the answer is the
    month, the question is asked of that year ('April' and 'May 2012' of one quake disagree; 'September
    2009' is another quake). None when the report's date is needed and unknown."""
    month = next((t.value[:7] for t in article_times(detail.value, day) if len(t.value) >= 7), None)
    return replace(detail, slot=f"{detail.slot} in {month[:4]}", value=month) if month else None


def _single_answer_voices(given: list[Given]) -> list[Given]:
    """The details of the voices that give one answer only (within the margin of a hedged time)."""
    by_voice: dict[str, list[Given]] = defaultdict(list)
    for g in given:
        by_voice[g.voice].append(g)
    return [g for said in by_voice.values() if len(_answers(said)) == 1 for g in said]


def _answers(given: list[Given]) -> list[list[Given]]:
    """The details grouped by answer: equal values, or times within the margin of a hedge ('about 3:50'
    and 'at 3:51' answer alike)."""
    groups: list[list[Given]] = []
    for g in sorted(given, key=lambda g: g.detail.value):
        home = next((group for group in groups if any(_alike(g.detail, other.detail) for other in group)), None)
        if home is None:
            groups.append([g])
        else:
            home.append(g)
    return groups


def _one_victim(a: list[Given], b: list[Given]) -> bool:
    """Nothing says the two answers are about different people: a wound to 'her abdomen' and one to 'a
    3-year-old boy' are two shootings' wounds. An answer given of a 'he' and of a 'she' is of two people."""
    victims_a, victims_b = ({g.detail.victim for g in side} - {None} for side in (a, b))
    return len(victims_a) <= 1 and len(victims_b) <= 1 and (not victims_a or not victims_b or victims_a == victims_b)


def _told_alike(a: list[Given], b: list[Given], event_of: dict[str, str]) -> bool:
    """Some sentence of each answer, in reports of one event, tells of the same person, by name or by age
    ('a nine-month-old baby was shot ... on Sunday' and 'striking their 9-month-old daughter ... on
    Saturday'; 'Devon Lofton accidentally shot himself in the head' and 'Holmes said Devon ... in the
    chest'): a story of many shootings answers 'when' and 'where hit' once for each. The sources' own names
    say who speaks, not of whom."""
    return any(event_of.get(x.article_id) == event_of.get(y.article_id) and
               (set(x.detail.who) & set(y.detail.who)) - _source_words(x) - _source_words(y)
               for x in a for y in b)


def _source_words(given: Given) -> set[str]:
    return set((given.source or "").split()) | set((given.detail.attributed_to or "").split())


def _overnight(slot: str, a: list[Given], b: list[Given]) -> bool:
    """'late Sunday night' and '12:30 a.m. on Monday' are one moment: days next to each other, told of a
    night, are no dispute."""
    if slot != "day":
        return False
    apart = abs(WEEKDAYS.index(a[0].detail.value) - WEEKDAYS.index(b[0].detail.value))
    return apart in (1, len(WEEKDAYS) - 1) and any(NIGHT.search(g.detail.text) for g in a + b)


def _alike(a: RawDetail, b: RawDetail) -> bool:
    if a.value == b.value:
        return True
    if not a.slot.startswith("time"):
        return False
    margin = current().disputes.clock_margin_minutes if a.hedged or b.hedged else 0
    return abs(int(a.value) - int(b.value)) <= margin


def _claim(story_id: str, slot: str, answer: list[Given], outlets: dict[str, str | None]) -> Claim:
    """One claim for one answer: its words from the first report with a named source (else the first),
    citing every report that gives it."""
    first = min(answer, key=lambda g: (g.source is None, g.article_id, g.detail.start))
    article_ids = sorted({g.article_id for g in answer})
    source = first.source or outlets.get(first.article_id)
    return Claim(record_id("c", story_id, first.article_id, slot, first.detail.text), first.detail.text, source,
                 first.entity_id, None, article_ids, first.kind if first.source else "outlet" if source else None,
                 Detail(slot, first.detail.label))


def _answer(claim: Claim) -> str:
    return claim.detail.answer if claim.detail else ""


def name_disputes(story_id: str, quotes: list[Quote], raw_quotes: list[tuple[str, RawQuote]],
                  sentences: dict[str, list[str]], entities: dict[str, Entity]) -> tuple[list[Claim], list[Relation]]:
    """One speaker named two ways: the same words quoted from two people of one surname and different
    given names, in different reports. Each side is the sentence that names its speaker."""
    people = [(q, name) for q in quotes if (name := _person_name(q, entities))]
    claims: dict[str, Claim] = {}
    relations = []
    for i, (a, name_a) in enumerate(people):
        for b, name_b in people[i + 1:]:
            if not _one_surname_two_given_names(name_a, name_b) or not _same_words(a, b):
                continue
            side_a, side_b = (_naming_claim(story_id, q, name, raw_quotes, sentences) for q, name in ((a, name_a), (b, name_b)))
            if side_a is None or side_b is None:
                continue
            claims.setdefault(side_a.id, side_a)
            claims.setdefault(side_b.id, side_b)
            relations.append(Relation(side_a.id, side_b.id, "contradicts",
                                      f"the same words quoted from {name_a} and from {name_b}: one speaker named two ways"))
    return list(claims.values()), relations


def _person_name(quote: Quote, entities: dict[str, Entity]) -> str | None:
    """The speaker's name when the speaker is a person: a person entity of the story, or a name of two
    capitalised words or more that no entity holds (someone one report names once)."""
    if quote.speaker_entity_id:
        entity = entities[quote.speaker_entity_id]
        return entity.name if entity.type == "PERSON" else None
    words = (quote.speaker or "").split()
    return quote.speaker if len(words) >= 2 and all(w[:1].isupper() and w.isalpha() for w in words) else None


def _one_surname_two_given_names(a: str, b: str) -> bool:
    """'Catherine Dougherty' and 'Crystal Dougherty'; not 'Sheriff Bob Gualtieri' and 'Bob Gualtieri' (a
    title before the same name) nor 'J. Smith' and 'John Smith'."""
    parts_a, parts_b = TITLE.sub("", a).split(), TITLE.sub("", b).split()  # 'Chief Lands' is Lands
    if len(parts_a) != 2 or len(parts_b) != 2:
        return False
    (given_a, surname_a), (given_b, surname_b) = parts_a, parts_b
    return surname_a == surname_b and given_a != given_b and min(len(given_a), len(given_b)) > 2 and \
        not given_a.endswith(".") and not given_b.endswith(".")


def _same_words(a: Quote, b: Quote) -> bool:
    """Some variant of each quotes the same words, in reports the other does not share."""
    if {v.article_id for v in a.variants} & {v.article_id for v in b.variants}:
        return False
    settings = current().disputes
    return any(len(content_words(va.text) & content_words(vb.text)) >= settings.align_shared and
               overlap(content_words(va.text), content_words(vb.text)) >= settings.agree_jaccard
               for va in a.variants for vb in b.variants)


def _naming_claim(story_id: str, quote: Quote, name: str, raw_quotes: list[tuple[str, RawQuote]],
                  sentences: dict[str, list[str]]) -> Claim | None:
    """The sentence that names the quote's speaker as the story names them, at or just before the quote."""
    texts = {(v.article_id, v.text) for v in quote.variants}
    for article_id, raw in raw_quotes:
        if (article_id, raw.text) not in texts:
            continue
        said = sentences.get(article_id, [])
        for index in range(raw.sentence, max(-1, raw.sentence - current().disputes.nearby_sentences), -1):
            if index < len(said) and name in said[index]:
                carried = sorted({v.article_id for v in quote.variants})
                return Claim(record_id("c", story_id, article_id, "name", said[index]), said[index], name,
                             quote.speaker_entity_id, None, carried, "speaker", Detail("name", name))
    return None
