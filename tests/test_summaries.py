"""Story summaries on real WikinewsSum reports: news sentences, the lead first, never page furniture."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import dev_rows

from storyline import analyse
from storyline.analysis.summary import SENTENCE_FEATURES, furniture, shipped_model

# lines of the kinds readers found in summaries (an e-mail header, a reader poll, numbered notes, a fact box,
# a menu, a listing), written here; the news around them is real
FURNITURE = [
    "From: James Roche To: Ken Wynne Subject: the tanker lease and the Boeing proposal",
    "What do you expect from the merger of the two retailers and their stores?",
    "NOTES: (1) Internet User Statistics were updated on May 31, 2004 for all the countries.",
    "MEMBERS OF THE SOUTH AMERICAN COMMUNITY Argentina Bolivia Brazil Chile Colombia Ecuador Guyana Peru",
    "Home | News | Sport | Weather | Business | Entertainment | Melbourne | Victoria | Cricket",
    "* Ocean's Twelve * Blade: Trinity * National Treasure * The Polar Express *",
]


def event_rows(title_start: str) -> list[dict]:
    rows = [r for r in dev_rows("wikinewssum") if r["event"].startswith(title_start)]
    assert rows
    return rows


def summary_of(rows: list[dict]) -> list[str]:
    stories = analyse(rows).stories
    assert len(stories) == 1
    return [s.text for s in stories[0].analysis.summary]


@pytest.mark.parametrize("line", FURNITURE)
def test_page_furniture_is_no_summary_sentence(line):
    assert furniture(line)


def test_news_sentences_in_any_language_are_summary_sentences():
    sentences = [s for r in dev_rows("wikinewssum") for s in r["text"].split("\n")
                 if s.startswith(("Bouncer Zdravko Micevic", "Alfred Gusenbauer wurde am Montag", "UPDATED: LokiTorrent",
                                  "Mr Kostov told reporters in Skopje"))]
    assert len(sentences) >= 4
    assert not [s for s in sentences if furniture(s.split(". ")[0] + ".")]


@pytest.mark.parametrize("sentence", [
    "प्रधानमंत्री ने सोमवार को संसद में नए बजट की घोषणा की और कहा कि इससे किसानों को लाभ होगा।",  # vowel signs are letters
    '"[Israel] has failed to force the population to surrender," the minister said on Tuesday.',  # an editor's brackets
    "The council met on Monday… and again on Friday, when the vote was finally held in the town hall.",
])
def test_sentences_with_brackets_ellipses_or_vowel_signs_are_not_furniture(sentence):
    assert not furniture(sentence)


def test_a_summary_leads_with_what_happened_and_skips_the_furniture_around_it():
    rows = event_rows("Hearing begins over David Hookes death")
    first = dict(rows[0])
    paragraphs = first["text"].split("\n")
    first["text"] = "\n".join(paragraphs[:1] + FURNITURE + paragraphs[1:])
    summary = summary_of([first, *rows[1:]])
    assert "committal hearing has begun" in summary[0]
    assert not set(summary) & set(FURNITURE)
    assert sum(len(s.split()) for s in summary) >= 60


def test_a_report_opening_with_its_page_header_is_summarised_from_its_news_lead():
    summary = summary_of(event_rows("Man bites dog"))
    assert "animal cruelty" in summary[0].lower()  # what happened, not the date line above it
    assert not [s for s in summary if s.startswith("Published")]


def test_the_shipped_sentence_model_reads_what_this_code_computes():
    model = shipped_model()
    assert len(model.coef) == len(SENTENCE_FEATURES) == len(model.mean)


def test_a_summary_is_written_in_the_readers_language_when_a_report_has_it_never_in_two():
    """Macedonia's prime minister resigns: the BBC's report and the Dutch NOS's, one story. The summary is
    the English report's (the reader's language, summaries.reader_language); with no preference, the
    story's most reported language; never a Dutch sentence among English ones."""
    from storyline.analysis.summary import ReportSentences, in_summary_language
    from storyline.config import DEFAULTS, using

    rows = event_rows("Hari Kostov resigns")
    assert {r["language"] for r in rows} == {"en", "nl"}
    summary = summary_of(rows)
    english = next(r["text"] for r in rows if r["language"] == "en")
    assert summary and all(s in " ".join(english.split()) for s in summary)
    reports = [ReportSentences(f"a{k}", "", [], lang) for k, lang in enumerate(["en", "nl", "nl"])]
    assert [r.language for r in in_summary_language(reports)] == ["en"]
    with using(dataclasses.replace(DEFAULTS, summaries=dataclasses.replace(DEFAULTS.summaries, reader_language=""))):
        assert [r.language for r in in_summary_language(reports)] == ["nl", "nl"]
