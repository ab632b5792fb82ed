"""Who covered a story and how: each outlet's first report, count and languages, who reported
first, which outlets carry each quote and figure (and which do not: the story's blindspots), the
story's events as dated phases, and reports per day for the coverage chart.

Pure functions over the analysis and the story's articles; the pages, the API and the dossier
export all read these, so the three never disagree.
"""

from __future__ import annotations

from bisect import bisect_right
from calendar import monthrange
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..config import current
from ..models import Article, Claim, Event, Quote, StoryAnalysis, TimelineEntry
from ..read.outlets import outlet_name

UNKNOWN_OUTLET = "outlet unknown"  # the chart's name for reports of no known outlet: a series, not an outlet
OUTLYING_FIRST = "a date far outside the story's other reports: doubtful"


@dataclass
class OutletCoverage:
    """One outlet's part in a story."""

    outlet: str
    articles: int
    first_published: str | None
    first_article_id: str
    first_inferred: bool
    languages: list[str]


@dataclass
class Carriage:
    """Which of the story's outlets carry a statement (a quote or a figure), and which do not."""

    statement_id: str
    kind: str
    carried_by: list[str]
    not_carried_by: list[str]


@dataclass
class Phase:
    """One event of the story as the reader meets it: dated, with its outlets and what was said in it."""

    event: Event
    outlets: list[str]
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


@dataclass
class Coverage:
    outlets: list[OutletCoverage]
    first: OutletCoverage | None
    same_day: list[str]  # other outlets whose first report carries the first one's date: no one was first
    first_outlying: bool  # the first report's date is far outside the story's others (see `outlying`): doubtful
    languages: dict[str, int]
    undated: int
    carriage: list[Carriage]
    unknown_outlet: int = 0  # reports whose outlet nobody knows: not one outlet, and never "first"

    def reach(self) -> str:
        """How many outlets the reports come from, as a reader reads it: reports of no known outlet are
        said to be so, not counted as one more outlet ("from 2 outlets, 3 of unknown outlet")."""
        known = len(self.outlets)
        named = f"from {known} outlet{'s' if known != 1 else ''}" if known else ""
        if not self.unknown_outlet:
            return named
        unknown = f"{self.unknown_outlet} of unknown outlet" if known else "outlet unknown"
        return f"{named}, {unknown}" if named else unknown


@dataclass
class TimelineParts:
    """A story's timeline as a reader meets it: its own span first, the background before it folded."""

    own: list[TimelineEntry]  # from a little before the story's first report on, in date order
    earlier: list[TimelineEntry]  # wholly before that: background the reports recall ('the 2004 tsunami')


def outlet_of(article: Article) -> str | None:
    """The report's outlet (see `outlets.outlet_name`), None when neither metadata nor address names one:
    reports of unknown outlets are counted apart, never lumped into one outlet of their own."""
    return outlet_name(article.outlet, article.source)


def _day(article: Article) -> str | None:
    return article.published[:10] if article.published else None


def coverage(analysis: StoryAnalysis, articles: list[Article]) -> Coverage:
    """Outlets in the order they first reported (undated reports last), and each statement's carriers.

    A first report whose date was inferred from its text, not given by the outlet, is marked as such:
    "first reported by" is only as sure as that date; so is one dated far outside the story's other
    reports (a page's wrong metadata, "1900-01-01"), which is marked, not dropped: the date may be
    right. Outlets whose first report carries the same day are named beside it, since dates are days
    and nobody can be said to be first then.
    """
    by_outlet: dict[str, list[Article]] = defaultdict(list)
    unknown = 0
    for article in articles:
        name = outlet_of(article)
        if name is None:
            unknown += 1
        else:
            by_outlet[name].append(article)
    outlets = [_outlet_coverage(name, items) for name, items in by_outlet.items()]
    outlets.sort(key=lambda o: (o.first_published is None, o.first_published or "", o.outlet))
    dated = [(o, o.first_published) for o in outlets if o.first_published]
    first = dated[0][0] if dated else None
    same_day = [o.outlet for o, day in dated[1:] if day[:10] == dated[0][1][:10]]
    languages = Counter(a.language or "unknown" for a in articles)
    return Coverage(outlets=outlets, first=first, same_day=same_day,
                    first_outlying=first is not None and first.first_article_id in outlying(articles),
                    languages=dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
                    undated=sum(1 for a in articles if not a.published),
                    carriage=carriage(analysis, articles), unknown_outlet=unknown)


def _outlet_coverage(name: str, items: list[Article]) -> OutletCoverage:
    first = min(items, key=lambda a: (a.published is None, a.published or "", a.id))
    return OutletCoverage(outlet=name, articles=len(items), first_published=first.published,
                          first_article_id=first.id, first_inferred=bool(first.published and first.published_inferred),
                          languages=sorted({a.language or "unknown" for a in items}))


def carriage(analysis: StoryAnalysis, articles: list[Article]) -> list[Carriage]:
    """For each quote and figure, the outlets whose reports carry it and the story's other outlets.

    Only a story covered by more than one outlet has blindspots; the statements carried by the fewest
    outlets come first, since those are what a reader of one outlet is most likely to have missed.
    """
    outlet_by_article = {a.id: name for a in articles if (name := outlet_of(a))}
    everyone = sorted(set(outlet_by_article.values()))
    if len(everyone) < 2:
        return []
    found = [(q.id, "quote", {v.article_id for v in q.variants}) for q in analysis.quotes]
    found += [(c.id, "figure" if c.quantity else "detail", set(c.article_ids)) for c in analysis.claims]
    items = []
    for statement_id, kind, article_ids in found:
        carried = sorted({outlet_by_article[a] for a in article_ids if a in outlet_by_article})
        if carried:
            items.append(Carriage(statement_id, kind, carried, [o for o in everyone if o not in carried]))
    return sorted(items, key=lambda c: (len(c.carried_by), c.kind, c.statement_id))


def phases(analysis: StoryAnalysis, events: list[Event], articles: list[Article]) -> list[Phase]:
    """The story's events in date order (undated last), each with its outlets and the quotes and
    figures its reports carry that most outlets repeat (a direct quote before a reported one)."""
    settings = current().presenting
    outlet_by_article = {a.id: name for a in articles if (name := outlet_of(a))}
    ordered = sorted(events, key=lambda e: (e.start is None, e.start or "", e.end or "", e.id))
    found = []
    for event in ordered:
        members = set(event.article_ids)
        reach = lambda ids: len({outlet_by_article.get(i) for i in ids if i in members})  # noqa: E731
        quotes = [q for q in analysis.quotes if any(v.article_id in members for v in q.variants)]
        quotes.sort(key=lambda q: (-reach([v.article_id for v in q.variants]), q.kind != "direct", q.id))
        claims = [c for c in analysis.claims if c.quantity is not None and members.intersection(c.article_ids)]
        claims.sort(key=lambda c: (-reach(c.article_ids), c.id))
        found.append(Phase(event, sorted({outlet_by_article[i] for i in event.article_ids if i in outlet_by_article}),
                           quotes[:settings.phase_quotes], claims[:settings.phase_figures]))
    return found


@dataclass
class DayCount:
    """Reports in one bar of the chart: a day, or a week or month when the story is long."""

    start: str
    end: str
    by_outlet: dict[str, int]


def key_figures(analysis: StoryAnalysis) -> list[Claim]:
    """A story's figures as a reader wants them: those in dispute first, then those most reports carry, then
    those a named source gives; one report's unattributed figure last. Disputed details (a day, a wound)
    are no figures: the disputes show them."""
    disputed = {i for r in analysis.relations if r.type == "contradicts" for i in (r.a, r.b)}
    figures = [c for c in analysis.claims if c.quantity is not None]
    return sorted(figures, key=lambda c: (c.id not in disputed, -len(c.article_ids),
                                                  c.source_kind in (None, "outlet"), c.id))


def reports_over_time(articles: list[Article]) -> list[DayCount]:
    """Dated reports per day and outlet, from the first report to the last, empty days included.

    A story over months would give hundreds of hairline bars: then bars are weeks, months or years,
    whichever first keeps them within `presenting.chart_max_bars`.
    """
    far = outlying(articles)
    shown = [a for a in articles if a.id not in far]
    days = sorted(d for d in (_parsed(_day(a)) for a in shown) if d)
    if not days:
        return []
    limit = current().presenting.chart_max_bars
    first, last = days[0], days[-1]
    for make in (_days, _weeks, _months, _years):
        bins = make(first, last)
        if len(bins) <= limit:
            break
    else:  # more years than bars: each bar a run of years
        years = -(-len(bins) // limit)
        bins = [(bins[k][0], bins[min(k + years, len(bins)) - 1][1]) for k in range(0, len(bins), years)]
    counts = [DayCount(a.isoformat(), b.isoformat(), {}) for a, b in bins]
    starts = [a for a, _ in bins]
    for article in shown:
        when = _parsed(_day(article))
        if when is not None:
            tally, name = counts[bisect_right(starts, when) - 1].by_outlet, outlet_of(article) or UNKNOWN_OUTLET
            tally[name] = tally.get(name, 0) + 1
    return counts


def outlying(articles: list[Article]) -> set[str]:
    """The reports dated far outside the story's bulk: a wrong year in a page's metadata ("1900-01-01",
    "2099") or a background date taken for the publication. They would stretch the chart until the
    story's real days are a hairline."""
    dated = sorted((day, a.id) for a in articles if (day := _parsed(_day(a))))
    if len(dated) < 4:
        return set()
    presenting = current().presenting
    low, high = dated[len(dated) // 4][0], dated[(3 * len(dated)) // 4][0]
    reach = presenting.outlier_spread * max((high - low).days, presenting.outlier_min_days)
    # day numbers, not dates: a reach past year 1 or 9999 is no error, just nothing beyond it
    return {aid for day, aid in dated if day.toordinal() < low.toordinal() - reach
            or day.toordinal() > high.toordinal() + reach}


def timeline_parts(timeline: list[TimelineEntry], articles: list[Article]) -> TimelineParts:
    """The entries within the span the story's reports cover, and the earlier ones.

    The span opens timeline.own_span_lead_days before the first report that is not an outlier (see
    `outlying`): what happened just before the news broke is the story's own, while the years a
    report recalls for background would otherwise lead the timeline and push the story's own dates
    behind 'show more'. A story with no dated report has no span: everything is its own.
    """
    outliers = outlying(articles)
    days = [day for a in articles if a.id not in outliers and (day := _parsed(_day(a)))]
    if not days:
        return TimelineParts(list(timeline), [])
    opens = min(days) - timedelta(days=current().timeline.own_span_lead_days)
    parts = TimelineParts([], [])
    for entry in timeline:
        last = _last_day(entry.date)
        (parts.earlier if last is not None and last < opens else parts.own).append(entry)
    return parts


def _last_day(iso: str) -> date | None:
    """The last day a YYYY, YYYY-MM or YYYY-MM-DD date covers."""
    try:
        parts = [int(p) for p in iso.split("-")]
        year, month = parts[0], parts[1] if len(parts) > 1 else 12
        return date(year, month, parts[2] if len(parts) > 2 else monthrange(year, month)[1])
    except (ValueError, IndexError):
        return None


def _parsed(day: str | None) -> date | None:
    try:
        return date.fromisoformat(day) if day else None
    except ValueError:
        return None


def _days(first: date, last: date) -> list[tuple[date, date]]:
    return [(d, d) for d in (first + timedelta(days=k) for k in range((last - first).days + 1))]


def _weeks(first: date, last: date) -> list[tuple[date, date]]:
    week = timedelta(weeks=1)
    starts = [first + k * week for k in range((last - first) // week + 1)]
    return [(s, min(s + week - timedelta(days=1), last)) for s in starts]


def _months(first: date, last: date) -> list[tuple[date, date]]:
    bins, start = [], first.replace(day=1)
    while start <= last:
        following = start + timedelta(days=monthrange(start.year, start.month)[1])
        bins.append((max(start, first), min(following - timedelta(days=1), last)))
        start = following
    return bins


def _years(first: date, last: date) -> list[tuple[date, date]]:
    return [(max(date(y, 1, 1), first), min(date(y, 12, 31), last)) for y in range(first.year, last.year + 1)]
