"""Fuzz properties shared by the short run in `make test` (tests/test_fuzz.py) and the long one
(bench/fuzz.py): hypothesis strategies for each stage's input and one check per stage.

The property everywhere: a document either becomes an article or a named failure, nothing
raises, no text that SQLite or JSON cannot hold gets through, and the store stays analysable
(no story left dirty, an export that is strict JSON).
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import strategies as st
from rich.console import Console

from storyline import Storyline, store
from storyline.cli import failure_line
from storyline.dates import find_time_expressions, parse_date_string, resolve
from storyline.extract import extract_facts
from storyline.models import Article, Failure, RawDocument
from storyline.prepare.parse import parse
from storyline.present import export
from storyline.read.files import document_from_record, read_path
from storyline.read.guard import CONTROL, shown
from storyline.run.tasks import prepare

ROOT = Path(__file__).resolve().parent.parent
REAL_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))] + \
             [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "sample").glob("*.txt"))]
FIELDS = ["title", "text", "html", "url", "published", "outlet", "language"]
NASTY = ["\ud800", "\udfff", "\x00", "\u2028", "\u2029", "\u0085", "\ufeff", "\u202e", "‚Äô", "Ã©", "\r", "\t",
         "0001-01-01", "9999-12-31", "yesterday", "1000000 days ago", "31 February", "1" * 400, "9" * 30 + "%",
         "$" + "9" * 20 + " billion", "(" * 300, "“" * 300, "x" * 3000, "http://[::1", "<script>", "&#0;",
         "Mr. ", " said ", "\"", "'", "\n\n", "Share this article", "(Ana/Reuters)", "January 1, 2023",
         "on Monday", "last month", "next year", "per cent", "12.000,5", "½", "٣", "𝟘"]

texts = st.text(st.characters(codec=None, categories=None), max_size=300) | \
    st.lists(st.sampled_from(NASTY) | st.text(max_size=20), max_size=30).map("".join)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | texts,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
                           max_leaves=12)
records = st.dictionaries(st.sampled_from(FIELDS), json_values | texts, max_size=7)


@st.composite
def mutated_articles(draw) -> str:
    """A real report, cut, spliced and sprinkled with hostile pieces."""
    text = draw(st.sampled_from(REAL_TEXTS))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(NASTY) | texts) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(0, 400)):]
        else:
            text = text[:at] + text[max(0, at - 300):at] + text[at:]
    return text


# File names as careless users and attackers write them: rich markup, terminal escapes, a folder "a[".
NAMES = ["input", "a[/red]", "[bold]x", "\x1b[31mred", "b]", "x\x07y", "[link=http://e.example]y"]
file_inputs = st.tuples(st.sampled_from(NAMES), st.sampled_from([".txt", ".json", ".jsonl", ".html"]),
                        st.binary(max_size=400) | mutated_articles().map(lambda t: t.encode("utf-8", "surrogatepass")) |
                        st.lists(records, max_size=3).map(lambda rs: "\n".join(
                            json.dumps(r, ensure_ascii=False) for r in rs).encode("utf-8", "surrogatepass")))
documents = st.builds(RawDocument, source=texts, text=mutated_articles() | texts, title=st.none() | texts,
                      url=st.none() | texts, outlet=st.none() | texts, published=st.none() | texts,
                      language=st.none() | st.sampled_from(["en", "pt", "xx", ""]))


def storable(value: object) -> None:
    """Every string SQLite and the JSON export will be given must encode as UTF-8."""
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, (RawDocument, Article, Failure)):
        for field in vars(value).values():
            storable(field)


def check_read(name: str, suffix: str, data: bytes) -> None:
    """Any bytes under any name: documents or named failures, each failure line printable as written."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        result = read_path(path)
    for item in [*result.documents, *result.failures]:
        storable(item)
    assert all(f.source and f.reason for f in result.failures)
    terminal = Console(file=io.StringIO(), width=10_000)
    for failure in result.failures:
        terminal.print(failure_line(failure), soft_wrap=True)
        assert shown(failure.source) in terminal.file.getvalue()  # markup in the name shown, not obeyed
    assert not CONTROL.search(terminal.file.getvalue().replace("\n", ""))


def check_archive(data: bytes) -> None:
    """A gzipped web archive, a bomb among them: read within its expansion cap, never past it."""
    check_read("crawl", ".warc.gz", data)


def check_postgres(record: dict) -> None:
    """Every text a record becomes (document, article, failure) is one PostgreSQL accepts: a NUL lost
    the whole ingest there. Needs `POSTGRES` set to a PostgreSQL store by the runner."""
    document = document_from_record("fuzz.jsonl:1", record)
    items = [document] + ([prepare(document)] if isinstance(document, RawDocument) else [])
    for item in items:
        for value in vars(item).values():
            if isinstance(value, str):
                assert POSTGRES.execute("SELECT CAST(? AS text)", (value,)).fetchone()[0] == value


def check_record(record: dict) -> None:
    result = document_from_record("fuzz.jsonl:1", record)
    storable(result)
    assert isinstance(result, (RawDocument, Failure))


def check_prepare(doc: RawDocument) -> None:
    result = prepare(doc)
    storable(result)
    assert isinstance(result, (Article, Failure))


def check_dates(text: str, anchor: date | None) -> None:
    for expression in find_time_expressions(text):
        resolve(expression, anchor)
        resolve(expression, anchor, before_anchor=True)
        resolve(expression, anchor, future=True)
    parse_date_string(text)


def check_extract(text: str) -> None:
    facts = extract_facts(parse(text), "afuzz", "en")
    json.dumps(facts.to_dict(), allow_nan=False)


def check_ingest(texts_and_dates: list[tuple[str, str | None]]) -> None:
    """Mutated real articles through the whole pipeline into a fresh store."""
    documents = [RawDocument(source=f"fuzz://{n}", text=text, published=published, origin=f"fuzz:{n}")
                 for n, (text, published) in enumerate(texts_and_dates)]
    news = Storyline(":memory:")
    report, conn = news.ingest(documents), news.db
    assert not [f for f in report.failures if f.source.startswith("story ")], report.failures
    assert report.new + report.duplicates + len(report.failures) == len(documents)
    assert store.dirty_stories(conn) == []
    strict_json(export.to_json(conn))
    conn.close()


_SAMPLE: list[Storyline] = []  # the demo corpus in memory, made on first use and shared by the properties below


def sample_store() -> Storyline:
    if not _SAMPLE:
        news = Storyline(":memory:", {"ingest.workers": 0})
        news.ingest([ROOT / "data" / "sample"])
        _SAMPLE.append(news)
    return _SAMPLE[0]


def check_search(query: str) -> None:
    """Any query, of any length and words repeated, lists stories and articles (bounded work) and each
    snippet marks words of the query."""
    from storyline.store.browse import search_words

    news = sample_store()
    words = {w.casefold() for w in search_words(query)}
    for row in news.stories(query=query, limit=5):
        marked = [part.casefold() for part, hit in (row.match.parts() if row.match else []) if hit]
        assert set(marked) <= words, (marked, words)
    news.search(query, 5)


def check_correction(kind: str, story: str | None, fields: dict) -> None:
    """Any correction either applies or is refused as a CorrectionError; nothing else escapes."""
    from storyline.analysis.corrections import CorrectionError

    news = sample_store()
    story_id = story if story is not None else news.story_ids()[0]
    with contextlib.suppress(CorrectionError):
        news.correct(kind, story_id, fields.pop("author", "fuzz"), **fields)


def strict_json(text: str) -> object:
    def refuse(name: str):
        raise ValueError(f"{name} in an export is not JSON")
    return json.loads(text, parse_constant=refuse)


@st.composite
def gzip_archives(draw) -> bytes:
    """Gzip streams: of zeros (bombs up to 64 MB, past the 20 MB floor of the cap), of random bytes, of
    a WARC record, cut short, or a gzip inside a gzip."""
    import gzip

    megabytes = draw(st.sampled_from([0, 1, 24, 64]))
    body = draw(st.sampled_from([b"\0" * (megabytes << 20), b"WARC/1.0\r\nWARC-Type: response\r\n\r\n" +
                                 b"\0" * (megabytes << 20)])) + draw(st.binary(max_size=200))
    data = gzip.compress(body, compresslevel=draw(st.sampled_from([1, 9])), mtime=0)
    if draw(st.booleans()):
        data = gzip.compress(data, mtime=0)
    return data[:draw(st.integers(1, len(data)))] if draw(st.booleans()) else data


POSTGRES = None  # a PostgreSQL store (Database) the runner opens before the "postgres" property runs
controls = st.lists(st.sampled_from(["\x00", "\x01", "\x1b", "\x7f", "\ud800", "a", " ", "Arlen", "\x00\x00"]),
                    max_size=12).map("".join)
records_with_controls = st.dictionaries(st.sampled_from(FIELDS), controls | texts, max_size=7)
anchors = st.none() | st.dates(min_value=date.min, max_value=date.max)
ingest_batches = st.lists(st.tuples(mutated_articles(), st.none() | st.sampled_from(
    ["2023-01-04", "0001-01-01", "9999-12-31", "1900-01-01", "2099-12-31"])),
    min_size=1, max_size=4)

queries = texts | st.lists(st.sampled_from(["the", "strike", "port", "Valmora", "\"", "*", "OR", "NEAR(", "\ud800"]),
                          max_size=3000).map(" ".join)
correction_values = texts | controls | st.integers() | st.none() | st.lists(texts | controls, max_size=5) | \
    st.sampled_from(["x" * 5_000_000, "\ud800" * 3, "\x1b]0;title\x07", "\u202emoc.elpmaxe"])
corrections = st.tuples(st.sampled_from(["rename", "speaker", "dispute", "event", "move", "split", "merge", "drop"]),
                        st.none() | texts | controls,
                        st.dictionaries(st.sampled_from(["title", "quote_id", "speaker", "a", "b", "article_id",
                                                         "event_id", "to_story", "article_ids", "into_story",
                                                         "author", "colour"]), correction_values, max_size=4))

# stage name -> (strategy of the check's arguments, check)
PROPERTIES = {
    "read": (file_inputs, lambda args: check_read(*args)),
    "archive": (gzip_archives(), check_archive),
    "postgres": (records_with_controls, check_postgres),
    "record": (records, check_record),
    "clean": (documents, check_prepare),
    "dates": (st.tuples(texts | mutated_articles(), anchors), lambda args: check_dates(*args)),
    "extract": (texts | mutated_articles(), check_extract),
    "ingest": (ingest_batches, check_ingest),
    "search": (queries, check_search),
    "correct": (corrections, lambda args: check_correction(*args)),
}
