"""A correction's fields cross the same text boundary as ingest, within a size: a lone surrogate, a NUL, an
ESC or four megabytes in a title, a name or an id is refused (400), names nothing (404) or is stored
cleaned, never a 500, a 503 or an escape sequence on the operator's terminal. Write commands other
than ingest refuse a store that is not there, as read commands do, and make nothing."""

import json
import os
import shutil
import subprocess
import sys

import psycopg
import pytest
from conftest import ROOT, SEEDS
from fastapi.testclient import TestClient

from storyline import Storyline, store
from storyline.analysis.corrections import CorrectionError, NothingThere
from storyline.models import Correction
from storyline.web import Settings, create_app

TOKEN = "guard-token-7d2"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LOCAL = "http://127.0.0.1:8000"
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x9b31m"  # OSC (window title), clear screen, red, C1 CSI


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, cwd=ROOT,
                          timeout=600, env={**os.environ, "COLUMNS": "400", **(env or {})})


def _client(location) -> TestClient:
    return TestClient(create_app(Settings(str(location), token=TOKEN)), base_url=LOCAL,
                      raise_server_exceptions=False)


def _post(client: TestClient, body: dict):
    """The body as JSON text: a lone surrogate travels as the escape '\\ud800', as any client sends it."""
    return client.post("/api/corrections", content=json.dumps(body), headers={**AUTH, "Content-Type": "application/json"})


@pytest.fixture()
def copy(web_db, tmp_path):
    db = tmp_path / "w.db"
    shutil.copy(web_db, db)
    return db


def _two_stories(client: TestClient) -> tuple[str, str]:
    items = client.get("/api/stories").json()["items"]
    return items[0]["id"], items[1]["id"]


def test_a_lone_surrogate_in_any_field_over_http_is_400_or_404_never_500(copy):
    client = _client(copy)
    story, other = _two_stories(client)
    rename = {"kind": "rename", "story_id": story, "title": "The strike", "author": "desk"}
    for body, status, says in [({**rename, "title": "The strike \ud800"}, 400, "title"),
                               ({**rename, "author": "de\udcffsk"}, 400, "author"),
                               ({**rename, "story_id": story + "\ud800"}, 404, "no story"),
                               ({"kind": "merge", "story_id": story, "into_story": other + "\udc80"}, 400,
                                "no other story"),
                               ({"kind": "split", "story_id": story, "article_ids": ["a\ud800"]}, 400, "no report"),
                               ({"kind": "speaker", "story_id": story, "quote_id": "q1", "speaker": "\ud83d"}, 400,
                                "speaker")]:
        response = _post(client, body)
        assert response.status_code == status, (body, response.text)
        assert says in response.json()["error"]["message"]
    assert client.get(f"/api/stories/{story}/corrections").json()["items"] == []


def test_a_four_megabyte_title_is_400_and_a_long_id_or_list_too(copy):
    client = _client(copy)
    story, _other = _two_stories(client)
    huge = _post(client, {"kind": "rename", "story_id": story, "title": "strike " * 600_000})
    assert huge.status_code == 400 and "title: at most 300 characters" in huge.json()["error"]["message"]
    long_id = _post(client, {"kind": "rename", "story_id": "s" * 5000, "title": "x"})
    assert long_id.status_code == 400 and "story_id: at most" in long_id.json()["error"]["message"]
    many = _post(client, {"kind": "split", "story_id": story, "article_ids": [f"a{n}" for n in range(20_000)]})
    assert many.status_code == 400 and "article_ids: at most" in many.json()["error"]["message"]
    assert client.get(f"/api/stories/{story}/corrections").json()["items"] == []


def test_fields_that_are_not_text_are_refused_naming_the_field(copy):
    with Storyline(copy) as news:
        story = news.stories()[0].id
        for fields, says in [({"title": 7}, "title"), ({"title": "x", "colour": "red"}, "unknown field 'colour'"),
                             ({"title": ["x"]}, "title")]:
            with pytest.raises(CorrectionError, match=says):
                news.correct("rename", story, "ana", **fields)
        with pytest.raises(CorrectionError, match="author"):
            news.correct("rename", story, "\x00 \x1b", title="x")
        with pytest.raises(CorrectionError, match="story_id"):
            news.correct("rename", 12, "ana", title="x")  # type: ignore[arg-type]
        with pytest.raises(NothingThere):
            news.correct("rename", story + "\x00", "ana", title="x")  # cleaned, it would be another story's id
        with pytest.raises(CorrectionError, match="article_ids"):
            news.correct("split", story, "ana", article_ids=["a1", 2])
        with pytest.raises(NothingThere):
            news.undo("k\x00" + "0" * 12, "ana")
        assert news.corrections() == []


def test_controls_in_a_rename_and_a_name_are_removed_and_never_reach_the_terminal(copy):
    with Storyline(copy, read_only=True) as news:
        story = news.stories()[0].id
    done = _cli("correct", "rename", story, f"Dock strike{ESCAPES} ends", "--by", f"de{ESCAPES}sk", "--db", str(copy))
    assert done.returncode == 0, done.stderr
    assert not {"\x1b", "\x9b"} & set(done.stdout.decode("utf-8"))
    with Storyline(copy, read_only=True) as news:
        made = news.corrections()[0]
        title = news.story(story).title
    assert made.author == "de]0;owned[2J[31m31msk" and title == "Dock strike]0;owned[2J[31m31m ends"
    shown = _cli("show", story, "--db", str(copy))
    assert shown.returncode == 0, shown.stderr
    assert b"\x1b" not in shown.stdout and "Dock strike]0;owned" in shown.stdout.decode("utf-8")


def test_a_correction_stored_before_the_boundary_is_shown_escaped(copy):
    """A rename made by an earlier version kept its ESC: listing, showing and undoing it print it as \\x1b."""
    with Storyline(copy) as news:
        story = news.stories()[0].id
        old = Correction("k0123456789ab", "rename", story, {"title": f"Old{ESCAPES}title", "was": "x"}, "ana",
                         store.now())
        store.add_correction(news.db, old)
        news.reanalyse()
    shown = _cli("show", story, "--db", str(copy))
    assert shown.returncode == 0 and b"\x1b" not in shown.stdout and b"Old\\x1b]0;owned" in shown.stdout
    undone = _cli("undo", old.id, "--db", str(copy))
    assert undone.returncode == 0, undone.stderr
    assert b"\x1b" not in undone.stdout and b"Old\\x1b]0;owned\\x07" in undone.stdout


def test_a_title_that_is_not_utf8_on_the_command_line_is_one_line_exit_1(copy):
    with Storyline(copy, read_only=True) as news:
        story = news.stories()[0].id
    done = _cli("correct", "rename", story, b"Caf\xe9 strike", "--db", str(copy))
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and b"title" in done.stderr


def test_nul_in_a_correction_on_postgresql_is_cleaned_never_503(postgres):
    url = postgres.create("nul_correction")
    with Storyline(url) as news:
        news.ingest([SEEDS])
    client = _client(url)
    story = client.get("/api/stories").json()["items"][0]["id"]
    made = _post(client, {"kind": "rename", "story_id": story, "title": "Call\u0000-up", "author": "de\u0000sk"})
    assert made.status_code == 201, made.text
    assert made.json()["author"] == "desk" and client.get(f"/api/stories/{story}").json()["title"] == "Call-up"
    assert _post(client, {"kind": "rename", "story_id": story + "\u0000", "title": "x"}).status_code == 404
    assert client.post(f"/api/corrections/k%00{'0' * 12}/undo", headers=AUTH).status_code == 404
    undone = client.post(f"/api/corrections/{made.json()['id']}/undo", params={"author": "b\u0000o\x1b"}, headers=AUTH)
    assert undone.status_code == 200, undone.text
    assert undone.json()["undone_by"] == "bo"


@pytest.mark.parametrize("args", [["correct", "rename", "s1", "A title"], ["undo", "k0123456789ab"], ["reanalyse"]])
def test_write_commands_refuse_a_missing_store_and_make_nothing(tmp_path, args):
    missing = tmp_path / "mistyped.db"
    result = _cli(*args, "--db", str(missing))
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert result.stderr.decode().strip() == f"no store at {str(missing)!r}: `storyline ingest` makes one"
    assert os.listdir(tmp_path) == []


def test_write_commands_refuse_an_empty_postgresql_database_and_make_no_tables(postgres):
    url = postgres.create("not_a_store")
    for args in (["reanalyse"], ["undo", "k0123456789ab"]):
        result = _cli(*args, "--db", url)
        assert result.returncode == 2 and b"not yet a store" in result.stderr
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0
