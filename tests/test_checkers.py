"""Claim checks run in a checker process beside the server, which keeps the store's check index:
what a reader sees must be what the store holds now, and a checker that dies must not take the
server with it."""

from __future__ import annotations

import os
import signal

from fastapi.testclient import TestClient

from storyline import Storyline
from storyline.web import Settings, create_app, workers

LOCAL = "http://127.0.0.1:8000"
TOKEN = "checker-token"
CLAIM = "A man was shot on Elm Street, police said"


def _report(k: int, street: str) -> dict:
    return {"title": f"Man shot on {street}", "url": f"https://news.example/{street.replace(' ', '-')}/{k}",
            "text": f"A man was shot on {street} late on Sunday, police said. He was taken to hospital number {k} "
                    f"in a stable condition. Officers are looking for a gunman."}


def _store(tmp_path, count: int):
    db = tmp_path / "s.db"
    with Storyline(db, {"ingest.workers": 0}) as news:
        news.ingest([_report(k, "Oak Avenue") for k in range(count)])
    return db


def _checked_urls(client: TestClient) -> set[str]:
    answer = client.get("/api/check", params={"claim": CLAIM})
    assert answer.status_code == 200, answer.text
    return {r["article"]["source"] for r in answer.json()["reports"]}


def test_a_report_posted_after_the_server_started_is_checked_at_once(tmp_path):
    """The checker read the store when it started; a report stored since must be read before the next check."""
    app = create_app(Settings(str(_store(tmp_path, 6)), token=TOKEN))
    with TestClient(app, base_url=LOCAL) as client:
        before = _checked_urls(client)
        assert "checker" in workers._POOLS  # the check ran in the checker, not in the server process
        posted = client.post("/api/articles", json=_report(99, "Elm Street"), headers={"Authorization": f"Bearer {TOKEN}"})
        assert posted.status_code == 201, posted.text
        after = _checked_urls(client)
        assert after - before == {_report(99, "Elm Street")["url"]}
        page = client.get("/check", params={"claim": CLAIM})
        assert page.status_code == 200 and "Elm Street" in page.text


def test_a_checker_that_dies_costs_one_answer_and_is_replaced(tmp_path):
    app = create_app(Settings(str(_store(tmp_path, 6)), token=None))
    with TestClient(app, base_url=LOCAL) as client:
        first = _checked_urls(client)
        for process in list(workers._POOLS["checker"]._processes.values()):
            os.kill(process.pid, signal.SIGKILL)
        answers = [client.get("/api/check", params={"claim": CLAIM}) for _ in range(2)]
        assert answers[0].status_code in (200, 503) and answers[1].status_code == 200
        assert {r["article"]["source"] for r in answers[1].json()["reports"]} == first
        assert client.get("/api/stories").status_code == 200


def test_claims_are_checked_in_the_server_process_when_no_checker_is_wanted(tmp_path):
    db = _store(tmp_path, 6)
    in_process = Storyline(db, {"web.check_workers": 0}).settings
    with TestClient(create_app(Settings(str(db), token=None, pipeline=in_process)), base_url=LOCAL) as client:
        assert _checked_urls(client) == {_report(k, "Oak Avenue")["url"] for k in range(6)}
        assert "checker" not in workers._POOLS


def test_the_check_index_follows_the_store_on_either_backend(store_url):
    """The checker reads on from the last article it saw, by the store's own order (SQLite's rowid, a
    PostgreSQL sequence): a report stored after a check is in the next one, and nothing twice."""
    news = Storyline(store_url, {"ingest.workers": 0})
    news.ingest([_report(k, "Oak Avenue") for k in range(4)])
    [before] = news.check(CLAIM)
    news.ingest([_report(99, "Elm Street")])
    [after] = news.check(CLAIM)
    sources = [r.article.source for r in after.reports]
    assert len(sources) == len(set(sources)) == len(before.reports) + 1
    assert _report(99, "Elm Street")["url"] in sources
