"""Resolution of time expressions to dates against an anchor date, usually the publication date.

Resolution is calendar arithmetic, not guessing: a weekday is the latest such day on or
before the anchor (the next one when the sentence speaks of the future), a day without a
year takes the year that puts it nearest the anchor, a part of a month ("late December")
keeps month granularity but remembers the days it covers, so that the publication-date
inference in `published.py` can use its end as a lower bound. This module holds `resolve`,
its one resolver per pattern kind (dispatched through `_RESOLVERS`), the span and year
helpers they share, and `article_times`, which dates every expression of an article; it is
apart from `expressions.py` because finding an expression needs none of this arithmetic.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from ..config import current
from ..text import SPELLED_TENS, SPELLED_UNITS
from .expressions import (
    CUES,
    DAY_OFFSETS,
    HOLIDAYS,
    MONTHS,
    NUMBER_WORDS,
    ORDINALS,
    PART_WORDS,
    SEASONS,
    UNITS,
    WEEKDAYS,
    TimeExpression,
    find_time_expressions,
    tense_around,
)
from .strings import to_date


@dataclass(frozen=True)
class ResolvedTime:
    """A resolved time: `iso` at `granularity`, covering the days first..last."""

    iso: str
    granularity: str
    first: date
    last: date
    explicit_year: bool


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


def same_period(a: set[str], b: set[str]) -> bool:
    """Two sets of ISO dates name one time: some date of one holds or is held by one of the other ('2004'
    and '2004-12-26' agree, '2012-04' and '2012-05' do not)."""
    return any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def resolve(expr: TimeExpression, anchor: date | None, future: bool = False,
            before_anchor: bool = False, past: bool = False, narrated: bool = False) -> ResolvedTime | None:
    """Resolve against the anchor (usually the publication date); None when it cannot be done.

    A date without a year lies after the anchor when the sentence speaks of the future, on or
    before it when the sentence narrates (past), else in the year that puts it nearest; with
    `narrated` (a report's story line, which tells what happened far more often than what is
    planned), in the past one unless the future one is dates.narrated_lean times nearer.
    before_anchor: a day without a year takes the latest year that keeps it at most
    dates.after_anchor_days past the anchor (used when the anchor is the newest known date of a
    story, not the article's own: an undated report may be a little newer than the rest).
    """
    handler = _RESOLVERS[expr.kind]
    tense = "future" if future else "past" if past else "narrated" if narrated else None
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
    """A narrated date lies on or before the anchor, a planned one on or after it, else the nearest
    (in a report's story line: the past one unless the future one is much nearer)."""
    if tense is None:
        return nearest_year(month, day, anchor)
    this_year = date(anchor.year, month, min(day, calendar.monthrange(anchor.year, month)[1]))
    past_year = anchor.year if this_year <= anchor else anchor.year - 1
    if tense == "past":
        return past_year
    if tense == "narrated":
        day = min(day, calendar.monthrange(past_year, month)[1], calendar.monthrange(past_year + 1, month)[1])
        back, ahead = (anchor - date(past_year, month, day)).days, (date(past_year + 1, month, day) - anchor).days
        return past_year if back <= current().dates.narrated_lean * ahead else past_year + 1
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
    if tense == "narrated":
        back = (anchor.month - month) % 12
        return _month_of(month, anchor, None, "past" if back <= current().dates.narrated_lean * (12 - back) else "future")
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
    # a narrated part of a month began before the report, a planned one ends after it
    day = {"future": min(last_day, 28), "past": first_day, "narrated": first_day}.get(tense or "", 15)
    year = _year_for(month, day, groups[2], None, anchor, tense)
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
