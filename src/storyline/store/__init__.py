"""The store: a versioned schema and every read and write of the pipeline, on SQLite or PostgreSQL.

This module and `browse` (the read queries of the web app and the API) are the only ones that
speak SQL, written once in the subset both backends share (`database` supplies the rest). Every
write happens inside `transaction`, so a crash or kill -9 leaves either the whole unit of work or
none of it. Vectors and JSON are encoded here; callers see dataclasses, dicts and arrays.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from ..analyse.corrections import Correction
from ..group import embed
from ..group.cluster import CorpusStats, Group
from ..group.links import Profile
from ..models import (
    Article,
    Claim,
    Entity,
    Event,
    Failure,
    Quantity,
    Quote,
    QuoteVariant,
    Relation,
    StoryAnalysis,
    SummarySentence,
    TimelineEntry,
)
from .backends import Database, StoreError, connect, is_postgres

__all__ = ["Database", "StoreError", "open_store"]

DEFAULT_DB = "storyline.db"
SEARCH_CHARS = 500_000  # text indexed for search per article (PostgreSQL's tsvector holds at most 1 MB)


@dataclass(frozen=True)
class Migration:
    """One schema step: SQL both backends run, then each backend's own part.

    In `common`, {key} is an integer primary key that numbers rows in insertion order, {rowid} adds
    that numbering where SQLite has it implicitly, and {blob} is a byte string column.
    """

    common: str
    sqlite: str = ""
    postgresql: str = ""


DIALECT_TOKENS = {
    "sqlite": {"key": "INTEGER PRIMARY KEY", "rowid": "", "blob": "BLOB"},
    "postgresql": {"key": "BIGSERIAL PRIMARY KEY", "rowid": "rowid BIGSERIAL, ", "blob": "BYTEA"},
}

MIGRATIONS = [
    Migration(
        common="""
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE articles (
        rowid {key},
        id TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        outlet TEXT,
        language TEXT,
        published_given TEXT,
        published TEXT,
        published_inferred INTEGER NOT NULL DEFAULT 0,
        text TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        duplicate_of TEXT,
        event_id TEXT,
        story_id TEXT,
        facts TEXT NOT NULL,
        vector TEXT NOT NULL,
        minhash {blob},
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_event ON articles(event_id);
    CREATE INDEX articles_story ON articles(story_id);
    CREATE TABLE term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL);
    CREATE TABLE groups ({rowid}
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, parent TEXT, members TEXT NOT NULL,
        centroid TEXT NOT NULL, first TEXT, last TEXT
    );
    CREATE TABLE merges ({rowid}kind TEXT NOT NULL, from_id TEXT NOT NULL, into_id TEXT NOT NULL, at TEXT NOT NULL);
    CREATE TABLE stories (id TEXT PRIMARY KEY, title TEXT, summary TEXT, dirty INTEGER NOT NULL DEFAULT 1,
                          updated_at TEXT);
    CREATE TABLE events ({rowid}id TEXT PRIMARY KEY, story_id TEXT NOT NULL, title TEXT, start TEXT, "end" TEXT,
                         article_ids TEXT NOT NULL);
    CREATE TABLE entities ({rowid}id TEXT PRIMARY KEY, story_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT,
                           aliases TEXT NOT NULL, article_ids TEXT NOT NULL);
    CREATE TABLE quotes ({rowid}id TEXT PRIMARY KEY, story_id TEXT NOT NULL, speaker TEXT, speaker_entity_id TEXT,
                         kind TEXT NOT NULL, said_on TEXT, variants TEXT NOT NULL);
    CREATE TABLE claims ({rowid}id TEXT PRIMARY KEY, story_id TEXT NOT NULL, text TEXT NOT NULL, source TEXT,
                         source_entity_id TEXT, quantity TEXT NOT NULL, article_ids TEXT NOT NULL);
    CREATE TABLE relations ({rowid}story_id TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, type TEXT NOT NULL,
                            why TEXT NOT NULL);
    CREATE TABLE timeline ({rowid}story_id TEXT NOT NULL, date TEXT NOT NULL, granularity TEXT NOT NULL,
                           text TEXT NOT NULL, article_ids TEXT NOT NULL, expected INTEGER NOT NULL);
    CREATE TABLE failures (id {key}, source TEXT NOT NULL, reason TEXT NOT NULL,
                           at TEXT NOT NULL, UNIQUE(source, reason));
    """,
        sqlite="""
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='rowid');
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    END;
    """,
        postgresql=f"""
    ALTER TABLE articles ADD COLUMN fts tsvector GENERATED ALWAYS AS
        (to_tsvector('simple', left(title || ' ' || text, {SEARCH_CHARS}))) STORED;
    CREATE INDEX articles_fts ON articles USING GIN (fts);
    """),
    Migration("""
    ALTER TABLE articles ADD COLUMN dense {blob};
    ALTER TABLE groups ADD COLUMN dense {blob};
    """),
    Migration("""
    ALTER TABLE groups ADD COLUMN indexed_terms TEXT;
    """),
    Migration("""
    ALTER TABLE claims ADD COLUMN source_kind TEXT;
    """),
    Migration("""
    ALTER TABLE groups ADD COLUMN saved BIGINT;
    UPDATE groups SET saved = rowid;
    CREATE INDEX groups_saved ON groups(kind, saved);
    """),
    Migration("""
    ALTER TABLE failures ADD COLUMN count BIGINT NOT NULL DEFAULT 1;
    """),
    Migration("""
    CREATE TABLE corrections ({rowid}id TEXT PRIMARY KEY, kind TEXT NOT NULL, story_id TEXT NOT NULL,
                              value TEXT NOT NULL, author TEXT NOT NULL, at TEXT NOT NULL,
                              undone_at TEXT, undone_by TEXT);
    """),
]
STORY_TABLES = ("events", "entities", "quotes", "claims", "relations", "timeline")
ARTICLE_COLUMNS = ("rowid, id, source, title, outlet, language, published_given, published, published_inferred, "
                   "text, content_hash, duplicate_of, event_id, story_id")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def resolve_db_path(path: str | None) -> str:
    """The store to use: the one given, else $STORYLINE_DB, else storyline.db here."""
    return path or os.environ.get("STORYLINE_DB") or DEFAULT_DB


def exists(location: str) -> bool:
    """A store may be there: a PostgreSQL URL (the server says), or an SQLite file that exists."""
    return is_postgres(location) or os.path.exists(location)


def open_store(path: str | None = None, read_only: bool = False) -> Database:
    """Open the store: an SQLite file (or ":memory:") or a postgresql:// URL; created or migrated unless
    read_only. A database that holds tables but is no storyline store is refused, never written into.

    The connection may move between threads (the web server hands a request's work to a pool)
    but is only ever used by one request at a time.
    """
    conn = connect(resolve_db_path(path), read_only)
    try:
        version = schema_version(conn)
        tables = conn.table_names() if not version else []
        if tables:
            raise StoreError(f"{conn.location} is not a storyline store (it holds other tables: "
                             f"{', '.join(tables[:5])}); nothing was written to it")
        if read_only and not version:
            raise StoreError(f"{conn.location} is an empty database, not yet a store: `storyline ingest` makes one")
        if read_only and version < len(MIGRATIONS):
            conn.close()
            _upgrade(resolve_db_path(path), version)
            conn = connect(resolve_db_path(path), read_only)
        if not read_only:
            migrate(conn)
    except StoreError:
        conn.close()
        raise
    except Exception as exc:
        conn.close()
        raise StoreError(f"{conn.location} is not a storyline store this version can use: {exc}") from exc
    return conn


def _upgrade(location: str, version: int) -> None:
    """Bring a store made by an earlier version up to date before reading it (a migration only adds)."""
    try:
        writable = connect(location)
    except StoreError as exc:
        raise StoreError(f"the store was made by an earlier version (schema {version} of {len(MIGRATIONS)}) and "
                         f"cannot be upgraded here: {exc}") from exc
    try:
        migrate(writable)
    finally:
        writable.close()


def schema_version(conn: Database) -> int:
    if not conn.table_exists("meta"):
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: Database) -> None:
    """Apply each migration newer than the store's version, each in its own transaction."""
    for version, migration in enumerate(MIGRATIONS, start=1):
        if schema_version(conn) >= version:
            continue
        with conn.transaction():
            conn.lock_schema()
            if schema_version(conn) >= version:  # another process got there first
                continue
            tokens = DIALECT_TOKENS[conn.dialect]
            conn.run_script(migration.common.format(**tokens))
            if own := getattr(migration, conn.dialect):
                conn.run_script(own)
            _set_meta(conn, "schema_version", str(version))


def _set_meta(conn: Database, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (key, value))


@contextmanager
def transaction(conn: Database) -> Iterator[Database]:
    with conn.transaction():
        yield conn


@contextmanager
def writer_lock(conn: Database, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's one writer slot for a whole ingest; a second ingest waits here for the first.

    Online clustering assigns each article against the groups the previous ones formed, so two
    writers interleaving their chunks would each miss the other's groups (40 stories where one
    run makes 35) or insert the same article twice. Each backend's lock is released when its
    holder dies (an flock; a PostgreSQL session lock), so a kill -9 never leaves the store locked.
    """
    with conn.writer_lock(on_wait):
        yield


def store_key(conn: Database) -> str:
    """Names the store across connections of one process (":memory:" stores are each their own)."""
    if conn.dialect == "sqlite":
        return conn.file() or f"memory:{id(conn)}"
    return conn.location


# ------------------------------------------------------------------ articles

def known_ids(conn: Database, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = conn.execute(f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))})", tuple(chunk))
        found |= {r[0] for r in rows}
    return found


def insert_article(conn: Database, article: Article, facts: dict, vector: dict, minhash: bytes | None,
                   dense: bytes | None) -> None:
    conn.execute(
        """INSERT INTO articles (id, source, title, outlet, language, published_given, published, published_inferred,
           text, content_hash, duplicate_of, event_id, story_id, facts, vector, minhash, ingested_at, dense)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        (article.id, article.source, article.title, article.outlet, article.language, article.published,
         article.published, int(article.published_inferred), article.text, article.content_hash,
         article.duplicate_of, article.event_id, article.story_id, json.dumps(facts), json.dumps(vector),
         minhash, now(), dense))


def _article(row: Any) -> Article:
    return Article(id=row["id"], source=row["source"], title=row["title"], text=row["text"],
                   content_hash=row["content_hash"], outlet=row["outlet"], language=row["language"],
                   published=row["published"], published_inferred=bool(row["published_inferred"]),
                   duplicate_of=row["duplicate_of"], event_id=row["event_id"], story_id=row["story_id"])


def articles(conn: Database, story_id: str | None = None) -> list[Article]:
    if story_id:
        rows = conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE story_id=? ORDER BY rowid", (story_id,))
    else:
        rows = conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY rowid")
    return [_article(r) for r in rows]


def article_facts(conn: Database, story_id: str) -> dict[str, dict]:
    rows = conn.execute("SELECT id, facts FROM articles WHERE story_id=?", (story_id,))
    return {r["id"]: json.loads(r["facts"]) for r in rows}


def published_given(conn: Database, story_id: str) -> dict[str, str | None]:
    rows = conn.execute("SELECT id, published_given FROM articles WHERE story_id=?", (story_id,))
    return {r["id"]: r["published_given"] for r in rows}


def set_published(conn: Database, article_id: str, published: str | None, inferred: bool) -> None:
    conn.execute("UPDATE articles SET published=?, published_inferred=? WHERE id=?",
                 (published, int(inferred), article_id))


def minhashes(conn: Database) -> Iterator[tuple[str, bytes]]:
    yield from conn.execute("SELECT id, minhash FROM articles WHERE minhash IS NOT NULL AND duplicate_of IS NULL")


def facts_and_vector(conn: Database, article_id: str) -> tuple[dict, dict]:
    """A stored article's facts and term vector (a copy takes its original's)."""
    row = conn.execute("SELECT facts, vector FROM articles WHERE id=?", (article_id,)).fetchone()
    return json.loads(row["facts"]), json.loads(row["vector"])


def ingest_generation(conn: Database) -> int:
    """Counts committed ingest chunks: an ingest's in-memory state is current while this is unchanged."""
    row = conn.execute("SELECT value FROM meta WHERE key='ingest_generation'").fetchone()
    return int(row[0]) if row else 0


def bump_ingest_generation(conn: Database) -> int:
    """Call inside the transaction of the chunk it counts."""
    conn.execute("INSERT INTO meta(key, value) VALUES ('ingest_generation', '1') "
                 "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)")
    return ingest_generation(conn)


def article_event(conn: Database, article_id: str) -> tuple[str | None, str | None]:
    row = conn.execute("SELECT event_id, story_id FROM articles WHERE id=?", (article_id,)).fetchone()
    return (row["event_id"], row["story_id"]) if row else (None, None)


# ------------------------------------------------------------------ clustering state

def corpus_stats(conn: Database) -> CorpusStats:
    df = {r[0]: r[1] for r in conn.execute("SELECT term, df FROM term_df")}
    count = conn.execute("SELECT COUNT(*) FROM articles WHERE duplicate_of IS NULL").fetchone()[0]
    return CorpusStats(df, count)


def article_vectors(conn: Database, story_id: str) -> dict[str, tuple[dict[str, float], bytes | None]]:
    """Term vector and dense embedding (bytes) of each article of a story."""
    rows = conn.execute("SELECT id, vector, dense FROM articles WHERE story_id=?", (story_id,))
    return {r[0]: (json.loads(r[1]), r[2]) for r in rows}


def set_event(conn: Database, event_id: str, article_ids: list[str]) -> None:
    conn.executemany("UPDATE articles SET event_id=? WHERE id=?", [(event_id, a) for a in article_ids])


def add_document_frequencies(conn: Database, terms: set[str]) -> None:
    conn.executemany("INSERT INTO term_df(term, df) VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET df = term_df.df + 1",
                     [(t,) for t in terms])


def group_terms(conn: Database, kind: str) -> Iterator[tuple[str, str | None, list[str] | None]]:
    """Every stored group's id, parent and index terms (no profiles), in the order they were last saved,
    so the index's most recently active groups are the same after a reload."""
    for row in conn.execute("SELECT id, parent, indexed_terms FROM groups WHERE kind=? ORDER BY saved", (kind,)):
        yield row[0], row[1], json.loads(row[2]) if row[2] is not None else None


def load_group(conn: Database, kind: str, group_id: str) -> Group | None:
    """One stored group whole; `centroid` holds its linking profile (older stores: its terms)."""
    r = conn.execute("SELECT * FROM groups WHERE kind=? AND id=?", (kind, group_id)).fetchone()
    if r is None:
        return None
    return Group(r["id"], json.loads(r["members"]), _profile(r), r["parent"],
                 json.loads(r["indexed_terms"]) if r["indexed_terms"] is not None else None)


def _profile(row: Any) -> Profile:
    data, dense = json.loads(row["centroid"]), embed.from_bytes(row["dense"])
    if "size" in data and isinstance(data.get("terms"), dict):
        return Profile.from_dict(data, dense)
    members = len(json.loads(row["members"]))
    return Profile(terms=data, dense=dense, first=row["first"], last=row["last"], size=members)


def save_groups(conn: Database, kind: str, groups: list[Group]) -> None:
    """Insert or update groups; each save moves a group to the end of the saved order."""
    last = conn.execute("SELECT COALESCE(MAX(saved), 0) FROM groups").fetchone()[0]
    conn.executemany(
        "INSERT INTO groups (id, kind, parent, members, centroid, first, last, dense, indexed_terms, saved) "
        "VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, parent=excluded.parent, "
        "members=excluded.members, centroid=excluded.centroid, first=excluded.first, last=excluded.last, "
        "dense=excluded.dense, indexed_terms=excluded.indexed_terms, saved=excluded.saved",
        [(g.id, kind, g.parent, json.dumps(g.members), json.dumps(g.profile.to_dict()), g.profile.first,
          g.profile.last, embed.to_bytes(g.profile.dense), json.dumps(g.indexed_terms), last + i)
         for i, g in enumerate(groups, start=1)])


def record_merges(conn: Database, kind: str, merges: list[tuple[str, str]]) -> None:
    conn.executemany("INSERT INTO merges (kind, from_id, into_id, at) VALUES (?,?,?,?)",
                     [(kind, a, b, now()) for a, b in merges])
    column = "event_id" if kind == "event" else "story_id"
    conn.executemany(f"UPDATE articles SET {column}=? WHERE {column}=?", [(b, a) for a, b in merges])
    if kind == "story":
        conn.executemany("DELETE FROM stories WHERE id=?", [(a,) for a, _ in merges])
        for table in STORY_TABLES:
            conn.executemany(f"DELETE FROM {table} WHERE story_id=?", [(a,) for a, _ in merges])


def delete_story(conn: Database, story_id: str) -> None:
    """A story left without articles (all merged into others)."""
    conn.execute("DELETE FROM stories WHERE id=?", (story_id,))


def article_count(conn: Database) -> int:
    return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def unmerged(conn: Database) -> set[str]:
    """Stories touched since the last merge check (see pipeline.Ingestor._merge_at_store_boundary)."""
    row = conn.execute("SELECT value FROM meta WHERE key='unmerged_stories'").fetchone()
    return set(json.loads(row[0])) if row else set()


def set_unmerged(conn: Database, story_ids: set[str]) -> None:
    _set_meta(conn, "unmerged_stories", json.dumps(sorted(story_ids)))


def merged_into(conn: Database, story_id: str) -> str | None:
    """The live story a merged-away story id ended up in, following merges of merges; None if never merged."""
    seen, current = {story_id}, story_id
    while True:
        row = conn.execute("SELECT into_id FROM merges WHERE kind='story' AND from_id=? ORDER BY rowid DESC LIMIT 1",
                           (current,)).fetchone()
        if row is None or row[0] in seen:
            return None if current == story_id else current
        current = row[0]
        seen.add(current)


def mark_dirty(conn: Database, story_ids: set[str]) -> None:
    conn.executemany("INSERT INTO stories(id, dirty) VALUES (?, 1) ON CONFLICT(id) DO UPDATE SET dirty=1",
                     [(s,) for s in story_ids])


def dirty_stories(conn: Database) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM stories WHERE dirty=1 ORDER BY id")]


# ------------------------------------------------------------------ story analysis

def save_analysis(conn: Database, analysis: StoryAnalysis, events: list[Event]) -> None:
    """Replace everything known about one story (call inside a transaction)."""
    sid = analysis.story_id
    for table in STORY_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE story_id=?", (sid,))
    _replace(conn, "events", ("id", "story_id", "title", "start", '"end"', "article_ids"),
             [(e.id, sid, e.title, e.start, e.end, json.dumps(e.article_ids)) for e in events])
    _replace(conn, "entities", ("id", "story_id", "name", "type", "aliases", "article_ids"),
             [(e.id, sid, e.name, e.type, json.dumps(e.aliases), json.dumps(e.article_ids))
              for e in analysis.entities])
    _replace(conn, "quotes", ("id", "story_id", "speaker", "speaker_entity_id", "kind", "said_on", "variants"),
             [(q.id, sid, q.speaker, q.speaker_entity_id, q.kind, q.said_on,
               json.dumps([asdict(v) for v in q.variants])) for q in analysis.quotes])
    _replace(conn, "claims", ("id", "story_id", "text", "source", "source_entity_id", "quantity", "article_ids",
                              "source_kind"),
             [(c.id, sid, c.text, c.source, c.source_entity_id, json.dumps(asdict(c.quantity)),
               json.dumps(c.article_ids), c.source_kind) for c in analysis.claims])
    conn.executemany("INSERT INTO relations (story_id, a, b, type, why) VALUES (?,?,?,?,?)",
                     [(sid, r.a, r.b, r.type, r.why) for r in analysis.relations])
    conn.executemany("INSERT INTO timeline (story_id, date, granularity, text, article_ids, expected) "
                     "VALUES (?,?,?,?,?,?)",
                     [(sid, t.date, t.granularity, t.text, json.dumps(t.article_ids), int(t.expected))
                      for t in analysis.timeline])
    conn.execute("UPDATE stories SET title=?, summary=?, dirty=0, updated_at=? WHERE id=?",
                 (analysis.title, json.dumps([asdict(s) for s in analysis.summary]), now(), sid))


def _replace(conn: Database, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows keyed by their first column; a row whose key exists replaces it, and the later of
    two rows with one key wins, ending up after the rows inserted before it (as SQLite's REPLACE)."""
    last: dict = {}
    for row in rows:
        last.pop(row[0], None)
        last[row[0]] = row
    if not last:
        return
    keys = list(last)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        conn.execute(f"DELETE FROM {table} WHERE {columns[0]} IN ({','.join('?' * len(chunk))})", tuple(chunk))
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})",
                     list(last.values()))


def story_ids(conn: Database) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT s.id FROM stories s WHERE EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id) ORDER BY s.id")]


def load_analysis(conn: Database, story_id: str) -> tuple[StoryAnalysis, list[Event]]:
    row = conn.execute("SELECT * FROM stories WHERE id=?", (story_id,)).fetchone()
    if row is None:
        raise KeyError(story_id)
    q = lambda sql: conn.execute(sql, (story_id,)).fetchall()  # noqa: E731
    analysis = StoryAnalysis(
        story_id=story_id, title=row["title"] or "",
        summary=[SummarySentence(**s) for s in json.loads(row["summary"] or "[]")],
        entities=[_entity(r) for r in q("SELECT * FROM entities WHERE story_id=? ORDER BY rowid")],
        quotes=[Quote(r["id"], r["speaker"], r["speaker_entity_id"], r["kind"], r["said_on"],
                      [QuoteVariant(**v) for v in json.loads(r["variants"])])
                for r in q("SELECT * FROM quotes WHERE story_id=? ORDER BY rowid")],
        claims=[Claim(r["id"], r["text"], r["source"], r["source_entity_id"], Quantity(**json.loads(r["quantity"])),
                      json.loads(r["article_ids"]), r["source_kind"])
                for r in q("SELECT * FROM claims WHERE story_id=? ORDER BY rowid")],
        relations=[Relation(r["a"], r["b"], r["type"], r["why"])
                   for r in q("SELECT * FROM relations WHERE story_id=? ORDER BY rowid")],
        timeline=[TimelineEntry(r["date"], r["granularity"], story_id, r["text"], json.loads(r["article_ids"]),
                                bool(r["expected"])) for r in q("SELECT * FROM timeline WHERE story_id=? ORDER BY rowid")],
    )
    events = [Event(r["id"], story_id, r["title"], r["start"], r["end"], json.loads(r["article_ids"]))
              for r in q("SELECT * FROM events WHERE story_id=? ORDER BY start, id")]
    return analysis, events


def _entity(row: Any) -> Entity:
    return Entity(row["id"], row["name"], row["type"], json.loads(row["aliases"]), json.loads(row["article_ids"]))


# ------------------------------------------------------------------ the reader's corrections

def add_correction(conn: Database, correction: Correction) -> None:
    conn.execute("INSERT INTO corrections (id, kind, story_id, value, author, at) VALUES (?,?,?,?,?,?)",
                 (correction.id, correction.kind, correction.story_id, json.dumps(correction.value, ensure_ascii=False),
                  correction.author, correction.at))


def set_undone(conn: Database, correction_id: str, by: str) -> None:
    conn.execute("UPDATE corrections SET undone_at=?, undone_by=? WHERE id=?", (now(), by, correction_id))


def _correction(row: Any) -> Correction:
    return Correction(row["id"], row["kind"], row["story_id"], json.loads(row["value"]), row["author"], row["at"],
                      row["undone_at"], row["undone_by"])


def corrections(conn: Database, story_ids: list[str] | None = None) -> list[Correction]:
    """Corrections in the order they were made (undone ones too: they are history), all or those made
    on these stories or naming them (a move names the story it moved a report to, a merge both)."""
    if not conn.table_exists("corrections"):
        return []
    found = [_correction(r) for r in conn.execute("SELECT * FROM corrections ORDER BY rowid")]
    if story_ids is None:
        return found
    wanted = set(story_ids)
    return [c for c in found if wanted & correction_stories(c)]


def correction_stories(correction: Correction) -> set[str]:
    v = correction.value
    return {correction.story_id} | {v[k] for k in ("to_story", "from_story", "into_story", "new_story") if k in v}


def kept_apart(conn: Database) -> set[str]:
    """Stories a reader regrouped (split, merged, moved a report into or out of): clustering never
    merges them on its own again."""
    named = set()
    for item in corrections(conn):
        if item.active and item.kind in ("move", "split", "merge"):
            named |= {merged_into(conn, s) or s for s in correction_stories(item)}
    return named


def correction(conn: Database, correction_id: str) -> Correction | None:
    row = conn.execute("SELECT * FROM corrections WHERE id=?", (correction_id,)).fetchone()
    return _correction(row) if row else None


def set_story(conn: Database, article_ids: list[str], story_id: str) -> None:
    """Move reports (and the copies of them) to a story, by a reader's correction."""
    conn.executemany("UPDATE articles SET story_id=? WHERE id=? OR duplicate_of=?",
                     [(story_id, a, a) for a in article_ids])


def unrecord_merge(conn: Database, gone: str, into: str) -> None:
    """Forget a merge a reader undid: the merged-away id names its own story again."""
    conn.execute("DELETE FROM merges WHERE kind='story' AND from_id=? AND into_id=?", (gone, into))


# ------------------------------------------------------------------ failures

def record_failures(conn: Database, failures: list[Failure]) -> None:
    """A failure seen again moves to the end, with the time it was last seen."""
    conn.executemany("DELETE FROM failures WHERE source=? AND reason=?", [(f.source, f.reason) for f in failures])
    conn.executemany("INSERT INTO failures (source, reason, at, count) VALUES (?,?,?,?)",
                     [(f.source, f.reason, now(), f.count) for f in failures])


def failures(conn: Database) -> list[tuple[str, str, str]]:
    return [(r["source"], r["reason"], r["at"]) for r in conn.execute("SELECT * FROM failures ORDER BY id")]


def failure_counts(conn: Database) -> list[tuple[str, int]]:
    """Each failure reason with how many inputs failed so (a summary row counts all it stands for)."""
    return [(r[0], int(r[1])) for r in conn.execute("SELECT reason, SUM(count) FROM failures GROUP BY reason")]
