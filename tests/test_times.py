"""Every date expression of an article (contract 1.1 `times`), English and Spanish, scored on real
annotated news (TempEval-3 and MEANTIME / Spanish TimeBank dev files) with the shared scorer."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from storyline.dates import article_times

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SCORER = DATA.parent / "eval" / "score_times.py"


def values(text: str, published: str | None, language: str = "en") -> list[tuple[str, str]]:
    return [(t.text, t.value) for t in article_times(text, published, language)]


def test_a_narrated_date_without_year_lies_before_publication_not_after():
    text = "Russia launched its full-scale invasion on February 24, Zelensky said in a speech."
    assert values(text, "2023-01-04") == [("February 24", "2022-02-24")]


def test_a_planned_date_lies_after_publication():
    text = "The company said it will close the plant in March."
    assert values(text, "2022-11-17") == [("in March", "2023-03")]


def test_weekdays_follow_the_tense_of_their_clause():
    assert values("The board met on Monday.", "2004-11-17") == [("on Monday", "2004-11-15")]
    assert values("Shareholders will vote on Monday.", "2004-11-17") == [("on Monday", "2004-11-22")]


def test_news_forms_a_reader_expects_resolved():
    text = ("Third-quarter profit rose from a year earlier. Sales in 1998 were flat. "
            "Officials said last week that nineteen ninety-six was the worst year.")
    assert values(text, "1999-10-27") == [("Third-quarter", "1999"), ("a year earlier", "1998"), ("in 1998", "1998"),
                                          ("last week", "1999-10"), ("nineteen ninety-six", "1996")]


def test_amounts_and_decades_are_no_years():
    assert values("It paid $2000 for 1990 shares in the 1990s, 2015.5 points.", "2004-11-17") == []


def test_spanish_relative_dates():
    text = "El ministro dijo ayer que el pasado lunes se firmó el acuerdo, hace dos semanas de la reunión del 3 de marzo."
    assert values(text, "2005-06-15", "es") == [("ayer", "2005-06-14"), ("el pasado lunes", "2005-06-13"),
                                                ("hace dos semanas", "2005-06-01"), ("3 de marzo", "2005-03-03")]


def test_no_publication_date_leaves_relative_dates_out():
    assert values("He left on Tuesday, in 2003.", None) == [("in 2003", "2003")]


def _score(name: str, tmp_path: Path) -> dict[str, float]:
    articles = [json.loads(line) for line in (DATA / f"{name}-dev.jsonl").open(encoding="utf-8")]
    export = {"version": 1, "articles": [
        {"id": f"a{i}", "source": a["url"], "published": a.get("published"),
         "times": [t.__dict__ for t in article_times(a["text"], a.get("published"), a.get("language"))]}
        for i, a in enumerate(articles)]}
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    out = subprocess.run([sys.executable, str(SCORER), str(path), str(DATA / f"{name}-dev-gold.jsonl")],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    return {key: float(value) for key, value in (part.split("=") for part in out.split() if "=" in part)}


@pytest.mark.parametrize("name, minimum", [("tempeval3", 0.80), ("timex-multi", 0.75)])
def test_value_f1_on_annotated_dev_files(name, minimum, tmp_path):
    assert _score(name, tmp_path)["F1"] >= minimum
