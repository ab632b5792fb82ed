"""Per-article extraction: one parse, every fact the story-level stages need.

The result (ArticleFacts) is plain data stored with the article, so re-analysing a story
never parses its articles again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..config import current
from ..dates import TimeExpression, dateline_expression, find_time_expressions, tense_around
from ..models import Mention
from ..prepare.parse import text_of
from .details import RawDetail, extract_details
from .entities import extract_mentions
from .figures import RawFigure, extract_figures
from .quotes import RawQuote, extract_quotes, quote_spans
from .speakers import speaker_context

FUTURE_AUX = {"will", "would", "shall", "'ll", "wo"}
PLAN_VERBS = {"plan", "expect", "prepare", "intend", "schedule", "slate", "aim", "propose", "due", "set", "hope",
              "threaten"}


@dataclass
class TimeMention:
    sentence: int
    kind: str
    text: str
    groups: list
    future: bool
    dateline: bool = False  # the date the report was filed ('WASHINGTON, Dec. 31 (Xinhuanet) --')
    tense: str | None = None  # 'future' or 'past' as the sentence's cue words say (dates.tense_around), else None

    def expression(self) -> TimeExpression:
        return TimeExpression(self.kind, self.text, 0, len(self.text), tuple(self.groups))


@dataclass
class ArticleFacts:
    sentences: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[RawQuote] = field(default_factory=list)
    figures: list[RawFigure] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    proper_words: list[str] = field(default_factory=list)
    details: list[RawDetail] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ArticleFacts:
        return cls(
            sentences=data["sentences"],
            mentions=[Mention(**m) for m in data["mentions"]],
            quotes=[RawQuote(**q) for q in data["quotes"]],
            figures=[RawFigure(**f) for f in data["figures"]],
            times=[TimeMention(**t) for t in data["times"]],
            proper_words=data.get("proper_words", []),
            details=[RawDetail(**d) for d in data.get("details", [])],
        )


def extract_facts(doc, article_id: str, language: str | None = None, title: str | None = None) -> ArticleFacts:
    """Mentions, statements, figures and time expressions of one parsed article (language None: English rules).

    The title is read for a dateline only: a scraped page's date line ('July 2, 2013 07:44') often ends up
    as its title, and it is then the one place the report says when it was filed."""
    spans = extract_mentions(doc, article_id)
    context = speaker_context(doc, spans)
    sentences = list(doc.sents)
    quoted = quote_spans(text_of(doc))
    expressions = [find_time_expressions(s.text) for s in sentences]  # read once: dates and details both need them
    filed = _dateline(text_of(doc), language) or _dateline(title or "", language)
    return ArticleFacts(
        sentences=[s.text.strip() for s in sentences],
        mentions=[m for _start, _end, m in spans],
        quotes=extract_quotes(doc, context),
        figures=extract_figures(doc, language),
        times=filed + [t for i, s in enumerate(sentences) for t in _time_mentions(s, i, quoted, expressions[i], language)],
        proper_words=sorted({t.text for t in doc if t.pos_ == "PROPN" and not t.ent_type_ and t.is_alpha
                             and t.text[0].isupper() and len(t.text) >= 4}),
        details=extract_details(doc, expressions) if language in (None, "en") else [],
    )


def _dateline(text: str, language: str | None) -> list[TimeMention]:
    expr = dateline_expression(text, language)
    return [TimeMention(0, expr.kind, expr.text, list(expr.groups), False, True)] if expr else []


def _time_mentions(sent, index: int, quoted: list[tuple[int, int]], expressions: list[TimeExpression],
                   language: str | None = None) -> list[TimeMention]:
    """Time expressions of the narrative; those inside quotes belong to the speaker's 'now'."""
    found = []
    for expr in expressions:
        position = sent.start_char + expr.start
        if any(start <= position < end for start, end in quoted):
            continue
        token = sent.char_span(expr.start, expr.end, alignment_mode="expand")
        future = token is not None and _speaks_of_future(token.root)
        tense = tense_around(sent.text, expr.start, expr.end, language)
        found.append(TimeMention(index, expr.kind, expr.text, list(expr.groups), future, tense=tense))
    return found


def _speaks_of_future(token) -> bool:
    """The clause holding the time phrase is in the future or is a plan ('plans to call up in January')."""
    node, steps = token, 0
    while node.head is not node and steps < current().dates.future_clause_steps:
        node = node.head
        steps += 1
        if node.pos_ in ("VERB", "AUX"):
            if any(c.lower_ in FUTURE_AUX for c in node.children if c.dep_ in ("aux", "auxpass")):
                return True
            if node.lemma_ in PLAN_VERBS:
                return True
            if node.dep_ not in ("xcomp", "advcl", "conj"):
                return False
    return False
