"""Plain dataclasses passed between pipeline stages.

Every stage is a set of pure functions over these records; only `store` (which keeps them) and
`run` (which reads and writes them around the stages) know about persistence, and `present.export`
reads a whole store to write it out. Fields mirror the export contract (../shared/contract/EXPORT.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import current
from .text import safe_text


@dataclass
class RawDocument:
    """One readable input record, before cleaning.

    `source` is its identity (the url when known); `origin` is where it was read (file, file:line,
    posted record), the place a failure must name so that the user can find the record.
    """

    source: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    origin: str = ""

    @property
    def where(self) -> str:
        return self.origin or self.source


@dataclass
class Failure:
    """An input that could not be ingested, and why (as text any store or page can hold)."""

    source: str
    reason: str
    count: int = 1   # more than 1: this row stands for that many failures of one kind in one file

    def __post_init__(self) -> None:
        self.source, self.reason = safe_text(self.source), safe_text(self.reason)


@dataclass
class Article:
    id: str
    source: str
    title: str
    text: str
    content_hash: str
    outlet: str | None = None
    language: str | None = None
    published: str | None = None
    published_inferred: bool = False
    duplicate_of: str | None = None
    event_id: str | None = None
    story_id: str | None = None


@dataclass(frozen=True)
class ArticleText:
    """A stored article's words as the claim check reads them, with its place in the store's order
    (articles are only ever added, their texts never change: a reader reads on from the last row it saw)."""

    row: int
    id: str
    title: str
    text: str


@dataclass
class Mention:
    """A named-entity mention found in one article."""

    text: str
    label: str
    article_id: str
    stands_for: str | None = None  # an acronym the report introduced in parentheses after this name
    person_cue: bool = False  # the syntax says a person whatever the label: an age beside it, a verb only people take
    speaks: bool = False  # a lone word the subject of a verb of saying ('Warfield said'): a person or a body
    written_with: str | None = None  # the name this form writes with a title or a kind ('Medan city' of 'Medan')
    common_word: bool = False  # one word its report also writes small ('the Foundation' / 'a foundation'): maybe no name


@dataclass
class NameJoin:
    """Two of an entity's names, and why they are one ('UN' / 'United Nations': the initials of it)."""

    name: str
    other: str
    why: str


@dataclass
class Entity:
    id: str
    name: str
    type: str
    aliases: list[str]
    article_ids: list[str]
    joins: list[NameJoin] = field(default_factory=list)  # how its names came together, each with its reason


@dataclass
class QuoteVariant:
    """One article's wording of a statement; speaker_text is the speaker as that article names them."""

    article_id: str
    text: str
    speaker_text: str | None = None
    attribution: str | None = None  # how this article names the speaker: ATTRIBUTIONS
    confidence: float | None = None  # a direct quote's: the speaker chooser's probability (extract/speaker_choice.py)


# How an article names a reported statement's speaker (the subject of its reporting verb, 'according to'),
# and how sure that makes the speaker, as measured on PolNeAR dev and the exhaustive dev golds: named
# 728/779 right, 'he' or 'she' resolved to the last person named 30/46, 'the spokesman' resolved to one so
# titled 4/12. A direct quote's speaker is sure as the chooser's probability, in these bands (fitted
# without the corpus scored, right speakers among those chosen: at 0.8 or more 437/468, from 0.5 32/43).
ATTRIBUTIONS = {"named": "high", "before": "high", "continued": "medium", "pronoun": "medium", "role": "low"}


def speaker_confidence(variants: list[QuoteVariant]) -> str | None:
    """How sure the speaker is: as sure as the surest article (None: no article names them)."""
    probabilities = [v.confidence for v in variants if v.attribution and v.confidence is not None]
    if probabilities:
        bands = current().extraction
        sure = max(probabilities)
        return "high" if sure >= bands.sure_speaker else "medium" if sure >= bands.likely_speaker else "low"
    ways = [v.attribution for v in variants if v.attribution in ATTRIBUTIONS]
    return ATTRIBUTIONS[min(ways, key=list(ATTRIBUTIONS).index)] if ways else None


@dataclass
class Quote:
    """A statement, direct or reported, with every article that carries it."""

    id: str
    speaker: str | None
    speaker_entity_id: str | None
    kind: str
    said_on: str | None
    variants: list[QuoteVariant]


@dataclass
class Quantity:
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    hedge: str | None = None
    subject: str | None = None  # whose quantity: 'Sears shares', 'an earthquake in Aceh'
    measure: str | None = None  # what is measured: 'depth', 'people killed', 'improvement'
    subject_inferred: bool = False  # the figure's sentence names no subject: it is what the report is about


def figure_text(q: Quantity, unit: bool = True) -> str:
    """A figure as a reader writes it: hedge, number or range, unit ("about 12,000 workers")."""
    number = _number(q.value) if q.value is not None else "–".join(_number(v) for v in (q.low, q.high) if v is not None)
    return " ".join(filter(None, (q.hedge if q.hedge != "vague" else None, number, q.unit if unit else None)))


def _number(value: float) -> str:
    """30000000 -> '30,000,000', 2.5 -> '2.5' (never the exponent notation of :g)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass
class Detail:
    """A detail of a happening that sources may disagree on: the question it answers and the answer."""

    slot: str  # 'day', 'time', 'wound', 'bearing from Bireun at 55 km'
    answer: str  # as written: 'Saturday', 'about 3:50 p.m.', 'head', '55 kilometres south of Bireun'


@dataclass
class Claim:
    """A figure, or a detail of what happened, that somebody states, with who claims it and where."""

    id: str
    text: str
    source: str | None
    source_entity_id: str | None
    quantity: Quantity | None  # None for a detail
    article_ids: list[str]
    source_kind: str | None = None  # speaker | attributed ('according to') | outlet (the report itself)
    detail: Detail | None = None


def claim_label(claim: Claim) -> str:
    """What a claim states, short: its figure ('about 12,000 workers') or its detail ('in the head')."""
    if claim.quantity is not None:
        return figure_text(claim.quantity)
    return claim.detail.answer if claim.detail else ""


@dataclass
class Relation:
    a: str
    b: str
    type: str
    why: str


@dataclass
class TimelineEntry:
    date: str
    granularity: str
    story_id: str
    text: str
    article_ids: list[str]
    expected: bool = False


@dataclass
class SummarySentence:
    text: str
    article_ids: list[str]


@dataclass
class Event:
    id: str
    story_id: str
    title: str
    start: str | None
    end: str | None
    article_ids: list[str]


@dataclass
class StoryAnalysis:
    """Everything computed for one story; replaced as a whole when the story changes."""

    story_id: str
    title: str
    summary: list[SummarySentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)


# The reader's corrections, by kind: those that change one story's analysis, and those that move
# reports between stories (analysis.corrections says what each means and needs).
ANALYSIS_KINDS = ("rename", "speaker", "dispute", "event", "apart")
REGROUPING_KINDS = ("move", "split", "merge")
CORRECTION_KINDS = ANALYSIS_KINDS + REGROUPING_KINDS


@dataclass
class Correction:
    """One correction by a reader. `story_id` is the story it was made on; `value` holds what it
    says, in terms that survive re-analysis (statement keys, article ids)."""

    id: str
    kind: str
    story_id: str
    value: dict
    author: str
    at: str
    undone_at: str | None = None
    undone_by: str | None = None

    @property
    def active(self) -> bool:
        return self.undone_at is None

    @property
    def regroups(self) -> bool:
        """It moves reports between stories (not only changes what one story's analysis says)."""
        return self.kind in REGROUPING_KINDS
