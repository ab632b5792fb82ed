"""The shared store suite: every backend (SQLite, PostgreSQL) must pass each test here: idempotent
re-ingest, incremental adds, crash safety, search, listings, failures and the writer slot."""

import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import SAMPLE, SEEDS, WEB_FIXTURES, ingest_into

from storyline import store
from storyline.models import Failure
from storyline.present import export
from storyline.store import browse


def test_reingest_changes_nothing(store_url):
    conn, first = ingest_into(store_url, SAMPLE)
    before = export.to_json(conn)
    _conn, second = ingest_into(store_url, SAMPLE)
    assert first.new == 8 and second.new == 0 and second.duplicates == 8
    assert export.to_json(store.open_store(store_url)) == before


def test_incremental_add_matches_one_batch(store_url, tmp_path):
    files = sorted(p for p in SAMPLE.iterdir() if p.suffix != ".md")
    one, _ = ingest_into(tmp_path / "one.db", *files)
    ingest_into(store_url, *files[:3])
    inc, report = ingest_into(store_url, *files[3:])
    assert report.new == 5

    def grouping(conn):
        stories = {}
        for article in store.articles(conn):
            stories.setdefault(article.story_id, set()).add(article.id)
        return sorted(sorted(ids) for ids in stories.values())

    assert grouping(inc) == grouping(one)
    assert not store.dirty_stories(inc)


def test_kill_during_ingest_leaves_a_consistent_store_and_rerun_completes(store_url, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for copy in range(12):  # enough work that the kill lands mid-batch
        for seed in SEEDS.iterdir():
            text = seed.read_text(encoding="utf-8")
            (corpus / f"{copy:02d}_{seed.name}").write_text(f"{text}\n\nUpdate {copy}: edition {copy * 7}.",
                                                            encoding="utf-8")
    store.open_store(store_url).close()
    process = subprocess.Popen([sys.executable, "-m", "storyline.cli", "ingest", str(corpus), "--db", store_url],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        if _count(store_url) > 0:
            break
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    check = store.open_store(store_url)
    if check.dialect == "sqlite":
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    partial = check.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    unfinished = len(store.dirty_stories(check))
    check.close()
    assert partial < 60 or unfinished > 0  # the kill landed before the work was done
    conn, report = ingest_into(store_url, corpus)
    assert report.new == 60 - partial
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 60
    assert not store.dirty_stories(conn)


def _count(url: str) -> int:
    try:
        conn = store.open_store(url)
    except store.StoreError:
        return 0
    try:
        return store.article_count(conn)
    finally:
        conn.close()


@pytest.fixture
def sample_store(store_url):
    conn, _report = ingest_into(store_url, SAMPLE, WEB_FIXTURES / "hostile.jsonl")
    return conn


def test_full_text_search_finds_articles_and_their_story(sample_store):
    conn = sample_store
    hits = browse.search_articles(conn, "dockers Valmora")
    assert hits and all("Valmora" in a.text for a in hits)
    assert {a.story_id for a in hits} == {hits[0].story_id}
    assert browse.search_articles(conn, 'parliament" OR "x') is not None  # FTS syntax in a query is not an error
    assert browse.search_articles(conn, "zzzunknownword") == []


def test_listing_filters_and_cursor_pages(sample_store):
    conn = sample_store
    everything = browse.story_rows(conn, browse.StoryFilter(), None, 100)
    strike = next(r for r in everything if r.articles == 6)
    assert "jornal-da-costa.example" in strike.outlets and len(everything) >= 2
    assert [r.id for r in browse.story_rows(conn, browse.StoryFilter(query="dockers union"), None, 10)] == [strike.id]
    assert [r.id for r in browse.story_rows(conn, browse.StoryFilter(outlet="jornal-da-costa.example"), None, 10)
            ] == [strike.id]
    assert strike.id not in [r.id for r in browse.story_rows(conn, browse.StoryFilter(entity="Sofia Arnesen"),
                                                             None, 10)]
    assert browse.story_rows(conn, browse.StoryFilter(query="zeppelin"), None, 10) == []
    pages, after = [], None
    while True:
        page = browse.story_rows(conn, browse.StoryFilter(), after, 1)
        if not page:
            break
        pages.append(page[0].id)
        after = browse.story_sort_key(page[0])
    assert pages == [r.id for r in everything]


def test_entities_articles_and_pages(sample_store):
    conn = sample_store
    rows = browse.entity_page(conn, "tkachenk", 0, 50)
    assert rows and all("tkachenk" in (e.name + " ".join(e.aliases)).lower() for _n, e, _s in rows)
    entity, story_id = browse.entity(conn, rows[0][1].id)
    named = browse.entities_named(conn, [entity.name.upper()])
    assert (entity.id, story_id) in [(e.id, s) for e, s in named]
    first = browse.article_page(conn, None, 0, 3)
    rest = browse.article_page(conn, None, first[-1][0], 100)
    assert [a.id for _n, a in first + rest] == [a.id for a in store.articles(conn)]
    one = first[0][1]
    assert browse.article(conn, one.id) == one and browse.article_sentences(conn, one.id)
    assert "<script>" in "".join(a.text for a in store.articles(conn))  # stored as written, escaped when shown


def test_failures_are_recorded_once_each_and_reopening_keeps_everything(store_url):
    conn = store.open_store(store_url)
    with store.transaction(conn):
        store.record_failures(conn, [Failure("a.txt", "empty"), Failure("b.txt", "binary")])
    with store.transaction(conn):
        store.record_failures(conn, [Failure("a.txt", "empty")])
    conn.close()
    again = store.open_store(store_url)  # migrations are not re-run on an up-to-date store
    assert [(s, r) for s, r, _at in store.failures(again)] == [("b.txt", "binary"), ("a.txt", "empty")]
    assert store.schema_version(again) == len(store.MIGRATIONS)


def test_a_failed_transaction_leaves_nothing(store_url):
    conn = store.open_store(store_url)
    with pytest.raises(RuntimeError), store.transaction(conn):
        store.record_failures(conn, [Failure("a.txt", "empty")])
        raise RuntimeError("killed mid-chunk")
    assert store.failures(conn) == []


def test_the_writer_slot_admits_one_writer(store_url):
    first, second = store.open_store(store_url), store.open_store(store_url)
    waits = []
    with store.writer_lock(first):
        done = threading.Event()

        def write():
            with store.writer_lock(second, on_wait=waits.append):
                done.set()

        thread = threading.Thread(target=write)
        thread.start()
        assert not done.wait(1.0)
    thread.join(10)
    assert done.is_set() and waits and "another ingest is writing" in waits[0]
