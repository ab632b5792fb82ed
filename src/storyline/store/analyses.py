"""Story analyses: what a reader sees of each story (events, entities, quotes, claims, relations,
timeline, summary), replaced whole by each analysis, and which stories wait for one."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ..models import (
    Claim,
    Detail,
    Entity,
    Event,
    NameJoin,
    Quantity,
    Quote,
    QuoteVariant,
    Relation,
    StoryAnalysis,
    SummarySentence,
    TimelineEntry,
)
from .backends import Database
from .connection import now

STORY_TABLES = ("events", "entities", "quotes", "claims", "relations", "timeline")


def save_analysis(conn: Database, analysis: StoryAnalysis, events: list[Event]) -> None:
    """Replace everything known about one story (call inside a transaction)."""
    sid = analysis.story_id
    for table in STORY_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE story_id=?", (sid,))
    _replace(conn, "events", ("id", "story_id", "title", "start", '"end"', "article_ids"),
             [(e.id, sid, e.title, e.start, e.end, json.dumps(e.article_ids)) for e in events])
    _replace(conn, "entities", ("id", "story_id", "name", "type", "aliases", "article_ids", "joins"),
             [(e.id, sid, e.name, e.type, json.dumps(e.aliases), json.dumps(e.article_ids),
               json.dumps([asdict(j) for j in e.joins])) for e in analysis.entities])
    _replace(conn, "quotes", ("id", "story_id", "speaker", "speaker_entity_id", "kind", "said_on", "variants"),
             [(q.id, sid, q.speaker, q.speaker_entity_id, q.kind, q.said_on,
               json.dumps([asdict(v) for v in q.variants])) for q in analysis.quotes])
    _replace(conn, "claims", ("id", "story_id", "text", "source", "source_entity_id", "quantity", "article_ids",
                              "source_kind", "detail"),
             [(c.id, sid, c.text, c.source, c.source_entity_id, json.dumps(asdict(c.quantity) if c.quantity else None),
               json.dumps(c.article_ids), c.source_kind, json.dumps(asdict(c.detail)) if c.detail else None)
              for c in analysis.claims])
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


def _claim(row) -> Claim:
    """A stored claim: a figure (its quantity) or a detail of what happened."""
    quantity, detail = json.loads(row["quantity"]), json.loads(row["detail"] or "null")
    return Claim(row["id"], row["text"], row["source"], row["source_entity_id"], Quantity(**quantity) if quantity else None,
                 json.loads(row["article_ids"]), row["source_kind"], Detail(**detail) if detail else None)


def load_analysis(conn: Database, story_id: str) -> tuple[StoryAnalysis, list[Event]]:
    row = conn.execute("SELECT * FROM stories WHERE id=?", (story_id,)).fetchone()
    if row is None:
        raise KeyError(story_id)
    q = lambda sql: conn.execute(sql, (story_id,)).fetchall()  # noqa: E731
    analysis = StoryAnalysis(
        story_id=story_id, title=row["title"] or "",
        summary=[SummarySentence(**s) for s in json.loads(row["summary"] or "[]")],
        entities=[entity_from_row(r) for r in q("SELECT * FROM entities WHERE story_id=? ORDER BY rowid")],
        quotes=[Quote(r["id"], r["speaker"], r["speaker_entity_id"], r["kind"], r["said_on"],
                      [QuoteVariant(**v) for v in json.loads(r["variants"])])
                for r in q("SELECT * FROM quotes WHERE story_id=? ORDER BY rowid")],
        claims=[_claim(r) for r in q("SELECT * FROM claims WHERE story_id=? ORDER BY rowid")],
        relations=[Relation(r["a"], r["b"], r["type"], r["why"])
                   for r in q("SELECT * FROM relations WHERE story_id=? ORDER BY rowid")],
        timeline=[TimelineEntry(r["date"], r["granularity"], story_id, r["text"], json.loads(r["article_ids"]),
                                bool(r["expected"])) for r in q("SELECT * FROM timeline WHERE story_id=? ORDER BY rowid")],
    )
    events = [Event(r["id"], story_id, r["title"], r["start"], r["end"], json.loads(r["article_ids"]))
              for r in q("SELECT * FROM events WHERE story_id=? ORDER BY start, id")]
    return analysis, events


def entity_from_row(row: Any) -> Entity:
    return Entity(row["id"], row["name"], row["type"], json.loads(row["aliases"]), json.loads(row["article_ids"]),
                  [NameJoin(**j) for j in json.loads(row["joins"] or "[]")])  # stored before joins were kept: none


def delete_story(conn: Database, story_id: str) -> None:
    """A story left without articles (all merged into others, or a split undone), with all its analysis:
    an entity left behind would be a second "Vladimir Putin" in the listings whose story is gone."""
    for table in STORY_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE story_id=?", (story_id,))
    conn.execute("DELETE FROM stories WHERE id=?", (story_id,))


def mark_dirty(conn: Database, story_ids: set[str]) -> None:
    conn.executemany("INSERT INTO stories(id, dirty) VALUES (?, 1) ON CONFLICT(id) DO UPDATE SET dirty=1",
                     [(s,) for s in story_ids])


def dirty_stories(conn: Database) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM stories WHERE dirty=1 ORDER BY id")]
