"""Numeric claims: the figure (digits or words, ranges, hedges), what it counts, who claims it.

A figure is a CARDINAL/QUANTITY/MONEY/PERCENT span of the parse that is not part of a
date, a year, a phone number, an identifier ("AMX-10", "A321") or a name ("12 Update",
"Ocean's Twelve"). The span is widened to the currency sign and scale the parser leaves
out ("$500m" is tagged "500"). What it counts comes from the syntax: the noun the number
modifies, or for money and percentages the currency and "%"; whose quantity it is (the
subject) and what it measures come from the parse too (`measures.py`), so that a dispute is
only ever between figures for the same thing. People's ages ('23-year-old twins', 'Devon
Lofton, 7,') are figures; vague quantities ('dozens'), identifiers ('a 911 call'), list and
footnote markers are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from ..config import current
from ..prepare.parse import text_of
from .measures import (
    DIMENSIONS,
    SCALES_BEFORE,
    ages,
    calibres,
    fact_label,
    figure_token,
    is_casualty,
    measure_of,
    measure_unit,
    scale_before,
)
from .numbers import FRACTIONS, GLUED_SCALE, HEDGE_WORDS, SCALES, ParsedNumber, parse_number
from .subjects import salient_entity, subject_of_figure

GLUED_SCALE_READING = re.compile(rf"({'|'.join(sorted(SCALES_BEFORE))})-(\d+(?:\.\d+)?)", re.I)  # 'magnitude-9.1'
FIGURE_LABELS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
CURRENCIES = {"$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "€": "EUR", "eur": "EUR",
              "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP",
              "sterling": "GBP", "¥": "JPY", "yen": "JPY", "rs": "INR", "rs.": "INR", "₹": "INR", "rupees": "INR",
              "kronor": "SEK", "krona": "SEK", "yuan": "CNY", "renminbi": "CNY", "francs": "CHF", "a$": "AUD",
              "c$": "CAD", "hk$": "HKD"}
# 'around 15 seconds', 'more than two weeks': a hedge, a number, a unit of time, nothing else
DURATION = re.compile(r"((?:(?:about|around|nearly|almost|some|roughly|more than|at least|over|just|only)\s+)?"
                      r"(?:\d[\d,.]*|[a-z]+(?:[ -][a-z]+)?))\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)")
PERCENT_WORDS = {"%", "percent", "pc", "pct"}
PERCENT_TEXT = re.compile(r"%|\bper\s*cent\b|\bpercent\b|\bpct\b|\d\s*pc\b")
# Languages that write 12.000 for twelve thousand and 3,5 for three and a half.
DECIMAL_COMMA_LANGUAGES = {"de", "nl", "pt", "es", "it", "fr", "da", "no", "nb", "nn", "sv", "fi", "pl", "cs",
                           "sk", "sl", "hr", "sr", "ro", "hu", "ru", "uk", "be", "bg", "tr", "id", "el", "ca"}
PHONE = re.compile(r"\+?\(?\d{2,4}\)?[\s.-]\d{2,4}[\s.-]\d{2,4}(?:[\s.-]\d{2,4})?")
RANKED = re.compile(r"(?:\bNo\.|\b[Nn]umber|\btop)\s*$")


@dataclass
class RawFigure:
    """A figure in one article, before merging across articles."""

    value: float | None
    low: float | None
    high: float | None
    hedge: str | None
    unit: str | None
    counted: str | None
    text: str
    start: int
    sentence: int
    subject: str | None = None
    measure: str | None = None
    subject_inferred: bool = False  # the sentence names no one: the subject is what the report is about
    attributed_to: str | None = None
    # a number that names one thing ('a 911 call', 'the 6700 block'): no figure to show, but reports of one
    # event share it
    identifier: bool = False


def is_not_a_figure(doc_text: str, start: int, end: int, value: float | None) -> bool:
    """Dates, years, phone numbers and identifiers carry digits but are no figures."""
    before, after = doc_text[max(0, start - 1):start], doc_text[end:end + 1]
    if re.match(r"[A-Za-z]", after) and not re.match(r"\d+\s*(?:%|k|m|bn)", doc_text[start:end + 2].lower()):
        return True
    if re.search(r"[A-Za-z]-?$", doc_text[max(0, start - 2):start]) or before in ("#", "№"):
        return True
    if RANKED.search(doc_text[max(0, start - 8):start]):
        return True  # 'No. 1 slot', 'the top 10': a rank, not an amount
    window = doc_text[max(0, start - 6):min(len(doc_text), end + 6)]
    if PHONE.search(window) and len(re.sub(r"\D", "", window)) >= current().extraction.phone_digits:
        return True
    raw = doc_text[start:end]
    if re.match(r"\d{1,2}/\d{1,2}/\d{2,4}", doc_text[start:end + 8]):
        return True  # '1/7/05': a date
    return value is not None and re.fullmatch(r"(1[89]|20)\d\d", raw.strip()) is not None


def extract_figures(doc, language: str | None = None) -> list[RawFigure]:
    """Figures of one parsed article with the noun they count, digits read by the article's language."""
    decimal_comma = language in DECIMAL_COMMA_LANGUAGES
    english = language in (None, "en")
    figures = []
    sentence_of = {sent.start: i for i, sent in enumerate(doc.sents)}
    report_subject = salient_entity(doc) if english else None
    converted: tuple[int, RawFigure] | None = None  # the figure just read, which '(6 miles)' would restate
    for ent in _joined_ranges(doc, english):
        span = _widened(ent)
        parsed = parse_number(span.text, decimal_comma)
        labelled = english and fact_label(span) is not None
        if parsed is None or parsed.hedge == "vague" or \
                is_not_a_figure(text_of(doc), span.start_char, span.end_char, parsed.value) or \
                (english and _names_something(span) and not labelled) or _pronoun_one(span, parsed) or \
                _list_marker(span):
            continue
        unit, counted = (_counted_noun(span) if english else _following_word(span))
        scale = scale_before(span) if english else None
        if scale is not None:  # 'a magnitude 9.1 quake' counts no quakes
            unit = counted = scale.lemma_.lower()
        elif english and unit is None:
            unit = counted = measure_unit(span) or _hyphened_unit(span)
        if labelled:
            unit = counted = None  # 'Population: 361 million GDP: ...': the next label is no noun counted
        if parsed.hedge == "about" and span[0].lower_ == "about" and span[0].dep_ == "prep":
            parsed.hedge = None  # 'a movie about two men': a preposition, not a hedge
        percent = _is_percent(span)
        currency = None if percent else _currency(span)
        if currency or percent:
            unit = counted = currency or "%"
        elif parsed.fraction:
            unit = counted = "fraction"
        sent = span.sent
        figure = RawFigure(parsed.value, parsed.low, parsed.high, parsed.hedge, unit, counted, sent.text.strip(),
                           span.start_char, sentence_of[sent.start], identifier=english and _identifier(span))
        if english:
            _read_subject_and_measure(figure, span, bool(currency or percent or parsed.fraction), report_subject)
            figure.attributed_to = according_to(sent)
            _converts(figure, span, converted)
        converted = (span.end_char, figure)
        figures.append(figure)
    if english:
        # people's ages ('23-year-old twins', 'Devon Lofton, 7,'), guns' calibres ('a .22-caliber handgun'),
        # how long things lasted ('for around 15 seconds'): figures a fact-checker checks, which reports of
        # one event give alike or not
        for number, unit, whose in ages(doc):
            figures.append(_figure_at(number, parse_number(number.text), unit, "age", whose, sentence_of))
        for number, gun in calibres(doc):
            figures.append(_figure_at(number, ParsedNumber(float(number.text), None, None, None), "caliber",
                                      "gun caliber", gun, sentence_of))
        for span, parsed in _durations(doc):
            figure = _figure_at(span, parsed, span[-1].lemma_.lower() + "s", "duration", None, sentence_of)
            _set_subject(figure, subject_of_figure(span, None), report_subject)
            figures.append(figure)
        for number, scale, parsed in _unread_scale_readings(doc, {f.start for f in figures}):
            figure = _figure_at(number, parsed, scale, scale, None, sentence_of)
            _set_subject(figure, subject_of_figure(number.doc[number.i:number.i + 1], None), report_subject)
            figures.append(figure)
    return figures


def _unread_scale_readings(doc, read: set[int]) -> list[tuple[Token, str, ParsedNumber]]:
    """Readings on a scale that no figure span gave: 'a magnitude 9.1 quake' untagged, or 'magnitude-9.1' as
    one token."""
    found = []
    for token in doc:
        glued = GLUED_SCALE_READING.fullmatch(token.text)
        scale = glued.group(1).lower() if glued else None
        if scale is None and token.like_num and (before := scale_before(doc[token.i:token.i + 1])) is not None:
            scale = before.lemma_.lower()
        parsed = parse_number(glued.group(2) if glued else token.text)
        if scale is not None and parsed is not None and parsed.value is not None and token.idx not in read:
            found.append((token, scale, parsed))
    return found


def _durations(doc) -> list[tuple[Span, ParsedNumber]]:
    """'for around 15 seconds', 'for 30 years', 'lasted two days': how long something went on. Not a date
    ('two years ago', 'the past 50 years', 'last year'), a time window ('in 24 hours', 'within 10 days') nor
    an age ('7 years old')."""
    found = []
    for ent in doc.ents:
        match = DURATION.fullmatch(ent.text.lower()) if ent.label_ in ("DATE", "TIME") else None
        parsed = parse_number(match.group(1)) if match else None
        if parsed is None or parsed.value is None:
            continue
        after = doc[ent.end].lower_ if ent.end < len(doc) else ""
        before = doc[ent.start - 1] if ent.start else None
        lasted = before is not None and (before.lower_ == "for" or before.lemma_ == "last")  # not 'in 24 hours'
        if lasted and after not in ("ago", "old", "earlier", "later", "-"):
            found.append((ent, parsed))
    return found


def _figure_at(where: Token | Span, parsed: ParsedNumber | None, unit: str, measure: str, whose: str | None,
               sentence_of: dict[int, int]) -> RawFigure:
    """A figure read from a token or span of its own (an age, a calibre, a duration), with what it measures."""
    sent = where.sent
    value, hedge = (parsed.value, parsed.hedge) if parsed else (None, None)
    start = where.idx if isinstance(where, Token) else where.start_char
    return RawFigure(value, None, None, hedge, unit, unit, sent.text.strip(), start, sentence_of[sent.start],
                     subject=whose, measure=measure)


def _set_subject(figure: RawFigure, said: str | None, report_subject: str | None) -> None:
    """The subject the sentence names, else what the report is about, marked as inferred."""
    figure.subject = said
    if said is None and report_subject:
        figure.subject, figure.subject_inferred = report_subject, True


def _pronoun_one(span, parsed: ParsedNumber) -> bool:
    """'one of the eight charities', 'at least one of Intel's partners', 'one senior official said': the word
    'one' picks out, it does not count; 'killing one man' counts the dead."""
    if parsed.value != 1:
        return False
    picks_out = span.end < len(span.doc) and span.doc[span.end].lower_ == "of"
    return picks_out or (not parsed.hedge and span.text.lower().strip() in ("one", "a", "an") and not _in_a_count(span)
                         and not is_casualty(span, _counted_token(span)))


def _in_a_count(span) -> bool:
    """'seven research vessels and one submarine': 'one' beside another count counts too."""
    thing = figure_token(span).head
    siblings = [thing.head] if thing.dep_ == "conj" else [c for c in thing.children if c.dep_ == "conj"]
    return any(c.dep_ == "nummod" and c.like_num for s in siblings for c in s.children)


def _list_marker(span) -> bool:
    """'1.' alone on its line: the number of a list item."""
    return re.fullmatch(r"\(?\d{1,2}[.)]", span.sent.text.strip()) is not None


def _identifier(span) -> bool:
    """'a 911 call', 'the 6700 block', 'Internet Explorer, version 4.0': a number that names one thing (a
    singular noun, no unit) is an identifier, not an amount; amounts count plural things. A number with
    decimals measures ('a 6.1 magnitude earthquake')."""
    number = figure_token(span)
    parsed = parse_number(number.text)
    if not number.like_num or span.end - span.start > 1 or parsed is None or parsed.value in (None, 0, 1) or \
            not float(parsed.value).is_integer():
        return False
    head = number.head
    named = head.tag_ == "NN" and head.lower_ not in PERCENT_WORDS | set(CURRENCIES) | set(SCALES) and \
        not any(t.text == "-" for t in number.doc[min(number.i, head.i):max(number.i, head.i)])
    after = number.dep_ == "nummod" and head.i == number.i + 1
    before = number.dep_ in ("nummod", "appos", "npadvmod", "dobj") and head.i in (number.i - 1, number.i - 2) and \
        number.doc[number.i - 1].text in (",", head.text)
    return named and (after or before)


def _widened(ent):
    """The figure span with the currency sign before it and the scale or unit after it ('$' '500' 'm')."""
    doc, start, end = ent.doc, ent.start, ent.end
    while start > ent.sent.start and (doc[start - 1].lower_ in CURRENCIES or (doc[start - 1].text in ("US", "A", "C")
                                      and start < len(doc) and doc[start].text == "$")):
        start -= 1
    while end < ent.sent.end and ((doc[end].lower_ in SCALES and doc[end].lower_ != "hundred")
                                  or doc[end].lower_ in PERCENT_WORDS or doc[end].lower_ in CURRENCIES
                                  or GLUED_SCALE.fullmatch(doc[end].lower_)):
        end += 1
    return doc[start:end]


def _currency(span) -> str | None:
    """The currency code of a money figure, from its sign or the currency word after it."""
    following = span.doc[span.end:span.end + 1]
    for word in [t.lower_ for t in span] + [t.lower_ for t in following if t.is_alpha]:
        word = GLUED_SCALE.sub(r"\2", word)
        if word in CURRENCIES:
            return CURRENCIES[word]
    match = re.match(r"([a-z]{0,2}[$€£¥₹])", span.text.lower())
    return CURRENCIES.get(match.group(1)) if match else None


def _is_percent(span) -> bool:
    """'17%', '1.3 pc', '3 per cent' (which the parser may tag MONEY), 'percent' just after the span."""
    words = span.text.lower() + " " + " ".join(t.lower_ for t in span.doc[span.end:span.end + 2])
    return any(t.ent_type_ == "PERCENT" for t in span) or PERCENT_TEXT.search(words) is not None


def _names_something(span) -> bool:
    """'12 Update', 'Ocean's Twelve', 'TV2': a number that is part of a title or name, not an amount."""
    root = figure_token(span)
    head = root.head
    return root.dep_ == "nummod" and head.pos_ == "PROPN" and head.text[:1].isupper() and \
        head.lower_ not in CURRENCIES and head.ent_type_ not in ("NORP",) and head.tag_ != "NNPS"


def _read_subject_and_measure(figure: RawFigure, span, sum_or_share: bool, report_subject: str | None) -> None:
    """Whose quantity ('an earthquake in Aceh', else what the report is about, marked as inferred) and what
    it measures ('people killed', 'depth')."""
    counted = _counted_token(span)
    figure.measure = measure_of(span, counted, sum_or_share)
    _set_subject(figure, subject_of_figure(span, counted, sum_or_share), report_subject)


def according_to(sent) -> str | None:
    """'according to X' in the figure's sentence: X as written (a name, 'studio estimates')."""
    for token in sent:
        if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor(1).lower_ == "to":
            objects = [c for c in token.nbor(1).children if c.dep_ == "pobj"]
            if objects:
                phrase = "".join(t.text_with_ws for t in objects[0].subtree).strip(" ,.")
                return re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I) or None
    return None


def _joined_ranges(doc, english: bool = True):
    """Figure spans, with '500,000 to 700,000' joined when the parser tagged two numbers. The French
    and Spanish models tag no numbers, and the blank pipeline nothing: there, every run of digits."""
    ents = sorted([e for e in doc.ents if e.label_ in FIGURE_LABELS or _fraction_of(e)] + _untagged_counts(doc),
                  key=lambda e: e.start) \
        if english else _digit_runs(doc)
    joined, skip = [], False
    for ent, following in zip(ents, [*ents[1:], None]):
        if skip:
            skip = False
            continue
        between = text_of(doc)[ent.end_char:following.start_char] if following is not None else ""
        if following is not None and re.fullmatch(r"\s*(?:to|-|–|and)\s*", between) and \
                following.start - ent.end <= 1 and all(t.like_num or t.lower_ in HEDGE_WORDS for t in ent):
            joined.append(doc[ent.start:following.end])
            skip = True
        else:
            joined.append(ent)
    return joined


def _fraction_of(ent) -> bool:
    """'a sixth of the space', which the tagger calls an ordinal: a share, said with the whole it is of."""
    following = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return ent.label_ == "ORDINAL" and following is not None and following.lower_ == "of" and \
        ent[-1].lower_.rstrip("s") in FRACTIONS and len(ent) == 1 and ent.start > 0 and \
        ent.doc[ent.start - 1].lower_ in ("a", "one", "two", "three")


def _untagged_counts(doc) -> list:
    """'Around 40 houses were damaged': a number counting a plural noun (not a unit of time) that the entity
    tagger left untagged or took for a date, with the hedge before it."""
    tagged = {t.i for e in doc.ents for t in e}
    found = []
    for token in doc:
        as_date = token.ent_type_ == "DATE" and token.head.lemma_.lower() not in DIMENSIONS["duration"]
        if (token.i in tagged and not as_date) or not token.like_num or token.dep_ != "nummod" or token.head.tag_ != "NNS":
            continue
        hedge = [c for c in token.children if c.dep_ in ("advmod", "quantmod") and c.i == token.i - 1]
        found.append(doc[(hedge[0] if hedge else token).i:token.i + 1])
    return found


def _digit_runs(doc) -> list:
    runs, start = [], None
    for token in [*list(doc), None]:
        numeric = token is not None and token.like_num and any(c.isdigit() for c in token.text)
        if numeric and start is None:
            start = token.i
        elif not numeric and start is not None:
            runs.append(doc[start:token.i if token is not None else len(doc)])
            start = None
    return runs


def _following_word(ent) -> tuple[str | None, str | None]:
    """Outside English the parse is unreliable; most languages put the counted noun right after the digits."""
    numbers = [t.i for t in ent if t.like_num]
    after = (numbers[-1] if numbers else ent.end - 1) + 1
    following = ent.doc[after] if after < len(ent.doc) else None
    if following is None or not following.is_alpha or following.is_stop:
        return None, None
    return following.lower_, following.text


def _counted_token(ent):
    """The noun a number counts ('89 soldiers', '82,000 of the men'), or None."""
    root = figure_token(ent)
    head = root.head if root.dep_ in ("nummod", "quantmod", "compound", "amod", "npadvmod") else None
    if head is None or head.i in range(ent.start, ent.end):
        of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        head = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return head if head is not None and head.pos_ in ("NOUN", "PROPN") else None


def _converts(figure: RawFigure, span, previous: tuple[int, RawFigure] | None) -> None:
    """'a depth of 10 kilometers (6 miles)': a figure in brackets right after another restates it in other
    units, so it measures the same thing of the same subject."""
    if previous is None:
        return
    end, restated = previous
    if re.fullmatch(r"\s*\(\s*", text_of(span.doc)[end:span.start_char]):
        figure.measure, figure.subject, figure.subject_inferred = restated.measure, restated.subject, \
            restated.subject_inferred


def _hyphened_unit(span) -> str | None:
    """'the 6.1-magnitude quake': the noun joined to the number is its unit, as in 'a 6.1 magnitude quake'."""
    number = figure_token(span)
    doc = number.doc
    if number.i + 2 < len(doc) and doc[number.i + 1].text == "-" and doc[number.i + 2].pos_ == "NOUN":
        return doc[number.i + 2].lemma_.lower()
    return None


def _counted_noun(ent) -> tuple[str | None, str | None]:
    """The noun a number counts and its modifiers ('Intel core processors')."""
    head = _counted_token(ent)
    if head is None:
        return None, None
    modifiers = [t for t in head.lefts if t.dep_ in ("amod", "compound") and t.i >= ent.end]
    counted = "".join(t.text_with_ws for t in modifiers) + head.text
    return head.lemma_.lower() or head.text.lower(), counted
