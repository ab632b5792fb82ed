"""Read input paths into RawDocuments, reporting every unreadable input as a Failure.

Supported: .txt (optionally with leading metadata lines), .html/.htm (main text and
metadata through trafilatura), .json (an object or a list of objects), .jsonl (one
object a line), and web archives (.warc, .arc, gzipped or not: each HTML response record a page).
Nothing here raises on bad input: a bad file or record becomes a Failure
naming the path and the reason, and the rest of the batch goes on.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import json
import os
import re
import stat
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..config import current
from ..dates import parse_date_string
from ..models import Failure, RawDocument
from ..text import safe_text
from .guard import FailureLog, guarded, path_text
from .outlets import outlet_from_url

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl"}
ARCHIVE_SUFFIXES = {".warc", ".arc", ".warc.gz", ".arc.gz"}
GZIP_MAGIC = b"\x1f\x8b"
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | ARCHIVE_SUFFIXES
# Metadata longer than this is no title, date, url or name: dateparser alone takes seconds on 80 KB.
# (`published` has its own cap in dates.parse_date_string.)
MAX_FIELD_CHARS = {"title": 1000, "url": 2000, "outlet": 200, "language": 20}
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

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
    """One file's documents and failures (bounded per kind: see guard.FailureLog)."""

    documents: list[RawDocument] = field(default_factory=list)
    failures: FailureLog = field(default_factory=FailureLog)


def iter_input_files(paths: list[str]) -> Iterator[Path | Failure]:
    """Expand paths (files and folders, recursively) in a stable order.

    Anything that is not a readable regular file (a FIFO, which would block a read forever, a
    device, a dangling or looping symbolic link, an unreadable folder) is a Failure, never a hang
    or a silent skip. Hidden entries and files of other types inside folders are skipped.
    """
    for raw in paths:
        path = Path(raw)
        problem = _not_a_file(path)
        if problem == "directory":
            yield from _folder_files(path)
        elif problem:
            yield Failure(path_text(path), problem)
        elif suffix_of(path) not in SUPPORTED_SUFFIXES:
            yield Failure(path_text(path), f"unsupported file type {path.suffix or '(none)'!r}")
        else:
            yield path


def _not_a_file(path: Path) -> str | None:
    """None for a regular file, "directory" for a folder, else why the path cannot be read."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "dangling symbolic link" if path.is_symlink() else "no such file or directory"
    except OSError as exc:
        return "symbolic link loop" if exc.errno == errno.ELOOP else f"cannot open: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return "directory"
    if not stat.S_ISREG(mode):
        kind = "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device or special file"
        return f"not a regular file ({kind})"
    return None


def _folder_files(folder: Path) -> Iterator[Path | Failure]:
    found: list[Path] = []
    problems: list[Failure] = []

    def unreadable(exc: OSError) -> None:
        problems.append(Failure(path_text(exc.filename or folder), f"cannot read folder: {exc.strerror or exc}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            path = Path(root, name)
            problem = _not_a_file(path)
            if problem and problem != "directory":
                problems.append(Failure(path_text(path), problem))
            elif not problem and suffix_of(path) in SUPPORTED_SUFFIXES:
                found.append(path)
    if not found and not problems:
        yield Failure(path_text(folder), "directory holds no readable file (.txt, .html, .htm, .json, .jsonl, "
                                         ".warc, .arc)")
    yield from sorted(problems, key=lambda f: f.source)
    yield from sorted(found)


def read_path(path: Path) -> ReadResult:
    """Read one file into documents; never raises: anything unexpected is the file's Failure."""
    source = path_text(path)
    result = guarded(source, "reading", lambda: _read_file(path, source))
    return _fail(result.source, result.reason) if isinstance(result, Failure) else result


def suffix_of(path: Path) -> str:
    """The file type: its last suffix, or the last two for a gzipped archive (.warc.gz)."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    return "".join(suffixes) if suffixes[-1:] == [".gz"] else (suffixes[-1] if suffixes else "")


def _read_file(path: Path, source: str) -> ReadResult:
    if suffix_of(path) in ARCHIVE_SUFFIXES:
        return documents_from_archive(path, source)
    try:
        size = path.stat().st_size
        if size > current().reading.max_file_bytes:
            limit = current().reading.max_file_bytes
            return _fail(source, f"file too large ({size / 1e6:.1f} MB; limit {limit / 1e6:.0f} MB)")
        with open(path, "rb", opener=_open_nonblocking) as handle:
            data = handle.read(current().reading.max_file_bytes + 1)
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


def _open_nonblocking(path: str, flags: int) -> int:
    """Open without blocking: a path swapped for a FIFO after the check must not hang the batch."""
    return os.open(path, flags | os.O_NONBLOCK)


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode by byte-order mark (UTF-8/16/32), else UTF-8 strictly; say why not when the bytes are no text."""
    if not data.strip():
        return "", "empty file"
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                return "", f"not valid {encoding.upper()} after its byte-order mark (offset {exc.start})"
            return (text, None) if text.strip() else ("", "empty file")
    if b"\x00" in data[:8192]:
        return "", "binary file (contains NUL bytes)"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return "", f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"


def document_from_text(source: str, text: str) -> RawDocument | Failure:
    """Plain text: leading metadata lines, then an optional title line, then the body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict[str, str] = {}
    first_body = 0
    while first_body < len(lines) and (not lines[first_body].strip() or _take_header(lines[first_body], meta)):
        first_body += 1
    body = "\n".join(lines[first_body:]).strip()
    if not body and not meta.get("title"):
        return Failure(source, "no text after the metadata lines")
    url = _field(meta, "url")
    return RawDocument(source=url or source, text=body, title=_field(meta, "title"), url=url,
                       outlet=_field(meta, "outlet") or outlet_from_url(url),
                       published=parse_date_string(_field(meta, "published")), language=_field(meta, "language"),
                       origin=source)


def _take_header(line: str, meta: dict[str, str]) -> bool:
    """Consume one metadata line into meta; False when the line is body text."""
    if len(line) > MAX_FIELD_CHARS["url"]:
        return False
    match = DATE_HEADER.match(line)
    if match:
        meta["published"] = match.group(1)
        title = TRAILING_DATETIME.sub("", match.group(2)).strip()
        if title:
            meta.setdefault("title", title)
        return True
    match = KEY_VALUE_HEADER.match(line)
    if match:
        key = {"date": "published", "source": "url", "lang": "language"}.get(match.group(1).lower(),
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
        return Failure(source, f"malformed HTML: {str(exc)[:200]}")
    if doc is None or isinstance(doc, dict) or not (doc.text or "").strip():  # a dict only with as_dict=True
        return Failure(source, "no article body found in the HTML")
    found = {"url": url or doc.url, "title": doc.title, "outlet": doc.sitename, "language": doc.language}
    page_url = _field(found, "url")
    return RawDocument(source=page_url or source, text=safe_text((doc.text or "").replace("\n", "\n\n")),
                       title=_field(found, "title"), url=page_url,
                       outlet=_field(found, "outlet") or outlet_from_url(page_url),
                       published=parse_date_string(doc.date), language=_field(found, "language"), origin=source)


def documents_from_json(source: str, text: str, one_per_line: bool) -> ReadResult:
    """JSON objects with any of title, text or html, url, published, outlet, language.

    JSON Lines are split on "\\n" alone: U+2028, U+2029 and U+0085 are legal inside a JSON string
    (str.splitlines would cut the record there).
    """
    result = ReadResult()
    if one_per_line:
        records = [(f"{source}:{n}", line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    else:
        records = [(source, text)]
    for where, chunk in records:
        try:
            parsed = json.loads(chunk)
        except json.JSONDecodeError as exc:
            result.failures.append(Failure(where, f"malformed JSON ({exc.msg} at column {exc.colno})"))
            continue
        except (ValueError, RecursionError) as exc:  # 5,000-digit integers, nesting past the recursion limit
            result.failures.append(Failure(where, f"unreadable JSON ({type(exc).__name__}: {str(exc)[:120]})"))
            continue
        items = parsed if isinstance(parsed, list) else [parsed]
        for index, item in enumerate(items):
            label = where if len(items) == 1 else f"{where}[{index}]"
            _append(result, guarded(label, "reading the record", lambda: document_from_record(label, item)))
    if not records:
        result.failures.append(Failure(source, "no JSON records"))
    return result


def documents_from_archive(path: Path, source: str) -> ReadResult:
    """A WARC or ARC file, streamed record by record (archives hold gigabytes): each HTML response
    is a page read as an .html file is, under its own URL; every other record (requests,
    metadata, images) is skipped. A record that cannot be read is a failure `file record N`."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    result, settings, pages, records = ReadResult(), current().reading, 0, 0
    try:
        with open(path, "rb", opener=_open_nonblocking) as handle, _archive_stream(handle) as stream:
            for number, record in enumerate(ArchiveIterator(stream, arc2warc=True, block_size=settings.archive_block_bytes), 1):
                if record.rec_type is None:  # warcio's reading of bytes that are no record
                    continue
                records += 1
                if record.rec_type != "response" or not _is_html(record):
                    continue
                pages += 1
                where = f"{source} record {number}"
                body = record.content_stream().read(settings.max_file_bytes + 1)
                if len(body) > settings.max_file_bytes:
                    result.failures.append(Failure(where, "page larger than the file size limit"))
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                doc = guarded(where, "reading the record", lambda: _archived_page(where, body, url, record))
                _append(result, doc)
    except DecompressionBomb as exc:
        result.failures.append(Failure(source, str(exc)))
    except (ArchiveLoadFailed, OSError, ValueError, EOFError, zlib.error) as exc:
        result.failures.append(Failure(source, f"unreadable web archive: {str(exc)[:200]}"))
    if not records and not result.failures:
        result.failures.append(Failure(source, "unreadable web archive: no WARC or ARC record found"))
    elif not pages and not result.failures:
        result.failures.append(Failure(source, "web archive holds no HTML page"))
    return result


class DecompressionBomb(Exception):
    """A compressed input expanding past its cap (reading.max_archive_expansion)."""


class CappedReader:
    """A gzip stream decompressed by us, a block at a time, that raises DecompressionBomb once its output
    passes `limit` bytes: warcio left alone decompresses a 1 MB file of zeros into gigabytes of memory."""

    def __init__(self, raw, limit: int):
        self.gzip, self.limit, self.produced = gzip.GzipFile(fileobj=raw, mode="rb"), limit, 0

    def read(self, size: int = -1) -> bytes:
        data = self.gzip.read(min(size, self.limit + 1) if size is not None and size >= 0 else self.limit + 1)
        if not self.produced and data[:2] == GZIP_MAGIC:  # warcio would expand an inner gzip uncapped
            raise DecompressionBomb("unreadable web archive: a gzip inside the gzip")
        self.produced += len(data)
        if self.produced > self.limit:
            raise DecompressionBomb(f"decompression bomb: expands past {self.limit:,} bytes "
                                    f"(reading.max_archive_expansion)")
        return data

    def close(self) -> None:
        self.gzip.close()


@contextmanager
def _archive_stream(handle):
    """The archive's bytes: a gzipped one (whatever its name says) through CappedReader, so that warcio
    reads plain records."""
    gzipped = handle.read(2) == GZIP_MAGIC
    handle.seek(0)
    if not gzipped:
        yield handle
        return
    settings = current().reading
    reader = CappedReader(handle, max(settings.max_archive_expansion * os.fstat(handle.fileno()).st_size,
                                      settings.max_file_bytes))
    try:
        yield reader
    finally:
        reader.close()


def _is_html(record) -> bool:
    content_type = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
    return "html" in content_type.lower()


def _archived_page(where: str, body: bytes, url: str | None, record) -> RawDocument | Failure:
    text, problem = decode_text(body) if body.strip() else ("", "empty page")
    if problem:
        charset = re.search(r"charset=([\w-]+)", record.http_headers.get_header("Content-Type") or "")
        try:
            text = body.decode(charset.group(1) if charset else "cp1252")
        except (LookupError, UnicodeDecodeError):
            return Failure(where, problem)
    return document_from_html(where, text, url=url)  # the capture date is not the publication date


def documents_from_records(records: list, label: str) -> list[RawDocument | Failure]:
    """Records already parsed (posted to the HTTP API, passed to the Python API): each a document, or
    a Failure named `<label> record N`. Documents and failures a caller already made pass through."""
    read: list[RawDocument | Failure] = []
    for number, record in enumerate(records, 1):
        if isinstance(record, (RawDocument, Failure)):
            read.append(record)
            continue
        where = f"{label} record {number}".lstrip()
        read.append(guarded(where, "reading the record", lambda: document_from_record(where, record)))
    return read


def document_from_record(where: str, item: object) -> RawDocument | Failure:
    """One JSON record; `where` (file:line, posted record) names it in any failure."""
    if not isinstance(item, dict):
        return Failure(where, "JSON record is not an object")
    url = _field(item, "url")
    text = _field(item, "text")
    html = _field(item, "html")
    if text:
        doc: RawDocument | Failure = RawDocument(source=url or where, text=text, url=url, outlet=outlet_from_url(url),
                                                 origin=where)
    elif html:
        doc = document_from_html(where, html, url)
    else:
        return Failure(where, "JSON record has neither text nor html")
    if isinstance(doc, RawDocument):
        doc.title = _field(item, "title") or doc.title
        doc.outlet = _field(item, "outlet") or doc.outlet
        doc.language = _field(item, "language") or doc.language
        doc.published = parse_date_string(_field(item, "published")) or doc.published
    return doc


def _field(record: dict, key: str) -> str | None:
    """A metadata value as clean text: a non-empty string, no lone surrogates, at most its size cap.

    A value over the cap is no value of that kind (an 80 KB "date" is not a date) and reads as missing.
    """
    value = record.get(key)
    if not isinstance(value, str):
        return None
    cap = MAX_FIELD_CHARS.get(key)
    if cap is not None and len(value) > cap:
        return None
    return safe_text(value).strip() or None  # a value of control characters alone is no value


def _fail(source: str, reason: str) -> ReadResult:
    result = ReadResult()
    result.failures.append(Failure(source, reason))
    return result


def _single(source: str, doc: RawDocument | Failure) -> ReadResult:
    result = ReadResult()
    _append(result, doc)
    return result


def _append(result: ReadResult, doc: RawDocument | Failure) -> None:
    if isinstance(doc, Failure):
        result.failures.append(doc)
    else:
        result.documents.append(doc)

