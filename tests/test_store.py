"""Idempotent re-ingest, incremental adds, and crash safety of the store."""

import signal
import sqlite3
import subprocess
import sys
import time

from conftest import SAMPLE, SEEDS, ingest_into
from storyline import export, store


def test_reingest_changes_nothing(tmp_path):
    conn, first = ingest_into(tmp_path / "s.db", SAMPLE)
    before = export.to_json(conn)
    _conn, second = ingest_into(tmp_path / "s.db", SAMPLE)
    assert first.new == 8 and second.new == 0 and second.duplicates == 8
    assert export.to_json(store.open_store(str(tmp_path / "s.db"))) == before


def test_incremental_add_matches_one_batch(tmp_path):
    files = sorted(p for p in SAMPLE.iterdir() if p.suffix != ".md")
    one, _ = ingest_into(tmp_path / "one.db", *files)
    ingest_into(tmp_path / "inc.db", *files[:3])
    inc, report = ingest_into(tmp_path / "inc.db", *files[3:])
    assert report.new == 5

    def grouping(conn):
        stories = {}
        for article in store.articles(conn):
            stories.setdefault(article.story_id, set()).add(article.id)
        return sorted(sorted(ids) for ids in stories.values())

    assert grouping(inc) == grouping(one)
    assert not store.dirty_stories(inc)


def test_kill_during_ingest_leaves_a_consistent_store_and_rerun_completes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for copy in range(12):  # enough work that the kill lands mid-batch
        for seed in SEEDS.iterdir():
            text = seed.read_text(encoding="utf-8")
            (corpus / f"{copy:02d}_{seed.name}").write_text(f"{text}\n\nUpdate {copy}: edition {copy * 7}.",
                                                            encoding="utf-8")
    db = tmp_path / "k.db"
    process = subprocess.Popen([sys.executable, "-m", "storyline.cli", "ingest", str(corpus), "--db", str(db)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        if db.exists() and _count(db) > 0:
            break
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    partial = check.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    unfinished = check.execute("SELECT COUNT(*) FROM stories WHERE dirty=1").fetchone()[0]
    check.close()
    assert partial < 60 or unfinished > 0  # the kill landed before the work was done
    conn, report = ingest_into(db, corpus)
    assert report.new == 60 - partial
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 60
    assert not store.dirty_stories(conn)


def _count(db) -> int:
    try:
        conn = sqlite3.connect(db, timeout=1)
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_full_text_search_finds_articles_and_their_story(sample_conn):
    conn, _report = sample_conn
    hits = store.search_articles(conn, "dockers Valmora")
    assert hits and all("Valmora" in a.text for a in hits)
    assert {a.story_id for a in hits} == {hits[0].story_id}
    assert store.search_articles(conn, 'parliament" OR "x') is not None  # FTS syntax in a query is not an error
    assert store.search_articles(conn, "zzzunknownword") == []
