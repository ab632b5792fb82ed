"""Coverage, phases and the coverage chart on small hand-made stories: who reported first (and how
sure that is), which outlets carry each statement, events as dated phases, bars per day, week or
month, and an SVG that shows report text as text."""

from xml.etree import ElementTree

from storyline.models import Article, Claim, Event, Quantity, Quote, QuoteVariant, StoryAnalysis
from storyline.present import chart, coverage


def _article(aid, outlet, published, language="en", inferred=False, duplicate_of=None):
    return Article(aid, f"https://{outlet or 'x'}/{aid}", f"title {aid}", "text", "h" + aid, outlet=outlet,
                   language=language, published=published, published_inferred=inferred, duplicate_of=duplicate_of)


ARTICLES = [
    _article("a1", "wire.example", "2024-03-02"),
    _article("a2", "daily.example", "2024-03-01", inferred=True),
    _article("a3", "daily.example", "2024-03-04", language="fr"),
    _article("a4", None, None),
    _article("a5", "wire.example", "2024-03-04"),
]


def _quote(qid, speaker, kind, *article_ids):
    return Quote(qid, speaker, None, kind, None, [QuoteVariant(a, f"words of {qid}") for a in article_ids])


def _claim(cid, *article_ids):
    return Claim(cid, f"{cid} people were hurt", "police", None, Quantity(value=3.0, unit="people"), list(article_ids))


ANALYSIS = StoryAnalysis("s1", "A story", quotes=[_quote("q1", "Mayor", "direct", "a1", "a3", "a4"),
                                                  _quote("q2", "Chief", "reported", "a5"),
                                                  _quote("q3", "Mayor", "direct", "a5")],
                         claims=[_claim("c1", "a1"), _claim("c2", "a2", "a5")])
EVENTS = [Event("e5", "s1", "Later", "2024-03-04", "2024-03-04", ["a3", "a5"]),
          Event("e4", "s1", "Undated", None, None, ["a4"]),
          Event("e1", "s1", "First", "2024-03-01", "2024-03-02", ["a1", "a2"])]


def test_outlets_come_in_the_order_they_first_reported_and_the_first_says_how_sure_it_is():
    seen = coverage.coverage(ANALYSIS, ARTICLES)
    # the report of no known outlet is counted apart, not as an outlet of its own
    assert [o.outlet for o in seen.outlets] == ["daily.example", "wire.example"] and seen.unknown_outlet == 1
    assert seen.reach() == "from 2 outlets, 1 of unknown outlet"
    daily = seen.outlets[0]
    assert (daily.articles, daily.first_published, daily.first_article_id) == (2, "2024-03-01", "a2")
    assert daily.languages == ["en", "fr"]
    assert seen.first is daily and seen.first.first_inferred  # its date was read from the text
    assert seen.same_day == []
    assert seen.languages == {"en": 4, "fr": 1} and seen.undated == 1


def test_outlets_first_on_the_same_day_are_named_beside_the_first():
    tied = [*ARTICLES, _article("a6", "evening.example", "2024-03-01")]
    seen = coverage.coverage(ANALYSIS, tied)
    assert seen.first.outlet == "daily.example" and seen.same_day == ["evening.example"]


def test_each_statement_names_the_outlets_that_carry_it_and_those_that_do_not_fewest_first():
    carried = {c.statement_id: c for c in coverage.carriage(ANALYSIS, ARTICLES)}
    assert carried["q2"].carried_by == ["wire.example"]
    assert carried["q2"].not_carried_by == ["daily.example"]
    assert carried["q1"].not_carried_by == []
    order = [c.statement_id for c in coverage.carriage(ANALYSIS, ARTICLES)]
    assert order.index("q2") < order.index("q1")


def test_a_story_from_one_outlet_has_no_blindspots():
    alone = [a for a in ARTICLES if a.outlet == "wire.example"]
    assert coverage.carriage(ANALYSIS, alone) == []


def test_phases_are_events_in_date_order_with_the_most_repeated_quotes_direct_first(configure):
    configure({"presenting.phase_quotes": 1, "presenting.phase_figures": 1})
    phases = coverage.phases(ANALYSIS, EVENTS, ARTICLES)
    assert [p.event.id for p in phases] == ["e1", "e5", "e4"]  # undated last
    first, later, undated = phases
    assert first.outlets == ["daily.example", "wire.example"]
    assert [q.id for q in first.quotes] == ["q1"] and [c.id for c in first.claims] == ["c1"]
    assert [q.id for q in later.quotes] == ["q1"]  # carried by two outlets of the phase, q2 and q3 by one
    assert [q.id for q in undated.quotes] == ["q1"] and undated.claims == []


def test_reports_are_counted_per_day_with_empty_days_kept():
    bars = coverage.reports_over_time(ARTICLES)
    assert [b.start for b in bars] == ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"]
    assert bars[0].by_outlet == {"daily.example": 1}
    assert bars[2].by_outlet == {}
    assert bars[3].by_outlet == {"daily.example": 1, "wire.example": 1}
    assert sum(sum(b.by_outlet.values()) for b in bars) == 4  # the undated report is in no bar


def test_a_long_story_is_counted_by_week_then_month_then_year(configure):
    configure({"presenting.chart_max_bars": 12})
    spread = [_article(f"a{k}", "wire.example", day) for k, day in
              enumerate(["2023-01-05", "2023-02-20", "2023-03-31", "2023-03-01"])]
    months = coverage.reports_over_time(spread)
    assert [(b.start, b.end) for b in months] == [("2023-01-05", "2023-01-31"), ("2023-02-01", "2023-02-28"),
                                                  ("2023-03-01", "2023-03-31")]
    assert [sum(b.by_outlet.values()) for b in months] == [1, 1, 2]
    weeks = coverage.reports_over_time(spread[:2])
    assert len(weeks) == 7 and weeks[0].start == "2023-01-05" and weeks[0].end == "2023-01-11"
    years = coverage.reports_over_time([_article("y1", "w", "2001-06-01"), _article("y2", "w", "2020-01-01")])
    # twenty years in at most twelve bars: two years a bar
    assert [(b.start, b.end) for b in years][:2] == [("2001-06-01", "2002-12-31"), ("2003-01-01", "2004-12-31")]
    assert len(years) == 10 and sum(sum(b.by_outlet.values()) for b in years) == 2


def test_reports_dated_far_outside_the_story_do_not_stretch_the_chart(configure):
    """One report dated 1900 and one 2099 made 200 yearly bars of a month's 300 reports."""
    configure({"presenting.chart_max_bars": 45})
    month = [_article(f"m{k}", ("wire.example", "daily.example")[k % 2], f"2024-03-{1 + k % 31:02d}") for k in range(300)]
    stray = [_article("old", "archive.example", "1900-01-01"), _article("future", "feed.example", "2099-12-31")]
    bars = coverage.reports_over_time(month + stray)
    assert bars[0].start == "2024-03-01" and bars[-1].end == "2024-03-31" and len(bars) == 31
    assert sum(sum(b.by_outlet.values()) for b in bars) == 300


def test_a_first_report_dated_far_outside_the_story_is_named_doubtful_not_hidden():
    """"First reported by archive.example on 1900-01-01" stood as a fact over a month's 300 reports."""
    month = [_article(f"m{k}", ("wire.example", "daily.example")[k % 2], f"2024-03-{1 + k % 31:02d}") for k in range(300)]
    stray = coverage.coverage(ANALYSIS, [*month, _article("old", "archive.example", "1900-01-01")])
    assert stray.first.outlet == "archive.example" and stray.first_outlying  # the date may be right: shown, marked
    assert not coverage.coverage(ANALYSIS, month).first_outlying


def test_dates_at_the_ends_of_the_calendar_are_outliers_not_errors():
    """A report dated 0001-01-01 beside three of 9999 made the outlier rule reach past the calendar."""
    ends = [_article("a", "w", "0001-01-01"), *(_article(f"z{k}", "w", f"9999-12-2{k}") for k in range(5))]
    assert coverage.outlying(ends) == {"a"}
    assert coverage.coverage(ANALYSIS, ends).first_outlying


def test_the_chart_is_one_svg_with_a_bar_per_day_and_outlet_names_as_text(configure):
    configure({"presenting.chart_outlets": 1})
    hostile = [*ARTICLES, _article("a9", "<script>alert(1)</script>", "2024-03-03")]
    svg = chart.svg(coverage.reports_over_time(hostile))
    tree = ElementTree.fromstring(svg)  # well-formed: the outlet name is escaped, not markup
    assert tree.tag.endswith("svg") and "<script>" not in svg
    titles = [t.text for t in tree.iter("{http://www.w3.org/2000/svg}title")]
    assert "2024-03-04: 2 reports (daily.example 1, wire.example 1)" in titles
    legend = [t.text for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    assert chart.OTHERS in legend  # one outlet has its own colour, the rest are counted together
    assert chart.svg([]) == "" and chart.svg(coverage.reports_over_time([_article("u", "w", None)])) == ""
