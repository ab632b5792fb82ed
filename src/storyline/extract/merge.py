"""One record per statement and per figure across a story's articles.

Quotes merge when their speakers agree (or one side has none) and their content words
overlap: translations of one statement share names, numbers and most nouns even when
the verbs differ ("will abandon everything" / "will throw everything"). A quote with
no speaker in one article takes the speaker another outlet gives the same words.
Figures merge when the number is the same and they count the same kind of thing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from ..config import current
from ..dates import article_times, find_time_expressions, resolve, same_period, to_date
from ..models import Claim, Entity, Quantity, Quote, QuoteVariant
from ..text import content_words, numbers_in, overlap
from ..textindex import WordIndex
from .details import WEEKDAYS, RawDetail
from .entities import PLACE_LABELS
from .figures import RawFigure
from .quotes import RawQuote

RELATIVE_DAY = re.compile(rf"\b(?:{'|'.join(WEEKDAYS)}|yesterday|today|tonight|tomorrow)\b", re.I)
PEOPLE_NOUNS = {"people", "person", "man", "woman", "soldier", "troop", "reservist", "recruit", "conscript",
                "serviceman", "servicemen", "civilian", "resident", "citizen", "worker", "member", "draftee",
                "fighter", "men", "women", "child", "children", "refugee", "voter", "protester", "victim",
                "employee", "inhabitant", "passenger", "student"}


def record_id(prefix: str, *parts: str) -> str:
    return prefix + hashlib.sha1("|".join(parts).encode()).hexdigest()[:10]


@dataclass
class _QuoteGroup:
    speaker_key: str | None
    speaker: str | None
    entity_id: str | None
    kind: str
    words: set[str]
    said_on: str | None
    fragments: set[str]
    numbers: set[str]
    variants: list[QuoteVariant] = field(default_factory=list)


def merge_quotes(story_id: str, raw: list[tuple[str, RawQuote]], alias_map: dict[str, str],
                 entities: dict[str, Entity], published: dict[str, str | None]) -> list[Quote]:
    groups: list[_QuoteGroup] = []
    index = WordIndex()
    for article_id, quote in raw:
        entity_id = alias_map.get(quote.speaker or "")
        if entity_id and entities[entity_id].type in PLACE_LABELS:
            entity_id = None  # the story's mentions call it a place: 'Kyiv said' names no speaker
            quote = replace(quote, speaker=None, speaker_text=None)
        speaker = entities[entity_id].name if entity_id else quote.speaker
        key = entity_id or (speaker.lower() if speaker else None)
        words = content_words(quote.text)
        said_on = _said_on(quote.time_text, published.get(article_id))
        fragments = quoted_fragments(quote.text)
        numbers = numbers_in(quote.text)
        candidates = [groups[i] for i in index.candidates(words | {"“" + f for f in fragments})
                      if groups[i].kind == quote.kind]  # a paraphrase is no variant of the words quoted
        group = _matching_group(candidates, key, words, fragments, numbers)
        variant = QuoteVariant(article_id, quote.text, quote.speaker_text, quote.attribution, quote.confidence)
        if group is None:
            index.add(len(groups), words | {"“" + f for f in fragments})
            groups.append(_QuoteGroup(key, speaker, entity_id, quote.kind, set(words), said_on, fragments, numbers,
                                      [variant]))
            continue
        group.fragments |= fragments
        group.numbers |= numbers
        if not any(v.article_id == article_id and v.text == quote.text for v in group.variants):
            group.variants.append(variant)
        group.words |= words
        if group.speaker_key is None and key is not None:
            group.speaker_key, group.speaker, group.entity_id = key, speaker, entity_id
        if quote.kind == "direct":
            group.kind = "direct"
        group.said_on = group.said_on or said_on
    return [Quote(record_id("q", story_id, g.variants[0].article_id, g.variants[0].text), g.speaker, g.entity_id, g.kind,
                  g.said_on, g.variants) for g in groups]


def quoted_fragments(text: str) -> set[str]:
    """The speaker's own words inside a reported statement: 'there were "no discussions" ...'."""
    return {" ".join(f.lower().split()) for f in re.findall(r"[\"“«]([^\"”»]{3,80})[\"”»]", text)}


def _matching_group(groups: list[_QuoteGroup], key: str | None, words: set[str],
                    fragments: set[str], numbers: set[str]) -> _QuoteGroup | None:
    """The statement group these words repeat; differing figures mean a different statement."""
    best, best_score = None, 0.0
    for group in groups:
        if key is not None and group.speaker_key is not None and key != group.speaker_key:
            continue
        if numbers and group.numbers and numbers.isdisjoint(group.numbers):
            continue
        if key is not None and key == group.speaker_key and fragments & group.fragments:
            return group
        settings = current().extraction
        needed = settings.same_speaker_overlap if key is not None and key == group.speaker_key \
            else settings.unknown_speaker_overlap
        shared_needed = 2
        if bool(numbers) != bool(group.numbers):  # one side names a figure the other lacks: a part quoted?
            needed, shared_needed = current().extraction.unknown_speaker_overlap, 3
        score = overlap(words, group.words)
        if score >= needed and score > best_score and len(words & group.words) >= shared_needed:
            best, best_score = group, score
    return best


def _said_on(time_text: str | None, published: str | None) -> str | None:
    anchor = to_date(published)
    if not time_text or anchor is None:
        return None
    for expr in find_time_expressions(time_text):
        resolved = resolve(expr, anchor)
        if resolved and resolved.granularity == "day":
            return resolved.iso
    return None


def figure_source(figure: RawFigure | RawDetail, quotes: list[RawQuote]) -> tuple[str | None, str | None]:
    """Who claims a figure (or a detail of what happened), and how we know: the speaker of the statement
    that holds it, else the 'according to' source of its sentence; (None, None) when the report states it."""
    for quote in quotes:
        if quote.speaker and (quote.start <= figure.start < quote.end or
                              (quote.kind == "indirect" and quote.sentence == figure.sentence)):
            return quote.speaker, "speaker"
    if figure.attributed_to:
        return figure.attributed_to, "attributed"
    return None, None


def _same_kind(a: RawFigure, b_unit: str | None, value: float | None, other_language: bool) -> bool:
    """Same thing counted. Across languages the nouns differ ('members'/'membros'), so there,
    as when one side names no noun, an exact figure of extraction.large_count or more is anchor enough."""
    if a.unit == b_unit:
        return True
    if a.unit is None or b_unit is None or other_language:
        return (value or 0) >= current().extraction.large_count
    return a.unit in PEOPLE_NOUNS and b_unit in PEOPLE_NOUNS


def merge_figures(story_id: str, raw: list[tuple[str, RawFigure, tuple[str | None, str | None]]],
                  alias_map: dict[str, str],
                  entities: dict[str, Entity], outlets: dict[str, str | None],
                  languages: dict[str, str | None], published: dict[str, str | None] | None = None) -> list[Claim]:
    """Claims: (article id, figure, source surface form) merged by number and kind of thing, unless their
    sentences date them to different years ('On April 20, a 6.4-magnitude earthquake' is not the 6.4 of 'Last
    year'); published (article id -> day) reads relative dates."""
    claims: list[Claim] = []
    units: dict[str, str | None] = {}
    dates: dict[str, set[str]] = {}
    by_number: dict[tuple, list[Claim]] = {}
    for article_id, figure, (source, kind) in raw:
        number = (figure.value, figure.low, figure.high)
        language = languages.get(article_id)
        day = (published or {}).get(article_id)
        when = _calendar_years(figure.text, day)
        match = next((c for c in by_number.get(number, [])
                      if _same_kind(figure, units[c.id], figure.value or figure.high,
                                    language != languages.get(c.article_ids[0]))
                      and (not when or not dates[c.id] or same_period(when, dates[c.id]))), None)
        entity_id = alias_map.get(source or "")
        source_name = entities[entity_id].name if entity_id else source
        if match is not None:
            _join(match, article_id, figure, units, (source_name, entity_id, kind))
            dates[match.id] |= when
            continue
        outlet = outlets.get(article_id)
        claim = Claim(record_id("c", story_id, article_id, str(figure.start), figure.text), figure.text[:400],
                      source_name or outlet, entity_id,
                      Quantity(figure.value, figure.low, figure.high, figure.counted or figure.unit, figure.hedge,
                               figure.subject, figure.measure, figure.subject_inferred),
                      [article_id], kind if source_name else "outlet" if outlet else None)
        units[claim.id] = figure.unit
        dates[claim.id] = when
        claims.append(claim)
        by_number.setdefault(number, []).append(claim)
    return claims


def _calendar_years(text: str, day: str | None) -> set[str]:
    """The years a sentence names by the calendar ('On April 20', 'last year', 'in 2004'): a figure of another
    year is another figure, while months within a year may tell one figure's course ('drafted since the end
    of September', 'completed at the end of October'). A weekday or 'yesterday' dates when it was said as
    much as what, and hangs on a publication date that may be wrong."""
    if day is None:
        return set()
    return {t.value[:4] for t in article_times(text, day) if not RELATIVE_DAY.search(t.text)}


def _join(claim: Claim, article_id: str, figure: RawFigure, units: dict[str, str | None],
          source: tuple[str | None, str | None, str | None]) -> None:
    """One more report of a claim's figure: its article cited, and what the claim lacked taken from it (a
    named source for the outlet's, a unit, a subject that names someone: 'Tahirah Phillips' for 'daughter')."""
    if article_id not in claim.article_ids:
        claim.article_ids.append(article_id)
    name, entity_id, kind = source
    if claim.source_kind in (None, "outlet") and name:
        claim.source, claim.source_entity_id, claim.source_kind = name, entity_id, kind
    quantity = claim.quantity
    if quantity is None:
        return
    if units[claim.id] is None and figure.unit:
        units[claim.id] = figure.unit
        quantity.unit = figure.counted or figure.unit
    if figure.subject and not figure.subject_inferred and _names_someone(figure.subject) and \
            (quantity.subject_inferred or not _names_someone(quantity.subject or "")):
        quantity.subject, quantity.subject_inferred = figure.subject, False


def _names_someone(phrase: str) -> bool:
    return any(w[:1].isupper() for w in phrase.split())
