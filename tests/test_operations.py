"""Operations: /healthz and /metrics answer (Prometheus text), and count what they should."""

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from storyline.web import Settings, create_app

LOCAL = "http://127.0.0.1:8000"


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_healthz_says_the_store_answers(web_db):
    client = TestClient(create_app(Settings(str(web_db), token=None)), base_url=LOCAL)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["store"] == "sqlite"
    assert response.json()["articles"] >= 8


def test_healthz_is_503_with_the_reason_when_the_store_is_gone(tmp_path):
    client = TestClient(create_app(Settings(str(tmp_path / "no" / "such" / "s.db"), token=None)), base_url=LOCAL)
    response = client.get("/healthz")
    assert response.status_code == 503 and "no store at" in response.json()["reason"]


def test_metrics_count_articles_failures_ingests_and_requests(web_db, tmp_path):
    import shutil

    db = tmp_path / "w.db"
    shutil.copy(web_db, db)
    client = TestClient(create_app(Settings(str(db), token="t0k")), base_url=LOCAL)
    before = _samples(client.get("/metrics").text)
    posted = client.post("/api/articles", headers={"Authorization": "Bearer t0k"},
                         json=[{"title": "Bridge reopens in Hortivka", "text": "The bridge in Hortivka reopened on "
                                "Sunday after repairs, the city council said, ending a month of detours."},
                               {"title": "empty"}])
    assert posted.status_code == 201
    client.get("/api/stories")
    client.get("/api/stories/nope")
    after = _samples(client.get("/metrics").text)
    assert after[("storyline_articles", ())] == before[("storyline_articles", ())] + 1
    assert after[("storyline_ingested_articles_total", ())] == 1
    assert any(name == "storyline_stage_seconds_total" and dict(labels)["stage"] == "parse" and value > 0
               for (name, labels), value in after.items())
    failures = {dict(labels)["reason"]: value for (name, labels), value in after.items() if name == "storyline_failures"}
    assert sum(failures.values()) == sum(v for (n, _l), v in before.items() if n == "storyline_failures") + 1
    routes = {dict(labels)["route"] + " " + dict(labels)["status"] for (name, labels), _v in after.items()
              if name == "storyline_request_seconds_count"}
    assert {"/api/stories 200", "/api/stories/{story_id} 404", "/api/articles 201"} <= routes


def test_the_web_app_serves_a_postgresql_store(postgres):
    """Listings, a story page, health and metrics on PostgreSQL (the store suite covers the queries)."""
    from conftest import SAMPLE

    from storyline import Storyline

    url = postgres.create("web")
    with Storyline(url) as session:
        session.ingest([SAMPLE])
    client = TestClient(create_app(Settings(url, token=None)), base_url=LOCAL)
    assert client.get("/healthz").json() == {"status": "ok", "store": "postgresql", "articles": 8}
    stories = client.get("/api/stories", params={"q": "dockers union"}).json()["items"]
    assert len(stories) == 1 and client.get(f"/stories/{stories[0]['id']}").status_code == 200
    assert _samples(client.get("/metrics").text)[("storyline_articles", ())] == 8
