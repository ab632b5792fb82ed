"""Live inputs end to end against local fixtures: a page, an RSS feed and a sitemap served on
127.0.0.1, a web archive, a watched folder, and `follow`; every failure is a row with its reason,
and the address guard refuses loopback, private, link-local and metadata addresses, also after a
redirect."""

import contextlib
import io
import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ROOT, SHARED

from storyline import Storyline, store
from storyline.config import Settings
from storyline.read import fetch
from storyline.read.fetch import Fetcher, items_from_urls, parse_target

PAGES = [json.loads(line) for line in (SHARED / "data" / "aeb-dev.jsonl").read_text(encoding="utf-8").splitlines()]


def _articles() -> list[dict]:
    """Three real news pages (with their true HTML) whose article body trafilatura finds."""
    from storyline.read.files import document_from_html

    chosen = []
    for page in PAGES:
        doc = document_from_html("fixture", page["html"], url=page["url"])
        if not hasattr(doc, "reason") and len(doc.text) > 800:
            chosen.append(page)
        if len(chosen) == 3:
            return chosen
    raise AssertionError("fewer than three extractable pages in aeb-dev.jsonl")


ARTICLES = _articles()


class Site(BaseHTTPRequestHandler):
    """Pages /a /b /c, an RSS feed of /a and /b, a sitemap of /c, and the failure cases."""

    def do_GET(self):
        base = f"http://127.0.0.1:{self.server.server_port}"
        self.server.agents.add(self.headers.get("User-Agent"))
        pages = {f"/{name}.html": page["html"] for name, page in zip("abc", ARTICLES)}
        feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Fixture news</title>
            <item><title>First</title><link>{base}/a.html</link>
            <pubDate>Tue, 19 Nov 2019 10:00:00 GMT</pubDate></item>
            <item><title>Second</title><link>{base}/b.html</link></item>
            <item><title>Gone</title><link>{base}/missing.html</link></item></channel></rss>"""
        sitemap = f"""<?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/c.html</loc></url></urlset>"""
        routes = {"/feed.xml": ("application/rss+xml", feed), "/sitemap.xml": ("application/xml", sitemap),
                  "/broken-feed.xml": ("application/rss+xml", "<rss><channel><item><title>unclosed")}
        if self.path in pages:
            self._send(200, "text/html; charset=utf-8", pages[self.path])
        elif self.path in routes:
            self._send(200, *routes[self.path])
        elif self.path.startswith("/to-metadata"):
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif self.path.startswith("/to-loopback"):
            self._redirect(f"http://127.0.0.2:{self.server.server_port}/a.html")
        elif self.path == "/slow.html":
            time.sleep(3)
            self._send(200, "text/html", pages["/a.html"])
        elif self.path.startswith("/to-ambiguous"):  # the other reading of this URL is another port
            self._redirect(f"http://127.0.0.1:{self.server.other_port}\\@127.0.0.1:{self.server.server_port}/a.html")
        elif self.path == "/ambiguous-feed.xml":
            link = f"http://127.0.0.1:{self.server.other_port}\\@127.0.0.1:{self.server.server_port}/a.html"
            self._send(200, "application/rss+xml", f"<rss><channel><item><title>x</title><link>{link}</link>"
                                                   "</item></channel></rss>")
        elif self.path.startswith("/to-multicast"):
            self._redirect("http://224.0.0.1/a.html")
        elif self.path == "/drip-body.html":
            self._drip(headers_first=True)
        elif self.path == "/drip-headers.html":
            self._drip(headers_first=False)
        else:
            self._send(404, "text/plain", "not here")

    def _send(self, status: int, content_type: str, body: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the client gave up (the timeout test)
            self.wfile.write(data)

    def _drip(self, headers_first: bool) -> None:
        """One byte every 0.2 s for a minute: each read succeeds, so only a wall-clock deadline ends it."""
        try:
            if headers_first:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 300\r\n\r\n")
            else:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            self.wfile.flush()
            for _ in range(300):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:  # the client hung up
            pass

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


class Witness(BaseHTTPRequestHandler):
    """A server that must never be reached: it counts the requests it gets."""

    def do_GET(self):
        self.server.hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(ARTICLES[1]["html"].encode("utf-8"))

    def log_message(self, *args) -> None:
        pass


def _serve(handler) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def other():
    """A second local server on another port, not admitted by the tests' fetching.allowed_private."""
    server = _serve(Witness)
    server.hits = 0
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def site(other):
    server = _serve(Site)
    server.agents = set()
    server.other_port = other.server_port
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    assert server.agents == {Settings().fetching.user_agent}  # every request said who it was


def _local(site: str, **fetching) -> Settings:
    """Settings that let the fetcher reach this test's own server (and only it) on 127.0.0.1."""
    host = site.split("//", 1)[1]
    return Settings().with_overrides({"fetching.allowed_private": host, "fetching.per_host_seconds": 0.0,
                                      **{f"fetching.{k}": v for k, v in fetching.items()}})


def test_a_page_a_feed_and_a_sitemap_by_url(site, tmp_path):
    with Storyline(tmp_path / "s.db", _local(site)) as session:
        report = session.ingest([f"{site}/a.html"])
        assert report.new == 1 and not report.failures
        report = session.ingest([f"{site}/feed.xml", f"{site}/sitemap.xml"])
        assert report.new == 2 and report.duplicates == 1  # /a again through the feed; /b; /c from the sitemap
        assert [(f.source, f.reason) for f in report.failures] == [(f"{site}/missing.html", "HTTP 404")]
        sources = {a.source for a in store.articles(session.db)}
        assert sources == {f"{site}/{name}.html" for name in "abc"}
        assert (f"{site}/missing.html", "HTTP 404") in [(s, r) for s, r, _at in session.failures()]


def test_fetch_failures_are_rows_with_their_reason_and_the_run_goes_on(site, tmp_path):
    with Storyline(tmp_path / "s.db", _local(site, timeout_seconds=1.0)) as session:
        report = session.ingest([f"{site}/slow.html", f"{site}/broken-feed.xml", f"{site}/nothing",
                                 f"{site}/b.html", "ftp://example.org/x"])
        reasons = {f.source: f.reason for f in report.failures}
        assert report.new == 1
        assert reasons[f"{site}/slow.html"] == "timed out after 1.0 s"
        assert reasons[f"{site}/broken-feed.xml"].startswith("malformed feed: ")
        assert reasons[f"{site}/nothing"] == "HTTP 404"
        assert reasons["ftp://example.org/x"].startswith("refused: only http and https")
        assert len(session.failures()) == 4


@pytest.mark.parametrize("url, says", [
    ("http://127.0.0.1:{port}/a.html", "refused: 127.0.0.1 is a non-public address (127.0.0.1)"),
    ("http://10.0.0.1/news.html", "refused: 10.0.0.1 is a non-public address (10.0.0.1)"),
    ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a non-public address"),
    ("http://localhost:{port}/a.html", "refused: localhost is a non-public address"),
    ("http://[::1]:{port}/a.html", "refused: ::1 is a non-public address"),
])
def test_the_guard_refuses_non_public_addresses_by_default(site, url, says):
    port = site.rsplit(":", 1)[1]
    outcome = Fetcher(Settings().fetching).get(url.format(port=port))
    assert outcome.reason.startswith(says)


@pytest.mark.parametrize("path, target", [("/to-metadata", "http://169.254.169.254/latest/meta-data/"),
                                          ("/to-loopback", "http://127.0.0.2:{port}/a.html")])
def test_a_redirect_to_a_non_public_address_is_refused(site, path, target):
    """The test server itself is allowed; where it redirects to is vetted again and refused."""
    port = site.rsplit(":", 1)[1]
    outcome = Fetcher(_local(site).fetching).get(site + path)
    assert outcome.reason.startswith(f"redirected to {target.format(port=port)}: refused:")
    assert "non-public address" in outcome.reason


def test_the_trafilatura_pool_refuses_a_non_public_peer_even_when_our_check_is_skipped(site):
    """Second line of defence (DNS rebinding): trafilatura's pool vets the connected address."""
    fetcher = Fetcher(Settings().fetching)
    outcome = fetcher._request(parse_target(f"{site}/a.html"))
    assert "non-public address" in outcome.reason


def test_a_url_read_two_ways_is_refused_before_any_connection(site, other, tmp_path):
    """`http://A\\@B/` is host B to urlsplit and host A to urllib3: with B admitted, A must not be reached,
    neither given directly, nor as a redirect target, nor as a feed entry's link."""
    port = site.rsplit(":", 1)[1]
    ambiguous = f"http://127.0.0.1:{other.server_port}\\@127.0.0.1:{port}/a.html"
    fetcher = Fetcher(_local(site).fetching)
    assert fetcher.get(ambiguous).reason == "refused: a backslash, space or control character in the URL"
    assert fetcher.get(site + "/to-ambiguous").reason.endswith(
        "refused: a backslash, space or control character in the URL")
    assert fetcher.get(f"http://user@127.0.0.1:{port}/a.html").reason == "refused: user info (user@host) in the URL"
    with Storyline(tmp_path / "s.db", _local(site)) as session:
        report = session.ingest([site + "/ambiguous-feed.xml"])
        assert report.new == 0 and [f.reason for f in report.failures] == [
            "refused: a backslash, space or control character in the URL"]
    assert other.hits == 0


def test_an_ambiguous_url_tells_an_open_port_from_a_closed_one_by_nothing(other):
    """Without anything admitted, the same refusal whether the port it would reach listens or not."""
    fetcher = Fetcher(Settings().fetching)
    reasons = {fetcher.get(f"http://127.0.0.1:{port}\\@example.org/").reason for port in (other.server_port, 9)}
    assert reasons == {"refused: a backslash, space or control character in the URL"} and other.hits == 0


@pytest.mark.parametrize("address", ["64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "::7f00:1", "2002:7f00:1::",
                                     "2002:a9fe:a9fe::1", "224.0.0.1", "ff02::1", "::ffff:10.0.0.1",
                                     "2001:0:4136:e378:8000:63bf:3fff:fdd2", "0.0.0.0", "::"])
def test_addresses_that_reach_a_non_public_one_are_refused(address):
    assert fetch.non_public(address)
    outcome = Fetcher(Settings().fetching).get(f"http://[{address}]/" if ":" in address else f"http://{address}/")
    assert outcome.reason.startswith("refused: ") and "non-public address" in outcome.reason


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1111", "64:ff9b::5db8:d70e", "2002:5db8:d70e::1"])
def test_public_addresses_pass_the_guard(address):
    assert fetch.non_public(address) is None


def test_a_redirect_to_multicast_is_refused(site):
    outcome = Fetcher(_local(site).fetching).get(site + "/to-multicast")
    assert outcome.reason == "redirected to http://224.0.0.1/a.html: refused: 224.0.0.1 is a non-public address " \
                             "(224.0.0.1)"


@pytest.mark.parametrize("path", ["/drip-body.html", "/drip-headers.html"])
def test_the_fetch_timeout_is_wall_clock_time_not_per_read(site, path):
    """The server sends a byte every 0.2 s for a minute; every read succeeds, the fetch still ends at
    its deadline (a generous bound: the point is that it ends, not how fast)."""
    started = time.monotonic()
    outcome = Fetcher(_local(site, timeout_seconds=1.0).fetching).get(site + path)
    assert outcome.reason == "timed out after 1.0 s"
    assert time.monotonic() - started < 20


def _warc(path: Path) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for page in ARTICLES[:2]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(page["url"], "response",
                                                          payload=io.BytesIO(page["html"].encode("utf-8")),
                                                          http_headers=headers))
        writer.write_record(writer.create_warc_record(ARTICLES[0]["url"], "request",
                                                      payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("http://example.org/x.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG..."), http_headers=image))
        empty = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("http://example.org/empty", "response",
                                                      payload=io.BytesIO(b"<html><body></body></html>"),
                                                      http_headers=empty))
    return path


def test_a_web_archive_is_read_record_by_record(tmp_path):
    archive = _warc(tmp_path / "crawl.warc.gz")
    (tmp_path / "broken.warc").write_bytes(b"WARC/1.0\r\nnot really\r\n")
    with Storyline(tmp_path / "s.db") as session:
        report = session.ingest([archive, tmp_path / "broken.warc"])
        assert report.new == 2
        assert {a.source for a in store.articles(session.db)} == {p["url"] for p in ARTICLES[:2]}
        reasons = {f.source: f.reason for f in report.failures}
        assert reasons[f"{archive} record 5"] == "no article body found in the HTML"
        assert reasons[str(tmp_path / "broken.warc")].startswith("unreadable web archive")


def test_a_watched_folder_ingests_files_once_they_are_complete(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "first.txt").write_text("title: Dockers strike in Valmora\n\nThe dockers of Valmora went on strike on "
                                      "Monday, the union said, and 40 ships wait in the bay.\n", encoding="utf-8")
    stop, reports = threading.Event(), []
    session = Storyline(tmp_path / "s.db", {"ingest.workers": 0, "watching.settle_seconds": 0.2})
    watcher = threading.Thread(target=session.watch, args=(folder, stop), kwargs={"on_ingest": reports.append})
    watcher.start()
    try:
        deadline = time.time() + 30
        while time.time() < deadline and store.article_count(session.db) < 1:
            time.sleep(0.1)
        partial = tmp_path / "second.txt.part"  # written elsewhere, then moved in: never read half-way
        partial.write_text("title: Flood closes the coast road\n\nThe coast road near Hortivka was closed on "
                           "Tuesday after a flood, the police said.\n", encoding="utf-8")
        partial.rename(folder / "second.txt")
        with open(folder / "third.json", "w", encoding="utf-8") as handle:  # written in place, then closed
            json.dump({"title": "Port reopens", "text": "The port of Valmora reopened on Friday after the strike "
                                                        "ended, the port authority said."}, handle)
        while time.time() < deadline and store.article_count(Storyline(tmp_path / "s.db").db) < 3:
            time.sleep(0.1)
    finally:
        stop.set()
        watcher.join(30)
    assert not watcher.is_alive()
    with Storyline(tmp_path / "s.db") as check:
        assert {a.title for a in store.articles(check.db)} == {"Dockers strike in Valmora",
                                                               "Flood closes the coast road", "Port reopens"}
    assert reports[0].new == 1 and sum(r.new for r in reports) == 3  # what it held, then what came


def test_follow_ingests_the_feeds_each_round_and_the_cli_logs_json(site, tmp_path):
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# the fixture site\n{site}/feed.xml\n", encoding="utf-8")
    host = site.split("//", 1)[1]
    result = subprocess.run([sys.executable, "-m", "storyline.cli", "--log-format", "json",
                             "--set", f'fetching.allowed_private="{host}"', "--set", "fetching.per_host_seconds=0",
                             "follow", str(feeds), "--every", "0s", "--rounds", "2", "--db", str(tmp_path / "f.db")],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    rounds = [line for line in lines if line["event"] == "ingested"]
    assert [r["new"] for r in rounds] == [2, 0] and [r["duplicates"] for r in rounds] == [0, 2]
    assert {(line["source"], line["reason"]) for line in lines if line["event"] == "failed"} == {
        (f"{site}/missing.html", "HTTP 404")}
    assert all(line["level"] in ("info", "warning") and line["time"] for line in lines)


def test_items_from_urls_streams_pages_without_a_store(site):
    items = list(items_from_urls([f"{site}/sitemap.xml"], Fetcher(_local(site).fetching)))
    assert len(items) == 1 and items[0][0].source == f"{site}/c.html"


def test_requests_to_one_host_wait_their_turn(monkeypatch):
    from storyline.read import fetch

    clock, slept = [100.0], []
    monkeypatch.setattr(fetch.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(fetch.time, "sleep", lambda seconds: (slept.append(seconds), clock.__setitem__(0, clock[0] + seconds)))
    fetcher = Fetcher(Settings().with_overrides({"fetching.per_host_seconds": 2.0}).fetching)
    for host in ("a.example", "a.example", "b.example", "a.example"):
        fetcher._wait_turn(host)
    assert slept == [2.0, 2.0]  # the second and the fourth request to a.example; b.example never waits
