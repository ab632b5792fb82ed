"""Publication dates: given ones kept, missing ones inferred from the text and its event.

A dateline ('WASHINGTON, Dec. 31 (Xinhuanet) --') is the day the report was filed. Otherwise an
undated report still pins its date down: it cannot predate the latest day it narrates
as past ("On October 31, Putin announced..."), and reports of one event appear close
together. So the inferred date is the later of (a) the end of the latest past day or
part-month the text names, years taken from the story's known dates, and (b) the median
date of the other reports of the same event. When the text names nothing, the result is
None: a date is never invented; nor is one kept that lies past what the corpus can know (its
newest given date, plus a month) or far from its event's other reports (background, not news).
"""

from __future__ import annotations

from datetime import date, timedelta
from statistics import median_low

from ..config import current
from ..extract import TimeMention
from . import resolve, to_date

BOUND_KINDS = {"iso", "md", "dm", "range_dm", "range_md", "holiday", "part"}


def latest_narrated_day(times: list[TimeMention], anchor: date | None) -> date | None:
    """End of the latest past day or part of a month the article narrates."""
    days: list[date] = []
    for mention in times:
        if mention.future or mention.dateline or mention.kind not in BOUND_KINDS:
            continue
        resolved = resolve(mention.expression(), anchor, before_anchor=True)
        if resolved is None or (anchor is None and not resolved.explicit_year):
            continue
        days.append(resolved.last if mention.kind == "part" else resolved.first)
    return max(days) if days else None


def infer_publication_dates(given: dict[str, str | None], times: dict[str, list[TimeMention]],
                            event_of: dict[str, str]) -> dict[str, tuple[str | None, bool]]:
    """article id -> (YYYY-MM-DD or None, inferred?) for every article of one story."""
    known = [day for day in (to_date(d) for d in given.values() if d) if day]
    anchor = max(known) if known else None
    bounds = {aid: latest_narrated_day(times.get(aid, []), anchor) for aid, d in given.items() if not d}
    result: dict[str, tuple[str | None, bool]] = {aid: (d, False) for aid, d in given.items() if d}
    event_dates: dict[str | None, list[date]] = {}
    for article_id, given_day in given.items():
        known_day = to_date(given_day) or bounds.get(article_id)
        if known_day:
            event_dates.setdefault(event_of.get(article_id), []).append(known_day)
    ceiling = _later(anchor, current().dates.after_anchor_days) if anchor else date.today()
    for article_id, bound in bounds.items():
        siblings = list(event_dates.get(event_of.get(article_id), []))
        if bound is not None:
            siblings.remove(bound)
        filed = dateline_day(times.get(article_id, []), anchor)
        candidates = [c for c in (bound, median_low(siblings) if siblings else None) if c]
        day = filed or (max(candidates) if bound is not None else None)  # nothing in the text: borrow nothing
        if day is not None and (day > ceiling or (siblings and abs((day - median_low(siblings)).days) >
                                                  current().dates.far_from_event_days)):
            day = None
        result[article_id] = (day.isoformat(), True) if day else (None, False)
    return result


def _later(day: date, days: int) -> date:
    """day + days, or the last day the calendar has."""
    return day + timedelta(days=days) if (date.max - day).days > days else date.max


def dateline_day(times: list[TimeMention], anchor: date | None) -> date | None:
    """The day of the report's dateline, its year from the dateline or the story's newest known date."""
    for mention in times:
        if mention.dateline:
            resolved = resolve(mention.expression(), anchor, before_anchor=True)
            if resolved is not None and (resolved.explicit_year or anchor is not None):
                return resolved.first
    return None
