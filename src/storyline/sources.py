"""Live inputs: web pages, RSS/Atom feeds and sitemaps by URL.

Everything is fetched through trafilatura's download pool with its SSRF protection on (a
connection to a non-public address is refused after connecting, so DNS rebinding cannot slip
past it), and every hop is vetted here before connecting too: only http(s), and no loopback,
private, link-local (cloud metadata at 169.254.169.254), multicast or reserved address, for the
first request and for each redirect, which this module follows itself. Requests carry a
User-Agent, a timeout and a size cap, and wait their turn per host. Nothing raises: every
problem (refused address, timeout, 404, malformed feed) is a Failure naming the URL and why.
Feeds and sitemaps are parsed from the fetched bytes, never fetched by their parsers.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .config import Fetching, current
from .ingest import decode_text, document_from_html
from .models import Failure, RawDocument


def is_url(text: str) -> bool:
    """Any scheme://: http(s) is fetched, anything else (ftp, file) refused with that reason."""
    return re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", text) is not None


@dataclass
class Fetched:
    url: str             # after redirects
    content_type: str
    body: bytes


class Fetcher:
    """GETs with the guard, the per-host rate limit, timeouts and the size cap of `settings`.

    fetching.allowed_private (host:port) are exceptions to the address guard for intranet servers;
    the tests use it for their own server on 127.0.0.1, and it is empty by default.
    """

    def __init__(self, settings: Fetching | None = None):
        from trafilatura.downloads import create_pool

        self.settings = settings or current().fetching
        self.allowed_private = {h.strip() for h in self.settings.allowed_private.split(",") if h.strip()}
        self.guarded_pool = create_pool(ssrf_protection=True)
        self.open_pool = create_pool(ssrf_protection=False)
        self.last_request: dict[str, float] = {}
        self.lock = threading.Lock()

    def get(self, url: str) -> Fetched | Failure:
        current_url = url
        for _hop in range(self.settings.max_redirects + 1):
            refused = self.refusal(current_url)
            if refused:
                return Failure(url, refused if current_url == url else f"redirected to {current_url}: {refused}")
            response = self._request(current_url)
            if isinstance(response, Failure):
                return Failure(url, response.reason)
            status, headers, body = response
            if status in (301, 302, 303, 307, 308) and headers.get("location"):
                current_url = urljoin(current_url, headers["location"])
                continue
            if status != 200:
                return Failure(url, f"HTTP {status}")
            return Fetched(current_url, headers.get("content-type", ""), body)
        return Failure(url, f"more than {self.settings.max_redirects} redirects")

    def refusal(self, url: str) -> str | None:
        """Why this URL may not be fetched, or None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"refused: only http and https URLs are fetched, not {parts.scheme or 'no scheme'}"
        host = parts.hostname
        if not host:
            return "refused: no host in the URL"
        if self._admitted(url):
            return None
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, parts.port or 80, type=socket.SOCK_STREAM)}
        except (socket.gaierror, UnicodeError) as exc:
            return f"cannot resolve host {host}: {exc}"
        for address in sorted(addresses):
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            ip = getattr(ip, "ipv4_mapped", None) or ip
            if not ip.is_global:
                return f"refused: {host} is a non-public address ({ip})"
        return None

    def _request(self, url: str) -> tuple[int, dict[str, str], bytes] | Failure:
        import urllib3

        self._wait_turn(urlsplit(url).hostname or "")
        pool = self.open_pool if self._admitted(url) else self.guarded_pool
        try:
            response = pool.request("GET", url, headers={"User-Agent": self.settings.user_agent},
                                    timeout=urllib3.Timeout(total=self.settings.timeout_seconds),
                                    retries=False, redirect=False, preload_content=False)
        except urllib3.exceptions.NewConnectionError as exc:
            return Failure(url, f"refused or unreachable: {_reason(exc)}")
        except (urllib3.exceptions.TimeoutError, socket.timeout):
            return Failure(url, f"timed out after {self.settings.timeout_seconds} s")
        except urllib3.exceptions.HTTPError as exc:
            return Failure(url, f"download failed: {_reason(exc)}")
        try:
            body = bytearray()
            for chunk in response.stream(2 ** 16):
                body += chunk
                if len(body) > self.settings.max_bytes:
                    return Failure(url, f"larger than the size cap of {self.settings.max_bytes:,} bytes")
        except (urllib3.exceptions.HTTPError, socket.timeout) as exc:
            return Failure(url, f"download failed: {_reason(exc)}")
        finally:
            response.release_conn()
        return response.status, {k.lower(): v for k, v in response.headers.items()}, bytes(body)

    def _admitted(self, url: str) -> bool:
        """Named in fetching.allowed_private: reached without the address guard."""
        parts = urlsplit(url)
        return f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}" in self.allowed_private

    def _wait_turn(self, host: str) -> None:
        """At most one request per fetching.per_host_seconds to each host."""
        with self.lock:
            wait = self.last_request.get(host, 0.0) + self.settings.per_host_seconds - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self.last_request[host] = time.monotonic()


def _reason(exc: Exception) -> str:
    return " ".join(str(getattr(exc, "reason", None) or exc).split())[:300]


def items_from_urls(urls: list[str], fetcher: Fetcher | None = None) -> Iterator[list[RawDocument] | Failure]:
    """What the pipeline reads from URLs: each page a list of one document, or a Failure. A URL is a
    page, an RSS/Atom feed (its entries' pages are fetched) or a sitemap (its pages are fetched)."""
    fetcher = fetcher or Fetcher()
    for url in urls:
        fetched = fetcher.get(url)
        if isinstance(fetched, Failure):
            yield fetched
            continue
        kind = kind_of(fetched)
        if kind == "feed":
            yield from _feed_items(url, fetched, fetcher)
        elif kind == "sitemap":
            yield from _sitemap_items(url, fetched, fetcher, depth=0)
        else:
            yield _page(url, fetched)


def kind_of(fetched: Fetched) -> str:
    """"feed", "sitemap" or "page", by the content type and the document's root element."""
    head = fetched.body[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if any(t in fetched.content_type for t in ("rss", "atom")) or b"<rss" in head or b"<feed" in head \
            or b"<rdf:rdf" in head:
        return "feed"
    return "page"


def _page(url: str, fetched: Fetched, title: str | None = None, published: str | None = None
          ) -> list[RawDocument] | Failure:
    text, problem = decode_text(fetched.body)
    if problem:
        return Failure(url, problem)
    doc = document_from_html(url, text, url=fetched.url)
    if isinstance(doc, Failure):
        return doc
    doc.title = doc.title or title
    doc.published = doc.published or published
    return [doc]


def _feed_items(url: str, fetched: Fetched, fetcher: Fetcher) -> Iterator[list[RawDocument] | Failure]:
    import feedparser

    from .dates import parse_date_string

    parsed = feedparser.parse(fetched.body, sanitize_html=False)
    entries = parsed.entries[:current().fetching.max_feed_items]
    if not any(entry.get("link") for entry in entries):
        problem = f"malformed feed: {parsed.get('bozo_exception')}" if parsed.get("bozo") else "empty feed: no entries"
        yield Failure(url, " ".join(problem.split())[:300])
        return
    for entry in entries:
        link = entry.get("link")
        if not link:
            yield Failure(url, f"feed entry without a link: {entry.get('title', '')[:80]!r}")
            continue
        page = fetcher.get(urljoin(fetched.url, link))
        published = parse_date_string(entry.get("published") or entry.get("updated"))
        yield page if isinstance(page, Failure) else _page(link, page, entry.get("title"), published)


def _sitemap_items(url: str, fetched: Fetched, fetcher: Fetcher, depth: int
                   ) -> Iterator[list[RawDocument] | Failure]:
    from lxml import etree

    try:
        root = etree.fromstring(fetched.body, etree.XMLParser(resolve_entities=False, no_network=True,
                                                              huge_tree=False))
    except etree.XMLSyntaxError as exc:
        yield Failure(url, f"malformed sitemap: {exc}"[:300])
        return
    locations = [(el.text or "").strip() for el in root.iter("{*}loc")][:current().fetching.max_sitemap_urls]
    nested = etree.QName(root).localname == "sitemapindex"
    for location in filter(None, locations):
        page = fetcher.get(urljoin(fetched.url, location))
        if isinstance(page, Failure):
            yield page
        elif nested and depth < 1:
            yield from _sitemap_items(location, page, fetcher, depth + 1)
        else:
            yield _page(location, page)
