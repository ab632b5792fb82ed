"""Time expressions as written: the words and patterns that find them in text, and the tense around them.

This module holds what reading needs before any calendar arithmetic: the month, weekday, cue and
unit vocabularies of both languages (the resolvers in `resolution.py` read the same tables), the
English and Spanish patterns in the order that decides overlaps, `TimeExpression` and
`find_time_expressions`, and `tense_around`, which tells a planned date from a narrated one.
Keeping them apart from resolution lets the URL, dateline and metadata readers in `strings.py`
find expressions without pulling in the resolvers.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from ..config import current

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
    "orthodox christmas": (1, 7), "christmas day": (12, 25), "christmas": (12, 25), "boxing day": (12, 26),
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
                   r"Christmas Day|Christmas|Boxing Day|Thanksgiving(?:\s+Day)?)\b")),
    ("quarter", _p(rf"\b(?:the\s+)?(?:{YEAR}\s+)?(?:fiscal\s+)?{QUARTER}[\s-]+(?:fiscal\s+)?quarter"
                   rf"(?:\s+(?:of\s+)?(?:fiscal\s+)?{YEAR})?")),
    ("quarter_ref", _p(r"\b(the\s+(?:latest|current|recent|most\s+recent|same|year[\s-]ago|year[\s-]earlier|"
                       r"comparable|fiscal)?\s*(?:quarter|period)|(?:an?\s+)?year[\s-](?:ago|earlier)(?:\s+(?:quarter|period))?)\b")),
    ("month", _p(rf"\b(in|since|by|until|last|next|this|during|early|late|of|for|from|through|before|after)\s+"
                 rf"{MONTH}(?!\s+\d)(?!\s+(?:last|this|next)\s+year\b)")),  # 'in April last year': month_year
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
    "en": re.compile(r"\b(will|won't|'ll|shall|going\s+to|plans?\s+to|planned|scheduled|slated|expected\s+to|expects|"
                     r"due\s+(?:to|on|in)|set\s+to|to\s+be\s+held|upcoming|is\s+to|are\s+to|hopes?\s+to|"
                     r"intends?\s+to|aims?\s+to|takes?\s+effect)\b", re.I),
    "es": re.compile(r"\b(\w+(?:ará|erá|irá|arán|erán|irán)|va\s+a|van\s+a|vamos\s+a|prevé|previst[oa]s?|"
                     r"próxim[oa]s?|planea|espera|tendrá\s+lugar)\b", re.I),
}
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
    reach = current().dates.clause_chars  # how far around a date its clause's tense words are looked for
    sentence = text[max(left, start - reach):start] + " " + text[end:min(right, end + reach // 2)]
    key = (language or "en")[:2]
    if FUTURE_CUES.get(key, FUTURE_CUES["en"]).search(sentence):
        return "future"
    if PAST_CUES.get(key, PAST_CUES["en"]).search(sentence):
        return "past"
    return None
