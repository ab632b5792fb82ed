"""Articles: the reports as read and cleaned, with the facts, term vector, copy signature and
embedding the pipeline computed once for each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..models import Article, ArticleText
from .backends import Database
from .connection import now

ARTICLE_COLUMNS = ("rowid, id, source, title, outlet, language, published_given, published, published_inferred, "
                   "text, content_hash, duplicate_of, event_id, story_id")


def known_ids(conn: Database, ids: list[str]) -> set[str]:
    return {r[0] for r in _rows_with_ids(conn, "id", ids)}


def _rows_with_ids(conn: Database, columns: str, ids: list[str]) -> Iterator[Any]:
    """The articles with these ids, 500 ids to a query (the backends' limit on parameters)."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        yield from conn.execute(f"SELECT {columns} FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                                tuple(chunk))


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


def article_from_row(row: Any) -> Article:
    return Article(id=row["id"], source=row["source"], title=row["title"], text=row["text"],
                   content_hash=row["content_hash"], outlet=row["outlet"], language=row["language"],
                   published=row["published"], published_inferred=bool(row["published_inferred"]),
                   duplicate_of=row["duplicate_of"], event_id=row["event_id"], story_id=row["story_id"])


def articles(conn: Database, story_id: str | None = None) -> list[Article]:
    if story_id:
        rows = conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE story_id=? ORDER BY rowid", (story_id,))
    else:
        rows = conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY rowid")
    return [article_from_row(r) for r in rows]


def texts_after(conn: Database, row: int) -> list[ArticleText]:
    """Every article stored after `row` (0: all), in the order stored, as the claim check reads it."""
    rows = conn.execute("SELECT rowid, id, title, text FROM articles WHERE rowid > ? ORDER BY rowid", (row,))
    return [ArticleText(r[0], r[1], r[2] or "", r[3] or "") for r in rows]


def articles_by_id(conn: Database, ids: list[str]) -> dict[str, Article]:
    return {r["id"]: article_from_row(r) for r in _rows_with_ids(conn, ARTICLE_COLUMNS, ids)}


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


def article_event(conn: Database, article_id: str) -> tuple[str | None, str | None]:
    row = conn.execute("SELECT event_id, story_id FROM articles WHERE id=?", (article_id,)).fetchone()
    return (row["event_id"], row["story_id"]) if row else (None, None)


def article_vectors(conn: Database, story_id: str) -> dict[str, tuple[dict[str, float], bytes | None]]:
    """Term vector and dense embedding (bytes) of each article of a story."""
    rows = conn.execute("SELECT id, vector, dense FROM articles WHERE story_id=?", (story_id,))
    return {r[0]: (json.loads(r[1]), r[2]) for r in rows}


def set_event(conn: Database, event_id: str, article_ids: list[str]) -> None:
    conn.executemany("UPDATE articles SET event_id=? WHERE id=?", [(event_id, a) for a in article_ids])


def article_count(conn: Database) -> int:
    return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def set_story(conn: Database, article_ids: list[str], story_id: str) -> None:
    """Move reports (and the copies of them) to a story, by a reader's correction."""
    conn.executemany("UPDATE articles SET story_id=? WHERE id=? OR duplicate_of=?",
                     [(story_id, a, a) for a in article_ids])
