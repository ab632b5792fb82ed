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

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|" \
        r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?:\.|\b))"
WEEKDAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)}
YEAR = r"((?:19|20)\d{2})"
DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
DASH = r"\s*(?:-|–|—|to|and|until)\s*"

PART_WORDS = {
    "early": (1, 10), "beginning": (1, 10), "start": (1, 10),
    "mid": (11, 20), "middle": (11, 20),
    "late": (21, 31), "end": (21, 31),
}
HOLIDAYS = {
    "new year's eve": (12, 31), "new year's day": (1, 1), "christmas eve": (12, 24),
    "orthodox christmas": (1, 7), "christmas day": (12, 25), "christmas": (12, 25),
}
AFTER_ANCHOR_DAYS = 31
# Years a publication date may carry (the text's YEAR pattern reads the same two centuries).
PLAUSIBLE_YEARS = (1900, 2099)
MAX_DATE_STRING_CHARS = 100
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10}

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("range_dm", re.compile(rf"\b(?:from\s+)?{DAY}{DASH}{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s+{YEAR})?", re.I)),
    ("range_md", re.compile(rf"\b{MONTH}\s+{DAY}{DASH}{DAY}\b(?:,?\s+{YEAR})?", re.I)),
    ("part", re.compile(rf"\b(?:(?:at|by|in|since|until|from|to)\s+)?(?:the\s+)?"
                        rf"(early|late|mid-?|(?:beginning|start|end|middle)\s+of)\s*{MONTH}(?:,?\s+{YEAR})?", re.I)),
    ("md", re.compile(rf"\b{MONTH}\s+{DAY}(?!\d)(?!\s*(?:-|–)\s*\d)(?:,?\s+{YEAR})?(\s+this\s+year)?", re.I)),
    ("dm", re.compile(rf"\b{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s+{YEAR})?(\s+this\s+year)?", re.I)),
    ("my", re.compile(rf"\b{MONTH}\s+(?:of\s+)?{YEAR}\b", re.I)),
    ("holiday", re.compile(r"\b(?:the\s+)?(New Year['’]s Eve|New Year['’]s Day|Christmas Eve|Orthodox Christmas|"
                           r"Christmas Day|Christmas)\b", re.I)),
    ("month", re.compile(rf"\b(in|since|by|until|last|next|this|during|early|late)\s+{MONTH}\b(?!\s+\d)", re.I)),
    ("year", re.compile(rf"\b(in|since|by|until|of|from|before|after|early|late|during)\s+{YEAR}\b(?![\d,.]\d)", re.I)),
    ("weekday", re.compile(r"\b(?:(last|this|next|on)\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
                           r"(?:\s+(?:morning|afternoon|evening|night))?\b", re.I)),
    ("relative", re.compile(r"\b(yesterday|today|tomorrow|(?:last|this|next)\s+(?:week|month|year)|"
                            r"(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(day|week|month|year)s?\s+ago)\b",
                            re.I)),
]


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


def find_time_expressions(text: str) -> list[TimeExpression]:
    """All time expressions in text, longest-first without overlaps, in text order."""
    taken: list[tuple[int, int]] = []
    found: list[TimeExpression] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            found.append(TimeExpression(kind, match.group(0), span[0], span[1], match.groups()))
    return sorted(found, key=lambda e: e.start)


def resolve(expr: TimeExpression, anchor: date | None, future: bool = False,
            before_anchor: bool = False) -> ResolvedTime | None:
    """Resolve against the anchor (usually the publication date); None when it cannot be done.

    before_anchor: a day without a year takes the latest year that keeps it at most
    AFTER_ANCHOR_DAYS past the anchor (used when the anchor is the newest known date of a
    story, not the article's own: an undated report may be a little newer than the rest).
    """
    handler = _RESOLVERS[expr.kind]
    try:
        if before_anchor and anchor is not None and expr.kind in ("md", "dm", "range_dm", "range_md", "part", "holiday"):
            resolved = handler(expr.groups, anchor, future)
            while resolved and not resolved.explicit_year and (resolved.first - anchor).days > AFTER_ANCHOR_DAYS:
                resolved = _year_earlier(resolved)
            return resolved
        return handler(expr.groups, anchor, future)
    except (ValueError, OverflowError):  # 31 February; "1000000 days ago"; "yesterday" of 0001-01-01
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


def _month_span(y: int, m: int, first_day: int = 1, last_day: int = 31, explicit: bool = False) -> ResolvedTime:
    last = min(last_day, calendar.monthrange(y, m)[1])
    return ResolvedTime(f"{y:04d}-{m:02d}", "month", date(y, m, first_day), date(y, m, last), explicit)


def nearest_year(month: int, day: int, anchor: date) -> int:
    """The year that puts month/day nearest the anchor (a report speaks of recent times)."""
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            options.append((abs((date(year, month, day) - anchor).days), year))
        except ValueError:
            continue
    return min(options)[1]


def _year_for(month: int, day: int, year: str | None, this_year: str | None, anchor: date | None) -> tuple[int, bool] | None:
    if year:
        return int(year), True
    if anchor is None:
        return None
    if this_year:
        return anchor.year, False
    return nearest_year(month, min(day, 28), anchor), False


def _iso(groups, anchor, future):
    return _day(int(groups[0]), int(groups[1]), int(groups[2]), True)


def _md(groups, anchor, future):
    month, day = _month_number(groups[0]), int(groups[1])
    year = _year_for(month, day, groups[2], groups[3], anchor)
    return _day(year[0], month, day, year[1]) if year else None


def _dm(groups, anchor, future):
    day, month = int(groups[0]), _month_number(groups[1])
    year = _year_for(month, day, groups[2], groups[3], anchor)
    return _day(year[0], month, day, year[1]) if year else None


def _range(first: int, last: int, month: int, year_text: str | None, anchor: date | None) -> ResolvedTime | None:
    year = _year_for(month, first, year_text, None, anchor)
    if not year or not 1 <= first <= last:
        return None
    start, end = date(year[0], month, first), date(year[0], month, last)
    return ResolvedTime(start.isoformat(), "day", start, end, year[1])


def _range_dm(groups, anchor, future):
    return _range(int(groups[0]), int(groups[1]), _month_number(groups[2]), groups[3], anchor)


def _range_md(groups, anchor, future):
    return _range(int(groups[1]), int(groups[2]), _month_number(groups[0]), groups[3], anchor)


def _part(groups, anchor, future):
    word = groups[0].lower().split()[0].rstrip("-")
    first_day, last_day = PART_WORDS[word]
    month = _month_number(groups[1])
    year = _year_for(month, 15, groups[2], None, anchor)
    return _month_span(year[0], month, first_day, last_day, year[1]) if year else None


def _my(groups, anchor, future):
    return _month_span(int(groups[1]), _month_number(groups[0]), explicit=True)


def _month(groups, anchor, future):
    if anchor is None:
        return None
    cue, month = groups[0].lower(), _month_number(groups[1])
    if cue == "last":
        year = anchor.year if month < anchor.month else anchor.year - 1
    elif cue == "next":
        year = anchor.year if month > anchor.month else anchor.year + 1
    elif cue == "this":
        year = anchor.year
    else:
        year = nearest_year(month, 15, anchor)
    first_day, last_day = PART_WORDS.get(cue, (1, 31))
    return _month_span(year, month, first_day, last_day)


def _holiday(groups, anchor, future):
    if anchor is None:
        return None
    month, day = HOLIDAYS[groups[0].lower().replace("’", "'")]
    return _day(nearest_year(month, day, anchor), month, day, False)


def _year(groups, anchor, future):
    year = int(groups[1])
    return ResolvedTime(f"{year:04d}", "year", date(year, 1, 1), date(year, 12, 31), True)


def _weekday(groups, anchor, future):
    if anchor is None:
        return None
    cue = (groups[0] or "").lower()
    target = WEEKDAYS[groups[1].lower()]
    back = (anchor.weekday() - target) % 7
    if cue == "next" or (future and cue != "last"):
        ahead = (target - anchor.weekday()) % 7 or 7
        day = anchor + timedelta(days=ahead)
    elif cue == "last":
        day = anchor - timedelta(days=back or 7)
    else:
        day = anchor - timedelta(days=back)
    return _day(day.year, day.month, day.day, False)


def _relative(groups, anchor, future):
    if anchor is None:
        return None
    phrase = groups[0].lower()
    offsets = {"yesterday": -1, "today": 0, "tomorrow": 1}
    if phrase in offsets:
        day = anchor + timedelta(days=offsets[phrase])
        return _day(day.year, day.month, day.day, False)
    if phrase.endswith("ago"):
        count = NUMBER_WORDS.get(groups[1].lower()) or int(groups[1])
        return _ago(anchor, count, groups[2].lower())
    cue, unit = phrase.split()
    step = {"last": -1, "this": 0, "next": 1}[cue]
    if unit == "week":
        return None  # a week is too vague to place an entry on a day
    if unit == "year":
        year = anchor.year + step
        return ResolvedTime(f"{year:04d}", "year", date(year, 1, 1), date(year, 12, 31), False)
    month_index = anchor.year * 12 + anchor.month - 1 + step
    return _month_span(month_index // 12, month_index % 12 + 1)


def _ago(anchor: date, count: int, unit: str) -> ResolvedTime:
    if unit in ("day", "week"):
        day = anchor - timedelta(days=count * (7 if unit == "week" else 1))
        return _day(day.year, day.month, day.day, False)
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 - count
        return _month_span(index // 12, index % 12 + 1)
    year = anchor.year - count
    return ResolvedTime(f"{year:04d}", "year", date(year, 1, 1), date(year, 12, 31), False)


_RESOLVERS = {
    "iso": _iso, "md": _md, "dm": _dm, "range_dm": _range_dm, "range_md": _range_md, "part": _part,
    "my": _my, "month": _month, "holiday": _holiday, "year": _year, "weekday": _weekday,
    "relative": _relative,
}


def parse_date_string(value: str | None) -> str | None:
    """A metadata date string (ISO, RFC 2822, 'January 4, 2023 12:10 PM'...) as YYYY-MM-DD.

    Only absolute dates count: "yesterday" or "3 hours ago" in a metadata field says nothing
    about the article without the moment it was scraped, and a year outside PLAUSIBLE_YEARS
    (0001-01-01, the zero time scrapers write; 9999-12-31) is no publication date. Either reads
    as missing, so the date is inferred and flagged as such.
    """
    if not value or len(value) > MAX_DATE_STRING_CHARS:
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
    first, last = PLAUSIBLE_YEARS
    return day.isoformat() if first <= day.year <= last else None


def to_date(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None
