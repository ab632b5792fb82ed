"""Agreement and contradiction between statements (quotes and claims) of one story.

Statements are aligned by their content words (the proposition: who does what to what),
then related by cues over the aligned pair:
- polarity: one named source denies what another asserts, the denial's negation bearing on
  the words they share ("does not launch denial of service attacks" vs. "enabling its users
  to launch a denial of service attack") -> contradicts;
- aspect: one side says a process is over, the other, close by and with a contrast
  marker, that it still goes on -> contradicts;
- numbers: different figures for the same quantity from different sources -> contradicts, where
  the same quantity means the same subject ("Sears shares" never disputes "Kmart shares"), the
  same measure and unit, and no two different dates; hedges ("more than", "about") and
  rounding ($11 billion for $11.3 billion) are respected;
- the same proposition from different sources with the same polarity -> agrees.
Every relation carries a short `why` in the sources' own words.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from ..config import current
from ..dates import article_times, same_period
from ..extract.merge import PEOPLE_NOUNS
from ..models import Claim, Quantity, Quote, Relation, figure_text
from ..text import (
    NEGATIONS,
    STOPWORDS,
    WORD,
    content_words,
    is_negated,
    is_negation,
    jaccard,
    negation_words,
    numbers_in,
    stem,
)
from ..textindex import WordIndex

# 'more than 300' is said of 310 or 400, not of 600: a floor reporters set near the figure
# a denial bears on what follows its negation within this many words ('does not launch ... attacks')
TOPIC_PREPOSITIONS = {"about", "of", "on"}
# a short quoted name ('the "Make love not spam" campaign') whose words deny nothing
QUOTED_TITLE = re.compile(r"[\"“«]\W*(?:\w+\W+){0,5}\w+\W*[\"”»]")
PEOPLE = "people"
DURATION = "duration"
SECONDS = {"seconds": 1, "minutes": 60, "hours": 3_600, "days": 86_400, "weeks": 604_800}  # a duration's units
# "stopped work" or "halted production" is the strike itself, not its end
COMPLETION = re.compile(r"\b(?:is|was|were|are|would be|has been|had been)\s+over\b|\b(?:ended|completed|finished|"
                        r"concluded|halted|stopped)\b(?!\s+(?:work|working|production|operations|traffic))|"
                        r"\bno more\b", re.I)
CONTINUATION = re.compile(r"\bstill\b|\bcontinu(?:e|es|ed|ing)\b|\bremain(?:s|ed)?\b|\bongoing\b", re.I)
CONTRAST = re.compile(r"\b(?:however|but|meanwhile|yet|nevertheless|despite|although|though|still)\b", re.I)


@dataclass
class Statement:
    id: str
    source: str | None  # the entity id when known: what 'same source' compares
    name: str | None  # the source as a reader reads it
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
        found.append(Statement(quote.id, quote.speaker_entity_id or quote.speaker, quote.speaker, text,
                               {v.article_id for v in quote.variants}, positions.get(quote.id, set()),
                               content_words(text), any(is_negated(v.text) for v in quote.variants)))
    for claim in claims:
        found.append(Statement(claim.id, claim.source_entity_id or claim.source, claim.source, claim.text,
                               set(claim.article_ids),
                               positions.get(claim.id, set()), content_words(claim.text), is_negated(claim.text)))
    return found


@dataclass
class Settled:
    """Statements unchanged since a story's previous analysis, and the relations found among them then."""

    ids: set[str]
    relations: list[Relation]


def fingerprint(item: Quote | Claim) -> str:
    """What a statement's relations rest on: its source and its words.

    The reports that carry it are left out: one more report repeating a statement word for word
    (what most new reports of a long story do) keeps the statement's relations, instead of
    setting it against every other statement again. What that can miss: a first agreement or
    aspect that only the new report's sentence position would reveal.
    """
    if isinstance(item, Quote):
        return repr((item.speaker_entity_id or item.speaker, sorted({v.text for v in item.variants})))
    return repr((item.source_entity_id or item.source, item.text, item.quantity))


def relate(quotes: list[Quote], claims: list[Claim], positions: dict[str, set[tuple[str, int]]],
           published: dict[str, str | None] | None = None, settled: Settled | None = None) -> list[Relation]:
    """Relations between statements; candidates come from shared words and shared places, not all pairs.

    published (article id -> date) lets figures' dates be compared: a weekend's takings never
    dispute another weekend's. settled: pairs of statements both unchanged since the previous
    analysis keep that analysis's answer and are not compared again."""
    done = settled.ids if settled else set()
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
        reach = current().disputes.nearby_sentences
        near = {j for article, sentence in a.positions for k in range(-reach, reach + 1)
                for j in at.get((article, sentence + k), [])}
        for j in sorted(set(words.candidates(a.words, min_shared=2)) | near):
            pair = (min(i, j), max(i, j))
            if i == j or pair in seen:
                continue
            seen.add(pair)
            first, second = statements[pair[0]], statements[pair[1]]
            if first.id in done and second.id in done:
                continue
            relation = _polarity_or_agreement(first, second) or _aspect(first, second)
            if relation:
                relations.append(relation)
    relations += _figure_conflicts(claims, positions, published or {}, done)
    return relations + (settled.relations if settled else [])


def _different_sources(a: Statement, b: Statement) -> bool:
    return a.source is None or b.source is None or a.source != b.source


def _polarity_or_agreement(a: Statement, b: Statement) -> Relation | None:
    if not _different_sources(a, b):
        return None
    shared = a.words & b.words
    similarity = jaccard(a.words, b.words)
    if len(shared) < current().disputes.align_shared and similarity < current().disputes.align_jaccard:
        return None
    if a.negated != b.negated and a.source and b.source and len(shared) >= current().disputes.align_shared and \
            similarity >= current().disputes.align_jaccard:
        denial, claim = (a, b) if a.negated else (b, a)
        if _negation_bears_on(denial.text, shared):
            return Relation(denial.id, claim.id, "contradicts",
                            f"denial vs. assertion: {denial.name}: “{_excerpt(denial.text, shared)}”; "
                            f"{claim.name}: “{_excerpt(claim.text, shared)}”")
    if a.negated == b.negated and similarity >= current().disputes.agree_jaccard and a.articles != b.articles and \
            not _different_numbers(a.text, b.text):
        return Relation(a.id, b.id, "agrees", f"same statement from different sources ({len(shared)} shared terms)")
    return None


def _negation_bears_on(text: str, shared: set[str]) -> bool:
    """The negation denies what the other side says: the first word it governs is one they share
    ('does not launch ... attacks'), or names a topic of one ('no discussions about a second wave');
    not 'would not affect his determination to draw attention' against 'wants to draw attention'."""
    words = negation_words(QUOTED_TITLE.sub(" ", text))
    for i, word in enumerate(words):
        if not is_negation(word):
            continue
        governed = next((j for j in range(i + 1, min(len(words), i + 1 + current().disputes.negation_scope))
                         if words[j].lower() not in STOPWORDS), None)
        if governed is None:
            continue
        if stem(words[governed]) in shared:
            return True
        after = words[governed + 1:]
        if after and after[0].lower() in TOPIC_PREPOSITIONS:  # 'no discussions about <topic>'
            topic = [t for t in after[1:1 + current().disputes.negation_scope] if t.lower() not in STOPWORDS]
            if topic and stem(topic[0]) in shared:
                return True
    return False


def _excerpt(text: str, shared: set[str]) -> str:
    """At most disputes.excerpt_words words of a statement, from just before the first word it shares with
    the other (or its negation, if earlier), as written."""
    words = text.split()
    marks = [i for i, w in enumerate(words) if any(stem(t) in shared or t.lower() in NEGATIONS
                                                   for t in negation_words(w))] or [0]
    start = max(0, min(marks) - 2)
    end = start + current().disputes.excerpt_words
    return ("… " if start else "") + " ".join(words[start:end]).strip(" ,.;") + (" …" if end < len(words) else "")


def _different_numbers(a: str, b: str) -> bool:
    """Both state figures and share none: not the same statement, whatever the words."""
    na, nb = numbers_in(a), numbers_in(b)
    return bool(na and nb and not na & nb)


def _aspect(a: Statement, b: Statement) -> Relation | None:
    """'X is over' vs. a nearby 'still ...' introduced by a contrast."""
    for done, going in ((a, b), (b, a)):
        if _said_over(done.text) and _said_going_on(going.text) and _nearby(done, going):
            return Relation(done.id, going.id, "contradicts", "said to be over vs. reported as still going on")
    return None


@lru_cache(maxsize=1 << 14)
def _said_over(text: str) -> bool:
    """Memoised, as _said_going_on: a statement is tested against each of its candidate partners."""
    return COMPLETION.search(text) is not None


@lru_cache(maxsize=1 << 14)
def _said_going_on(text: str) -> bool:
    """'still', 'continues'... after a contrast, and not 'is over' itself."""
    return bool(CONTINUATION.search(text) and not COMPLETION.search(text) and CONTRAST.search(text))


def _nearby(a: Statement, b: Statement) -> bool:
    return _positions_near(a.positions, b.positions)


def _positions_near(a: set[tuple[str, int]], b: set[tuple[str, int]]) -> bool:
    reach = current().disputes.nearby_sentences
    return any(article_a == article_b and abs(sa - sb) <= reach for article_a, sa in a for article_b, sb in b)


def _figure_conflicts(claims: list[Claim], positions: dict[str, set[tuple[str, int]]],
                      published: dict[str, str | None], done: set[str]) -> list[Relation]:
    """Different figures for the same quantity from different sources.

    The same quantity: the same unit (currency, %, the noun counted), no different subjects or
    measures, no different dates; and either the same subject named on both sides, or like
    sentences in different reports, or two head counts one report sets side by side.
    """
    relations = []
    by_kind: dict[str, list[tuple[Claim, Quantity]]] = defaultdict(list)
    for claim in claims:
        if claim.quantity is not None and claim.quantity.unit:
            by_kind[_kind(claim.quantity.unit)].append((claim, claim.quantity))
    pairs = [(kind, a, b) for kind, same in by_kind.items() if len(same) <= current().disputes.max_same_unit
             for i, a in enumerate(same) for b in same[i + 1:] if not (a[0].id in done and b[0].id in done)]
    dated: dict[tuple[str, str | None], set[str]] = {}
    for kind, (a, quantity_a), (b, quantity_b) in pairs:
        qa, qb = _in_seconds(quantity_a), _in_seconds(quantity_b)
        if _one_voice(a, b) or _overlaps(qa, qb) or not _same_quantity(qa, qb):
            continue
        if not _same_time(a, b, published, dated):
            continue
        named_alike = bool(_said_subject(qa) and _said_subject(qb))
        alike = qa.unit == qb.unit and set(a.article_ids) != set(b.article_ids) and \
            jaccard(content_words(a.text), content_words(b.text)) >= current().disputes.figure_jaccard
        side_by_side = kind == PEOPLE and _positions_near(positions.get(a.id, set()), positions.get(b.id, set()))
        if named_alike or alike or side_by_side:
            relations.append(Relation(a.id, b.id, "contradicts",
                                      f"different figures for {_what(qa, qb)}: {a.source or 'one report'} says "
                                      f"{figure_text(quantity_a, unit=kind == DURATION)}, {b.source or 'another'} says "
                                      f"{figure_text(quantity_b, unit=kind == DURATION)}"))
    return relations


def _one_voice(a: Claim, b: Claim) -> bool:
    """Two figures one source gives (an update, a correction): the same named source, or two reports of no
    known source or outlet that share an article."""
    if a.source is None and b.source is None:
        return bool(set(a.article_ids) & set(b.article_ids))
    return a.source == b.source


def _same_quantity(qa: Quantity, qb: Quantity) -> bool:
    """No sign of two different things: subjects that name different bodies, different measures."""
    if qa.measure and qb.measure and qa.measure != qb.measure:
        return False
    subject_a, subject_b = qa.subject, qb.subject  # what a report is about still tells two subjects apart
    if subject_a and subject_b:
        names_a, names_b = _names(subject_a), _names(subject_b)
        if names_a or names_b:
            return bool(names_a & names_b) and (names_a <= names_b or names_b <= names_a)
        return content_words(subject_a) == content_words(subject_b)  # 'the film' is not 'the top 12 films'
    return True


def _said_subject(q: Quantity) -> str | None:
    """The subject the figure's own sentence names; what the report is about says nothing of which figure."""
    return None if q.subject_inferred else q.subject


def _names(phrase: str) -> set[str]:
    return {w.lower() for w in WORD.findall(phrase) if w[:1].isupper()}


def _same_time(a: Claim, b: Claim, published: dict[str, str | None], dated: dict[tuple[str, str | None], set[str]]) -> bool:
    """Nothing says the two figures hold for different times. Both sentences date their figure, differently:
    two weekends' takings. One dates it and the other does not: the undated one holds for its report's
    day, so '6.1' today is no rival to an '8.6-magnitude quake' of 'April last year'. A date holds for the
    dates within it ('2004' and 'December 26, 2004')."""
    day_a, day_b = _report_day(a, published), _report_day(b, published)
    dates_a, dates_b = _dates(a, day_a or day_b, dated), _dates(b, day_b or day_a, dated)
    if not dates_a and not dates_b:
        return True
    if not dates_a or not dates_b:
        day, other = (day_a, dates_b) if not dates_a else (day_b, dates_a)
        if day is None:
            return True
        dates_a, dates_b = {day}, other
    return same_period(dates_a, dates_b)


def _report_day(claim: Claim, published: dict[str, str | None]) -> str | None:
    """The day the first dated report of a claim came out."""
    return next((day for article_id in claim.article_ids if (day := published.get(article_id))), None)


def _dates(claim: Claim, day: str | None, known: dict[tuple[str, str | None], set[str]]) -> set[str]:
    """The dates a claim's sentence names, read once per claim (known holds those read so far); relative to its
    report's day, else to the other side's, which still reads 'In 2004'. Not a date that tells a thing apart
    ('the tsunami of 2004'): it is not when the figure holds."""
    if (claim.id, day) not in known:
        times = article_times(claim.text, day) if day else []
        known[claim.id, day] = {t.value for t in times if not _of_a_thing(t.text, claim.text)}
    return known[claim.id, day]


def _of_a_thing(when: str, text: str) -> bool:
    """'the tsunami of 2004': the date tells which tsunami, not when the figure holds."""
    return when.lower().startswith("of ") or re.search(rf"\bof\s+{re.escape(when)}", text) is not None


def _kind(unit: str) -> str:
    if unit in SECONDS:
        return DURATION
    return PEOPLE if stem(unit.split()[-1]) in PEOPLE_NOUNS else unit


def _in_seconds(q: Quantity) -> Quantity:
    """'around one minute' as 60 seconds, so that it meets 'around 15 seconds'; other figures as they are."""
    factor = SECONDS.get(q.unit or "")
    if factor is None:
        return q
    scaled = {k: getattr(q, k) * factor for k in ("value", "low", "high") if getattr(q, k) is not None}
    return replace(q, unit="seconds", **scaled)


def _what(qa, qb) -> str:
    what = qa.unit if qa.unit == qb.unit else "the number of people"
    subject = _said_subject(qa)
    return f"{subject} ({what})" if subject and subject == _said_subject(qb) else what


def _bounds(q) -> tuple[float, float]:
    """The values a hedged figure allows: 'fewer than 4,000' is anything up to 4,000, 'thousands' any
    number from 1,000 on (reporters say it of 12,000 too)."""
    if q.value is None:
        return (q.low or 0, math.inf) if q.hedge == "vague" else (q.low or 0, q.high or 0)
    if q.hedge in ("up to", "at most", "less than"):
        return 0, q.value
    if q.hedge in ("at least", "more than"):
        return q.value, q.value * current().disputes.floor_ceiling
    if q.hedge == "about":
        return q.value * (1 - current().disputes.about_margin), q.value * (1 + current().disputes.about_margin)
    return q.value, q.value


def _overlaps(qa, qb) -> bool:
    (la, ha), (lb, hb) = _bounds(qa), _bounds(qb)
    if qa.value is not None and qb.value is not None and not qa.hedge and not qb.hedge:
        return rounds_to(qa.value, qb.value) or rounds_to(qb.value, qa.value)
    return la <= hb and lb <= ha


def rounds_to(precise: float, rounded: float) -> bool:
    """'$11.3 billion' reported as '$11 billion': the same figure rounded to the other's last digit."""
    if precise == rounded:
        return True
    digits = f"{rounded:.0f}".rstrip("0") if float(rounded).is_integer() else None
    if not digits or rounded == 0:
        return False
    step = 10 ** (len(f"{rounded:.0f}") - len(digits))
    return math.floor(precise / step + 0.5) * step == rounded

