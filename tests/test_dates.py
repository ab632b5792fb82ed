"""Time expressions resolved against a publication date, and publication dates inferred."""

from datetime import date

import pytest

from storyline.dates import date_from_url, find_time_expressions, parse_date_string, resolve
from storyline.dates.published import infer_publication_dates
from storyline.extract import TimeMention

WEDNESDAY = date(2023, 1, 4)


def resolved(text: str, anchor: date | None = WEDNESDAY, future: bool = False):
    expressions = find_time_expressions(text)
    assert expressions, text
    result = resolve(expressions[0], anchor, future=future)
    return (result.iso, result.granularity) if result else None


@pytest.mark.parametrize("text, expected", [
    ("Zelensky said on Tuesday night", ("2023-01-03", "day")),
    ("the ministry said on Wednesday", ("2023-01-04", "day")),
    ("Putin said last month that", ("2022-12", "month")),
    ("In late December, the military said", ("2022-12", "month")),
    ("at the end of October the ministry", ("2022-10", "month")),
    ("the New Year's Eve strike", ("2022-12-31", "day")),
    ("Earlier, in 2020, an amendment", ("2020", "year")),
    ("on February 24, 2022 Russia launched", ("2022-02-24", "day")),
    ("referendums from 23 to 27 September", ("2022-09-23", "day")),
])
def test_time_forms_against_a_publication_date(text, expected):
    assert resolved(text) == expected


def test_this_year_takes_the_publication_year():
    assert resolved("Mobilization begins on September 21 this year", date(2022, 9, 21)) == ("2022-09-21", "day")


def test_a_weekday_in_a_future_sentence_is_the_next_one():
    assert resolved("the vote will be held on Friday", WEDNESDAY, future=True) == ("2023-01-06", "day")


def test_relative_dates_need_a_publication_date():
    assert resolved("on Tuesday", anchor=None) is None
    assert resolved("last month", anchor=None) is None
    assert resolved("on February 24, 2022", anchor=None) == ("2022-02-24", "day")


def test_metadata_date_strings():
    assert parse_date_string("2023-01-04T12:10:00Z") == "2023-01-04"
    assert parse_date_string("Wednesday, January 4, 2023 12:10 PM") == "2023-01-04"
    assert parse_date_string("soon") is None


def _mention(text: str, kind: str, groups: list, future: bool = False) -> TimeMention:
    return TimeMention(0, kind, text, groups, future)


def test_missing_publication_date_inferred_from_text_and_event():
    on_oct_31 = _mention("On October 31", "md", ["October", "31", None, None])
    early_nov = _mention("at the beginning of November", "part", ["beginning of", "November", None])
    given = {"a": "2023-01-04", "b": None, "c": None}
    times = {"a": [], "b": [on_oct_31], "c": [on_oct_31, early_nov]}
    result = infer_publication_dates(given, times, {"a": "e1", "b": "e2", "c": "e2"})
    assert result["a"] == ("2023-01-04", False)
    assert result["c"] == ("2022-11-10", True)
    assert result["b"] == ("2022-11-10", True)  # not before the other report of its event


def test_no_dated_reference_means_no_date():
    result = infer_publication_dates({"a": None}, {"a": [_mention("on Tuesday", "weekday", [None, "Tuesday"])]},
                                     {"a": "e1"})
    assert result["a"] == (None, False)


def test_future_references_do_not_date_a_report():
    january = _mention("in January", "md", ["January", "15", None, None], future=True)
    result = infer_publication_dates({"a": "2022-11-01", "b": None}, {"a": [], "b": [january]}, {"a": "x", "b": "y"})
    assert result["b"] == (None, False)


@pytest.mark.parametrize("url, expected", [
    ("http://www.cnn.com/2004/ALLPOLITICS/11/16/rice.powell/index.html", "2004-11-16"),
    ("http://articles.latimes.com/2004/nov/14/world/fg-mideast14", "2004-11-14"),
    ("http://www.signonsandiego.com/news/nation/20041104-1415-providencemayor-reporter.html", "2004-11-04"),
    ("http://www.csmonitor.com/2004/1129/dailyUpdate.html", "2004-11-29"),
    ("http://news.xinhuanet.com/english/2005-01/01/content_2403810.htm", "2005-01-01"),
    ("http://www.estadao.com.br/agestado/noticias/2004/dez/04/50.htm", "2004-12-04"),
    ("http://web.archive.org/web/20051107132950/http://www.abc.net.au:80/news/newsitems/200411/s1.htm", None),
    ("http://www.reuters.com/newsArticle.jhtml?type=sportsNews&storyID=6875173", None),
])
def test_publication_date_from_the_url(url, expected):
    assert date_from_url(url) == expected


def test_a_dateline_dates_an_undated_report_and_stays_flagged():
    dateline = TimeMention(0, "md", "Dec. 31", ["Dec.", "31", None, None], False, True)
    result = infer_publication_dates({"a": "2005-01-04", "b": None}, {"a": [], "b": [dateline]}, {"a": "e", "b": "e"})
    assert result["b"] == ("2004-12-31", True)


def test_an_inferred_date_past_what_the_corpus_knows_or_far_from_its_event_is_dropped():
    future = _mention("on December 13, 2029", "md", ["December", "13", "2029", None])
    background = _mention("on September 11, 2001", "md", ["September", "11", "2001", None])
    result = infer_publication_dates({"a": "2004-12-20", "b": None, "c": None},
                                     {"a": [], "b": [future], "c": [background]}, {"a": "e", "b": "e", "c": "e"})
    assert result["b"] == (None, False)
    assert result["c"] == ("2004-12-20", True)  # the narrated day is only a floor; its event dates it
