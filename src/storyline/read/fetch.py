"""Live inputs: web pages, RSS/Atom feeds and sitemaps by URL.

Everything is fetched through trafilatura's download pool with its SSRF protection on (a
connection to a non-public address is refused after connecting, so DNS rebinding cannot slip
past it), and every hop is vetted here before connecting too: only http(s), and no loopback,
private, link-local (cloud metadata at 169.254.169.254), multicast or reserved address, for the
first request and for each redirect, which this module follows itself. A URL is read once, by
urllib3's own parser, and refused where another reading could differ (backslashes, user info);
an IPv6 address is judged by the IPv4 address it reaches (NAT64, 6to4, Teredo, mapped). Requests
carry a User-Agent, a wall-clock deadline and a size cap, and wait their turn per host. Nothing raises: every
problem (refused address, timeout, 404, malformed feed) is a Failure naming the URL and why.
Feeds and sitemaps are parsed from the fetched bytes, never fetched by their parsers.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..config import Fetching, current
from ..models import Failure, RawDocument
from .files import decode_text, document_from_html

UNSAFE_URL_CHARS = re.compile(r"[\\\s\x00-\x1f\x7f]")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def is_url(text: str) -> bool:
    """Any scheme://: http(s) is fetched, anything else (ftp, file) refused with that reason."""
    return re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", text) is not None


@dataclass
class Fetched:
    url: str             # after redirects
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Target:
    """A URL as the connection will read it: the one reading both the check and the request use."""

    url: str
    scheme: str
    host: str        # without IPv6 brackets
    port: int

    @property
    def host_port(self) -> str:
        return f"{self.host}:{self.port}"


def parse_target(url: str) -> Target | str:
    """The URL urllib3 will connect to, or why it is refused.

    urlsplit and urllib3 read some URLs differently (`http://a:1\\@b:2/` is host b for one and
    host a for the other), so anything the two could disagree on is refused outright: a backslash,
    whitespace or control character, user info, and any difference in host or port between them.
    """
    from urllib3.util import parse_url

    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in ("http", "https"):
        return f"refused: only http and https URLs are fetched, not {scheme or 'no scheme'}"
    if UNSAFE_URL_CHARS.search(url):
        return "refused: a backslash, space or control character in the URL"
    try:
        split, parsed = urlsplit(url), parse_url(url)
        split_port = split.port
    except ValueError as exc:
        return f"refused: malformed URL ({exc})"
    if "@" in split.netloc or parsed.auth:
        return "refused: user info (user@host) in the URL"
    host = (parsed.host or "").strip("[]").lower()
    port = parsed.port or (443 if scheme == "https" else 80)
    if not host:
        return "refused: no host in the URL"
    if host != (split.hostname or "") or port != (split_port or (443 if scheme == "https" else 80)):
        return "refused: the URL's host is ambiguous"
    return Target(parsed.url, scheme, host, port)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address reaches: mapped, NAT64 (64:ff9b::/96), IPv4-compatible
    (::/96), 6to4 (2002::/16) and Teredo. Each is judged as the address it stands for."""
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in NAT64 or ip in IPV4_COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [v4 for v4 in found if v4 is not None]


def non_public(address: str) -> str | None:
    """Why an address may not be fetched from (loopback, private, link-local, multicast, reserved, or
    such an address inside an IPv6 one), or None for a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    inner = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else []
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [*inner] or [ip]
    for candidate in candidates:
        if not candidate.is_global or candidate.is_multicast or candidate.is_reserved \
                or candidate.is_unspecified:
            return str(candidate) if candidate is ip else f"{ip}, which reaches {candidate}"
    return None


class Fetcher:
    """GETs with the guard, the per-host rate limit, a wall-clock deadline and the size cap of `settings`.

    fetching.allowed_private (host:port) are exceptions to the address guard for intranet servers;
    the tests use it for their own server on 127.0.0.1, and it is empty by default.
    """

    def __init__(self, settings: Fetching | None = None):
        from trafilatura.downloads import create_pool

        self.settings = settings or current().fetching
        self.allowed_private = {h.strip().lower() for h in self.settings.allowed_private.split(",") if h.strip()}
        self.guarded_pool = _with_deadlines(create_pool(ssrf_protection=True))
        self.open_pool = _with_deadlines(create_pool(ssrf_protection=False))
        self.last_request: dict[str, float] = {}
        self.lock = threading.Lock()

    def get(self, url: str) -> Fetched | Failure:
        current_url = url
        for _hop in range(self.settings.max_redirects + 1):
            target = self.vetted(current_url)
            if isinstance(target, str):
                return Failure(url, target if current_url == url else f"redirected to {current_url}: {target}")
            response = self._request(target)
            if isinstance(response, Failure):
                return Failure(url, response.reason)
            status, headers, body = response
            if status in (301, 302, 303, 307, 308) and headers.get("location"):
                current_url = urljoin(target.url, headers["location"])
                continue
            if status != 200:
                return Failure(url, f"HTTP {status}")
            return Fetched(target.url, headers.get("content-type", ""), body)
        return Failure(url, f"more than {self.settings.max_redirects} redirects")

    def vetted(self, url: str) -> Target | str:
        """The target to connect to, or why not: an unambiguous http(s) URL whose every address is public,
        unless its host:port is admitted by fetching.allowed_private."""
        target = parse_target(url)
        if isinstance(target, str) or target.host_port in self.allowed_private:
            return target
        try:
            addresses = {str(info[4][0]) for info in socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)}
        except (socket.gaierror, UnicodeError) as exc:
            return f"cannot resolve host {target.host}: {exc}"
        for address in sorted(addresses):
            why = non_public(address)
            if why:
                return f"refused: {target.host} is a non-public address ({why})"
        return target

    def _request(self, target: Target) -> tuple[int, dict[str, str], bytes] | Failure:
        """One GET, over within fetching.timeout_seconds of wall-clock time however slowly the server
        answers: at the deadline a watchdog shuts the connection's socket, which ends any read."""
        import urllib3

        self._wait_turn(target.host)
        pool = self.open_pool if target.host_port in self.allowed_private else self.guarded_pool
        limit = self.settings.timeout_seconds
        watchdog = Deadline(limit)
        try:
            with watchdog:
                response = pool.request("GET", target.url, headers={"User-Agent": self.settings.user_agent,
                                                                    "Connection": "close"},
                                        timeout=urllib3.Timeout(connect=limit, read=limit),
                                        retries=False, redirect=False, preload_content=False)
                try:
                    body = bytearray()
                    for chunk in response.stream(2 ** 16):
                        body += chunk
                        if len(body) > self.settings.max_bytes:
                            return Failure(target.url, f"larger than the size cap of {self.settings.max_bytes:,} bytes")
                finally:
                    response.release_conn()
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            # NewConnectionError is a TimeoutError to urllib3: a refused connection is told apart first
            unreachable = isinstance(exc, urllib3.exceptions.NewConnectionError)
            if watchdog.expired or (not unreachable and isinstance(exc, (urllib3.exceptions.TimeoutError,
                                                                        socket.timeout))):
                return Failure(target.url, f"timed out after {limit} s")
            return Failure(target.url, f"{'refused or unreachable' if unreachable else 'download failed'}: "
                                       f"{_reason(exc)}")
        if watchdog.expired:
            return Failure(target.url, f"timed out after {limit} s")
        return response.status, {k.lower(): v for k, v in response.headers.items()}, bytes(body)

    def _wait_turn(self, host: str) -> None:
        """At most one request per fetching.per_host_seconds to each host."""
        with self.lock:
            wait = self.last_request.get(host, 0.0) + self.settings.per_host_seconds - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self.last_request[host] = time.monotonic()


class Deadline:
    """A wall-clock limit on the sockets this thread opens while it is entered: when it passes, each is
    shut down, which wakes a read blocked on a server that sends one byte every few seconds."""

    local = threading.local()

    def __init__(self, seconds: float):
        self.seconds, self.expired = seconds, False
        self.sockets: list[socket.socket] = []
        self.guard = threading.Lock()

    def __enter__(self) -> Deadline:
        self.timer = threading.Timer(self.seconds, self._expire)
        self.timer.daemon = True
        Deadline.local.current = self
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.cancel()
        Deadline.local.current = None

    def watch(self, sock: socket.socket) -> None:
        with self.guard:
            if self.expired:
                sock.shutdown(socket.SHUT_RDWR)
            self.sockets.append(sock)

    def _expire(self) -> None:
        with self.guard:
            self.expired = True
            for sock in self.sockets:
                with contextlib.suppress(OSError):  # already closed
                    sock.shutdown(socket.SHUT_RDWR)


class _Watched:
    """A connection whose socket the thread's current Deadline may shut."""

    def _new_conn(self):
        sock = super()._new_conn()  # type: ignore[misc]  # a mixin: the pool's connection class comes after it
        deadline = getattr(Deadline.local, "current", None)
        if deadline is not None:
            deadline.watch(sock)
        return sock


def _with_deadlines(manager):
    """The pool manager with each scheme's connections watched by the current Deadline."""
    manager.pool_classes_by_scheme = {
        scheme: type(pool_class.__name__, (pool_class,), {
            "ConnectionCls": type(pool_class.ConnectionCls.__name__, (_Watched, pool_class.ConnectionCls), {})})
        for scheme, pool_class in manager.pool_classes_by_scheme.items()}
    return manager


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

    from ..dates import parse_date_string

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
