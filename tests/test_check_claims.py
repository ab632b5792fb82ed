"""The claim check reads negation, antonyms, figures and relevance (issue 42): claims about the seed
reports with the stance each report must get (tests/fixtures/check/claims.toml), then the issue's
failures on short reports written here after the ones it names (their texts are not in ../shared)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from storyline.analysis import check
from storyline.analysis.check_cues import figure_agreement, figures

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
FIXTURE = Path(__file__).parent / "fixtures" / "check" / "claims.toml"
CLAIMS = tomllib.loads(FIXTURE.read_text(encoding="utf-8"))["claim"]


def seed_reports() -> list[check.Report]:
    """Each seed as `storyline check` reads a report: its first line the title, then its text."""
    reports = []
    for path in sorted(SEEDS.glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").partition("\n")
        reports.append(check.Report(path.name[:3], check.split_sentences(title, text)))
    return reports


def stances(claim: str, reports: list[check.Report]) -> dict[str, check.Verdict]:
    return {v.key: v for v in check.check([claim], reports)[0]}


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{c['text']} / {c['why'][:40]}",
                                               marks=[pytest.mark.xfail(strict=True, reason="issue 42, open")]
                                               if c.get("known_gap") else [])
                                  for c in CLAIMS])
def test_each_seed_report_gets_the_stance_the_fixture_gives(case):
    found = stances(case["text"], seed_reports())
    got = {key: verdict.stance for key, verdict in found.items()}
    assert {key: got.get(key) for key in case.get("stances", {})} == case.get("stances", {})
    assert not [key for key, stance in case.get("not", {}).items() if got.get(key) == stance]


def test_a_denial_of_something_else_is_never_shown_as_the_reason():
    """Seed 003's 'He does not want peace between Ukraine and Russia' negates nothing the claim says."""
    found = stances("Russia plans a second wave of mobilization in January", seed_reports())
    assert all("does not want peace" not in (v.evidence or "") for v in found.values())


def report(key: str, title: str, text: str) -> check.Report:
    return check.Report(key, check.split_sentences(title, text))


TRIAL = [
    report("fit", "Court rules former dictator fit for trial",
           "A judge ruled on Monday that former dictator Augusto Pinochet is mentally fit to stand trial for crimes "
           "committed under his rule. The ruling overturns earlier findings by his doctors."),
    report("recount", "Recount in governor race",
           "The Washington governor race remains undecided. Officials did not declare a winner after the recount, "
           "and the Democrat did not concede."),
]
DEAL = [report("deal", "Kmart to buy Sears",
               "Kmart Holding Corp agreed to buy Sears, Roebuck and Co for $11 billion in cash and stock, creating "
               "the third largest retailer in the United States.")]


def test_ruled_fit_disagrees_with_declared_unfit_and_names_the_ruling():
    found = stances("Pinochet was declared unfit to stand trial", TRIAL)
    assert found["fit"].stance == "disagree"
    assert "mentally fit to stand trial" in (found["fit"].evidence or "")
    assert "recount" not in found or found["recount"].stance != "disagree"


def test_ruled_fit_agrees_with_ruled_fit():
    assert stances("Pinochet was ruled fit to stand trial", TRIAL)["fit"].stance != "disagree"


def test_a_figure_of_the_same_deal_disagrees_unless_one_rounds_the_other():
    assert stances("Kmart is buying Sears for $11.5 billion", DEAL)["deal"].stance == "disagree"
    assert stances("Kmart is buying Sears for $11 billion", DEAL)["deal"].stance == "agree"
    assert stances("Kmart is buying Sears for $11.3 billion", DEAL)["deal"].stance != "disagree"


def test_figures_meet_within_their_hedges_and_roundings():
    """(agrees, differs) of a claim's figure against a report's of the same kind."""
    assert figure_agreement(figures("over 300,000 reservists"), figures("310,000 reservists")) == (1.0, 0.0)
    assert figure_agreement(figures("$11.5 billion"), figures("$11 billion")) == (0.0, 1.0)
    assert figure_agreement(figures("$2.5B"), figures("more than $2 billion")) == (1.0, 0.0)
    assert figure_agreement(figures("$2.5 billion"), figures("a $20 game")) == (0.0, 0.0)  # another measure
    assert figure_agreement(figures("300 people"), figures("300 homes")) == (0.0, 0.0)  # another kind


@pytest.mark.xfail(strict=True, reason="issue 42, open: a report that never names the claim's subject still bears on it")
def test_a_briefing_about_someone_else_does_not_bear_on_the_claim():
    briefing = report("briefing", "Rumsfeld briefs reporters",
                      "Defense Secretary Donald Rumsfeld told reporters at a briefing that he was not placed under any "
                      "pressure to resign. He denied that the army had been told to arrest detainees at home.")
    found = stances("Pinochet was placed under house arrest", [*TRIAL, briefing])
    assert "briefing" not in found
