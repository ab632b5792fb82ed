"""Hostile and careless input: every class a named failure or a clean article, never a poisoned store."""

import json
import os
import signal
from contextlib import contextmanager
from datetime import date

import pytest
from conftest import SEEDS, ingest_into

from storyline import Storyline, store
from storyline.config import current
from storyline.dates import find_time_expressions, parse_date_string, resolve
from storyline.extract.numbers import parse_number
from storyline.prepare.clean import clean_text, has_caption_credit
from storyline.present import export
from storyline.read.files import decode_text, iter_input_files, read_path

BODY = ("The city council of Arlen voted on Tuesday to close the old river bridge after engineers found cracks "
        "in two of its supports. Mayor Ruth Okafor said repairs would take at least six months. ")


@contextmanager
def must_finish_within(seconds: int, what: str):
    """Fail (instead of hanging the suite) when `what` does not come back: the quadratic paths took minutes."""
    def stop(*_args):
        raise AssertionError(f"{what} did not finish within {seconds} s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _jsonl(path, *records):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def _strict_json(text: str):
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_absurd_publication_dates_never_poison_the_store(tmp_path):
    poison = _jsonl(tmp_path / "poison.jsonl",
                    {"url": "https://a.example/1", "published": "0001-01-01T00:00:00Z", "title": "Bridge closed",
                     "text": BODY + "Yesterday the engineers met. On Monday they reported 1000000 days ago."},
                    {"url": "https://a.example/2", "published": "9999-12-31", "title": "Bridge closed for repairs",
                     "text": BODY + "Yesterday the engineers met again, and next month work starts."})
    conn, report = ingest_into(tmp_path / "s.db", poison)
    assert report.new == 2 and not report.failures
    assert store.dirty_stories(conn) == []
    document = _strict_json(export.to_json(conn))
    assert {a["published"] for a in document["articles"]} == {None}
    assert len(document["stories"]) == 1
    _conn, later = ingest_into(tmp_path / "s.db", SEEDS / "001_e5a043452d34e579.txt")
    assert later.new == 1 and not later.failures


@pytest.mark.parametrize("anchor", [date.min, date.max])
def test_relative_dates_at_the_ends_of_the_calendar_resolve_to_nothing(anchor):
    text = "Yesterday, on Monday, 1000000 days ago, last month, next year and on March 3 it happened."
    for expression in find_time_expressions(text):
        resolve(expression, anchor)  # must not raise
        resolve(expression, anchor, before_anchor=True)


def test_metadata_dates_must_be_absolute_and_plausible():
    assert parse_date_string("yesterday") is None and parse_date_string("3 hours ago") is None
    assert parse_date_string("0001-01-01") is None and parse_date_string("9999-12-31") is None
    assert parse_date_string("9" * 80_000) is None
    assert parse_date_string("Wed, 04 Jan 2023 10:00:00 GMT") == "2023-01-04"


def test_relative_published_field_is_inferred_and_flagged(tmp_path):
    records = _jsonl(tmp_path / "r.jsonl", {"url": "https://b.example/1", "published": "yesterday", "title": "Bridge",
                                            "text": BODY + "The vote came on March 3, 2023, after a long debate."})
    conn, _report = ingest_into(tmp_path / "s.db", records)
    article = store.articles(conn)[0]
    assert article.published == "2023-03-03" and article.published_inferred


def test_long_runs_without_spaces_clean_and_parse_in_bounded_time(tmp_path):
    word = "x" * 200_000
    with must_finish_within(30, "cleaning a 200 KB word"):
        assert clean_text(f"Intro. {word} end.").startswith("Intro.")
    with must_finish_within(30, "cleaning an unclosed credit"):
        clean_text("(" + "ab/" * 30_000)
    records = _jsonl(tmp_path / "w.jsonl", {"url": "https://c.example/1", "title": "Long", "text": BODY + word},
                     {"url": "https://c.example/2", "title": "Brackets", "text": BODY + "(" * 20_000})
    with must_finish_within(120, "ingesting long words"):
        _conn, report = ingest_into(tmp_path / "s.db", records)
    assert report.new == 2


def test_caption_credit_is_the_bracketed_photographer_and_agency():
    assert has_caption_credit("Workers at the gate on Monday. (Ana Lima/Reuters)")
    assert has_caption_credit("Smoke over the port (Photo: J. Doe/AFP/Getty Images) ")
    assert not has_caption_credit("He said (quietly) that it was over.")
    assert not has_caption_credit("Prices rose (by a third/quarter) today.")


def test_each_bad_record_is_its_own_named_failure_and_the_batch_goes_on(tmp_path):
    good = {"url": "https://d.example/good", "title": "Bridge closed", "text": BODY}
    path = _jsonl(tmp_path / "mixed.jsonl",
                  good,
                  "[" * 100_000 + "]" * 100_000,
                  '{"title": "Big", "text": "' + BODY + '", "count": ' + "7" * 5000 + "}",
                  {"url": "https://d.example/surrogate", "title": "T\ud800", "outlet": "O\udfff",
                   "text": BODY.replace("bridge", "footbridge")},
                  {"url": "http://[::1", "title": "Bad url", "text": BODY.replace("Arlen", "Brask")},
                  {"url": "https://d.example/leftover", "title": "x", "text": "Share this article"},
                  {"url": "https://d.example/sep", "title": "Separator", "text": BODY.replace("six", "\u2028six\u2029")},
                  {"url": "https://d.example/nonfinite", "title": "Figures",
                   "text": BODY.replace("six", "1" * 400) + " Costs rose by " + "9" * 400 + " euros."})
    conn, report = ingest_into(tmp_path / "s.db", path)
    reasons = {f.source: f.reason for f in report.failures}
    where = str(path)
    assert reasons[f"{where}:2"].startswith("unreadable JSON (RecursionError")
    assert reasons[f"{where}:3"].startswith("unreadable JSON (ValueError")
    assert reasons[f"{where}:6"].startswith("no article text")  # named by file and line, not by its url
    assert len(reasons) == 3
    assert report.new == 5
    titles = {a.title for a in store.articles(conn)}
    assert "T\ufffd" in titles
    document = _strict_json(export.to_json(conn))
    assert store.dirty_stories(conn) == []
    assert all(c["quantity"]["value"] is None or abs(c["quantity"]["value"]) < 1e30 for c in document["claims"])
    assert parse_number("1" * 400) is None


def test_file_names_that_are_not_utf8_are_shown_and_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    with open(name, "w", encoding="utf-8") as handle:
        handle.write("Bridge closed in Arlen\n\n" + BODY)
    with open(os.path.join(os.fsencode(folder), b"empty\xff.txt"), "w") as handle:
        handle.write("")
    conn, report = ingest_into(tmp_path / "s.db", folder)
    assert report.new == 1
    assert [f.source.rsplit("/", 1)[-1] for f in report.failures] == ["empty\\xff.txt"]
    assert store.articles(conn)[0].source.endswith("caf\\xe9.txt")
    _strict_json(export.to_json(conn))


def test_special_files_fail_by_name_instead_of_hanging_or_vanishing(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "inside.txt").write_text(BODY)
    (folder / "ok.txt").write_text("Bridge closed\n\n" + BODY)
    os.mkfifo(folder / "pipe.txt")
    os.symlink(folder / "gone.txt", folder / "dangling.txt")
    os.symlink(folder / "loop.txt", folder / "loop.txt")
    lone_fifo = tmp_path / "lone.jsonl"
    os.mkfifo(lone_fifo)
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with must_finish_within(30, "listing FIFOs"):
        items = list(iter_input_files([str(folder), str(lone_fifo)]))
    failures = {i.source.rsplit("/", 1)[-1]: i.reason for i in items if not isinstance(i, os.PathLike)}
    assert failures == {"locked": "cannot read folder: Permission denied", "pipe.txt": "not a regular file (FIFO)",
                        "dangling.txt": "dangling symbolic link", "loop.txt": "symbolic link loop",
                        "lone.jsonl": "not a regular file (FIFO)"}
    assert [p.name for p in items if isinstance(p, os.PathLike)] == ["ok.txt"]


def test_utf16_and_utf32_with_a_byte_order_mark_are_text(tmp_path):
    for encoding in ("utf-16", "utf-32", "utf-8-sig"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(("Bridge closed\n\n" + BODY).encode(encoding))
        result = read_path(path)
        assert not result.failures and result.documents[0].text.startswith("Bridge closed")
    assert decode_text(b"\xff\xfe" + "x".encode("utf-16-le") + b"\x00\xd8")[1].startswith("not valid UTF-16")


def test_an_exception_inside_one_article_is_that_article_failure(tmp_path, monkeypatch, configure):
    from storyline.run import tasks

    real = tasks.extract_facts

    def flaky(doc, article_id, language, title=None):
        if "Brask" in doc.text:
            raise RuntimeError("boom")
        return real(doc, article_id, language, title)

    monkeypatch.setattr(tasks, "extract_facts", flaky)
    configure({"ingest.workers": 0})  # in this process, where the patch is
    other = "Brask's harbour reopened on Friday after a storm closed it for three days, the port authority said."
    path = _jsonl(tmp_path / "two.jsonl", {"url": "https://e.example/1", "title": "Bridge", "text": BODY},
                  {"url": "https://e.example/2", "title": "Other", "text": other})
    conn, report = ingest_into(tmp_path / "s.db", path)
    assert report.new == 1
    assert [(f.source, f.reason) for f in report.failures] == [
        ("https://e.example/2", "extraction failed: RuntimeError: boom")]
    assert ("https://e.example/2", "extraction failed: RuntimeError: boom") in \
        {(s, r) for s, r, _at in store.failures(conn)}


def test_a_story_whose_analysis_fails_is_recorded_and_the_run_goes_on(tmp_path, monkeypatch, configure):
    from storyline.analysis import story

    monkeypatch.setattr(story, "summarize", lambda *a, **k: (_ for _ in ()).throw(OverflowError("date")))
    configure({"ingest.workers": 0})  # in this process, where the patch is
    conn, report = ingest_into(tmp_path / "s.db", _jsonl(tmp_path / "one.jsonl",
                                                         {"url": "https://f.example/1", "title": "B", "text": BODY}))
    assert report.new == 1
    assert [f.reason for f in report.failures] == ["analysis failed: OverflowError: date"]
    monkeypatch.undo()
    Storyline(tmp_path / "s.db", current()).reanalyse()
    assert store.dirty_stories(conn) == [] and len(store.story_ids(conn)) == 1


def test_jsonl_keeps_records_whole_across_unicode_line_separators(tmp_path):
    text = BODY + "\u2028Second line\u0085third\u2029."
    path = tmp_path / "sep.jsonl"
    path.write_text(json.dumps({"title": "Sep", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = read_path(path)
    assert not result.failures and len(result.documents) == 1


def _bomb(path, megabytes: int, keep: float = 1.0):
    """A gzip of zeros (what a '.warc.gz' decompression bomb is), cut to `keep` of its length."""
    import gzip
    import io

    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as handle:
        block = b"\0" * (1 << 20)
        for _ in range(megabytes):
            handle.write(block)
    data = buffer.getvalue()
    path.write_bytes(data[:int(len(data) * keep)])
    return path


@pytest.mark.parametrize("name, keep", [("bomb.warc.gz", 1.0), ("cut.warc.gz", 0.33), ("named-plain.warc", 1.0)])
def test_a_gzip_bomb_is_refused_within_its_expansion_cap(tmp_path, name, keep):
    """1 GiB of zeros in 1 MB took 107 s and 14 GB: now the decompressed bytes are capped (at
    reading.max_archive_expansion times the file, or reading.max_file_bytes) whatever the name says."""
    import resource

    path = _bomb(tmp_path / name, 1024, keep)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with must_finish_within(60, "reading a gzip bomb"):
        result = read_path(path)
    assert result.documents == []
    assert [f.reason for f in result.failures] == [
        f"decompression bomb: expands past {max(100 * path.stat().st_size, 20 * 1024 * 1024):,} bytes "
        "(reading.max_archive_expansion)"]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 2 * 1024 * 1024  # KB: under 2 GB


def test_a_gzip_inside_the_gzip_is_refused(tmp_path):
    import gzip

    inner = _bomb(tmp_path / "inner.gz", 64).read_bytes()
    (tmp_path / "double.warc.gz").write_bytes(gzip.compress(inner))
    result = read_path(tmp_path / "double.warc.gz")
    assert [f.reason for f in result.failures] == ["unreadable web archive: a gzip inside the gzip"]


CONTROL_CHARS = "\x00\x01\x07\x08\x0e\x1b\x1f\x7f"


def _with_controls(text: str) -> str:
    return text[:5] + "\x00" + text[5:9] + "\x1b" + text[9:] + "\x07"


def test_nul_and_other_control_characters_never_reach_a_store(store_url, tmp_path):
    """A NUL in a title, outlet, url or language made PostgreSQL refuse the whole ingest (12 records and a
    file: 0 articles). Every text field is cleaned of C0 controls where it is read, on both backends."""
    from storyline import Storyline

    records = [{"title": _with_controls(f"Bridge {n} closes in Arlen"), "text": _with_controls(BODY + f" Span {n}."),
                "outlet": _with_controls("arlen-news.example"), "url": f"https://arlen.example/\x00{n}",
                "language": "e\x00n", "published": "2024-05-0\x007"} for n in range(12)]
    _jsonl(tmp_path / "controls.jsonl", *records)
    (tmp_path / "plain.txt").write_text("title: Ferry\x07 stops\noutlet: Port\x1b Daily\n\n" + BODY + "\x7f End.",
                                        encoding="utf-8")  # a raw NUL makes a file binary: a failure of its own
    (tmp_path / "one.json").write_text(json.dumps({"title": "Tram\x00 line opens", "text": BODY + "\x00 Tram.",
                                                   "outlet": "\x00"}), encoding="utf-8")
    with Storyline(store_url) as session:
        report = session.ingest([tmp_path / "controls.jsonl", tmp_path / "plain.txt", tmp_path / "one.json"])
        assert report.new == 14 and not report.failures
        exported = session.export("json") + session.export("html") + session.export("markdown")
    assert not any(c in exported for c in CONTROL_CHARS)
    assert "Bridge 3 closes in Arlen" in exported and "Ferry stops" in exported and "Tram line opens" in exported
