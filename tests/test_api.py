"""The HTTP API on the demo corpus: listing, search, filters, cursors, detail, ingest, and every 4xx."""

import shutil

import pytest
from fastapi.testclient import TestClient

from storyline import store
from storyline.web import Settings, create_app, views

TOKEN = "test-token-5f1c"
LOCAL = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def client(web_db):
    return TestClient(create_app(Settings(str(web_db), token=None)), base_url=LOCAL)


@pytest.fixture()
def writable(web_db, tmp_path):
    """A private copy of the store with writes enabled."""
    db = tmp_path / "w.db"
    shutil.copy(web_db, db)
    return TestClient(create_app(Settings(str(db), token=TOKEN, max_body_bytes=64 * 1024)), base_url=LOCAL)


def _error(response, status):
    assert response.status_code == status
    body = response.json()
    assert body["error"]["status"] == status and body["error"]["message"]
    return body["error"]["message"]


def _story_id(client, **params):
    items = client.get("/api/stories", params=params).json()["items"]
    assert len(items) == 1, items
    return items[0]["id"]


def test_story_list_search_and_filters(client):
    items = client.get("/api/stories").json()["items"]
    assert len(items) == 2
    strike = next(i for i in items if "Valmora" in i["title"] or "port" in i["title"])
    assert strike["articles"] == 6 and "jornal-da-costa.example" in strike["outlets"]
    assert _story_id(client, q="dockers union") == strike["id"]
    assert _story_id(client, outlet="jornal-da-costa.example") == strike["id"]
    election = _story_id(client, entity="sofia arnesen")
    assert election != strike["id"]
    assert _story_id(client, since="2025-03-13") == strike["id"]
    assert _story_id(client, until="2025-03-10") == election
    assert client.get("/api/stories", params={"q": "zeppelin"}).json()["items"] == []


def test_story_cursor_pages_are_stable_and_complete(client):
    first = client.get("/api/stories", params={"limit": 1}).json()
    second = client.get("/api/stories", params={"limit": 1, "cursor": first["next_cursor"]}).json()
    again = client.get("/api/stories", params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert second == again and second["next_cursor"] is None
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {i["id"] for i in
                                                                 client.get("/api/stories").json()["items"]}


@pytest.mark.parametrize("params, says", [({"since": "13/03/2025"}, "since"), ({"cursor": "not-a-cursor"}, "cursor"),
                                          ({"limit": 0}, "limit"), ({"limit": 1000}, "limit")])
def test_bad_listing_parameters_are_400_with_a_reason(client, params, says):
    assert says in _error(client.get("/api/stories", params=params), 400)


def test_a_date_range_that_ends_before_it_starts_holds_no_story(client):
    """Each date is valid (the schema can say no more), so the answer is the empty list, not an error."""
    response = client.get("/api/stories", params={"since": "2025-03-14", "until": "2025-03-01"})
    assert response.status_code == 200 and response.json() == {"items": [], "next_cursor": None}


def test_story_detail_carries_everything_traced_to_articles(client):
    story_id = _story_id(client, q="dockers")
    story = client.get(f"/api/stories/{story_id}").json()
    for key in ("summary", "events", "timeline", "quotes", "claims", "relations", "entities", "articles"):
        assert story[key], key
    article_ids = {a["id"] for a in story["articles"]}
    assert all(set(s["article_ids"]) <= article_ids for s in story["summary"])
    assert any(r["type"] == "contradicts" for r in story["relations"])
    assert "text" not in story["articles"][0]
    assert "story" in _error(client.get("/api/stories/s000000000000"), 404)


def test_articles_with_clean_text_and_cursor(client):
    story_id = _story_id(client, q="dockers")
    seen, cursor = [], None
    while True:
        page = client.get("/api/articles", params={"story": story_id, "limit": 2, "cursor": cursor}).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 6 == len({a["id"] for a in seen})
    assert all(a["story_id"] == story_id and a["text"] for a in seen)
    one = client.get(f"/api/articles/{seen[0]['id']}").json()
    assert one["text"] == seen[0]["text"] and one["sentences"]
    assert "Exit mobile version" not in " ".join(a["text"] for a in seen)
    _error(client.get("/api/articles/a000000000000"), 404)


def test_entities_with_aliases_and_stories(client):
    items = client.get("/api/entities", params={"q": "Tkachenk"}).json()["items"]
    person = next(i for i in items if i["type"] == "PERSON")
    assert {"Tkachenko", "Tkachenka"} <= {a.split()[-1] for a in person["aliases"]}
    detail = client.get(f"/api/entities/{person['id']}").json()
    assert detail["story_id"] == person["story_id"] and "also_in" in detail
    _error(client.get("/api/entities/n0000000000"), 404)


def test_writes_refused_without_a_configured_token(client):
    assert "read-only" in _error(client.post("/api/articles", json={"text": "x" * 100}), 403)


POSTED = {"url": "https://posted.example/strike-day-three", "title": "Valmora strike enters third day",
          "published": "2025-03-14", "outlet": "posted.example",
          "text": "The dock workers' strike at the port of Valmora entered its third day on Friday. "
                  "Union leader Oleksandr Tkachenko said 12,000 members were still on strike. "
                  "\"We will not unload a single ship until the port authority pays,\" Tkachenko said."}


def test_post_needs_the_token(writable):
    assert "token" in _error(writable.post("/api/articles", json=POSTED), 401)
    assert "token" in _error(writable.post("/api/articles", json=POSTED, headers={"Authorization": "Bearer nope"}), 401)


def test_post_ingests_with_the_pipeline_and_is_idempotent(writable):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = writable.post("/api/articles", json=POSTED, headers=auth)
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["new"] == 1 and result["failures"] == []
    posted = next(a for a in writable.get("/api/articles", params={"limit": 100}).json()["items"]
                  if a["source"] == POSTED["url"])
    strike = _story_id(writable, q="dockers union")
    assert posted["story_id"] == strike and result["stories"] == [strike]
    again = writable.post("/api/articles", json=[POSTED, {"title": "no text"}], headers=auth).json()
    assert again["new"] == 0 and again["already_stored"] == 1
    [failure] = again["failures"]
    assert failure["source"].startswith("POST ") and failure["source"].endswith(" record 2")
    assert failure["reason"] == "JSON record has neither text nor html"
    third = writable.post("/api/articles", json=[POSTED, {"title": "no text"}], headers=auth).json()
    assert third["failures"][0]["source"] != failure["source"]  # each request's failures are kept, not overwritten


@pytest.mark.parametrize("body, status, says", [(b"{not json", 400, "JSON"), (b"[]", 400, "empty"),
                                                (b'{"title": "only a title"}', 400, "neither text nor html"),
                                                (b"[" + b'"x",' * 40000 + b'"x"]', 413, "limit")])
def test_bad_posts_are_refused_with_a_reason(writable, body, status, says):
    response = writable.post("/api/articles", content=body,
                             headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    assert says in _error(response, status)


def test_pages_escape_article_text_and_errors_are_pages(client):
    hostile = next(a for a in client.get("/api/articles", params={"limit": 100}).json()["items"]
                   if a["source"].startswith("https://hostile.example"))
    page = client.get(f"/articles/{hostile['id']}").text
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    assert "<script>window.pwned" not in page and "<img src=x" not in page
    missing = client.get("/stories/s000000000000")
    assert missing.status_code == 404 and "no story" in missing.text and "<html" in missing.text


def test_openapi_and_offline_docs(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/entities"} <= set(paths)
    docs = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in docs and "cdn." not in docs
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_hostile_query_strings_and_cursors_are_400_or_empty_never_500(client):
    assert client.get("/api/stories", params={"q": "\x00"}).json()["items"] == []
    assert client.get("/api/stories", params={"q": "dockers\x00union"}).status_code == 200
    huge = views.encode_cursor(2 ** 63)
    assert "cursor" in _error(client.get("/api/articles", params={"cursor": huge}), 400)
    assert "cursor" in _error(client.get("/api/entities", params={"cursor": views.encode_cursor(-1)}), 400)


def test_unknown_host_header_is_refused(client):
    """DNS rebinding: a hostile page whose name resolves to 127.0.0.1 must not read the store."""
    assert client.get("/api/stories", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/stories", headers={"Host": "localhost:8000"}).status_code == 200


def test_a_merged_away_story_id_redirects_to_the_story_it_joined(writable):
    strike = _story_id(writable, q="dockers union")
    conn = store.open_store(writable.app.state.settings.db_path)
    with store.transaction(conn):
        conn.execute("INSERT INTO merges (kind, from_id, into_id, at) VALUES ('story', 's0ld', 's0lder', 'now')")
        conn.execute("INSERT INTO merges (kind, from_id, into_id, at) VALUES ('story', 's0lder', ?, 'now')", (strike,))
    moved = writable.get("/api/stories/s0ld", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == f"/api/stories/{strike}"
    assert writable.get("/api/stories/s0ld").json()["id"] == strike
    page = writable.get("/stories/s0ld", follow_redirects=False)
    assert page.status_code == 301 and page.headers["location"] == f"/stories/{strike}"
    # what was asked of the story is kept: its dossier in the format asked, its corrections
    dossier = writable.get("/api/stories/s0ld/dossier?format=markdown", follow_redirects=False)
    assert dossier.status_code == 301 and dossier.headers["location"] == f"/api/stories/{strike}/dossier?format=markdown"
    title = writable.get(f"/api/stories/{strike}").json()["title"]
    assert writable.get("/api/stories/s0ld/dossier?format=markdown").text.startswith(f"# {title}\n")
    listed = writable.get("/api/stories/s0ld/corrections", follow_redirects=False)
    assert listed.headers["location"] == f"/api/stories/{strike}/corrections"
    assert writable.get("/api/stories/s0ld/corrections").json() == {"items": []}
