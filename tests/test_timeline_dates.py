"""Timelines on real reports: each date read the way its sentence reads it and against its own report's
date, every event of a sentence that tells two, datelines wherever a scraped page put them, and the
story's own span shown before the background its reports recall."""

import json

from conftest import SEEDS, gold_reports
from fastapi.testclient import TestClient

from storyline import Storyline
from storyline.analysis.timeline import build_timeline
from storyline.dates import dateline_expression
from storyline.dates.published import dateline_day
from storyline.extract import extract_facts
from storyline.models import Article, TimelineEntry
from storyline.prepare.parse import parse
from storyline.present import coverage
from storyline.web import Settings, create_app


def timeline_of(gold: str, url: str, published: str | None = None) -> list[tuple[str, bool, str]]:
    [report] = gold_reports(gold, url=url)
    facts = extract_facts(parse(report["text"]), "a1", report.get("language"), report.get("title"))
    entries = build_timeline("s1", {"a1": facts}, {"a1": published or report.get("published")})
    return [(e.date, e.expected, e.text) for e in entries]


def dated(entries: list[tuple[str, bool, str]], words: str) -> list[tuple[str, bool]]:
    return [(day, expected) for day, expected, text in entries if words in text]


def test_a_hearing_report_dates_the_killings_before_it_and_the_next_hearing_after_it():
    """KJRH, 16 July 2013: the killings of 'Jan. 7' and the guns seen 'on New Year's Eve' were months before
    the report (the nearer January ahead would make them expected); the hearings 'won't resume until Sept. 9'
    and a motion hearing is 'slated for August'; a sentence telling Tuesday's end and the Sept. 9 resumption
    stands under both days."""
    entries = timeline_of("gvc", "309fcffb73")
    assert dated(entries, "Kayetie Melchor") == [("2013-01-07", False)]
    assert dated(entries, "guns on New Year's Eve") == [("2012-12-31", False)]
    assert dated(entries, "won't resume until Sept. 9") == [("2013-07-16", False), ("2013-09-09", True)]
    assert dated(entries, "motion hearing") == [("2013-08", True)]


def test_acquisitions_told_in_the_past_are_not_expected_and_each_gets_its_month():
    """InfoWorld, 2 March 2012: 'In July it acquired Fulcrum ..., and last month it purchased InfiniBand assets'
    names two past months: July 2011 (not the July ahead) and February 2012."""
    entries = timeline_of("ecbplus", "43_6ecbplus", "2012-03-02")
    assert dated(entries, "Fulcrum") == [("2011-07", False), ("2012-02", False)]


def test_a_holiday_takes_the_year_its_sentence_names():
    entries = timeline_of("ecbplus", "37_7ecbplus", "2013-07-02")
    assert dated(entries, "Boxing Day") == [("2004-12-26", False)]


def test_datelines_in_figures_or_taken_for_the_title_date_the_report():
    [amd] = gold_reports("ecbplus", url="43_2ecbplus")  # 'SUNNYVALE, Calif. —2/29/2012' under a subtitle
    [wired] = gold_reports("ecbplus", url="43_3ecbplus")  # '02.29.12 4:15 PM'
    for report in (amd, wired):
        assert dateline_expression(report["text"]).groups == ("2012", "02", "29")
    [bbc] = gold_reports("ecbplus", url="37_6ecbplus")  # the page's '3 July 2013 Last updated at 13:38 GMT' is its title
    facts = extract_facts(parse(bbc["text"]), "a1", "en", bbc["title"])
    assert str(dateline_day(facts.times, None)) == "2013-07-03"
    assert extract_facts(parse(bbc["text"]), "a1", "en", "Indonesia Aceh rescue operation").times[0].dateline is False


def test_a_date_line_in_figures_is_read_day_first_outside_english():
    assert dateline_expression("BERLIN 12.05.2016", "de").groups == ("2016", "05", "12")
    assert dateline_expression("BERLIN 12.05.2016", "en").groups == ("2016", "12", "05")
    assert dateline_expression("ROMA 5/29/2012", "it").groups == ("2012", "05", "29")  # no 29th month


def test_version_numbers_and_scores_are_no_dateline():
    for line in ("Version 2.1.12 released", "Scores 3/4/5 today", "13/13/2012"):
        assert dateline_expression(line) is None


def entry(day: str, granularity: str, text: str) -> TimelineEntry:
    return TimelineEntry(day, granularity, "s1", text, ["a1"])


def test_the_storys_own_span_comes_first_and_background_is_folded_as_earlier():
    articles = [Article("a1", "x", "", "", "", published="2022-09-21"), Article("a2", "y", "", "", "", published="2023-01-04")]
    timeline = [entry("1942", "year", "an order of 1942"), entry("2022-02-24", "day", "the invasion"),
                entry("2022-09", "month", "the recall of reservists"), entry("2022-09-21", "day", "mobilization"),
                entry("2023-01", "month", "a second wave, expected")]
    parts = coverage.timeline_parts(timeline, articles)
    assert [t.text for t in parts.own] == ["the recall of reservists", "mobilization", "a second wave, expected"]
    assert [t.text for t in parts.earlier] == ["an order of 1942", "the invasion"]
    assert coverage.timeline_parts(timeline, [Article("a1", "x", "", "", "")]).earlier == []


def test_the_seeds_dossier_and_page_show_the_mobilization_before_the_background(tmp_path):
    """The seeds' reports run from September 2022 to January 2023: Stalin's order of 1942 and the invasion of
    February 2022 are background, folded under 'earlier' after the story's own dates."""
    news = Storyline(tmp_path / "s.db")
    news.ingest([str(SEEDS)])
    story = json.loads(news.export("json"))["stories"][0]["id"]
    markdown = news.export("markdown", story=story)
    own, earlier = markdown.split("## Timeline", 1)[1].split("## Disputed")[0].split("### Earlier")
    assert "2022-09-21" in own and "1942" not in own
    assert "1942" in earlier and "2022-02-24" in earlier and "2022-09-21" not in earlier
    html = news.export("html", story=story)
    assert html.index("2022-09-21") < html.index("<summary>Earlier") < html.index("<li>1942")
    page = TestClient(create_app(Settings(str(tmp_path / "s.db"), token=None)), base_url="http://127.0.0.1:8000")
    body = page.get(f"/stories/{story}").text
    assert body.index('datetime="2022-09-21"') < body.index("Earlier:") < body.index('datetime="1942"')
