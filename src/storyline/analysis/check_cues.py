"""What the claim check reads *with scope*: a cue counts only where it bears on the claim's own words.

Counting "not" or "denied" anywhere near a claim confuses a report that denies the claim with one
that denies something else beside it ("he does not want peace" under a claim about mobilisation).
So the sentences closest to the claim that name its names are read for:
- antonyms by prefix: a word of the claim's event with its negating prefix added or taken away
  ("unfit" against "fit", "illegal" against "legal"; "not fit" says "unfit");
- figures: the claim's figures against the sentence's of the same kind (currency, or the word
  counted) and size: one inside the claim's hedge agrees ("over 300,000" and 310,000), one outside
  it differs ($11 billion against $11.5 billion);
- negation over the claim's event: a negation or denial verb with a word of what the claim says
  happens within `negation_scope` words after it ("no plans to call up more reservists" against
  "plans a second wave"), a pronoun standing for the sentence before ("no discussions about this").
A contradiction (antonym, differing figure) decides "disagree" over the learned model, which FNC-1
has too few such pairs to teach; a denial is what a "disagree" verdict shows as its reason.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import config
from ..extract.numbers import parse_number
from ..text import STOPWORDS, stem
from .check_space import TOKEN, tokens
from .disputes import rounds_to

DENYING = re.compile(r"^(?:no|not|never|nothing|none|nobody|neither|nor|without|cannot|den(?:y|ie|i)\w*|reject\w*|"
                     r"refut\w*|dismiss\w*|\w+n't|\w+n’t)$", re.I)
# prefixes that negate the word after them; 'in', 'im' and 'dis' begin too many words that negate
# nothing ('increase', 'import', 'display') to be read without a dictionary
PREFIXES = ("un", "non", "il", "ir")
FIGURE = re.compile(r"(?:(?P<hedge>up to|as many as|as much as|at least|more than|over|at most|less than|fewer than|"
                    r"under|about|around|approximately|roughly|nearly|almost)\s+)?(?P<currency>[$€£¥]\s?)?"
                    r"(?P<number>\d[\d,]*(?:\.\d+)?)(?:\s*(?P<scale>hundred|thousand|million|billion|trillion|bn|mn|b))?\b"
                    r"(?:\s+(?P<unit>[A-Za-z]+))?", re.I)
SCOPE_NAMES = ("antonyms", "figure_agrees", "figure_differs")
POINTING_BACK = {"this", "it", "these", "so"}
BACK = "<back>"


@dataclass(frozen=True)
class Figure:
    """A figure as the check compares it: its kind (the currency, else the word it counts), the
    value and the range its hedge allows."""

    kind: str
    low: float
    high: float
    value: float | None  # as written, when no hedge widens it

    def meets(self, other: Figure) -> bool:
        """The two can be one figure: within each other's hedge, or one the other rounded
        ('$11 billion' for $11.3 billion, never for $11.5 billion)."""
        if self.value is not None and other.value is not None:
            return rounds_to(self.value, other.value) or rounds_to(other.value, self.value)
        return self.low <= other.high and other.low <= self.high


def figures(sentence: str) -> tuple[Figure, ...]:
    """The figures of a sentence that have a kind (a bare number, a year, is not compared), read with the
    active settings' hedges (the cache is keyed by them, so two contexts' settings never share a reading)."""
    dispute = config.current().disputes
    return _figures(sentence, dispute.floor_ceiling, dispute.about_margin)


@lru_cache(maxsize=65536)
def _figures(sentence: str, floor_ceiling: float, about_margin: float) -> tuple[Figure, ...]:
    found = []
    for m in FIGURE.finditer(sentence):
        currency, unit = (m.group("currency") or "").strip(), (m.group("unit") or "").lower()
        kind = currency or ("" if not unit or unit in {"and", "to", "or", "of", "in", "on", "at", "the", "a"}
                            else tokens(unit)[0] if tokens(unit) else "")
        scale = {"b": "billion"}.get((m.group("scale") or "").lower(), m.group("scale"))
        parsed = parse_number(" ".join(p for p in (m.group("hedge"), m.group("number"), scale) if p))
        if not kind or parsed is None or parsed.value is None:
            continue
        value = float(parsed.value)
        low, high = {"more than": (value, value * floor_ceiling), "at least": (value, value * floor_ceiling),
                     "up to": (value / floor_ceiling, value), "at most": (value / floor_ceiling, value),
                     "less than": (value / floor_ceiling, value),
                     "about": (value * (1 - about_margin), value * (1 + about_margin))
                     }.get(parsed.hedge or "", (value, value))
        found.append(Figure(kind, low, high, None if parsed.hedge else value))
    return tuple(found)


def figure_agreement(claim: tuple[Figure, ...], sentence: tuple[Figure, ...]) -> tuple[float, float]:
    """(1 if a figure of the sentence meets one of the claim's of the same kind, 1 if the
    sentence has a figure of that kind and size and none falls within it): figures of one kind whose
    sizes lie far apart (a $20 game beside a $2.5 billion deal) measure different things."""
    agrees = differs = 0.0
    ratio = config.current().checking.figure_ratio
    for c in claim:
        same = [f for f in sentence if f.kind == c.kind and f.high * ratio >= c.low and c.high * ratio >= f.low]
        if any(f.meets(c) for f in same):
            agrees = 1.0
        elif same:
            differs = 1.0
    return agrees, differs


def scope_words(sentence: str) -> list[str]:
    """A sentence's words as negation scope reads them: the check's content words (stemmed,
    negations kept) and the pronouns that point back at what was just said ('no discussions about
    this'), marked so the claim's words of the sentence before can stand in for them."""
    out = []
    for word in TOKEN.findall(sentence):
        low = word.lower()
        if low in POINTING_BACK:
            out.append(BACK)
        elif low == "less":  # a stop word, but 'less attractive' is 'unattractive'
            out.append(low)
        else:
            out.extend(tokens(word))
    return out


def negated_words(words: list[str], claim_words: set[str], scope: int, before: Set[str] = frozenset()) -> int:
    """How many of the claim's words stand within `scope` words after a negation or denial; a
    pronoun in scope stands for the claim's words of the sentence before (`before`)."""
    hits: set[str] = set()
    for i, word in enumerate(words):
        if DENYING.match(word):
            for w in words[i + 1:i + 1 + scope]:
                hits.update(before if w == BACK else {w} & claim_words)
    return len(hits)


def antonyms(words: list[str], claim: ClaimScope) -> int:
    """Words of the sentence or of the claim's event that are a word of the other with a negating
    prefix ('unfit' / 'fit'); a sentence's word under a negation or 'less' ('not fit', 'less
    attractive') says what the prefix says, and a negated claim is read by its negation instead."""
    if claim.negated:
        return 0
    plain = unnegated(words)
    least = config.current().checking.antonym_letters

    def flipped(a: set[str], b: set[str]) -> int:
        return sum(1 for w in a for p in PREFIXES if w.startswith(p) and len(w) - len(p) >= least and w[len(p):] in b)
    return flipped(plain, claim.plain) + flipped(claim.plain, plain)


def unnegated(words: list[str]) -> set[str]:
    """The words no negation or 'less' stands just before ('not fit' and 'less attractive' are not
    'fit' and 'attractive')."""
    reach = config.current().disputes.negation_scope
    return {w for i, w in enumerate(words) if not any(v == "less" or DENYING.match(v) for v in words[max(0, i - reach):i])}


def names_of(claim: str) -> set[str]:
    """The claim's names: its capitalised words (the first one too unless it is a common word),
    none when most of its words are capitalised (a headline in title case names nothing by case)."""
    words = TOKEN.findall(claim)
    capitalised = [w for w in words if w[:1].isupper()]
    if len(capitalised) * 2 > len(words):
        return set()
    return {stem(w.lower()) for w in capitalised if w.lower() not in STOPWORDS}


@dataclass(frozen=True)
class ClaimScope:
    """What the scoped cues read of a claim, once however many reports it meets: its names, its
    other content words (what it says happens), whether it is itself negated, its figures (none
    compared for a claim that only reports them)."""

    names: set[str]
    event: set[str]
    plain: set[str]  # the event's words no negation or 'less' stands just before
    negated: int
    figures: tuple[Figure, ...]

    @classmethod
    def of(cls, claim: str, hedged: bool = False) -> ClaimScope:
        """`hedged`: the claim says only what someone reports ('said to be buying for $2 billion'): a
        report's other figure then answers the report, not the claim, and is left to the model."""
        listed = tokens(claim)
        names = names_of(claim)
        event = set(listed) - names
        words = scope_words(claim)
        return cls(names, event, event & unnegated(words),
                   negated_words(words, event, config.current().disputes.negation_scope),
                   () if hedged else figures(claim))


@dataclass(frozen=True)
class SentenceScope:
    """What the scoped cues read of a report's sentence, once per report."""

    words: list[str]
    figures: tuple[Figure, ...]


def sentence_scopes(sentences: list[str]) -> list[SentenceScope]:
    return [SentenceScope(scope_words(s), figures(s)) for s in sentences]


def names_it(claim: ClaimScope, sentence: SentenceScope) -> bool:
    """The sentence names one of the claim's names (any sentence does, for a claim without one)."""
    return not claim.names or bool(claim.names & set(sentence.words))


def contradicts(claim: ClaimScope, sentence: SentenceScope) -> bool:
    """The sentence says the opposite of the claim in so many words: an antonym of the claim's event
    ('fit' against 'unfit') or a figure of the same kind outside the claim's."""
    agrees, differs = figure_agreement(claim.figures, sentence.figures)
    return bool(antonyms(sentence.words, claim)) or (differs > 0 and not agrees)


def denies(claim: ClaimScope, sentences: list[SentenceScope], i: int) -> bool:
    """Sentence i negates what the claim says happens ('no plans to call up more reservists' against
    'plans a second wave'), a pronoun in scope standing for the claim's words of the sentence before,
    or contradicts it; a negation of something else ('does not want peace') denies nothing."""
    before = claim.event & set(sentences[i - 1].words) if i > 0 else set()
    scope = config.current().disputes.negation_scope
    return (not claim.negated and negated_words(sentences[i].words, claim.event, scope, before) > 0) \
        or contradicts(claim, sentences[i])


def scoped_cues(claim: ClaimScope, report: list[SentenceScope], order: list[int], weights: np.ndarray) -> np.ndarray:
    """Over the closest sentences that bear on the claim (`order`, closest first, with their
    closeness `weights`, the closest 1; each naming the claim's names): an antonym of the claim's
    event, a figure within the claim's, one of the same kind outside it (SCOPE_NAMES)."""
    least = config.current().checking.relevant_closeness
    out = np.zeros(len(SCOPE_NAMES))
    for i, weight in zip(order, weights):
        sentence = report[i]
        if weight < least or not names_it(claim, sentence):
            continue
        agrees, differs = figure_agreement(claim.figures, sentence.figures)
        out = np.maximum(out, [antonyms(sentence.words, claim), agrees, differs])
    return out


def decided(probabilities: np.ndarray, scoped: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's stance (index into agree, disagree, discuss), and whether a contradiction decided
    it: the model's, except that a sentence bearing on the claim that contradicts it in so many words
    disagrees (FNC-1 dev has too few such pairs for the model to learn it from: after the checks
    above, a figure differs in one pair of its 8,092, an antonym in a dozen)."""
    antonym, agrees, differs = (scoped[:, k] for k in range(len(SCOPE_NAMES)))
    contradiction = (antonym > 0) | ((differs > 0) & (agrees == 0))
    return np.where(contradiction, 1, probabilities.argmax(axis=1)), contradiction
