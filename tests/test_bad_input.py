"""Bad input: one clear failure each, recorded, and the rest of the batch goes on."""

import json
import os
import subprocess
import sys

from conftest import ROOT, SEEDS, ingest_into

from storyline import store

GOOD = SEEDS / "001_e5a043452d34e579.txt"


def make_bad_inputs(folder):
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (folder / "latin1.txt").write_bytes("Caf\xe9 au lait is served at the caf\xe9 every morning.".encode("latin-1"))
    with open(folder / "huge.txt", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (folder / "lines.jsonl").write_text('{"title": "ok", "text": "' + "Council approves new budget for schools. " * 3
                                        + '"}\n{not json}\n')
    (folder / "nobody.html").write_text("<html><head><title>x</title></head><body><nav>Home</nav></body></html>")
    empty_dir = folder / "nothing_here"
    empty_dir.mkdir()
    (empty_dir / "notes.bin").write_bytes(b"\x00")
    return empty_dir


def test_each_bad_input_fails_alone_with_path_and_reason(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    empty_dir = make_bad_inputs(bad)
    conn, report = ingest_into(tmp_path / "s.db", bad, GOOD, tmp_path / "missing.txt", empty_dir)
    reasons = {f.source.rsplit("/", 1)[-1]: f.reason for f in report.failures}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"].startswith("binary file")
    assert reasons["latin1.txt"].startswith("not valid UTF-8")
    assert reasons["huge.txt"].startswith("file too large")
    assert reasons["lines.jsonl:2"].startswith("malformed JSON")
    assert reasons["nobody.html"].startswith("no article")
    assert reasons["missing.txt"] == "no such file or directory"
    assert reasons["nothing_here"].startswith("directory holds no readable file")
    assert report.new == 2  # the good seed and the good JSON line
    recorded = {source.rsplit("/", 1)[-1] for source, _reason, _at in store.failures(conn)}
    assert {"empty.txt", "binary.txt", "huge.txt", "missing.txt"} <= recorded


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_exit_code_is_nonzero_only_when_nothing_was_ingested(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    failed = _cli("ingest", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "a.db"))
    assert failed.returncode != 0
    assert "empty.txt" in failed.stderr and "empty file" in failed.stderr
    mixed = _cli("ingest", str(tmp_path / "empty.txt"), str(GOOD), "--db", str(tmp_path / "b.db"))
    assert mixed.returncode == 0, mixed.stderr
    listed = _cli("failures", "--db", str(tmp_path / "b.db"))
    assert "empty file" in listed.stdout


def test_script_in_article_is_escaped_in_html(tmp_path):
    hostile = tmp_path / "hostile.jsonl"
    text = "The mayor said <script>alert(1)</script> would not <img src=x onerror=alert(2)> stop the vote. " * 3
    hostile.write_text(json.dumps({"title": "<script>alert(3)</script>", "text": text}) + "\n")
    conn, _report = ingest_into(tmp_path / "h.db", hostile)
    from storyline.present.dossier import to_html

    page = to_html(conn)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markup_in_article_is_text_in_markdown(tmp_path):
    """The Markdown export carried raw HTML and links that a Markdown renderer would run or follow."""
    from markdown_it import MarkdownIt

    hostile = tmp_path / "hostile.jsonl"
    # the script tag inside a sentence long enough to read as news (a summary shows it, escaped); the other
    # payloads in a line that is mostly markup, which no summary takes, but which must not leak either
    text = ("The mayor said <script>alert(1)</script> would not stop the vote on the new budget for the schools, "
            "the roads and the hospital of the northern districts, the council said on Monday after a long meeting "
            "with residents, teachers, nurses and the police of the city and of the three villages around it.\n\n"
            "The mayor would not [win](javascript:alert(2)) or <img src=x onerror=alert(3)> stop the vote, the "
            "council said.\n\n<iframe src=//e.example>. ") * 3
    hostile.write_text(json.dumps({"title": "Vote <b onmouseover=alert(4)>today</b> ![x](https://e.example/t.png)",
                                   "text": text, "outlet": "<svg onload=alert(5)>"}) + "\n")
    conn, _report = ingest_into(tmp_path / "m.db", hostile)
    from storyline.present.dossier import to_markdown

    rendered = MarkdownIt("commonmark", {"html": True}).render(to_markdown(conn))
    for payload in ("<script", "<img", "<iframe", "<b ", "<svg", 'href="javascript:', "<a href", "<img src"):
        assert payload not in rendered, payload
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered and "Vote &lt;b onmouseover" in rendered


def test_bad_store_path_is_one_line_not_a_traceback(tmp_path):
    result = _cli("stories", "--db", str(tmp_path / "no" / "such" / "dir" / "s.db"))
    assert result.returncode == 2
    assert "no store at" in result.stderr and "Traceback" not in result.stderr
    result = _cli("ingest", str(GOOD), "--db", str(tmp_path / "no" / "such" / "dir" / "s.db"))
    assert result.returncode == 2
    assert "cannot open store" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "notes.db").write_text("these are notes, not a database " * 100)
    garbage = _cli("ingest", str(GOOD), "--db", str(tmp_path / "notes.db"))
    assert garbage.returncode == 2 and "cannot open store" in garbage.stderr and "Traceback" not in garbage.stderr
    no_server = _cli("stories", "--db", f"postgresql://storyline:secret@/news?host={tmp_path}&port=1")
    assert no_server.returncode == 2 and "cannot open store 'postgresql://storyline@/news" in no_server.stderr
    assert "secret" not in no_server.stderr and "Traceback" not in no_server.stderr


def test_serving_beyond_loopback_needs_a_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "STORYLINE_TOKEN"}
    refused = subprocess.run([sys.executable, "-m", "storyline.cli", "serve", "--db", str(tmp_path / "s.db"),
                              "--host", "0.0.0.0", "--port", "1"], capture_output=True, text=True, cwd=ROOT, env=env,
                             timeout=60)
    assert refused.returncode == 2 and "refusing to serve on 0.0.0.0" in refused.stderr
