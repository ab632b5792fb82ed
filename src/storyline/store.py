"""The embedded store: SQLite in WAL mode, a versioned schema, FTS5 over article text.

This module is the only one that speaks SQL. Its surface is small (open, transaction,
and the read/write functions below) so that another backend can replace it without
touching the stages. Every write happens inside `transaction`, so a crash or kill -9
leaves either the whole unit of work or none of it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from . import embed
from .cluster import CorpusStats, Group
from .linking import Profile
from .models import (Article, Claim, Entity, Event, Failure, Quantity, Quote, QuoteVariant, Relation,
                     StoryAnalysis, SummarySentence, TimelineEntry)

DEFAULT_DB = "storyline.db"

MIGRATIONS = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE articles (
        rowid INTEGER PRIMARY KEY,
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
        minhash BLOB,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_event ON articles(event_id);
    CREATE INDEX articles_story ON articles(story_id);
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='rowid');
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TABLE term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL);
    CREATE TABLE groups (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, parent TEXT, members TEXT NOT NULL,
        centroid TEXT NOT NULL, first TEXT, last TEXT
    );
    CREATE TABLE merges (kind TEXT NOT NULL, from_id TEXT NOT NULL, into_id TEXT NOT NULL, at TEXT NOT NULL);
    CREATE TABLE stories (id TEXT PRIMARY KEY, title TEXT, summary TEXT, dirty INTEGER NOT NULL DEFAULT 1,
                          updated_at TEXT);
    CREATE TABLE events (id TEXT PRIMARY KEY, story_id TEXT NOT NULL, title TEXT, start TEXT, end TEXT,
                         article_ids TEXT NOT NULL);
    CREATE TABLE entities (id TEXT PRIMARY KEY, story_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT,
                           aliases TEXT NOT NULL, article_ids TEXT NOT NULL);
    CREATE TABLE quotes (id TEXT PRIMARY KEY, story_id TEXT NOT NULL, speaker TEXT, speaker_entity_id TEXT,
                         kind TEXT NOT NULL, said_on TEXT, variants TEXT NOT NULL);
    CREATE TABLE claims (id TEXT PRIMARY KEY, story_id TEXT NOT NULL, text TEXT NOT NULL, source TEXT,
                         source_entity_id TEXT, quantity TEXT NOT NULL, article_ids TEXT NOT NULL);
    CREATE TABLE relations (story_id TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, type TEXT NOT NULL,
                            why TEXT NOT NULL);
    CREATE TABLE timeline (story_id TEXT NOT NULL, date TEXT NOT NULL, granularity TEXT NOT NULL,
                           text TEXT NOT NULL, article_ids TEXT NOT NULL, expected INTEGER NOT NULL);
    CREATE TABLE failures (id INTEGER PRIMARY KEY, source TEXT NOT NULL, reason TEXT NOT NULL,
                           at TEXT NOT NULL, UNIQUE(source, reason));
    """,
    """
    ALTER TABLE articles ADD COLUMN dense BLOB;
    ALTER TABLE groups ADD COLUMN dense BLOB;
    """,
    """
    ALTER TABLE groups ADD COLUMN indexed_terms TEXT;
    """,
    """
    ALTER TABLE claims ADD COLUMN source_kind TEXT;
    """,
]
STORY_TABLES = ("events", "entities", "quotes", "claims", "relations", "timeline")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def resolve_db_path(path: str | None) -> str:
    return path or os.environ.get("STORYLINE_DB") or DEFAULT_DB


def open_store(path: str | None = None) -> sqlite3.Connection:
    """Open (creating or migrating) the store.

    The connection may move between threads (the web server hands a request's work to a pool)
    but is only ever used by one request at a time.
    """
    conn = sqlite3.connect(resolve_db_path(path), isolation_level=None, timeout=30, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    migrate(conn)
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: sqlite3.Connection) -> None:
    """Apply each migration newer than the store's version, each in its own transaction."""
    for version, script in enumerate(MIGRATIONS, start=1):
        if schema_version(conn) >= version:
            continue
        with transaction(conn):
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(version),))


def _statements(script: str) -> list[str]:
    """Split a migration script on ';' outside trigger bodies."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            statements.append(joined)
            current = []
    return statements


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def writer_lock(conn: sqlite3.Connection, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's one writer slot for a whole ingest; a second ingest waits here for the first.

    Online clustering assigns each article against the groups the previous ones formed, so two
    writers interleaving their chunks would each miss the other's groups (40 stories where one
    run makes 35) or insert the same article twice. An flock on a file beside the store is
    released by the kernel when its holder dies, so a kill -9 never leaves the store locked.
    """
    path = database_file(conn)
    if path is None:
        yield
        return
    with open(path + ".writer-lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(f"another ingest is writing to {path}; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def database_file(conn: sqlite3.Connection) -> str | None:
    """The store's file, None for an in-memory store."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return row["file"] or None


# ------------------------------------------------------------------ articles

def known_ids(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = conn.execute(f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        found |= {r[0] for r in rows}
    return found


def insert_article(conn: sqlite3.Connection, article: Article, facts: dict, vector: dict, minhash: bytes | None,
                   dense: bytes | None) -> None:
    conn.execute(
        """INSERT INTO articles (id, source, title, outlet, language, published_given, published, published_inferred,
           text, content_hash, duplicate_of, event_id, story_id, facts, vector, minhash, ingested_at, dense)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        (article.id, article.source, article.title, article.outlet, article.language, article.published,
         article.published, int(article.published_inferred), article.text, article.content_hash,
         article.duplicate_of, article.event_id, article.story_id, json.dumps(facts), json.dumps(vector),
         minhash, now(), dense))


def _article(row: sqlite3.Row) -> Article:
    return Article(id=row["id"], source=row["source"], title=row["title"], text=row["text"],
                   content_hash=row["content_hash"], outlet=row["outlet"], language=row["language"],
                   published=row["published"], published_inferred=bool(row["published_inferred"]),
                   duplicate_of=row["duplicate_of"], event_id=row["event_id"], story_id=row["story_id"])


def articles(conn: sqlite3.Connection, story_id: str | None = None) -> list[Article]:
    if story_id:
        rows = conn.execute("SELECT * FROM articles WHERE story_id=? ORDER BY rowid", (story_id,))
    else:
        rows = conn.execute("SELECT * FROM articles ORDER BY rowid")
    return [_article(r) for r in rows]


def article_facts(conn: sqlite3.Connection, story_id: str) -> dict[str, dict]:
    rows = conn.execute("SELECT id, facts FROM articles WHERE story_id=?", (story_id,))
    return {r["id"]: json.loads(r["facts"]) for r in rows}


def published_given(conn: sqlite3.Connection, story_id: str) -> dict[str, str | None]:
    rows = conn.execute("SELECT id, published_given FROM articles WHERE story_id=?", (story_id,))
    return {r["id"]: r["published_given"] for r in rows}


def set_published(conn: sqlite3.Connection, article_id: str, published: str | None, inferred: bool) -> None:
    conn.execute("UPDATE articles SET published=?, published_inferred=? WHERE id=?",
                 (published, int(inferred), article_id))


def minhashes(conn: sqlite3.Connection) -> Iterator[tuple[str, bytes]]:
    yield from conn.execute("SELECT id, minhash FROM articles WHERE minhash IS NOT NULL AND duplicate_of IS NULL")


def facts_and_vector(conn: sqlite3.Connection, article_id: str) -> tuple[dict, dict]:
    """A stored article's facts and term vector (a copy takes its original's)."""
    row = conn.execute("SELECT facts, vector FROM articles WHERE id=?", (article_id,)).fetchone()
    return json.loads(row["facts"]), json.loads(row["vector"])


def ingest_generation(conn: sqlite3.Connection) -> int:
    """Counts committed ingest chunks: an ingest's in-memory state is current while this is unchanged."""
    row = conn.execute("SELECT value FROM meta WHERE key='ingest_generation'").fetchone()
    return int(row[0]) if row else 0


def bump_ingest_generation(conn: sqlite3.Connection) -> int:
    """Call inside the transaction of the chunk it counts."""
    conn.execute("INSERT INTO meta(key, value) VALUES ('ingest_generation', '1') "
                 "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
    return ingest_generation(conn)


def article_event(conn: sqlite3.Connection, article_id: str) -> tuple[str | None, str | None]:
    row = conn.execute("SELECT event_id, story_id FROM articles WHERE id=?", (article_id,)).fetchone()
    return (row["event_id"], row["story_id"]) if row else (None, None)


def fts_match(query: str) -> str | None:
    """Plain words as an FTS5 query (every word must occur); None when nothing is left to search."""
    words = [w for w in re.sub(r'["\x00-\x1f\x7f]', " ", query).split() if w]
    return " ".join(f'"{w}"' for w in words) or None


def search_articles(conn: sqlite3.Connection, query: str, limit: int = 20) -> list[Article]:
    """Full-text search (FTS5, best match first); the query is taken as plain words, not FTS syntax."""
    match = fts_match(query)
    if match is None:
        return []
    rows = conn.execute("""SELECT a.* FROM articles_fts f JOIN articles a ON a.rowid = f.rowid
                           WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?""", (match, limit))
    return [_article(r) for r in rows]


# ------------------------------------------------------------------ clustering state

def corpus_stats(conn: sqlite3.Connection) -> CorpusStats:
    df = {r[0]: r[1] for r in conn.execute("SELECT term, df FROM term_df")}
    count = conn.execute("SELECT COUNT(*) FROM articles WHERE duplicate_of IS NULL").fetchone()[0]
    return CorpusStats(df, count)


def article_vectors(conn: sqlite3.Connection, story_id: str) -> dict[str, tuple[dict[str, float], bytes | None]]:
    """Term vector and dense embedding (bytes) of each article of a story."""
    rows = conn.execute("SELECT id, vector, dense FROM articles WHERE story_id=?", (story_id,))
    return {r[0]: (json.loads(r[1]), r[2]) for r in rows}


def set_event(conn: sqlite3.Connection, event_id: str, article_ids: list[str]) -> None:
    conn.executemany("UPDATE articles SET event_id=? WHERE id=?", [(event_id, a) for a in article_ids])


def add_document_frequencies(conn: sqlite3.Connection, terms: set[str]) -> None:
    conn.executemany("INSERT INTO term_df(term, df) VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET df = df + 1",
                     [(t,) for t in terms])


def group_terms(conn: sqlite3.Connection, kind: str) -> Iterator[tuple[str, str | None, list[str] | None]]:
    """Every stored group's id, parent and index terms (no profiles), in the order they were last saved
    (INSERT OR REPLACE moves a row to the end), so the index's most recently active groups are the same
    after a reload."""
    for row in conn.execute("SELECT id, parent, indexed_terms FROM groups WHERE kind=? ORDER BY rowid", (kind,)):
        yield row[0], row[1], json.loads(row[2]) if row[2] is not None else None


def load_group(conn: sqlite3.Connection, kind: str, group_id: str) -> Group | None:
    """One stored group whole; `centroid` holds its linking profile (older stores: its terms)."""
    r = conn.execute("SELECT * FROM groups WHERE kind=? AND id=?", (kind, group_id)).fetchone()
    if r is None:
        return None
    return Group(r["id"], json.loads(r["members"]), _profile(r), r["parent"],
                 json.loads(r["indexed_terms"]) if r["indexed_terms"] is not None else None)


def _profile(row: sqlite3.Row) -> Profile:
    data, dense = json.loads(row["centroid"]), embed.from_bytes(row["dense"])
    if "size" in data and isinstance(data.get("terms"), dict):
        return Profile.from_dict(data, dense)
    members = len(json.loads(row["members"]))
    return Profile(terms=data, dense=dense, first=row["first"], last=row["last"], size=members)


def save_groups(conn: sqlite3.Connection, kind: str, groups: list[Group]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO groups (id, kind, parent, members, centroid, first, last, dense, indexed_terms) "
        "VALUES (?,?,?,?,?,?,?,?,?)",
        [(g.id, kind, g.parent, json.dumps(g.members), json.dumps(g.profile.to_dict()), g.profile.first,
          g.profile.last, embed.to_bytes(g.profile.dense), json.dumps(g.indexed_terms)) for g in groups])


def record_merges(conn: sqlite3.Connection, kind: str, merges: list[tuple[str, str]]) -> None:
    conn.executemany("INSERT INTO merges (kind, from_id, into_id, at) VALUES (?,?,?,?)",
                     [(kind, a, b, now()) for a, b in merges])
    column = "event_id" if kind == "event" else "story_id"
    conn.executemany(f"UPDATE articles SET {column}=? WHERE {column}=?", [(b, a) for a, b in merges])
    if kind == "story":
        conn.executemany("DELETE FROM stories WHERE id=?", [(a,) for a, _ in merges])
        for table in STORY_TABLES:
            conn.executemany(f"DELETE FROM {table} WHERE story_id=?", [(a,) for a, _ in merges])


def delete_story(conn: sqlite3.Connection, story_id: str) -> None:
    """A story left without articles (all merged into others)."""
    conn.execute("DELETE FROM stories WHERE id=?", (story_id,))


def article_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def unmerged(conn: sqlite3.Connection) -> set[str]:
    """Stories touched since the last merge check (see pipeline.Ingestor._merge_at_store_boundary)."""
    row = conn.execute("SELECT value FROM meta WHERE key='unmerged_stories'").fetchone()
    return set(json.loads(row[0])) if row else set()


def set_unmerged(conn: sqlite3.Connection, story_ids: set[str]) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('unmerged_stories', ?)",
                 (json.dumps(sorted(story_ids)),))


def merged_into(conn: sqlite3.Connection, story_id: str) -> str | None:
    """The live story a merged-away story id ended up in, following merges of merges; None if never merged."""
    seen, current = {story_id}, story_id
    while True:
        row = conn.execute("SELECT into_id FROM merges WHERE kind='story' AND from_id=? ORDER BY rowid DESC LIMIT 1",
                           (current,)).fetchone()
        if row is None or row[0] in seen:
            return None if current == story_id else current
        current = row[0]
        seen.add(current)


def mark_dirty(conn: sqlite3.Connection, story_ids: set[str]) -> None:
    conn.executemany("INSERT INTO stories(id, dirty) VALUES (?, 1) ON CONFLICT(id) DO UPDATE SET dirty=1",
                     [(s,) for s in story_ids])


def dirty_stories(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM stories WHERE dirty=1 ORDER BY id")]


# ------------------------------------------------------------------ story analysis

def save_analysis(conn: sqlite3.Connection, analysis: StoryAnalysis, events: list[Event]) -> None:
    """Replace everything known about one story (call inside a transaction)."""
    sid = analysis.story_id
    for table in STORY_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE story_id=?", (sid,))
    conn.executemany("INSERT OR REPLACE INTO events VALUES (?,?,?,?,?,?)",
                     [(e.id, sid, e.title, e.start, e.end, json.dumps(e.article_ids)) for e in events])
    conn.executemany("INSERT OR REPLACE INTO entities VALUES (?,?,?,?,?,?)",
                     [(e.id, sid, e.name, e.type, json.dumps(e.aliases), json.dumps(e.article_ids))
                      for e in analysis.entities])
    conn.executemany("INSERT OR REPLACE INTO quotes VALUES (?,?,?,?,?,?,?)",
                     [(q.id, sid, q.speaker, q.speaker_entity_id, q.kind, q.said_on,
                       json.dumps([asdict(v) for v in q.variants])) for q in analysis.quotes])
    conn.executemany("INSERT OR REPLACE INTO claims VALUES (?,?,?,?,?,?,?,?)",
                     [(c.id, sid, c.text, c.source, c.source_entity_id, json.dumps(asdict(c.quantity)),
                       json.dumps(c.article_ids), c.source_kind) for c in analysis.claims])
    conn.executemany("INSERT INTO relations VALUES (?,?,?,?,?)",
                     [(sid, r.a, r.b, r.type, r.why) for r in analysis.relations])
    conn.executemany("INSERT INTO timeline VALUES (?,?,?,?,?,?)",
                     [(sid, t.date, t.granularity, t.text, json.dumps(t.article_ids), int(t.expected))
                      for t in analysis.timeline])
    conn.execute("UPDATE stories SET title=?, summary=?, dirty=0, updated_at=? WHERE id=?",
                 (analysis.title, json.dumps([asdict(s) for s in analysis.summary]), now(), sid))


def story_ids(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT s.id FROM stories s WHERE EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id) ORDER BY s.id")]


def load_analysis(conn: sqlite3.Connection, story_id: str) -> tuple[StoryAnalysis, list[Event]]:
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
                      json.loads(r["article_ids"]), r["source_kind"]) for r in q("SELECT * FROM claims WHERE story_id=? ORDER BY rowid")],
        relations=[Relation(r["a"], r["b"], r["type"], r["why"])
                   for r in q("SELECT * FROM relations WHERE story_id=? ORDER BY rowid")],
        timeline=[TimelineEntry(r["date"], r["granularity"], story_id, r["text"], json.loads(r["article_ids"]),
                                bool(r["expected"])) for r in q("SELECT * FROM timeline WHERE story_id=? ORDER BY rowid")],
    )
    events = [Event(r["id"], story_id, r["title"], r["start"], r["end"], json.loads(r["article_ids"]))
              for r in q("SELECT * FROM events WHERE story_id=? ORDER BY start, id")]
    return analysis, events


# ------------------------------------------------------------------ read side of the HTTP API

@dataclass
class StoryFilter:
    """What a story listing is narrowed to; every field optional."""

    query: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    entity: str | None = None


@dataclass
class StoryRow:
    id: str
    title: str
    articles: int
    outlets: list[str]
    first: str | None
    last: str | None


def story_rows(conn: sqlite3.Connection, where: StoryFilter, after: tuple[str, str] | None,
               limit: int) -> list[StoryRow]:
    """Stories newest first (by their latest article date, then id), after a cursor (sort key, id).

    The order depends only on stored data, never on the request, so a cursor stays valid while
    pages are fetched; a story that changes between pages moves as a whole.
    """
    clauses, params = ["s.dirty = 0"], []
    if where.query:
        match = fts_match(where.query)
        clauses.append("s.id IN (SELECT a.story_id FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
                       "WHERE articles_fts MATCH ?)")
        params.append(match or '""')
    if where.outlet:
        clauses.append("s.id IN (SELECT story_id FROM articles WHERE outlet = ?)")
        params.append(where.outlet)
    if where.entity:
        clauses.append("s.id IN (SELECT e.story_id FROM entities e, json_each(e.aliases) j "
                       "WHERE lower(e.name) = lower(?) OR lower(j.value) = lower(?))")
        params += [where.entity, where.entity]
    having, having_params = [], []
    if where.since:
        having.append("COALESCE(MAX(a.published), '') >= ?")
        having_params.append(where.since)
    if where.until:
        having.append("COALESCE(MIN(a.published), '9999') <= ?")
        having_params.append(where.until)
    sql = f"""SELECT * FROM (
                SELECT s.id, s.title, COUNT(a.id) AS n, MIN(a.published) AS first, MAX(a.published) AS last,
                       json_group_array(DISTINCT a.outlet) AS outlets, COALESCE(MAX(a.published), '') AS sort_key
                FROM stories s JOIN articles a ON a.story_id = s.id
                WHERE {' AND '.join(clauses)} GROUP BY s.id {('HAVING ' + ' AND '.join(having)) if having else ''})
              {'WHERE sort_key < ? OR (sort_key = ? AND id > ?)' if after else ''}
              ORDER BY sort_key DESC, id LIMIT ?"""
    cursor_params = [after[0], after[0], after[1]] if after else []
    rows = conn.execute(sql, params + having_params + cursor_params + [limit])
    return [StoryRow(r["id"], r["title"] or "", r["n"], sorted(o for o in json.loads(r["outlets"]) if o),
                     r["first"], r["last"]) for r in rows]


def story_sort_key(row: StoryRow) -> tuple[str, str]:
    return (row.last or "", row.id)


def article(conn: sqlite3.Connection, article_id: str) -> Article | None:
    row = conn.execute("SELECT * FROM articles WHERE id=?", (article_id,)).fetchone()
    return _article(row) if row else None


def article_sentences(conn: sqlite3.Connection, article_id: str) -> list[str]:
    row = conn.execute("SELECT facts FROM articles WHERE id=?", (article_id,)).fetchone()
    return json.loads(row["facts"])["sentences"] if row else []


def article_page(conn: sqlite3.Connection, story_id: str | None, after: int, limit: int) -> list[tuple[int, Article]]:
    """Articles in ingest order after a rowid cursor, optionally of one story."""
    sql = "SELECT * FROM articles WHERE rowid > ?" + (" AND story_id = ?" if story_id else "") + " ORDER BY rowid LIMIT ?"
    rows = conn.execute(sql, (after, story_id, limit) if story_id else (after, limit))
    return [(r["rowid"], _article(r)) for r in rows]


def _entity(row: sqlite3.Row) -> Entity:
    return Entity(row["id"], row["name"], row["type"], json.loads(row["aliases"]), json.loads(row["article_ids"]))


def entity(conn: sqlite3.Connection, entity_id: str) -> tuple[Entity, str] | None:
    """An entity and the story it belongs to."""
    row = conn.execute("SELECT * FROM entities WHERE id=?", (entity_id,)).fetchone()
    return (_entity(row), row["story_id"]) if row else None


def entities_named(conn: sqlite3.Connection, names: list[str]) -> list[tuple[Entity, str]]:
    """Entities (in any story) whose name or an alias is one of `names`, case-insensitive."""
    lowered = sorted({n.lower() for n in names})
    marks = ",".join("?" * len(lowered))
    rows = conn.execute(f"""SELECT DISTINCT e.* FROM entities e, json_each(e.aliases) j
                            WHERE lower(e.name) IN ({marks}) OR lower(j.value) IN ({marks}) ORDER BY e.rowid""",
                        lowered + lowered)
    return [(_entity(r), r["story_id"]) for r in rows]


def entity_page(conn: sqlite3.Connection, query: str | None, after: int, limit: int) -> list[tuple[int, Entity, str]]:
    """Entities in store order after a rowid cursor, optionally whose name contains `query`."""
    sql = "SELECT rowid, * FROM entities WHERE rowid > ?" + (" AND (name LIKE ? OR aliases LIKE ?)" if query else "")
    pattern = f"%{query}%"
    rows = conn.execute(sql + " ORDER BY rowid LIMIT ?", (after, pattern, pattern, limit) if query else (after, limit))
    return [(r["rowid"], _entity(r), r["story_id"]) for r in rows]


def outlets(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY 1")]


# ------------------------------------------------------------------ failures

def record_failures(conn: sqlite3.Connection, failures: list[Failure]) -> None:
    conn.executemany("INSERT OR REPLACE INTO failures (source, reason, at) VALUES (?,?,?)",
                     [(f.source, f.reason, now()) for f in failures])


def failures(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return [(r["source"], r["reason"], r["at"]) for r in conn.execute("SELECT * FROM failures ORDER BY id")]
