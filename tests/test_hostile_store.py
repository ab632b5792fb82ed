"""Hostile stores and names: markup and escapes in file names, foreign, damaged and read-only stores,
a million bad lines in one file, and POSTs whose records all fail."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLE, SHARED
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from storyline import Storyline, store
from storyline.web import Settings, create_app

LOCAL = "http://127.0.0.1:8000"
TOKEN = "t0k-hostile"
REPORT = ("title: Bridge closes in Arlen\n\nThe city council of Arlen voted on Tuesday to close the old river bridge "
          "after engineers found cracks in two of its supports, the mayor said.\n")


def _cli(*args):
    """The CLI on a terminal wide enough that table cells keep long names on one line."""
    return subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, env={**os.environ, "COLUMNS": "400"})


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_markup_and_terminal_escapes_in_names_are_shown_as_written(tmp_path):
    """`a[/red].txt` ended the run with a traceback after the commit, and `storyline failures` then
    crashed; `[bold]` vanished; an ESC in a name reached the terminal."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a[").mkdir()
    (inputs / "a[/red].txt").write_text("", encoding="utf-8")          # fails: empty file (folder 'a[')
    (inputs / "b[bold]c.txt").write_text(REPORT, encoding="utf-8")      # ingested
    (inputs / "d\x1b[31me.txt").write_text("", encoding="utf-8")       # fails, ESC in its name
    db = str(tmp_path / "s.db")
    ingested = _cli("ingest", str(inputs), "--db", db)
    assert ingested.returncode == 0 and "Traceback" not in ingested.stderr
    assert "a[/red].txt: empty file" in ingested.stderr and "\x1b" not in ingested.stderr
    assert "d\\x1b[31me.txt: empty file" in ingested.stderr
    listed = _cli("failures", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert "a[/red].txt" in listed.stdout and "d\\x1b[31me.txt" in listed.stdout and "\x1b" not in listed.stdout
    searched = _cli("search", "[bold] bridge", "--db", db)
    assert searched.returncode == 0 and "[bold]" in searched.stdout


def test_a_foreign_sqlite_file_is_refused_and_left_untouched(tmp_path):
    """A read command wrote 17 tables into someone else's database; now every command refuses it."""
    foreign = tmp_path / "app.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE users (name TEXT)")
        conn.execute("INSERT INTO users VALUES ('ada')")
    before = _digest(foreign)
    for args in (["stories"], ["export", "--format", "json", "-o", str(tmp_path / "x.json")], ["failures"],
                 ["ingest", str(SAMPLE)]):
        result = _cli(*args, "--db", str(foreign))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.strip() == f"{foreign} is not a storyline store (it holds other tables: users); " \
                                        "nothing was written to it"
    assert _digest(foreign) == before and sorted(os.listdir(tmp_path)) == ["app.db"]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    db = tmp_path_factory.mktemp("sample") / "s.db"
    with Storyline(db) as session:
        session.ingest([SAMPLE])
        session.db.checkpoint()
    return db


def test_read_commands_write_nothing(sample_store, tmp_path):
    db = tmp_path / "s.db"
    shutil.copy(sample_store, db)
    before = _digest(db)
    for args in (["stories"], ["failures"], ["search", "strike"], ["export", "--format", "html", "-o",
                                                                    str(tmp_path / "r.html")]):
        assert _cli(*args, "--db", str(db)).returncode == 0
    assert _digest(db) == before


def test_a_store_on_read_only_media_is_readable(sample_store, tmp_path):
    """Every command exited 2 on a read-only file system (WAL's shared memory cannot be made there)."""
    media = tmp_path / "media"
    media.mkdir()
    shutil.copy(sample_store, media / "s.db")
    result = _in_mount_namespace(f"mount --bind {media} {media} && mount -o remount,ro,bind {media} && "
                                 f"{sys.executable} -m storyline.cli stories --db {media / 's.db'}")
    assert result.returncode == 0, result.stderr
    assert "Valmora" in result.stdout


def _damaged(sample_store, tmp_path):
    """The store with its later pages overwritten: it opens, but the pages fail when read."""
    db = tmp_path / "damaged.db"
    data = bytearray(sample_store.read_bytes())
    page = 4096
    for start in range(page * 8, len(data), page):
        data[start:start + page] = b"\xa5" * page
    db.write_bytes(bytes(data))
    return db


def test_a_damaged_store_is_503_and_one_line(sample_store, tmp_path):
    """/healthz said ok while / and /api/stories answered 500."""
    db = _damaged(sample_store, tmp_path)
    client = TestClient(create_app(Settings(str(db), token=None)), base_url=LOCAL, raise_server_exceptions=False)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["status"] == "unavailable"
    api = client.get("/api/stories")
    assert api.status_code == 503 and api.json()["error"]["message"].startswith("the store cannot be read")
    assert client.get("/").status_code == 503
    result = _cli("stories", "--db", str(db))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "malformed" in result.stderr


def _in_mount_namespace(script: str) -> subprocess.CompletedProcess:
    """A shell script in a mount namespace of its own: its mounts (read-only, small) vanish with it."""
    namespace = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    return subprocess.run([*namespace, "sh", "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=900)


def test_a_full_disk_mid_ingest_is_one_line_and_the_next_run_resumes(tmp_path):
    """SQLite's "database or disk is full" ended in a traceback; now one line that says what was kept,
    and the same command on a disk with room ends in the store one clean run makes."""
    first = sorted(SAMPLE.iterdir())[:1]
    with Storyline(tmp_path / "start.db") as session:
        session.ingest(first)
        session.db.checkpoint()
    disk, cli = tmp_path / "disk", f"{sys.executable} -m storyline.cli"
    disk.mkdir()
    size = (tmp_path / "start.db").stat().st_size + 96 * 1024  # room to open (WAL index), not to ingest
    result = _in_mount_namespace(
        f"mount -t tmpfs -o size={size} tmpfs {disk} && cp {tmp_path / 'start.db'} {disk}/s.db && "
        f"{cli} ingest {SAMPLE} --db {disk}/s.db 2> {tmp_path}/full.err; echo $? > {tmp_path}/full.rc; "
        f"mount -o remount,size=64m {disk} && {cli} ingest {SAMPLE} --db {disk}/s.db > /dev/null && "
        f"{cli} export --format json -o {tmp_path}/resumed.json --db {disk}/s.db")
    assert result.returncode == 0, result.stderr
    full = (tmp_path / "full.err").read_text(encoding="utf-8")
    assert (tmp_path / "full.rc").read_text().strip() == "2" and "Traceback" not in full
    assert full.strip().startswith("ingest stopped: ") and len(full.strip().splitlines()) == 1
    assert full.strip().endswith("what was committed is kept: run the same command again to resume")
    with Storyline(tmp_path / "clean.db") as clean:
        clean.ingest(first)
        clean.ingest([SAMPLE])
        assert json.loads((tmp_path / "resumed.json").read_text(encoding="utf-8")) == json.loads(clean.export("json"))


def test_a_postgresql_server_stopped_mid_ingest_is_one_line_and_the_next_run_resumes(tmp_path):
    """A server gone mid-ingest ended in a raw traceback; now one line, and the same command later
    ends in the store an uninterrupted run makes."""
    import time

    from pgserver import TempPostgres

    reports = tmp_path / "reports.jsonl"
    reports.write_text("".join((SHARED / "data" / "gvc-dev.jsonl").read_text(encoding="utf-8")
                               .splitlines(keepends=True)[:24]), encoding="utf-8")
    with TempPostgres() as server:
        url, clean = server.create("halted"), server.create("clean")
        command = [sys.executable, "-m", "storyline.cli", "--set", "ingest.chunk=1", "ingest", str(reports),
                   "--db", url]
        running = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with Storyline(url) as watcher:
            while store.article_count(watcher.db) < 2 and running.poll() is None:
                time.sleep(0.1)
        server.halt()
        _out, stopped = running.communicate(timeout=600)
        server.resume()
        assert running.returncode == 2 and "Traceback" not in stopped
        assert stopped.strip().startswith("ingest stopped: ") and len(stopped.strip().splitlines()) == 1
        assert stopped.strip().endswith("what was committed is kept: run the same command again to resume")
        assert _cli("ingest", str(reports), "--db", url).returncode == 0
        with Storyline(url) as resumed, Storyline(clean) as uninterrupted:
            uninterrupted.ingest([reports])
            assert json.loads(resumed.export("json")) == json.loads(uninterrupted.export("json"))


def test_a_million_bad_lines_are_a_few_rows_with_their_count(tmp_path):
    """1,000,000 `{}` lines made 1,000,000 failure rows and stderr lines; each /metrics scrape took 2.5 s."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n" * 100_000 + "not json\n" * 30, encoding="utf-8")
    db = tmp_path / "s.db"
    result = _cli("ingest", str(bad), str(SAMPLE), "--db", str(db))
    assert result.returncode == 0
    failed_lines = [line for line in result.stderr.splitlines() if line.startswith("failed")]
    assert len(failed_lines) == 22  # ten of each kind, then one line for the rest of each
    assert f"failed {bad}:11: JSON record has neither text nor html (and 99,989 more like it in this input)" \
        in failed_lines
    assert "│ failed                      │ 100,030 │" in result.stdout
    with Storyline(db) as session:
        assert len(session.failures()) == 22
    client = TestClient(create_app(Settings(str(db), token=None)), base_url=LOCAL)
    samples = {(s.name, tuple(s.labels.items())): s.value
               for family in text_string_to_metric_families(client.get("/metrics").text) for s in family.samples}
    assert samples[("storyline_failures", (("reason", "JSON record has neither text nor html"),))] == 100_000
    assert samples[("storyline_failures", (("reason", "malformed JSON (Expecting value at column N)"),))] == 30
    again = _cli("ingest", str(bad), "--db", str(db))  # re-ingest: the same rows, nothing more
    with Storyline(db) as session:
        assert again.returncode == 1 and len(session.failures()) == 22


def test_a_post_whose_records_all_fail_records_them(sample_store, tmp_path):
    db = tmp_path / "s.db"
    shutil.copy(sample_store, db)
    client = TestClient(create_app(Settings(str(db), token=TOKEN)), base_url=LOCAL)
    response = client.post("/api/articles", headers={"Authorization": f"Bearer {TOKEN}"},
                           content=json.dumps([7] + [{"title": "no text"}] * 25))
    assert response.status_code == 400
    with Storyline(db) as session:
        reasons = sorted(reason for _source, reason, _at in session.failures())
    assert reasons == ["JSON record has neither text nor html"] * 10 + [
        "JSON record has neither text nor html (and 14 more like it in this input)", "JSON record is not an object"]


def test_a_post_with_nul_bytes_keeps_every_record_on_postgresql(postgres):
    """A POST of two records, one with a NUL in its title, lost both with a 500 on PostgreSQL."""
    url = postgres.create("nul_post")
    client = TestClient(create_app(Settings(url, token=TOKEN)), base_url=LOCAL)
    records = [{"title": "Ferry\u0000 stops at Hortivka", "outlet": "port\u0000daily", "language": "e\u0000n",
                "text": "The ferry to Hortivka stopped on Monday after a storm damaged the pier, the port said."},
               {"title": "Bridge closes in Arlen", "text": REPORT.split("\n\n", 1)[1]}]
    response = client.post("/api/articles", headers={"Authorization": f"Bearer {TOKEN}"}, json=records)
    assert response.status_code == 201 and response.json()["new"] == 2 and response.json()["failures"] == []
    with Storyline(url) as session:
        assert {a.title for a in store.articles(session.db)} == {"Ferry stops at Hortivka", "Bridge closes in Arlen"}
