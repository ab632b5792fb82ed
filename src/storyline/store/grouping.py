"""The clustering state: term statistics, the stored groups with their profiles, merges, the stories
waiting for a merge check, and the ingest generation that tells a process its state is current."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from .analyses import STORY_TABLES
from .backends import Database
from .connection import now
from .schema import set_meta


def ingest_generation(conn: Database) -> int:
    """Counts committed ingest chunks: an ingest's in-memory state is current while this is unchanged."""
    row = conn.execute("SELECT value FROM meta WHERE key='ingest_generation'").fetchone()
    return int(row[0]) if row else 0


def bump_ingest_generation(conn: Database) -> int:
    """Call inside the transaction of the chunk it counts."""
    conn.execute("INSERT INTO meta(key, value) VALUES ('ingest_generation', '1') "
                 "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)")
    return ingest_generation(conn)


def term_statistics(conn: Database) -> tuple[dict[str, int], int]:
    """Each term's document frequency, and how many originals there are (grouping's IDF)."""
    df = {r[0]: r[1] for r in conn.execute("SELECT term, df FROM term_df")}
    count = conn.execute("SELECT COUNT(*) FROM articles WHERE duplicate_of IS NULL").fetchone()[0]
    return df, count


def add_document_frequencies(conn: Database, terms: set[str]) -> None:
    conn.executemany("INSERT INTO term_df(term, df) VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET df = term_df.df + 1",
                     [(t,) for t in terms])


@dataclass
class StoredGroup:
    """A clustering group (event or story) as stored: its members, its linking profile as plain data
    and its embedding as bytes; the grouping stage turns it into its own types and back."""

    id: str
    members: list[str]
    profile: dict
    dense: bytes | None
    first: str | None
    last: str | None
    parent: str | None = None
    indexed_terms: list[str] | None = None


def group_terms(conn: Database, kind: str) -> Iterator[tuple[str, str | None, list[str] | None]]:
    """Every stored group's id, parent and index terms (no profiles), in the order they were last saved,
    so the index's most recently active groups are the same after a reload."""
    for row in conn.execute("SELECT id, parent, indexed_terms FROM groups WHERE kind=? ORDER BY saved", (kind,)):
        yield row[0], row[1], json.loads(row[2]) if row[2] is not None else None


def load_group(conn: Database, kind: str, group_id: str) -> StoredGroup | None:
    """One stored group whole; `centroid` holds its linking profile (older stores: its terms)."""
    r = conn.execute("SELECT * FROM groups WHERE kind=? AND id=?", (kind, group_id)).fetchone()
    if r is None:
        return None
    return StoredGroup(r["id"], json.loads(r["members"]), json.loads(r["centroid"]), r["dense"], r["first"], r["last"],
                       r["parent"], json.loads(r["indexed_terms"]) if r["indexed_terms"] is not None else None)


def save_groups(conn: Database, kind: str, groups: list[StoredGroup]) -> None:
    """Insert or update groups; each save moves a group to the end of the saved order."""
    last = conn.execute("SELECT COALESCE(MAX(saved), 0) FROM groups").fetchone()[0]
    conn.executemany(
        "INSERT INTO groups (id, kind, parent, members, centroid, first, last, dense, indexed_terms, saved) "
        "VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, parent=excluded.parent, "
        "members=excluded.members, centroid=excluded.centroid, first=excluded.first, last=excluded.last, "
        "dense=excluded.dense, indexed_terms=excluded.indexed_terms, saved=excluded.saved",
        [(g.id, kind, g.parent, json.dumps(g.members), json.dumps(g.profile), g.first, g.last, g.dense,
          json.dumps(g.indexed_terms), last + i)
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


def unrecord_merge(conn: Database, gone: str, into: str) -> None:
    """Forget a merge a reader undid: the merged-away id names its own story again."""
    conn.execute("DELETE FROM merges WHERE kind='story' AND from_id=? AND into_id=?", (gone, into))


def unmerged(conn: Database) -> set[str]:
    """Stories touched since the last merge check (see run.ingest.Ingestor._merge_at_store_boundary)."""
    row = conn.execute("SELECT value FROM meta WHERE key='unmerged_stories'").fetchone()
    return set(json.loads(row[0])) if row else set()


def set_unmerged(conn: Database, story_ids: set[str]) -> None:
    set_meta(conn, "unmerged_stories", json.dumps(sorted(story_ids)))


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
