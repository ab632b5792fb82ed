"""The per-article work in workers: copies found before parsing, the same result in-line or in
workers, and the ingest state kept between ingests of one process."""

from __future__ import annotations

import json
from pathlib import Path

from storyline import Storyline, store
from storyline.config import current
from storyline.present import export
from storyline.run.ingest import Ingestor

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def _report(text: str, url: str, title: str) -> dict:
    return {"url": url, "title": title, "text": text, "published": "2025-03-12"}


def _original_and_copy() -> tuple[dict, dict]:
    """A real report and its syndicated copy: another headline, a line of its own at the end."""
    body = (SAMPLE / "01_harbour_herald.txt").read_text(encoding="utf-8").split("\n\n", 1)[1]
    body = body.split("Share this article")[0].strip()
    copy = body + "\n\nReporting by the wire desk."
    return (_report(body, "https://harbour.example/strike", "Dock workers shut the port of Valmora"),
            _report(copy, "https://wire.example/valmora", "Valmora port strike: thousands walk out"))


def _ingest_rows(tmp_path: Path, name: str, rows: list[dict], workers: int | None = None):
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    news = Storyline(tmp_path / f"{name}.db", current())
    return news.db, news.ingest([path], workers=workers)


def _facts_by_source(conn) -> dict[str, tuple[str | None, dict]]:
    rows = conn.execute("SELECT id, source, duplicate_of, facts FROM articles").fetchall()
    source_of = {r["id"]: r["source"] for r in rows}
    return {r["source"]: (source_of.get(r["duplicate_of"]), json.loads(r["facts"])) for r in rows}


def _statements(conn) -> set[tuple]:
    """Quotes with their speakers, and figures (credited to the outlet of whichever report came first)."""
    document = export.to_json_document(conn)
    return ({(q["speaker"], v["text"]) for q in document["quotes"] for v in q["variants"]}
            | {(c["source_kind"], c["text"]) for c in document["claims"]})


def test_a_copy_before_or_after_its_original_ends_with_the_same_facts(tmp_path):
    original, copy = _original_and_copy()
    first, report_first = _ingest_rows(tmp_path, "original_first", [original, copy])
    second, report_second = _ingest_rows(tmp_path, "copy_first", [copy, original])
    assert report_first.near_duplicates == report_second.near_duplicates == 1
    for conn, earlier, later in ((first, original, copy), (second, copy, original)):
        facts = _facts_by_source(conn)
        assert facts[later["url"]][0] == earlier["url"]  # the later one is the copy...
        assert facts[later["url"]][1] == facts[earlier["url"]][1]  # ...and carries the earlier one's facts
        assert facts[earlier["url"]][1]["quotes"], "the report's statements were extracted"
    assert _statements(first) == _statements(second) != set()


def test_workers_and_in_line_give_the_same_stories(tmp_path):
    rows = [json.loads(line) for line in (SAMPLE / "05_lindmark_vote.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rows += [_report(*pair) for pair in [(r["text"], r["url"], r["title"]) for r in _original_and_copy()]]
    in_line, _ = _ingest_rows(tmp_path, "in_line", rows, workers=0)
    workers, _ = _ingest_rows(tmp_path, "workers", rows, workers=2)
    dump = [export.to_json_document(conn) for conn in (in_line, workers)]
    for document in dump:
        for article in document["articles"]:
            article.pop("source")
    assert dump[0] == dump[1]


def test_the_ingest_state_is_loaded_once_and_reloaded_after_another_writer(tmp_path, monkeypatch):
    loads = []
    real_init = Ingestor.__init__

    def counting(self, conn):
        loads.append(1)
        real_init(self, conn)

    monkeypatch.setattr(Ingestor, "__init__", counting)
    original, copy = _original_and_copy()
    news = Storyline(tmp_path / "s.db", current())
    conn = news.db
    for number, row in enumerate([original, copy]):
        path = tmp_path / f"{number}.jsonl"
        path.write_text(json.dumps(row) + "\n", encoding="utf-8")
        news.ingest([path], workers=0)
    assert len(loads) == 1
    other = store.open_store(str(tmp_path / "s.db"))  # another process's ingest bumps the generation
    with store.transaction(other):
        store.bump_ingest_generation(other)
    path = tmp_path / "later.jsonl"
    path.write_text(json.dumps(_report("The port authority of Valmora said on Friday that all cranes were "
                                       "running again and that talks with the union would resume next week.",
                                       "https://harbour.example/later", "Cranes running again")) + "\n")
    news.ingest([path], workers=0)
    assert len(loads) == 2
    assert Ingestor.for_store(conn) is Ingestor.for_store(conn)


def test_a_worker_killed_by_a_fault_costs_only_the_report_that_kills_it(tmp_path, monkeypatch):
    """A segfault in compiled code (spaCy walking a blank doc's arcs did this) must not hang the ingest."""
    import os
    import signal

    from storyline.run import tasks

    real = tasks.extract_facts

    def segfaults_on_brask(doc, article_id, language, title=None):
        if "Brask" in doc.text:
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(doc, article_id, language, title)

    tasks.WorkerPool.discard()  # the workers forked from here on carry the patch
    monkeypatch.setattr(tasks, "extract_facts", segfaults_on_brask)
    original, _copy = _original_and_copy()
    rows = [original,
            _report("Brask's harbour reopened on Friday after a storm closed it for three days, the port "
                    "authority said.", "https://brask.example/1", "Brask harbour reopens"),
            _report("The port authority of Valmora said on Friday that all cranes were running again and that "
                    "talks with the union would resume next week.", "https://harbour.example/later", "Cranes")]
    try:
        conn, report = _ingest_rows(tmp_path, "crash", rows, workers=2)
    finally:
        tasks.WorkerPool.discard()
    assert report.new == 2
    assert [(f.source, f.reason.split(" (")[0]) for f in report.failures] == [
        ("https://brask.example/1", "parsing or extraction crashed a worker process")]
    assert {r["source"] for r in conn.execute("SELECT source FROM articles")} == {
        "https://harbour.example/strike", "https://harbour.example/later"}


CHILD_SCRIPT = """
import multiprocessing, sys
from storyline import Storyline

def child(db, path):
    Storyline(db).ingest([path], workers=2)

if __name__ == "__main__":
    process = multiprocessing.get_context("spawn").Process(target=child, args=sys.argv[1:3])
    process.start()
    process.join(120)
    sys.exit(0 if process.exitcode == 0 else 1)
"""


def test_a_process_started_by_multiprocessing_ends_after_an_ingest_with_workers(tmp_path):
    """The server's ingest worker is such a process: it must not wait forever for the pool's workers."""
    import subprocess
    import sys

    original, _copy = _original_and_copy()
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(original) + "\n", encoding="utf-8")
    script = tmp_path / "child.py"
    script.write_text(CHILD_SCRIPT, encoding="utf-8")
    finished = subprocess.run([sys.executable, str(script), str(tmp_path / "s.db"), str(path)], timeout=300)
    assert finished.returncode == 0
    assert store.open_store(str(tmp_path / "s.db")).execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1


def test_the_ingest_state_is_rebuilt_under_other_settings(tmp_path):
    """Its index sizes follow the settings it was built under: another run's settings get their own."""
    from storyline.config import current, using

    conn = store.open_store(str(tmp_path / "s.db"))
    default = Ingestor.for_store(conn)
    with using(current().with_overrides({"grouping.recent_groups": 50})):
        smaller = Ingestor.for_store(conn)
    assert smaller is not default and smaller.stories.capacity == 50
    assert Ingestor.for_store(conn).stories.capacity == current().grouping.recent_groups
