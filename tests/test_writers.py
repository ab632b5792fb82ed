"""Writers that cannot collide: kill -9 at random moments then resume, concurrent ingests, and
worker processes that die with their parent. Each outcome must equal one clean ingest."""

import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, SHARED
from fastapi.testclient import TestClient

from storyline import Storyline, store
from storyline.present import export
from storyline.store.backends import PostgresDatabase
from storyline.web import Settings, create_app

CHILD = Path(__file__).with_name("ingest_child.py")
GVC = SHARED / "data" / "gvc-dev.jsonl"


def _records(folder: Path, name: str, first: int, last: int) -> Path:
    """Records first..last (1-based) of the labelled Gun Violence Corpus file: real, short, several stories."""
    lines = GVC.read_text(encoding="utf-8").splitlines()[first - 1:last]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def outcome(db: Path | str) -> dict:
    """What a reader gets: each article's event, story and date; events; stories with title and members."""
    document = json.loads(export.to_json(store.open_store(str(db))))
    return {"articles": sorted((a["id"], a["event_id"], a["story_id"], a["published"], a["duplicate_of"])
                               for a in document["articles"]),
            "events": sorted((e["id"], tuple(e["article_ids"])) for e in document["events"]),
            "stories": sorted((s["id"], s["title"], tuple(s["article_ids"])) for s in document["stories"])}


class Child:
    """An ingest subprocess with its models loaded, started on go()."""

    def __init__(self, db: Path | str, *inputs: Path):
        self.process = subprocess.Popen([sys.executable, str(CHILD), str(db), *map(str, inputs)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)

    def go(self) -> None:
        assert self.process.stdout.readline().strip() == "ready"
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def test_kill_at_ten_random_moments_then_resume_equals_the_clean_run(tmp_path):
    corpus = _records(tmp_path, "gvc.jsonl", 1, 24)
    started = time.perf_counter()
    Storyline(tmp_path / "clean.db").ingest([corpus])
    work_seconds = time.perf_counter() - started
    clean = outcome(tmp_path / "clean.db")
    rng = random.Random(11)
    children = [Child(tmp_path / "t0.db", corpus)]
    interrupted = 0
    for trial in range(10):
        db = tmp_path / f"t{trial}.db"
        child = children[trial]
        child.go()
        if trial + 1 < 10:  # the next one loads its models meanwhile
            children.append(Child(tmp_path / f"t{trial + 1}.db", corpus))
        time.sleep(rng.uniform(0, work_seconds))
        child.kill()
        news = Storyline(db)
        conn = news.db
        stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        interrupted += stored < len(clean["articles"]) or bool(store.dirty_stories(conn))
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        news.ingest([corpus])
        assert outcome(db) == clean, f"trial {trial}: resumed store differs from the clean run"
    assert interrupted >= 5, f"only {interrupted} of 10 kills landed before the work was done"


def _writer_busy(url: str) -> bool:
    """Whether an ingest holds the store's writer slot (without taking it)."""
    conn = store.open_store(url)
    try:
        if conn.dialect == "postgresql":
            return conn.execute("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = ? AND granted",
                                (PostgresDatabase.WRITER_LOCK,)).fetchone()[0] > 0
        with open(f"{url}.writer-lock", "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock, fcntl.LOCK_UN)
            return False
    finally:
        conn.close()


def test_two_concurrent_ingests_and_a_reader_equal_one_ingest(store_url, tmp_path):
    """The writer slot serialises them; the merge schedule counts the store's articles, so where the
    second run starts changes nothing: the outcome is one ingest of both inputs (on SQLite, whatever
    the backend). Meanwhile a server answers every listing."""
    first, second = _records(tmp_path, "a.jsonl", 1, 20), _records(tmp_path, "b.jsonl", 11, 30)
    store.open_store(store_url).close()
    a, b = Child(store_url, first), Child(store_url, second)
    reader = TestClient(create_app(Settings(store_url, token=None)), base_url="http://127.0.0.1:8000")
    statuses, counts, stop = [], [], threading.Event()

    def read_while_writing():
        while not stop.is_set():
            statuses.append(reader.get("/api/stories").status_code)
            listed = reader.get("/api/articles", params={"limit": 100})
            statuses.append(listed.status_code)
            counts.append(len(listed.json()["items"]))

    thread = threading.Thread(target=read_while_writing)
    thread.start()
    a.go()
    deadline = time.time() + 60
    while time.time() < deadline and not _writer_busy(store_url):  # b starts only once a is writing
        time.sleep(0.01)
    b.go()
    try:
        assert a.process.wait(timeout=300) == 0 and b.process.wait(timeout=300) == 0
    finally:
        stop.set()
        thread.join()
    Storyline(tmp_path / "one.db").ingest([first, second])
    together = outcome(store_url)
    assert together == outcome(tmp_path / "one.db")
    assert len(together["articles"]) == 30 - 1  # one record of the 30 has no article text
    assert set(statuses) == {200} and counts == sorted(counts)  # readers see whole chunks, never fewer


def test_a_second_ingest_waits_for_the_first_and_says_so(tmp_path):
    corpus = _records(tmp_path, "few.jsonl", 1, 2)
    db = tmp_path / "s.db"
    conn = store.open_store(str(db))
    with store.writer_lock(conn):
        waiting = subprocess.Popen([sys.executable, "-m", "storyline.cli", "ingest", str(corpus), "--db", str(db)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        time.sleep(8)
        assert waiting.poll() is None, "the second ingest did not wait for the lock"
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 0
    _out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and "another ingest is writing" in err
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_worker_processes_die_with_their_parent(start, tmp_path):
    """fork: spaCy's parse workers (after-fork hook); spawn: the web server's ingest worker (initializer)."""
    script = f"""
import multiprocessing, os, time
from storyline.processes import die_with_parent, forked_children_die_with_parent
def work(parent_pid):
    if "{start}" == "spawn":
        die_with_parent(parent_pid)
    time.sleep(120)
if __name__ == "__main__":
    forked_children_die_with_parent()
    child = multiprocessing.get_context("{start}").Process(target=work, args=(os.getpid(),))
    child.start()
    print(child.pid, flush=True)
    time.sleep(120)
"""
    (tmp_path / "parent.py").write_text(script)
    parent = subprocess.Popen([sys.executable, str(tmp_path / "parent.py")], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    child_pid = int(parent.stdout.readline())
    time.sleep(2)
    assert _alive(child_pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.time() + 10
    while time.time() < deadline and _alive(child_pid):
        time.sleep(0.1)
    alive = _alive(child_pid)
    if alive:
        os.kill(child_pid, signal.SIGKILL)
    assert not alive, "the worker outlived its killed parent"


def test_die_with_parent_exits_at_once_if_the_parent_is_already_gone():
    """A child whose parent died before it started watching (it is re-parented) exits, not watches its new parent."""
    not_its_parent = os.getppid()  # this test's parent: the child's grandparent, as after re-parenting
    child = subprocess.run([sys.executable, "-c", "import sys, time; from storyline.processes import die_with_parent; "
                            f"die_with_parent({not_its_parent}); time.sleep(120); sys.exit(0)"],
                           cwd=ROOT, timeout=60)
    assert child.returncode == 1


def test_ingest_and_export_on_postgresql_equal_sqlite(postgres, seeds_export):
    """The same input gives the same export, ids and stories included, on either backend."""
    news = Storyline(postgres.create("seeds"))
    news.ingest([SEEDS])
    assert json.loads(news.export("json")) == seeds_export
