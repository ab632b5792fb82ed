"""Dates read from strings rather than prose: page addresses, datelines and metadata fields.

A URL's /2004/11/17/ and a metadata field's 'January 4, 2023 12:10 PM' give an absolute day,
kept only within the plausible years; a report's opening 'WASHINGTON, Dec. 31 (Xinhuanet) --'
gives the expression of the day it was filed, for the caller to resolve; `to_date` turns the ISO
strings these readers (and stored articles) carry into `date`s. They live apart from
`resolution.py` because they read fixed places and formats rather than narrative, and need
none of its resolvers.
"""

from __future__ import annotations

import re
from datetime import date

from ..config import current
from .expressions import MONTHS, TimeExpression, find_time_expressions

URL_DAY = re.compile(r"(?<![\d])((?:19|20)\d\d)([/_-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")
URL_DAY_SPLIT = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?=/|$|\.)")
URL_MONTH_NAME = re.compile(r"/((?:19|20)\d\d)/([a-z]{3,4})/(\d{1,2})(?=/|$)", re.I)
URL_MONTH_DAY = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])([0-3]\d)/")
URL_SECTIONED = re.compile(r"/((?:19|20)\d\d)(?:-|/(?:[A-Za-z][\w-]*/){1,2})(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/")
ARCHIVE_PREFIX = re.compile(r"^https?://web\.archive\.org/web/[^/]+/", re.I)
URL_MONTHS = dict(MONTHS, ene=1, fev=2, fév=2, abr=4, avr=4, mai=5, mag=5, giu=6, lug=7, ago=8, aou=8, set=9, ott=10,
                  out=10, dic=12, dez=12, gen=1)
# 'NEW YORK, Nov. 17 (Reuters) -', 'WASHINGTON, Dec. 31 (Xinhuanet) --': a place, then the day the report was filed
# 'SUNNYVALE, Calif. —2/29/2012', '02.29.12 4:15 PM': a date line in figures (month first in English, day first
# in other languages, unless a number cannot be what it would stand for), a place before it and a clock time after it
# at most
NUMERIC_DATELINE = re.compile(r"^(?:[A-Z][^\d\n]{0,40}?)?(?<!\d)(\d{1,2})([/.])(\d{1,2})\2((?:19|20)?\d\d)(?![\d/.])"
                              r"(?:,?\s+\d{1,2}:\d\d(?::\d\d)?\s*(?:[AP]\.?M\.?)?(?:\s+[A-Z]{2,4})?)?\s*$", re.I)
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
    numeric = [e for line in text.lstrip().split("\n")[:current().dates.numeric_dateline_lines]
               if (e := _numeric_dateline(line, month_first=language in (None, "en")))]
    if numeric:
        return numeric[0]  # a line of its own that is a date in figures, under a subtitle at most
    match = DATELINE.match(first_line)
    if not match:
        return None
    found = [e for e in find_time_expressions(match.group("date"), language)
             if e.kind in ("md", "dm", "iso", "es_dm") and e.text.strip() == match.group("date").strip(" ,")]
    return found[0] if found else None


def _numeric_dateline(line: str, month_first: bool = True) -> TimeExpression | None:
    """A date line written in figures, as the ISO expression it denotes; None when it names no real day.
    English writes the month first ('2/29/2012'), other languages the day ('12.05.2016' is 12 May), unless
    the number read first cannot be what it would stand for. Its offsets are within the line."""
    match = NUMERIC_DATELINE.match(line.strip())
    if not match:
        return None
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    month_first = (month_first or second > 12) and first <= 12
    month, day = (first, second) if month_first else (second, first)
    year += 2000 if year < 100 else 0
    if _valid_day(year, month, day) is None:
        return None
    start, end = match.start(1), match.end(4)
    return TimeExpression("iso", match.string[start:end], start, end, (str(year), f"{month:02d}", f"{day:02d}"))


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
