"""Settings travel with the call: each `Storyline` runs under its own, each web request under the
server's (`serve --set`, `--config`), never under another session's or the process defaults."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import quote

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from storyline import Storyline, config
from storyline.cli import app as cli_app
from storyline.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


class ReadsOfTheSettings:
    """Stands in for the settings' context variable and records, per thread, every read of them."""

    def __init__(self, variable, barrier: threading.Barrier | None = None):
        self.variable, self.barrier = variable, barrier
        self.seen: list[tuple[int, Settings]] = []
        self.met: set[int] = set()

    def get(self, default: Settings) -> Settings:
        if self.barrier and threading.get_ident() not in self.met:
            self.met.add(threading.get_ident())
            self.barrier.wait(timeout=120)  # both sessions are now inside their runs at once
        value = self.variable.get(default)
        self.seen.append((threading.get_ident(), value))
        return value

    def set(self, value: Settings):
        return self.variable.set(value)

    def reset(self, token) -> None:
        self.variable.reset(token)


def test_two_sessions_in_two_threads_each_see_their_own_settings(monkeypatch):
    reads = ReadsOfTheSettings(config._active, threading.Barrier(2))
    monkeypatch.setattr(config, "_active", reads)
    sessions = {"brief": Storyline(":memory:", {"summaries.sentences": 1}),
                "long": Storyline(":memory:", {"summaries.sentences": 4})}
    thread_of: dict[str, int] = {}
    failures: list[BaseException] = []

    def run(name: str) -> None:
        thread_of[name] = threading.get_ident()
        try:
            sessions[name].ingest([SEEDS], workers=0)
        except BaseException as exc:  # shown by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(name,)) for name in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for name, session in sessions.items():
        seen = [settings for ident, settings in reads.seen if ident == thread_of[name]]
        assert seen and all(settings is session.settings for settings in seen), name
    summaries = {name: [len(session.story(i).analysis.summary) for i in session.story_ids()]
                 for name, session in sessions.items()}
    assert set(summaries["brief"]) == {1} and max(summaries["long"]) > 1


def _get_routes(client: TestClient, db: Path) -> dict[str, str]:
    """Every GET route of the server's OpenAPI document, its path filled with ids from the store."""
    with Storyline(db, read_only=True) as news:
        story = news.story(news.story_ids()[0])
        article = story.articles[0]
        ids = {"story_id": story.id, "article_id": article.id, "entity_id": story.analysis.entities[0].id}
        sentence = max(news.article_sentences(article.id), key=len)
    # the cited sentence in other words (a translation, say): carried, but not word for word
    cited = " ".join("zebra" if n % 3 == 1 else word for n, word in enumerate(sentence.split()))
    queries = {"/api/check": "?claim=dockers+went+on+strike", "/check": "?claim=dockers+went+on+strike",
               "/articles/{article_id}": f"?cite={quote(cited)}"}
    paths = {}
    for template, methods in client.app.openapi()["paths"].items():
        if "get" in methods:
            paths[template] = template.format(**ids) + queries.get(template, "")
    return paths


def _every_route_reads(app, db: Path, wanted: Settings, monkeypatch) -> None:
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    routes = _get_routes(client, db)
    assert len(routes) >= 13  # stories, articles, entities, check, dossier, corrections; pages; health, metrics
    reads = ReadsOfTheSettings(config._active)
    monkeypatch.setattr(config, "_active", reads)
    read_somewhere = set()
    for template, path in routes.items():
        reads.seen.clear()
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        wrong = [settings for _ident, settings in reads.seen if settings is not wanted]
        assert wrong == [], f"{template} read settings other than the server's"
        if reads.seen:
            read_somewhere.add(template)
    assert {"/articles/{article_id}", "/stories/{story_id}", "/api/stories/{story_id}/dossier"} <= read_somewhere


def _served_app(monkeypatch, arguments: list[str]):
    """The app `storyline ... serve` would run, captured instead of served."""
    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **_options: served.setdefault("app", app))
    result = CliRunner().invoke(cli_app, arguments)
    assert result.exit_code == 0, result.output
    return served["app"]


def test_serve_set_holds_on_every_page_and_api_route(web_db, monkeypatch):
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    app = _served_app(monkeypatch, ["--set", "web.highlight_min_score=0.999", "--set", "web.page_size=7",
                                    "serve", "--db", str(web_db)])
    wanted = app.state.settings.pipeline
    assert wanted.web.highlight_min_score == 0.999 and wanted.web.page_size == 7
    _every_route_reads(app, web_db, wanted, monkeypatch)


def test_serve_config_file_holds_on_every_page_and_api_route(web_db, tmp_path, monkeypatch):
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    settings_file = tmp_path / "server.toml"
    settings_file.write_text(config.to_toml(Settings().with_overrides({"web.highlight_min_score": 0.999})))
    app = _served_app(monkeypatch, ["--config", str(settings_file), "serve", "--db", str(web_db)])
    wanted = app.state.settings.pipeline
    assert wanted.web.highlight_min_score == 0.999
    _every_route_reads(app, web_db, wanted, monkeypatch)


@pytest.mark.parametrize("threshold, highlighted", [(0.5, True), (0.999, False)])
def test_an_article_page_highlights_by_the_servers_threshold(web_db, monkeypatch, threshold, highlighted):
    """The reported bug: GET /articles/{id} read the default 0.6 whatever the server was started with."""
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    app = _served_app(monkeypatch, ["--set", f"web.highlight_min_score={threshold}", "serve", "--db", str(web_db)])
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    path = _get_routes(client, web_db)["/articles/{article_id}"]
    assert ('<mark id="cited">' in client.get(path).text) is highlighted


def test_serve_set_holds_in_the_ingest_worker_of_a_post(tmp_path, monkeypatch):
    """Writes run in the server's worker process, which gets the server's settings with each request."""
    monkeypatch.setenv("STORYLINE_TOKEN", "test-token-7a2e")
    db = tmp_path / "posted.db"
    app = _served_app(monkeypatch, ["--set", "summaries.sentences=1", "serve", "--db", str(db)])
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    report = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    posted = client.post("/api/articles", json={"title": "From the wire", "text": report, "url": "https://wire.example/1"},
                         headers={"Authorization": "Bearer test-token-7a2e"})
    assert posted.status_code == 201, posted.text
    story = client.get(f"/api/stories/{posted.json()['stories'][0]}").json()
    assert len(story["summary"]) == 1
    with Storyline(db, read_only=True) as news:  # the defaults summarise the same report in more sentences
        assert Settings().summaries.sentences > 1 and news.story_ids() == [story["id"]]


def test_show_prints_a_story_as_its_dossier_and_says_when_there_is_none(web_db):
    with Storyline(web_db, read_only=True) as news:
        story_id = news.story_ids()[0]
        title = news.story_title(story_id)
    shown = CliRunner().invoke(cli_app, ["--set", "presenting.phase_quotes=1", "show", story_id, "--db", str(web_db)])
    assert shown.exit_code == 0 and title.split()[0] in shown.output
    missing = CliRunner().invoke(cli_app, ["show", "s-none", "--db", str(web_db)])
    assert missing.exit_code == 1 and "no story 's-none'" in missing.output
