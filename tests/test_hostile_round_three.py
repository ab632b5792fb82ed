"""Hostile input, round three: what an attacker or a careless user tried, each held at its root."""

from __future__ import annotations

from fastapi.testclient import TestClient

from storyline import Storyline
from storyline.web import Settings, create_app
from storyline.web.pages import article_link

LOCAL = "http://127.0.0.1:8000"


def test_a_citation_of_a_statement_longer_than_the_page_accepts_opens_the_article_at_it(web_db):
    """A statement over 5,000 characters made a citation link the article page refused (400)."""
    with Storyline(web_db, read_only=True) as news:
        article = news.article_page(None, 0, 1)[0][1]
        sentence = max(news.article_sentences(article.id), key=len)
    statement = sentence + " " + " ".join(["and the talks went on through the night"] * 200)
    assert len(statement) > 5000
    client = TestClient(create_app(Settings(str(web_db), token=None)), base_url=LOCAL)
    link = article_link(article.id, statement)
    page = client.get(link)
    assert page.status_code == 200 and '<mark id="cited">' in page.text


def _shooting_reports(count: int) -> list[dict]:
    places = ["Elm Street", "Oak Avenue", "Pine Road", "Cedar Lane", "Maple Drive", "Birch Court"]
    return [{"title": f"Man shot on {places[k % len(places)]}", "url": f"https://news.example/{k}",
             "text": f"A man was shot on {places[k % len(places)]} late on Sunday, police said. "
                     f"He was taken to hospital number {k} in a stable condition. Officers are looking for a gunman."}
            for k in range(count)]


def test_a_claim_check_reads_each_article_once_and_each_claim_once(tmp_path, monkeypatch):
    """Each check re-read and re-split the whole store, and recomputed a claim's words for every report;
    then every ingest made the next check read the whole store again."""
    from storyline import store
    from storyline.analysis import check

    news = Storyline(tmp_path / "s.db", {"ingest.workers": 0})
    news.ingest(_shooting_reports(12))
    reads, claims_read = [], []
    real_texts, real_claim = store.texts_after, check.ClaimWords.of
    monkeypatch.setattr(store, "texts_after", lambda conn, row: reads.append(real_texts(conn, row)) or reads[-1])
    monkeypatch.setattr(check.ClaimWords, "of", staticmethod(lambda claim: claims_read.append(claim) or real_claim(claim)))
    first = news.check("A man was shot on Elm Street, police said")
    again = news.check(["A man was shot on Elm Street, police said", "Police found the gunman"])
    assert first[0].reports and [r.article.id for r in again[0].reports] == [r.article.id for r in first[0].reports]
    assert [len(found) for found in reads] == [12]  # the second check found the store unchanged
    assert len(claims_read) == 3  # once per claim, not once per report it meets
    added = news.ingest(_shooting_reports(13)[12:])
    [checked] = news.check("A man was shot on Elm Street, police said")
    assert [len(found) for found in reads] == [12, 1]  # a new report: only it is read
    assert {r.article.id for r in checked.reports} > {r.article.id for r in first[0].reports}, added


def test_a_claim_check_names_each_article_as_the_store_has_it_now(tmp_path):
    """The check keeps what it read of each report, but the article it shows is the store's: a report a
    reader has moved to another story is shown in that story."""
    news = Storyline(tmp_path / "s.db", {"ingest.workers": 0})
    news.ingest(_shooting_reports(12))
    [before] = news.check("A man was shot on Elm Street, police said")
    moved = before.reports[0].article
    news.correct("split", moved.story_id, "editor", article_ids=[moved.id])
    [after] = news.check("A man was shot on Elm Street, police said")
    shown = next(r.article for r in after.reports if r.article.id == moved.id)
    assert shown.story_id != moved.story_id and shown.story_id == news.article(moved.id).story_id


def test_a_claim_reaching_every_report_is_read_closely_against_the_nearest_only(tmp_path):
    news = Storyline(tmp_path / "s.db", {"ingest.workers": 0, "checking.candidates": 4})
    news.ingest(_shooting_reports(12))
    [found] = news.check("A man was shot late on Sunday, police said")
    assert 1 <= len(found.reports) <= 4


def test_a_claim_over_the_limit_is_refused_in_one_line_by_the_cli_and_400_by_the_web(web_db):
    from typer.testing import CliRunner

    from storyline.cli import app

    refused = CliRunner().invoke(app, ["--set", "checking.claim_chars=40", "check", "can not " * 40_000, "--db", str(web_db)])
    assert refused.exit_code == 2 and "a claim is at most 40 characters" in refused.output
    assert "Traceback" not in refused.output
    settings = Settings(str(web_db), token=None, pipeline=Storyline(web_db, {"checking.claim_chars": 40},
                                                                     read_only=True).settings)
    client = TestClient(create_app(settings), base_url=LOCAL)
    answer = client.get("/api/check", params={"claim": "can not " * 20})
    assert answer.status_code == 400 and "at most 40 characters" in answer.json()["error"]["message"]
    assert client.get("/check", params={"claim": "can not " * 20}).status_code == 400


def test_bidirectional_controls_never_reorder_a_title_or_an_outlet(tmp_path):
    """U+202E in a title or an outlet reversed what followed it on the page, in dossiers and in the terminal."""
    from typer.testing import CliRunner

    from storyline.cli import app
    from storyline.read.guard import shown

    news = Storyline(tmp_path / "s.db", {"ingest.workers": 0})
    body = ("The harbour board said on Tuesday that the strike at the port of Valmora would go on for a week. "
            "Dock workers want higher pay and safer cranes, their union said.")
    news.ingest([{"title": "Port strike \u202eseunitnoc\u202c in \u2067Valmora\u2069", "outlet": "\u202emoc.elpmaxe",
                  "text": body, "url": "https://port.example/1"}])
    [article] = [a for _, a in news.article_page(None, 0, 10)]
    assert article.title == "Port strike seunitnoc in Valmora" and article.outlet == "moc.elpmaxe"
    controls = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert not controls & set(news.export("html")) and not controls & set(news.export("markdown"))
    listed = CliRunner().invoke(app, ["stories", "--db", str(tmp_path / "s.db")])
    assert listed.exit_code == 0 and not controls & set(listed.output)
    assert shown("a\u202eb\u2066c") == "a\\u202eb\\u2066c"


def test_the_cli_follows_a_merged_story_id_to_the_story_it_joined(web_db, tmp_path):
    """The web app redirected a merged-away id; the CLI said only "no story"."""
    import shutil

    from typer.testing import CliRunner

    from storyline.cli import app

    db = tmp_path / "merged.db"
    shutil.copy(web_db, db)
    with Storyline(db, {"ingest.workers": 0}) as news:
        gone, into = news.story_ids()[:2]
        news.correct("merge", gone, "desk", into_story=into)
        title = news.story_title(into)
    shown = CliRunner().invoke(app, ["show", gone, "--db", str(db)])
    assert shown.exit_code == 0 and f"was merged into '{into}'" in shown.output and title.split()[0] in shown.output
    out = tmp_path / "dossier.md"
    written = CliRunner().invoke(app, ["export", "--format", "markdown", "--story", gone, "-o", str(out), "--db", str(db)])
    assert written.exit_code == 0 and out.read_text(encoding="utf-8").startswith(f"# {title}\n")
    missing = CliRunner().invoke(app, ["show", "s-never", "--db", str(db)])
    assert missing.exit_code == 1 and "no story 's-never'" in missing.output


def test_the_same_correction_made_undone_and_made_again_within_a_second_is_a_new_record(web_db, tmp_path, monkeypatch):
    """Ids hashed the time to the second: remaking an undone correction failed on the store's unique id."""
    import shutil

    from storyline import store

    monkeypatch.setattr(store, "now", lambda: "2026-12-06T22:00:00+00:00")  # all within one second
    db = tmp_path / "again.db"
    shutil.copy(web_db, db)
    with Storyline(db, {"ingest.workers": 0}) as news:
        story_id = news.story_ids()[0]
        first = news.correct("rename", story_id, "desk", title="A title the desk chose")
        news.undo(first.id, "desk")
        again = news.correct("rename", story_id, "desk", title="A title the desk chose")
        assert again.id != first.id and news.story_title(story_id) == "A title the desk chose"
        assert [c.id for c in news.corrections(story_id)] == [first.id, again.id]
