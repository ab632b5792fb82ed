"""Time expressions: find them in text and resolve them against an anchor date.

Resolution is calendar arithmetic, not guessing: a weekday is the latest such day on or
before the anchor (the next one when the sentence speaks of the future), a day without a
year takes the year that puts it nearest the anchor, a part of a month ("late December")
keeps month granularity but remembers the days it covers, so that the publication-date
inference in `published.py` can use its end as a lower bound.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..config import current
from ..text import SPELLED_TENS, SPELLED_UNITS

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
SPANISH_MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                  "octubre", "noviembre", "diciembre"]
MONTHS.update({name: n for n, name in enumerate(SPANISH_MONTHS, start=1)})
MONTHS["setiembre"] = 9
MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|" \
        r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?:\.|\b))"
# A month named alone: capitalised, and "May" (a modal verb too) only after a preposition.
BARE_MONTH = r"(?<![\w-])(January|February|March|April|June|July|August|September|October|November|December)" \
             r"(?![\w-])(?!\s+\d)(?!,?\s+(?:19|20)\d\d)"
MES = r"(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)"
WEEKDAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name: n for n, name in enumerate(
    ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"])})
WEEKDAYS.update({"miercoles": 2, "sabado": 5})
DIA = r"(lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo)"
YEAR = r"((?:19|20)\d{2})"
DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
DASH = r"\s*(?:-|–|—|to|and|until)\s*"
# A year standing alone: not an amount ($1990, 1,990), a count ("1990 people"), a decade or a clock.
BARE_YEAR = (r"(?<![\d$€£#.,:/-])(?:mid-)?((?:19|20)\d{2})(?![\d%]|[.,:/]\d|s\b|['’]s\b)"
             r"(?!\s+(?:[a-z]+\s+)?(?:people|persons|men|women|children|shares|troops|soldiers|workers|jobs|"
             r"votes|units|cases|deaths|homes|cars|employees|members|residents|students|dollars|euros|"
             r"pounds|yen|miles|km|kilometers|meters|feet|tons|barrels|personas|muertos|euros|dólares)\b)")

PART_WORDS = {
    "early": (1, 10), "beginning": (1, 10), "start": (1, 10),
    "mid": (11, 20), "middle": (11, 20),
    "late": (21, 31), "end": (21, 31),
    "principios": (1, 10), "comienzos": (1, 10), "inicios": (1, 10),
    "mediados": (11, 20), "finales": (21, 31), "fines": (21, 31),
}
HOLIDAYS = {
    "new year's eve": (12, 31), "new year's day": (1, 1), "christmas eve": (12, 24),
    "orthodox christmas": (1, 7), "christmas day": (12, 25), "christmas": (12, 25),
}
# Relative words, both languages, as the English cue the resolvers read.
CUES = {"pasado": "last", "pasada": "last", "anterior": "last", "último": "last", "última": "last",
        "próximo": "next", "próxima": "next", "proximo": "next", "proxima": "next", "que viene": "next",
        "siguiente": "next", "este": "this", "esta": "this", "previous": "last", "past": "last",
        "coming": "next", "following": "next", "current": "this"}
UNITS = {"día": "day", "días": "day", "dia": "day", "dias": "day", "semana": "week", "semanas": "week",
         "mes": "month", "meses": "month", "año": "year", "años": "year", "decade": "decade", "decades": "decade",
         "década": "decade", "décadas": "decade"}
DAY_OFFSETS = {"yesterday": -1, "today": 0, "tomorrow": 1, "tonight": 0, "this morning": 0, "this afternoon": 0,
               "this evening": 0, "last night": -1, "earlier today": 0, "later today": 0, "ayer": -1, "hoy": 0,
               "anteayer": -2, "antier": -2, "anoche": -1, "mañana": 1, "pasado mañana": 2, "esta mañana": 0,
               "esta tarde": 0, "esta noche": 0, "el día de hoy": 0}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
            "primer": 1, "primero": 1, "segundo": 2, "tercer": 3, "tercero": 3, "cuarto": 4}
SEASONS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11),
           "primavera": (3, 5), "verano": (6, 8), "otoño": (9, 11)}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3,
                "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10}
SPELLED_YEAR = (r"\b(?:the\s+year\s+)?(nineteen|twenty)[\s-]+((?:twenty|thirty|forty|fifty|sixty|seventy|eighty|"
                r"ninety)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|"
                r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b|\b(?:the\s+year\s+)?(two\s+thousand)"
                r"(?:\s+(?:and\s+)?(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))?\b")
NUMBER = r"(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)"
NUMERO = r"(un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|\d+)"
QUARTER = r"(first|second|third|fourth|1st|2nd|3rd|4th)"


def _p(pattern: str, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


ENGLISH: list[tuple[str, re.Pattern[str]]] = [
    ("iso", _p(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("range_dm", _p(rf"\b(?:from\s+)?{DAY}{DASH}{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s+{YEAR})?")),
    ("range_md", _p(rf"\b{MONTH}\s+{DAY}{DASH}{DAY}\b(?:,?\s+{YEAR})?")),
    ("part", _p(rf"\b(?:(?:at|by|in|since|until|from|to)\s+)?(?:the\s+)?"
                rf"(early|late|mid-?|(?:beginning|start|end|middle)\s+of)\s*{MONTH}(?:,?\s+{YEAR})?")),
    ("md", _p(rf"\b{MONTH}\s+{DAY}(?!\d)(?!\s*(?:-|–)\s*\d)(?:,?\s+{YEAR})?(\s+this\s+year)?")),
    ("dm", _p(rf"\b{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s+{YEAR})?(\s+this\s+year)?")),
    ("my", _p(rf"\b{MONTH}\s+(?:of\s+)?{YEAR}\b")),
    ("holiday", _p(r"\b(?:the\s+)?(New Year['’]s Eve|New Year['’]s Day|Christmas Eve|Orthodox Christmas|"
                   r"Christmas Day|Christmas|Thanksgiving(?:\s+Day)?)\b")),
    ("quarter", _p(rf"\b(?:the\s+)?(?:{YEAR}\s+)?(?:fiscal\s+)?{QUARTER}[\s-]+(?:fiscal\s+)?quarter"
                   rf"(?:\s+(?:of\s+)?(?:fiscal\s+)?{YEAR})?")),
    ("quarter_ref", _p(r"\b(the\s+(?:latest|current|recent|most\s+recent|same|year[\s-]ago|year[\s-]earlier|"
                       r"comparable|fiscal)?\s*(?:quarter|period)|(?:an?\s+)?year[\s-](?:ago|earlier)(?:\s+(?:quarter|period))?)\b")),
    ("month", _p(rf"\b(in|since|by|until|last|next|this|during|early|late|of|for|from|through|before|after)\s+"
                 rf"{MONTH}(?!\s+\d)")),
    ("month_year", _p(rf"\b{MONTH}\s+(last|this|next)\s+year\b")),
    ("season", _p(r"\b(?:(last|this|next|the|past|coming)\s+)?(spring|summer|fall|autumn)(?:\s+(?:of\s+)?"
                  r"((?:19|20)\d{2}))?\b(?!\s+(?:collection|fashion|term|semester|session|season))")),
    ("year", _p(rf"\b(in|since|by|until|of|from|before|after|early|late|during|fiscal)\s+{YEAR}\b(?![\d,.]\d)")),
    ("spelled_year", _p(SPELLED_YEAR)),
    ("relative", _p(rf"\b(yesterday|today|tomorrow|tonight|this\s+(?:morning|afternoon|evening)|last\s+night|"
                    rf"(?:earlier|later)\s+today|(?:last|this|next|the\s+coming|the\s+past)\s+(?:week|month|year)|"
                    rf"(?:a|an|one)\s+(?:decade|year)\s+(?:ago|earlier)|{NUMBER}\s+(day|week|month|year|decade)s?\s+ago|"
                    rf"(?:the\s+)?(?:current|present)\s+(?:fiscal\s+)?year|the\s+(?:end|close)\s+of\s+(?:the|this)\s+"
                    rf"(?:month|year)|year[\s-]end|(?:earlier|later)\s+this\s+(?:week|month|year))\b")),
    ("weekend", _p(r"\b(?:(last|this|next|the\s+past|the\s+coming|the)\s+)?weekend\b")),
    ("weekday", _p(r"\b(?:(last|this|next|on|previous|coming)\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|"
                   r"Saturday|Sunday)(?:\s+(?:morning|afternoon|evening|night))?\b")),
    ("bare_month", _p(BARE_MONTH, 0)),
    ("bare_year", _p(BARE_YEAR)),
]

SPANISH: list[tuple[str, re.Pattern[str]]] = [
    ("iso", _p(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("es_dm", _p(rf"\b(?:el\s+)?(?:(?:{DIA}),?\s+)?(?:día\s+)?(\d{{1,2}})\s+de\s+{MES}(?:\s+(?:de|del)\s+(?:año\s+)?{YEAR})?")),
    ("es_my", _p(rf"\b{MES}\s+(?:de|del)\s+{YEAR}\b")),
    ("es_part", _p(rf"\b(?:a\s+)?(principios|comienzos|inicios|mediados|finales|fines)\s+de(?:l)?\s+"
                   rf"(?:(mes|año)|{MES}(?:\s+(?:de|del)\s+{YEAR})?|{YEAR})")),
    ("es_month", _p(rf"\b(?:(?:en|desde|hasta|de|el\s+pasado|el\s+próximo|este|el\s+mes\s+de)\s+)?{MES}"
                    rf"(?:\s+(pasado|próximo))?(?!\s+de\s+\d)\b")),
    ("es_relative", _p(r"\b(pasado\s+mañana|anteayer|antier|anoche|ayer|hoy|esta\s+(?:mañana|tarde|noche)|"
                       r"el\s+día\s+de\s+hoy|(?<!la\s)(?<!por\s)(?<!de\s)mañana(?!\s+por)(?!,?\s+(?:tarde|noche)))\b")),
    ("es_period", _p(r"\b(?:(?:el|la)\s+)?(?:(pasado|pasada|próximo|próxima|este|esta|último|última)\s+)?"
                     r"(año|mes|semana|fin\s+de\s+semana)(?:\s+(pasado|pasada|próximo|próxima|que\s+viene|anterior))?\b")),
    ("es_ago", _p(rf"\bhace\s+{NUMERO}\s+(días?|semanas?|mes(?:es)?|años?|décadas?)\b")),
    ("es_quarter", _p(r"\b(?:el\s+)?(primer|segundo|tercer|cuarto)\s+trimestre"
                      r"(?:\s+(?:de|del)\s+(?:este\s+año|((?:19|20)\d{2})))?")),
    ("es_weekday", _p(rf"\b(?:(?:el|este|esta|del|al)\s+)?(?:(pasado|próximo)\s+)?{DIA}(?:\s+(pasado|próximo|que\s+viene))?\b")),
    ("es_year", _p(rf"\b(?:(?:el|del|en|desde|hasta|año)\s+)?{BARE_YEAR}")),
]
PATTERNS_BY_LANGUAGE = {"en": ENGLISH, "es": SPANISH}
# Words that put a sentence's dates ahead of its publication (a plan, a schedule) or behind it.
FUTURE_CUES = {
    "en": re.compile(r"\b(will|won't|'ll|shall|going\s+to|plans?\s+to|planned|scheduled|expected\s+to|expects|"
                     r"due\s+(?:to|on|in)|set\s+to|to\s+be\s+held|upcoming|is\s+to|are\s+to|hopes?\s+to|"
                     r"intends?\s+to|aims?\s+to|takes?\s+effect)\b", re.I),
    "es": re.compile(r"\b(\w+(?:ará|erá|irá|arán|erán|irán)|va\s+a|van\s+a|vamos\s+a|prevé|previst[oa]s?|"
                     r"próxim[oa]s?|planea|espera|tendrá\s+lugar)\b", re.I),
}
# How far around a date its clause's tense words are looked for.
PAST_CUES = {
    "en": re.compile(r"\b(was|were|had|did|ago|earlier|last|previous|\w{3,}ed)\b", re.I),
    "es": re.compile(r"\b(\w+(?:ó|aron|ieron|aba|aban|ía|ían)|fue|fueron|hubo|ha|han|había|habían|pasad[oa])\b",
                     re.I),
}


@dataclass(frozen=True)
class TimeExpression:
    """A time expression as written, before resolution."""

    kind: str
    text: str
    start: int
    end: int
    groups: tuple[str | None, ...]


@dataclass(frozen=True)
class ResolvedTime:
    """A resolved time: `iso` at `granularity`, covering the days first..last."""

    iso: str
    granularity: str
    first: date
    last: date
    explicit_year: bool


def find_time_expressions(text: str, language: str | None = "en") -> list[TimeExpression]:
    """All time expressions in text, the earlier pattern winning an overlap, in text order.

    English rules read any language without its own (a date in a French report is often
    written the English way by the wire that carried it)."""
    taken: list[tuple[int, int]] = []
    found: list[TimeExpression] = []
    for kind, pattern in PATTERNS_BY_LANGUAGE.get((language or "en")[:2], ENGLISH):
        for match in pattern.finditer(text):
            span = match.span()
            if span[0] == span[1] or any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            found.append(TimeExpression(kind, match.group(0), span[0], span[1], match.groups()))
    return sorted(found, key=lambda e: e.start)


def tense_around(text: str, start: int, end: int, language: str | None = "en") -> str | None:
    """'future' when the sentence holding text[start:end] speaks of a plan or schedule, 'past' when
    it narrates, None when it says neither; the cue words are the sentence's, the date's own excluded."""
    left = max(text.rfind(mark, 0, start) for mark in (". ", "\n", "? ", "! ")) + 1
    right = min((i for i in (text.find(mark, end) for mark in (". ", "\n", "? ", "! ")) if i >= 0), default=len(text))
    reach = current().dates.clause_chars
    sentence = text[max(left, start - reach):start] + " " + text[end:min(right, end + reach // 2)]
    key = (language or "en")[:2]
    if FUTURE_CUES.get(key, FUTURE_CUES["en"]).search(sentence):
        return "future"
    if PAST_CUES.get(key, PAST_CUES["en"]).search(sentence):
        return "past"
    return None


@dataclass(frozen=True)
class DatedMention:
    """A time expression of an article with the calendar date it denotes (contract 1.1 `times`)."""

    text: str
    value: str
    granularity: str


def article_times(text: str, published: str | None, language: str | None = "en") -> list[DatedMention]:
    """Every date expression of an article, in text order, resolved against its publication date."""
    anchor = to_date(published)
    found = []
    for expr in find_time_expressions(text, language):
        tense = tense_around(text, expr.start, expr.end, language)
        resolved = resolve(expr, anchor, future=tense == "future", past=tense == "past")
        if resolved is not None:
            found.append(DatedMention(expr.text.strip(), resolved.iso, resolved.granularity))
    return found


def resolve(expr: TimeExpression, anchor: date | None, future: bool = False,
            before_anchor: bool = False, past: bool = False) -> ResolvedTime | None:
    """Resolve against the anchor (usually the publication date); None when it cannot be done.

    A date without a year lies after the anchor when the sentence speaks of the future, on or
    before it when the sentence narrates (past), else in the year that puts it nearest.
    before_anchor: a day without a year takes the latest year that keeps it at most
    dates.after_anchor_days past the anchor (used when the anchor is the newest known date of a
    story, not the article's own: an undated report may be a little newer than the rest).
    """
    handler = _RESOLVERS[expr.kind]
    tense = "future" if future else "past" if past else None
    try:
        if before_anchor and anchor is not None and expr.kind in ("md", "dm", "range_dm", "range_md", "part", "holiday"):
            resolved = handler(expr.groups, anchor, None)
            while resolved and not resolved.explicit_year and (resolved.first - anchor).days > current().dates.after_anchor_days:
                resolved = _year_earlier(resolved)
            return resolved
        return handler(expr.groups, anchor, tense)
    except (ValueError, OverflowError, KeyError):  # 31 February; "1000000 days ago"; "yesterday" of 0001-01-01
        return None


def _year_earlier(resolved: ResolvedTime) -> ResolvedTime:
    first = resolved.first.replace(year=resolved.first.year - 1)
    last = resolved.last.replace(year=resolved.last.year - 1, day=min(resolved.last.day, 28)) \
        if resolved.last.month == 2 else resolved.last.replace(year=resolved.last.year - 1)
    iso = first.isoformat() if resolved.granularity == "day" else first.isoformat()[:7]
    return ResolvedTime(iso, resolved.granularity, first, last, False)


def _month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day(y: int, m: int, d: int, explicit: bool) -> ResolvedTime:
    day = date(y, m, d)
    return ResolvedTime(day.isoformat(), "day", day, day, explicit)


def _on(day: date) -> ResolvedTime:
    return _day(day.year, day.month, day.day, False)


def _month_span(y: int, m: int, first_day: int = 1, last_day: int = 31, explicit: bool = False) -> ResolvedTime:
    last = min(last_day, calendar.monthrange(y, m)[1])
    return ResolvedTime(f"{y:04d}-{m:02d}", "month", date(y, m, first_day), date(y, m, last), explicit)


def _year_span(year: int, explicit: bool = False) -> ResolvedTime:
    return ResolvedTime(f"{year:04d}", "year", date(year, 1, 1), date(year, 12, 31), explicit)


def _days_span(first: date, last: date) -> ResolvedTime:
    """Days first..last as the finest of month and year that holds them all (a week, a weekend)."""
    if (first.year, first.month) == (last.year, last.month):
        return _month_span(first.year, first.month, first.day, last.day)
    if first.year == last.year:
        return ResolvedTime(f"{first.year:04d}", "year", first, last, False)
    raise ValueError("a span across two years names no single calendar unit")


def nearest_year(month: int, day: int, anchor: date) -> int:
    """The year that puts month/day nearest the anchor (a report speaks of recent times)."""
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            options.append((abs((date(year, month, day) - anchor).days), year))
        except ValueError:
            continue
    return min(options)[1]


def year_by_tense(month: int, day: int, anchor: date, tense: str | None) -> int:
    """A narrated date lies on or before the anchor, a planned one on or after it, else the nearest."""
    if tense is None:
        return nearest_year(month, day, anchor)
    this_year = date(anchor.year, month, min(day, calendar.monthrange(anchor.year, month)[1]))
    if tense == "past":
        return anchor.year if this_year <= anchor else anchor.year - 1
    return anchor.year if this_year >= anchor else anchor.year + 1


def _year_for(month: int, day: int, year: str | None, this_year: str | None, anchor: date | None,
              tense: str | None = None) -> tuple[int, bool] | None:
    if year:
        return int(year), True
    if anchor is None:
        return None
    if this_year:
        return anchor.year, False
    return year_by_tense(month, min(day, 28), anchor, tense), False


def _month_of(month: int, anchor: date | None, cue: str | None, tense: str | None) -> int | None:
    """The year of a month named without one: last/next/this as said, else by tense (whole months compare)."""
    if anchor is None:
        return None
    cue = CUES.get(cue, cue) if cue else cue
    if cue == "last":
        return anchor.year if month < anchor.month else anchor.year - 1
    if cue == "next":
        return anchor.year if month > anchor.month else anchor.year + 1
    if cue == "this" or month == anchor.month:
        return anchor.year
    if tense == "past":
        return anchor.year if month < anchor.month else anchor.year - 1
    if tense == "future":
        return anchor.year if month > anchor.month else anchor.year + 1
    return nearest_year(month, 15, anchor)


def _iso(groups, anchor, tense):
    return _day(int(groups[0]), int(groups[1]), int(groups[2]), True)


def _md(groups, anchor, tense):
    month, day = _month_number(groups[0]), int(groups[1])
    year = _year_for(month, day, groups[2], groups[3], anchor, tense)
    return _day(year[0], month, day, year[1]) if year else None


def _dm(groups, anchor, tense):
    day, month = int(groups[0]), _month_number(groups[1])
    year = _year_for(month, day, groups[2], groups[3], anchor, tense)
    return _day(year[0], month, day, year[1]) if year else None


def _range(first: int, last: int, month: int, year_text: str | None, anchor: date | None,
           tense: str | None) -> ResolvedTime | None:
    year = _year_for(month, first, year_text, None, anchor, tense)
    if not year or not 1 <= first <= last:
        return None
    start, end = date(year[0], month, first), date(year[0], month, last)
    return ResolvedTime(start.isoformat(), "day", start, end, year[1])


def _range_dm(groups, anchor, tense):
    return _range(int(groups[0]), int(groups[1]), _month_number(groups[2]), groups[3], anchor, tense)


def _range_md(groups, anchor, tense):
    return _range(int(groups[1]), int(groups[2]), _month_number(groups[0]), groups[3], anchor, tense)


def _part(groups, anchor, tense):
    word = groups[0].lower().split()[0].rstrip("-")
    first_day, last_day = PART_WORDS[word]
    month = _month_number(groups[1])
    year = _year_for(month, 15, groups[2], None, anchor, tense)
    return _month_span(year[0], month, first_day, last_day, year[1]) if year else None


def _my(groups, anchor, tense):
    return _month_span(int(groups[1]), _month_number(groups[0]), explicit=True)


def _month(groups, anchor, tense):
    cue, month = groups[0].lower(), _month_number(groups[1])
    year = _month_of(month, anchor, cue, tense)
    if year is None:
        return None
    first_day, last_day = PART_WORDS.get(cue, (1, 31))
    return _month_span(year, month, first_day, last_day)


def _bare_month(groups, anchor, tense):
    year = _month_of(_month_number(groups[0]), anchor, None, tense)
    return None if year is None else _month_span(year, _month_number(groups[0]))


def _month_year(groups, anchor, tense):
    if anchor is None:
        return None
    step = {"last": -1, "this": 0, "next": 1}[groups[1].lower()]
    return _month_span(anchor.year + step, _month_number(groups[0]))


def _holiday(groups, anchor, tense):
    if anchor is None:
        return None
    name = groups[0].lower().replace("’", "'")
    if name.startswith("thanksgiving"):
        year = anchor.year if tense != "past" or anchor.month >= 11 else anchor.year - 1
        november = date(year, 11, 1)
        return _on(november + timedelta(days=(3 - november.weekday()) % 7 + 21))
    month, day = HOLIDAYS[name]
    return _day(year_by_tense(month, day, anchor, tense), month, day, False)


def _year(groups, anchor, tense):
    return _year_span(int(groups[1]), True)


def _bare_year(groups, anchor, tense):
    return _year_span(int(groups[0]), True)


def _spelled_year(groups, anchor, tense):
    if groups[2]:  # two thousand (and) N
        return _year_span(2000 + (SPELLED_UNITS.get((groups[3] or "zero").lower(), 0)), True)
    century = {"nineteen": 1900, "twenty": 2000}[groups[0].lower()]
    words = groups[1].lower().replace("-", " ").split()
    rest = SPELLED_TENS.get(words[0], SPELLED_UNITS.get(words[0], 0)) + sum(SPELLED_UNITS[w] for w in words[1:])
    return _year_span(century + rest, True)


def _quarter(groups, anchor, tense):
    """A quarter names no month, so the contract wants its year: said, else the anchor's (last year's
    when a narrated quarter has not begun yet at the anchor)."""
    year = groups[0] or groups[2]
    if year:
        return _year_span(int(year), True)
    if anchor is None:
        return None
    quarter = ORDINALS[groups[1].lower()]
    begun = (quarter - 1) * 3 + 1 <= anchor.month
    return _year_span(anchor.year if begun or tense == "future" else anchor.year - 1)


def _quarter_ref(groups, anchor, tense):
    """'the quarter', 'the latest period': the one just reported; 'year-ago' ones a year before."""
    if anchor is None:
        return None
    phrase = groups[0].lower()
    if "ago" in phrase or "earlier" in phrase:
        return _year_span(anchor.year - 1)
    latest = date(anchor.year, anchor.month, 1) - timedelta(days=1) if anchor.month <= 3 and tense == "past" else anchor
    return _year_span(latest.year)


def _season(groups, anchor, tense):
    cue, season, year = (groups[0] or "").lower(), SEASONS[groups[1].lower()], groups[2]
    if year:
        return _year_span(int(year), True)
    if anchor is None or cue not in ("last", "this", "next", "past", "coming"):
        return None
    first_month = season[0]
    if cue in ("last", "past"):
        return _year_span(anchor.year if anchor.month > season[1] else anchor.year - 1)
    if cue in ("next", "coming"):
        return _year_span(anchor.year if anchor.month < first_month else anchor.year + 1)
    return _year_span(anchor.year)


def _weekend(groups, anchor, tense):
    if anchor is None:
        return None
    cue = " ".join((groups[0] or "").lower().split())
    saturday = anchor - timedelta(days=(anchor.weekday() - 5) % 7)
    if cue in ("next", "the coming") or (cue in ("this", "the", "") and tense == "future") or \
            (cue == "this" and anchor.weekday() < 5 and tense != "past"):
        saturday = anchor + timedelta(days=(5 - anchor.weekday()) % 7)
    return _days_span(saturday, saturday + timedelta(days=1))


def _weekday(groups, anchor, tense):
    if anchor is None:
        return None
    cue = CUES.get((groups[0] or "").lower(), (groups[0] or "").lower())
    target = WEEKDAYS[groups[1].lower()]
    back = (anchor.weekday() - target) % 7
    if cue == "next" or (tense == "future" and cue not in ("last", "previous")):
        return _on(anchor + timedelta(days=(target - anchor.weekday()) % 7 or (7 if cue == "next" else 0)))
    if cue in ("last", "previous"):
        return _on(anchor - timedelta(days=back or 7))
    return _on(anchor - timedelta(days=back))


def _relative(groups, anchor, tense):
    if anchor is None:
        return None
    phrase = " ".join(groups[0].lower().replace("-", " ").split())
    if phrase in DAY_OFFSETS:
        return _on(anchor + timedelta(days=DAY_OFFSETS[phrase]))
    if phrase.endswith(("ago", "earlier")) and groups[1] is None:  # a year ago, a decade earlier
        return _year_span(anchor.year - (10 if "decade" in phrase else 1))
    if phrase.endswith("ago"):
        return _ago(anchor, NUMBER_WORDS.get(groups[1].lower()) or int(groups[1]), groups[2].lower())
    if phrase.startswith(("the end of", "the close of")) or phrase == "year end":
        return _month_span(anchor.year, anchor.month) if phrase.endswith("month") else _year_span(anchor.year)
    if "current" in phrase or "present" in phrase:
        return _year_span(anchor.year)
    cue, unit = phrase.split()[-2:]
    step = {"last": -1, "this": 0, "next": 1, "coming": 1, "past": -1}.get(cue, 0)
    return _period(anchor, unit, step)


def _period(anchor: date, unit: str, step: int) -> ResolvedTime:
    """The week, month or year `step` units from the anchor's."""
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=step)
        return _days_span(monday, monday + timedelta(days=6))
    if unit == "year":
        return _year_span(anchor.year + step)
    month_index = anchor.year * 12 + anchor.month - 1 + step
    return _month_span(month_index // 12, month_index % 12 + 1)


def _ago(anchor: date, count: int, unit: str) -> ResolvedTime:
    unit = UNITS.get(unit) or unit.rstrip("s")
    if unit in ("day", "week"):
        return _on(anchor - timedelta(days=count * (7 if unit == "week" else 1)))
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 - count
        return _month_span(index // 12, index % 12 + 1)
    return _year_span(anchor.year - count * (10 if unit == "decade" else 1))


def _es_dm(groups, anchor, tense):
    return _dm((groups[1], groups[2], groups[3], None), anchor, tense)


def _es_part(groups, anchor, tense):
    first_day, last_day = PART_WORDS[groups[0].lower()]
    period, month, year, bare_year = (g.lower() if g else None for g in groups[1:])
    if bare_year or period == "año":
        return _year_span(int(bare_year), True) if bare_year else _year_span(anchor.year) if anchor else None
    if period == "mes":
        return _month_span(anchor.year, anchor.month, first_day, last_day) if anchor else None
    return _part((groups[0], month, year), anchor, tense)


def _es_month(groups, anchor, tense):
    text_cue = (groups[1] or "").lower()
    return _month((text_cue or "in", groups[0]), anchor, tense) if text_cue else _bare_month((groups[0],), anchor, tense)


def _es_period(groups, anchor, tense):
    if anchor is None:
        return None
    cue = CUES.get((groups[0] or groups[2] or "").lower())
    unit = UNITS.get(groups[1].lower())
    if groups[1].lower().startswith("fin"):
        return _weekend((cue or "the",), anchor, tense)
    if cue is None or unit is None:
        return None  # "el año", "la semana": a duration or a reference this rule cannot place
    return _period(anchor, unit, {"last": -1, "this": 0, "next": 1}[cue])


def _es_ago(groups, anchor, tense):
    if anchor is None:
        return None
    return _ago(anchor, NUMBER_WORDS.get(groups[0].lower()) or int(groups[0]), groups[1].lower())


def _es_quarter(groups, anchor, tense):
    return _quarter((groups[1], groups[0], None), anchor, tense)


def _es_weekday(groups, anchor, tense):
    cue = (groups[0] or groups[2] or "").lower()
    return _weekday((CUES.get(cue, cue) or None, groups[1]), anchor, tense)


def _es_relative(groups, anchor, tense):
    return _relative((groups[0], None, None), anchor, tense)


_RESOLVERS = {
    "iso": _iso, "md": _md, "dm": _dm, "range_dm": _range_dm, "range_md": _range_md, "part": _part,
    "my": _my, "month": _month, "holiday": _holiday, "year": _year, "weekday": _weekday,
    "relative": _relative, "bare_month": _bare_month, "month_year": _month_year, "bare_year": _bare_year,
    "spelled_year": _spelled_year, "quarter": _quarter, "quarter_ref": _quarter_ref, "season": _season,
    "weekend": _weekend, "es_dm": _es_dm, "es_my": _my, "es_part": _es_part, "es_month": _es_month,
    "es_relative": _es_relative, "es_period": _es_period, "es_ago": _es_ago, "es_quarter": _es_quarter,
    "es_weekday": _es_weekday, "es_year": _bare_year,
}


URL_DAY = re.compile(r"(?<![\d])((?:19|20)\d\d)([/_-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")
URL_DAY_SPLIT = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?=/|$|\.)")
URL_MONTH_NAME = re.compile(r"/((?:19|20)\d\d)/([a-z]{3,4})/(\d{1,2})(?=/|$)", re.I)
URL_MONTH_DAY = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])([0-3]\d)/")
URL_SECTIONED = re.compile(r"/((?:19|20)\d\d)(?:-|/(?:[A-Za-z][\w-]*/){1,2})(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/")
ARCHIVE_PREFIX = re.compile(r"^https?://web\.archive\.org/web/[^/]+/", re.I)
URL_MONTHS = dict(MONTHS, ene=1, fev=2, fév=2, abr=4, avr=4, mai=5, mag=5, giu=6, lug=7, ago=8, aou=8, set=9, ott=10,
                  out=10, dic=12, dez=12, gen=1)
# 'NEW YORK, Nov. 17 (Reuters) -', 'WASHINGTON, Dec. 31 (Xinhuanet) --': a place, then the day the report was filed
DATELINE = re.compile(r"^\s*(?:\(?[A-Z][A-Za-z.'’-]*(?:[ ,]+[A-Z][A-Za-z.'’-]*){0,4}\)?\s*[,:]\s*)?(?P<date>[^()\n]{3,40}?)"
                      r"\s*(?:\(|[-–—]{1,2}\s|$)")


def date_from_url(url: str | None) -> str | None:
    """The day a page's address gives (/2004/11/17/, 20041117, /2004/nov/17/, /2004/1129/), if any;
    an archive's capture date is not the page's."""
    if not url:
        return None
    path = ARCHIVE_PREFIX.sub("", url)
    path = path.split("://", 1)[-1].split("/", 1)[-1] if "/" in path.split("://", 1)[-1] else ""
    for pattern, parts in ((URL_DAY_SPLIT, lambda m: (m[1], m[2], m[3])), (URL_DAY, lambda m: (m[1], m[3], m[4])),
                           (URL_MONTH_DAY, lambda m: (m[1], m[2], m[3])),
                           (URL_SECTIONED, lambda m: (m[1], m[2], m[3]))):
        match = pattern.search("/" + path)
        if match:
            year, month, day = parts(match)
            return _valid_day(int(year), int(month), int(day))
    match = URL_MONTH_NAME.search("/" + path)
    if match and match[2].lower() in URL_MONTHS:
        return _valid_day(int(match[1]), URL_MONTHS[match[2].lower()], int(match[3]))
    return None


def _valid_day(year: int, month: int, day: int) -> str | None:
    try:
        return _plausible(date(year, month, day))
    except ValueError:
        return None


def dateline_expression(text: str, language: str | None = "en") -> TimeExpression | None:
    """The date of a report's dateline or opening date line, if it has one."""
    first_line = text.lstrip()[:160].split("\n", 1)[0]
    opening = [e for e in find_time_expressions(first_line, language)
               if e.kind in ("md", "dm", "es_dm") and e.start <= current().dates.opening_date_chars
               and re.search(r"\d{4}", e.text)]
    if opening:
        return opening[0]  # 'Thursday, January 6, 2005 CANBERRA, AUSTRALIA — ...'
    match = DATELINE.match(first_line)
    if not match:
        return None
    found = [e for e in find_time_expressions(match.group("date"), language)
             if e.kind in ("md", "dm", "iso", "es_dm") and e.text.strip() == match.group("date").strip(" ,")]
    return found[0] if found else None


def parse_date_string(value: str | None) -> str | None:
    """A metadata date string (ISO, RFC 2822, 'January 4, 2023 12:10 PM'...) as YYYY-MM-DD.

    Only absolute dates count: "yesterday" or "3 hours ago" in a metadata field says nothing
    about the article without the moment it was scraped, and a year outside dates.plausible_first_year to plausible_last_year
    (0001-01-01, the zero time scrapers write; 9999-12-31) is no publication date. Either reads
    as missing, so the date is inferred and flagged as such.
    """
    if not value or len(value) > current().dates.max_date_string_chars:
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        try:
            return _plausible(date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
        except ValueError:
            return None
    if not re.search(r"(?<!\d)\d{4}(?!\d)", value):
        return None
    import dateparser

    try:
        parsed = dateparser.parse(value, settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]})
    except (ValueError, OverflowError):
        return None
    return _plausible(parsed.date()) if parsed else None


def _plausible(day: date) -> str | None:
    first, last = current().dates.plausible_first_year, current().dates.plausible_last_year
    return day.isoformat() if first <= day.year <= last else None


def to_date(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None
