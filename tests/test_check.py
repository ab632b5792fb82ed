"""The claim check: the stance stage on hand-made reports, then `storyline check` end to end on
real FNC-1 reports (CLI batch form scored by ../shared/eval/score_stance.py, table form, the
Python API, the HTTP API and the web page)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from storyline import Storyline
from storyline.analysis import check
from storyline.cli import app
from storyline.web import Settings, create_app

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DATA = SHARED / "data"
CLAIM = "Apple will release a gold iPhone next month"


def report(key: str, title: str, text: str) -> check.Report:
    return check.Report(key, check.split_sentences(title, text))


REPORTS = [
    report("denies", "Apple denies gold iPhone report",
           "Apple has denied reports that it will release a gold iPhone next month. A spokesman said the rumour "
           "was false and that no such phone exists. The claim first appeared on a blog."),
    report("confirms", "Apple confirms gold iPhone",
           "Apple confirmed on Tuesday that it will release a gold iPhone next month. The company announced the "
           "phone at an event in California, and it will go on sale on the 20th."),
    report("hedges", "Gold iPhone rumoured",
           "Apple may release a gold iPhone next month, according to unconfirmed reports. The claims, which "
           "circulated online, could not be verified. Apple did not respond to a request for comment."),
    report("elsewhere", "Storm hits coast",
           "A storm brought heavy rain to the coast on Monday, flooding roads and closing schools. Forecasters "
           "expect more rain this week."),
]


def test_each_report_gets_its_stance_and_the_unrelated_one_none():
    verdicts = {v.key: v for v in check.check([CLAIM], REPORTS)[0]}
    assert {k: v.stance for k, v in verdicts.items()} == {"denies": "disagree", "confirms": "agree", "hedges": "discuss"}
    assert verdicts["denies"].evidence == "Apple has denied reports that it will release a gold iPhone next month."
    assert all(0 < v.score <= 1 for v in verdicts.values())


def test_a_claim_sharing_no_words_with_any_report_has_no_verdict():
    assert check.check(["Parliament passed the budget"], REPORTS) == [[]]
    assert check.check([], REPORTS) == [] and check.check([CLAIM], []) == [[]]


def test_the_shipped_model_round_trips_through_json():
    model = check.shipped_model()
    again = check.StanceModel.from_json(json.loads(json.dumps(model.to_json())))
    features = check.features_of([CLAIM], REPORTS, [(0, i) for i in range(len(REPORTS))])
    for a, b in zip(check.predict(model, features), check.predict(again, features)):
        assert a == pytest.approx(b)


def _fnc_subset(tmp_path: Path, topics: int = 3) -> tuple[Path, Path, Path]:
    """The bodies, claims and gold of the first few FNC-1 dev claims that have a report denying them."""
    gold = [json.loads(line) for line in (DATA / "fnc1-dev-gold.jsonl").open(encoding="utf-8")]
    denied = sorted({g["claim_id"] for g in gold if g["stance"] == "disagree"})[:topics]
    pairs = [g for g in gold if g["claim_id"] in denied]
    urls = {g["url"] for g in pairs}
    files = {name: tmp_path / name for name in ("bodies.jsonl", "claims.jsonl", "gold.jsonl")}
    with (DATA / "fnc1-dev-bodies.jsonl").open(encoding="utf-8") as source:
        files["bodies.jsonl"].write_text("".join(line for line in source if json.loads(line)["url"] in urls))
    with (DATA / "fnc1-dev-claims.jsonl").open(encoding="utf-8") as source:
        files["claims.jsonl"].write_text("".join(line for line in source if json.loads(line)["claim_id"] in denied))
    files["gold.jsonl"].write_text("".join(json.dumps(g) + "\n" for g in pairs))
    return files["bodies.jsonl"], files["claims.jsonl"], files["gold.jsonl"]


@pytest.fixture(scope="module")
def fnc_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fnc")
    bodies, claims, gold = _fnc_subset(folder)
    db = folder / "fnc.db"
    with Storyline(db) as news:
        news.ingest([bodies])
    return db, claims, gold


def test_batch_check_writes_the_contract_and_scores(fnc_store, tmp_path):
    db, claims, gold = fnc_store
    out = tmp_path / "stances.jsonl"
    result = CliRunner().invoke(app, ["check", "--claims", str(claims), "--format", "jsonl", "-o", str(out),
                                      "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines and all(set(line) >= {"claim_id", "url", "article_id", "stance", "score", "evidence"} for line in lines)
    assert {line["stance"] for line in lines} == {"agree", "disagree", "discuss"}
    scored = subprocess.run([sys.executable, str(SHARED / "eval" / "score_stance.py"), str(out), str(gold),
                             "--min=0.70", "--min-macro=0.6"], capture_output=True, text=True)
    assert scored.returncode == 0, scored.stdout


def test_one_claim_as_a_table_and_through_the_apis(fnc_store):
    db, claims, _ = fnc_store
    claim = json.loads(claims.read_text().splitlines()[0])["claim"]
    table = CliRunner().invoke(app, ["check", claim, "--db", str(db)])
    assert table.exit_code == 0 and "stance" in table.output
    with Storyline(db, read_only=True) as news:
        [found] = news.check(claim)
    assert found.reports and found.reports == sorted(found.reports, key=lambda r: -r.score)
    client = TestClient(create_app(Settings(str(db), token=None)), base_url="http://127.0.0.1:8000")
    api = client.get("/api/check", params={"claim": claim}).json()
    assert [(r["article"]["id"], r["stance"]) for r in api["reports"]] == [(r.article.id, r.stance) for r in found.reports]
    page = client.get("/check", params={"claim": claim + " <script>alert(1)</script>"})
    assert page.status_code == 200 and "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert client.get("/api/check").status_code == 400


def test_a_bad_claims_file_is_refused_with_its_line(tmp_path, fnc_store):
    db, _, _ = fnc_store
    bad = tmp_path / "claims.jsonl"
    bad.write_text('{"claim_id": "a", "claim": "x"}\nnot json\n')
    result = CliRunner().invoke(app, ["check", "--claims", str(bad), "--db", str(db)])
    assert result.exit_code == 1 and "line 2" in result.output
    assert CliRunner().invoke(app, ["check", "--db", str(db)]).exit_code == 2
