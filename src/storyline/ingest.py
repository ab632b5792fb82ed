"""Read input paths into RawDocuments, reporting every unreadable input as a Failure.

Supported: .txt (optionally with leading metadata lines), .html/.htm (main text and
metadata through trafilatura), .json (an object or a list of objects) and .jsonl (one
object a line). Nothing here raises on bad input: a bad file or record becomes a Failure
naming the path and the reason, and the rest of the batch goes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .dates import parse_date_string
from .models import Failure, RawDocument

MAX_FILE_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES

# "date 2023-01-04 Some title Wednesday, January 4, 2023 12:10:00 PM" as scrapers write it.
DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?:[ T][\d:]+)?\s*(.*)$", re.I)
KEY_VALUE_HEADER = re.compile(r"^\s*(title|date|published|url|source|outlet|language|lang)\s*:\s*(.+)$", re.I)
TRAILING_DATETIME = re.compile(
    r"\s*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2},?\s+\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)?)?\s*$",
    re.I,
)


@dataclass
class ReadResult:
    documents: list[RawDocument]
    failures: list[Failure]


def iter_input_files(paths: list[str]) -> Iterator[Path | Failure]:
    """Expand paths (files and folders, recursively) in a stable order."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Failure(str(path), "no such file or directory")
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                yield Failure(str(path), "directory holds no readable file (.txt, .html, .htm, .json, .jsonl)")
            yield from found
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield Failure(str(path), f"unsupported file type {path.suffix or '(none)'!r}")
        else:
            yield path


def read_path(path: Path) -> ReadResult:
    """Read one file into documents; never raises for bad content."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return _fail(source, f"file too large ({size / 1e6:.1f} MB; limit {MAX_FILE_BYTES / 1e6:.0f} MB)")
        data = path.read_bytes()
    except OSError as exc:
        return _fail(source, f"cannot read file: {exc.strerror or exc}")
    text, problem = decode_text(data)
    if problem:
        return _fail(source, problem)
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return _single(source, document_from_html(source, text))
    if suffix in JSON_SUFFIXES:
        return documents_from_json(source, text, one_per_line=suffix == ".jsonl")
    return _single(source, document_from_text(source, text))


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode UTF-8 strictly; say why not when the bytes are no text."""
    if not data.strip():
        return "", "empty file"
    if b"\x00" in data[:8192]:
        return "", "binary file (contains NUL bytes)"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return "", f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"


def document_from_text(source: str, text: str) -> RawDocument | Failure:
    """Plain text: leading metadata lines, then an optional title line, then the body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict[str, str] = {}
    while lines and (not lines[0].strip() or _take_header(lines[0], meta)):
        lines.pop(0)
    body = "\n".join(lines).strip()
    if not body and not meta.get("title"):
        return Failure(source, "no text after the metadata lines")
    return RawDocument(source=meta.get("url") or source, text=body, title=meta.get("title"),
                       url=meta.get("url"), outlet=meta.get("outlet") or _outlet_of(meta.get("url")),
                       published=parse_date_string(meta.get("date")), language=meta.get("language"))


def _take_header(line: str, meta: dict[str, str]) -> bool:
    """Consume one metadata line into meta; False when the line is body text."""
    match = DATE_HEADER.match(line)
    if match:
        meta["date"] = match.group(1)
        title = TRAILING_DATETIME.sub("", match.group(2)).strip()
        if title:
            meta.setdefault("title", title)
        return True
    match = KEY_VALUE_HEADER.match(line)
    if match:
        key = {"published": "date", "source": "url", "lang": "language"}.get(match.group(1).lower(),
                                                                             match.group(1).lower())
        meta[key] = match.group(2).strip()
        return True
    return False


def document_from_html(source: str, html: str, url: str | None = None) -> RawDocument | Failure:
    """Main text and metadata of a web page, through trafilatura."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        return Failure(source, f"malformed HTML: {exc}")
    if doc is None or not (doc.text or "").strip():
        return Failure(source, "no article body found in the HTML")
    page_url = url or doc.url
    return RawDocument(source=page_url or source, text=doc.text.replace("\n", "\n\n"), title=doc.title,
                       url=page_url, outlet=doc.sitename or _outlet_of(page_url),
                       published=parse_date_string(doc.date), language=doc.language)


def documents_from_json(source: str, text: str, one_per_line: bool) -> ReadResult:
    """JSON objects with any of title, text or html, url, published, outlet, language."""
    result = ReadResult([], [])
    if one_per_line:
        records = [(f"{source}:{n}", line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    else:
        records = [(source, text)]
    for where, chunk in records:
        try:
            parsed = json.loads(chunk)
        except json.JSONDecodeError as exc:
            result.failures.append(Failure(where, f"malformed JSON ({exc.msg} at column {exc.colno})"))
            continue
        items = parsed if isinstance(parsed, list) else [parsed]
        for index, item in enumerate(items):
            label = where if len(items) == 1 else f"{where}[{index}]"
            _append(result, document_from_record(label, item))
    if not records:
        result.failures.append(Failure(source, "no JSON records"))
    return result


def document_from_record(where: str, item: object) -> RawDocument | Failure:
    if not isinstance(item, dict):
        return Failure(where, "JSON record is not an object")
    url = _string(item.get("url"))
    if _string(item.get("text")):
        doc: RawDocument | Failure = RawDocument(source=url or where, text=_string(item.get("text")) or "",
                                                 url=url, outlet=_outlet_of(url))
    elif _string(item.get("html")):
        doc = document_from_html(where, _string(item.get("html")) or "", url)
    else:
        return Failure(where, "JSON record has neither text nor html")
    if isinstance(doc, RawDocument):
        doc.title = _string(item.get("title")) or doc.title
        doc.outlet = _string(item.get("outlet")) or doc.outlet
        doc.language = _string(item.get("language")) or doc.language
        doc.published = parse_date_string(_string(item.get("published"))) or doc.published
    return doc


def _string(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _outlet_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host or None


def _fail(source: str, reason: str) -> ReadResult:
    return ReadResult([], [Failure(source, reason)])


def _single(source: str, doc: RawDocument | Failure) -> ReadResult:
    result = ReadResult([], [])
    _append(result, doc)
    return result


def _append(result: ReadResult, doc: RawDocument | Failure) -> None:
    (result.failures if isinstance(doc, Failure) else result.documents).append(doc)

