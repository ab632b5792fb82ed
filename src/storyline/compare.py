"""Agreement and contradiction between statements (quotes and claims) of one story.

Statements are aligned by their content words (the proposition: who does what to what),
then related by cues over the aligned pair:
- polarity: one side denies what the other asserts ("no discussions about a second wave"
  vs. "preparing a second wave") -> contradicts;
- aspect: one side says a process is over, the other, close by and with a contrast
  marker, that it still goes on -> contradicts;
- numbers: different figures for the same quantity from different sources -> contradicts;
- the same proposition from different sources with the same polarity -> agrees.
Every relation carries a short `why`.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from .extract.merge import PEOPLE_NOUNS
from .models import Claim, Quote, Relation, figure_text
from .text import content_words, is_negated, jaccard, numbers_in, stem
from .textindex import WordIndex

ALIGN_JACCARD = 0.2
ALIGN_SHARED = 3
AGREE_JACCARD = 0.5
FIGURE_JACCARD = 0.35
NEARBY_SENTENCES = 4
MAX_SAME_UNIT = 200  # beyond this many figures of one unit, pairwise comparison is not worth it
ABOUT_MARGIN = 0.1  # 'about 1.5 million' allows 1.35 to 1.65 million
PEOPLE = "people"
# "stopped work" or "halted production" is the strike itself, not its end
COMPLETION = re.compile(r"\b(?:is|was|were|are|would be|has been|had been)\s+over\b|\b(?:ended|completed|finished|"
                        r"concluded|halted|stopped)\b(?!\s+(?:work|working|production|operations|traffic))|"
                        r"\bno more\b|\bend(?:ed)? of\b", re.I)
CONTINUATION = re.compile(r"\bstill\b|\bcontinu(?:e|es|ed|ing)\b|\bremain(?:s|ed)?\b|\bongoing\b", re.I)
CONTRAST = re.compile(r"\b(?:however|but|meanwhile|yet|nevertheless|despite|although|though|still)\b", re.I)


@dataclass
class Statement:
    id: str
    source: str | None
    text: str
    articles: set[str]
    positions: set[tuple[str, int]]  # (article id, sentence index)
    words: set[str]
    negated: bool


def statements_from(quotes: list[Quote], claims: list[Claim],
                    positions: dict[str, set[tuple[str, int]]]) -> list[Statement]:
    found = []
    for quote in quotes:
        text = " / ".join(v.text for v in quote.variants)
        found.append(Statement(quote.id, quote.speaker_entity_id or quote.speaker, text,
                               {v.article_id for v in quote.variants}, positions.get(quote.id, set()),
                               content_words(text), any(is_negated(v.text) for v in quote.variants)))
    for claim in claims:
        found.append(Statement(claim.id, claim.source_entity_id or claim.source, claim.text, set(claim.article_ids),
                               positions.get(claim.id, set()), content_words(claim.text), is_negated(claim.text)))
    return found


def relate(quotes: list[Quote], claims: list[Claim], positions: dict[str, set[tuple[str, int]]]) -> list[Relation]:
    """Relations between statements; candidates come from shared words and shared places, not all pairs."""
    statements = statements_from(quotes, claims, positions)
    words = WordIndex()
    at: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, statement in enumerate(statements):
        words.add(i, statement.words)
        for position in statement.positions:
            at[position].append(i)
    relations: list[Relation] = []
    seen: set[tuple[int, int]] = set()
    for i, a in enumerate(statements):
        near = {j for article, sentence in a.positions for k in range(-NEARBY_SENTENCES, NEARBY_SENTENCES + 1)
                for j in at.get((article, sentence + k), [])}
        for j in sorted(set(words.candidates(a.words, min_shared=2)) | near):
            pair = (min(i, j), max(i, j))
            if i == j or pair in seen:
                continue
            seen.add(pair)
            first, second = statements[pair[0]], statements[pair[1]]
            relation = _polarity_or_agreement(first, second) or _aspect(first, second)
            if relation:
                relations.append(relation)
    relations += _figure_conflicts(claims, positions)
    return relations


def _different_sources(a: Statement, b: Statement) -> bool:
    return a.source is None or b.source is None or a.source != b.source


def _polarity_or_agreement(a: Statement, b: Statement) -> Relation | None:
    if not _different_sources(a, b):
        return None
    shared = a.words & b.words
    similarity = jaccard(a.words, b.words)
    if len(shared) < ALIGN_SHARED and similarity < ALIGN_JACCARD:
        return None
    if a.negated != b.negated and len(shared) >= 2 and similarity >= ALIGN_JACCARD:
        denial, claim = (a, b) if a.negated else (b, a)
        return Relation(denial.id, claim.id, "contradicts",
                        f"denial vs. assertion about {' '.join(sorted(shared)[:4])}")
    if a.negated == b.negated and similarity >= AGREE_JACCARD and a.articles != b.articles and \
            not _different_numbers(a.text, b.text):
        return Relation(a.id, b.id, "agrees", f"same statement from different sources ({len(shared)} shared terms)")
    return None


def _different_numbers(a: str, b: str) -> bool:
    """Both state figures and share none: not the same statement, whatever the words."""
    na, nb = numbers_in(a), numbers_in(b)
    return bool(na and nb and not na & nb)


def _aspect(a: Statement, b: Statement) -> Relation | None:
    """'X is over' vs. a nearby 'still ...' introduced by a contrast."""
    for done, going in ((a, b), (b, a)):
        if COMPLETION.search(done.text) and CONTINUATION.search(going.text) and not COMPLETION.search(going.text) \
                and CONTRAST.search(going.text) and _nearby(done, going):
            return Relation(done.id, going.id, "contradicts", "said to be over vs. reported as still going on")
    return None


def _nearby(a: Statement, b: Statement) -> bool:
    return _positions_near(a.positions, b.positions)


def _positions_near(a: set[tuple[str, int]], b: set[tuple[str, int]]) -> bool:
    return any(article_a == article_b and abs(sa - sb) <= NEARBY_SENTENCES for article_a, sa in a for article_b, sb in b)


def _figure_conflicts(claims: list[Claim], positions: dict[str, set[tuple[str, int]]]) -> list[Relation]:
    """Different numbers for the same thing counted, from different sources.

    The same noun in like sentences is the same quantity; so are two head counts ('12,000
    members' / 'fewer than 4,000 workers') that one report sets side by side, as reporters do
    with rival figures.
    """
    relations = []
    by_kind: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.quantity.unit:
            by_kind[_kind(claim.quantity.unit)].append(claim)
    pairs = [(kind, a, b) for kind, same in by_kind.items() if len(same) <= MAX_SAME_UNIT
             for i, a in enumerate(same) for b in same[i + 1:]]
    for kind, a, b in pairs:
        qa, qb = a.quantity, b.quantity
        if a.source == b.source or _overlaps(qa, qb):
            continue
        alike = qa.unit == qb.unit and set(a.article_ids) != set(b.article_ids) and \
            jaccard(content_words(a.text), content_words(b.text)) >= FIGURE_JACCARD
        side_by_side = kind == PEOPLE and _positions_near(positions.get(a.id, set()), positions.get(b.id, set()))
        if alike or side_by_side:
            relations.append(Relation(a.id, b.id, "contradicts", f"different figures for {_what(qa, qb)}: "
                                                                 f"{figure_text(qa, unit=False)} vs. {figure_text(qb, unit=False)}"))
    return relations


def _kind(unit: str) -> str:
    return PEOPLE if stem(unit.split()[-1]) in PEOPLE_NOUNS else unit


def _what(qa, qb) -> str:
    return qa.unit if qa.unit == qb.unit else "the number of people"


def _bounds(q) -> tuple[float, float]:
    """The values a hedged figure allows: 'fewer than 4,000' is anything up to 4,000, 'thousands' any
    number from 1,000 on (reporters say it of 12,000 too)."""
    if q.value is None:
        return (q.low or 0, math.inf) if q.hedge == "vague" else (q.low or 0, q.high or 0)
    if q.hedge in ("up to", "at most", "less than"):
        return 0, q.value
    if q.hedge in ("at least", "more than"):
        return q.value, math.inf
    if q.hedge == "about":
        return q.value * (1 - ABOUT_MARGIN), q.value * (1 + ABOUT_MARGIN)
    return q.value, q.value


def _overlaps(qa, qb) -> bool:
    (la, ha), (lb, hb) = _bounds(qa), _bounds(qb)
    return la <= hb and lb <= ha

