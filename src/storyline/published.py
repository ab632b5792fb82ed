"""Publication dates: given ones kept, missing ones inferred from the text and its event.

An undated report still pins its date down: it cannot predate the latest day it narrates
as past ("On October 31, Putin announced..."), and reports of one event appear close
together. So the inferred date is the later of (a) the end of the latest past day or
part-month the text names, years taken from the story's known dates, and (b) the median
date of the other reports of the same event. When the text names nothing, the result is
None: a date is never invented.
"""

from __future__ import annotations

from datetime import date
from statistics import median_low

from .dates import resolve, to_date
from .extract import TimeMention

BOUND_KINDS = {"iso", "md", "dm", "range_dm", "range_md", "holiday", "part"}


def latest_narrated_day(times: list[TimeMention], anchor: date | None) -> date | None:
    """End of the latest past day or part of a month the article narrates."""
    days = []
    for mention in times:
        if mention.future or mention.kind not in BOUND_KINDS:
            continue
        resolved = resolve(mention.expression(), anchor, before_anchor=True)
        if resolved is None or (anchor is None and not resolved.explicit_year):
            continue
        days.append(resolved.last if mention.kind == "part" else resolved.first)
    return max(days) if days else None


def infer_publication_dates(given: dict[str, str | None], times: dict[str, list[TimeMention]],
                            event_of: dict[str, str]) -> dict[str, tuple[str | None, bool]]:
    """article id -> (YYYY-MM-DD or None, inferred?) for every article of one story."""
    known = [to_date(d) for d in given.values() if d]
    anchor = max(known) if known else None
    bounds = {aid: latest_narrated_day(times.get(aid, []), anchor) for aid, d in given.items() if not d}
    result: dict[str, tuple[str | None, bool]] = {aid: (d, False) for aid, d in given.items() if d}
    event_dates: dict[str | None, list[date]] = {}
    for article_id, day in given.items():
        known_day = to_date(day) or bounds.get(article_id)
        if known_day:
            event_dates.setdefault(event_of.get(article_id), []).append(known_day)
    for article_id, bound in bounds.items():
        siblings = list(event_dates.get(event_of.get(article_id), []))
        if bound is not None:
            siblings.remove(bound)
        candidates = [c for c in (bound, median_low(siblings) if siblings else None) if c]
        if bound is None:
            result[article_id] = (None, False)  # nothing in the text: do not borrow a date
        else:
            result[article_id] = (max(candidates).isoformat(), True)
    return result
