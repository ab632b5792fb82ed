"""The store's schema: one migration history both backends share (the common SQL, then each
backend's own part), applied in order, each step in a transaction of its own."""

from __future__ import annotations

from dataclasses import dataclass

from .backends import Database

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
    Migration("""
    ALTER TABLE entities ADD COLUMN joins TEXT;
    """),
    Migration("""
    ALTER TABLE claims ADD COLUMN detail TEXT;
    """),
]


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
            set_meta(conn, "schema_version", str(version))


def set_meta(conn: Database, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (key, value))
