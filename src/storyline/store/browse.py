"""Read queries for browsing a store (the web app, the API and the CLI's listings): story listings
with filters and stable cursors, article and entity pages, full-text search.

Kept apart from the other store modules, which serve `run`; all speak the SQL both backends share and
ask the backend for the few fragments that differ (search, JSON arrays, case-insensitive LIKE).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import islice

from ..config import current
from ..models import Article, Entity
from ..text import safe_text
from .analyses import entity_from_row
from .articles import ARTICLE_COLUMNS, article_from_row
from .backends import Database

TERM = re.compile(r"[^\W_]+")  # what the full-text index takes for one term


def search_words(query: str) -> list[str]:
    """A query taken as plain words: quotes and control characters are not syntax, just spaces. Each word
    counts once (the search ignores case), and the words hold at most `presenting.search_words` terms in
    all, as the full-text index splits them ("state-of-the-art" is one phrase of four): the index makes a
    pass per term, so a long query, or one long hyphenated "word", must not hold the search for minutes."""
    words: dict[str, str] = {}
    budget = current().presenting.search_words
    for word in re.sub(r'["\x00-\x1f\x7f]', " ", safe_text(query)).split():  # a lone surrogate: no word
        if budget <= 0:
            break
        if word.lower() in words:
            continue
        terms = list(TERM.finditer(word))
        if len(terms) > budget:
            word = word[:terms[budget - 1].end()]
        budget -= max(1, len(terms))  # a word of punctuation alone is still a pass
        words[word.lower()] = word
    return list(words.values())


def _matching(conn: Database, words: list[str]) -> tuple[str, str]:
    """SQL giving (rowid, score: lower is better) of the articles holding every word, and its parameter:
    the one place where the backends' full-text search differs (FTS5; a tsvector with a GIN index)."""
    if conn.dialect == "postgresql":
        return ("SELECT rowid, -ts_rank(fts, q) AS score FROM articles, plainto_tsquery('simple', ?) AS q "
                "WHERE fts @@ q", " ".join(words))
    return "SELECT rowid, rank AS score FROM articles_fts WHERE articles_fts MATCH ?", \
        " ".join(f'"{w}"' for w in words) or '""'


def search_articles(conn: Database, query: str, limit: int = 20) -> list[Article]:
    """Full-text search, best match first; the query is taken as plain words, not search syntax."""
    words = search_words(query)
    if not words:
        return []
    matching, match = _matching(conn, words)
    columns = ", ".join("a." + c for c in ARTICLE_COLUMNS.split(", "))
    rows = conn.execute(f"SELECT {columns} FROM articles a JOIN ({matching}) m ON a.rowid = m.rowid "
                        "ORDER BY m.score, a.rowid LIMIT ?", (match, limit))
    return [article_from_row(r) for r in rows]


@dataclass
class StoryFilter:
    """What a story listing is narrowed to; every field optional."""

    query: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    entity: str | None = None
    language: str | None = None


@dataclass
class Snippet:
    """Why a story matched a search: its best-matching article, and a passage of it with the query's
    words at `highlights` (character offsets into `text`)."""

    article_id: str
    title: str
    text: str
    highlights: list[tuple[int, int]]

    def parts(self) -> list[tuple[str, bool]]:
        """The passage as (text, is a matched word) pieces, for a page to mark up."""
        pieces, at = [], 0
        for start, end in self.highlights:
            pieces += [(self.text[at:start], False), (self.text[start:end], True)]
            at = end
        return [p for p in [*pieces, (self.text[at:], False)] if p[0]]


@dataclass
class StoryRow:
    id: str
    title: str
    articles: int
    outlets: list[str]
    first: str | None
    last: str | None
    match: Snippet | None = None


def story_rows(conn: Database, where: StoryFilter, after: tuple[str, str] | None,
               limit: int) -> list[StoryRow]:
    """Stories newest first (by their latest article date, then id), after a cursor (sort key, id).

    The order depends only on stored data, never on the request, so a cursor stays valid while
    pages are fetched; a story that changes between pages moves as a whole. With a query, the one
    full-text search both narrows the listing and picks each story's best-matching article (the
    search's own ranking), whose snippet the row then carries.
    """
    clauses, params = ["s.dirty = 0"], []
    words = search_words(where.query) if where.query else []
    hits, hit_column, hit_params = "", "", []
    if where.query:
        matching, match = _matching(conn, words)
        hits = ("JOIN (SELECT a.story_id, a.rowid AS hit, ROW_NUMBER() OVER (PARTITION BY a.story_id "
                f"ORDER BY m.score, a.rowid) AS place FROM articles a JOIN ({matching}) m ON a.rowid = m.rowid) h "
                "ON h.story_id = s.id AND h.place = 1")
        hit_column, hit_params = ", MIN(h.hit) AS hit", [match]
    if where.outlet:
        clauses.append("s.id IN (SELECT story_id FROM articles WHERE outlet = ?)")
        params.append(where.outlet)
    if where.language:
        clauses.append("s.id IN (SELECT story_id FROM articles WHERE language = ?)")
        params.append(where.language)
    if where.entity:
        clauses.append(f"s.id IN (SELECT e.story_id FROM entities e, {conn.fragment('alias_items')} "
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
                       {conn.fragment('distinct_outlets')} AS outlets, COALESCE(MAX(a.published), '') AS sort_key
                       {hit_column}
                FROM stories s JOIN articles a ON a.story_id = s.id {hits}
                WHERE {' AND '.join(clauses)} GROUP BY s.id {('HAVING ' + ' AND '.join(having)) if having else ''}
              ) AS listing
              {'WHERE sort_key < ? OR (sort_key = ? AND id > ?)' if after else ''}
              ORDER BY sort_key DESC, id LIMIT ?"""
    cursor_params = [after[0], after[0], after[1]] if after else []
    rows = conn.execute(sql, tuple(hit_params + params + having_params + cursor_params + [limit])).fetchall()
    found = [StoryRow(r["id"], r["title"] or "", r["n"], sorted(o for o in json.loads(r["outlets"]) if o),
                      r["first"], r["last"]) for r in rows]
    if where.query and found:
        snippets = hit_snippets(conn, [r["hit"] for r in rows], words)
        for row, r in zip(found, rows, strict=True):
            row.match = snippets.get(r["hit"])
    return found


def hit_snippets(conn: Database, rowids: list[int], words: list[str]) -> dict[int, Snippet]:
    """For each article (by rowid) a search found, a snippet of it around the query's words."""
    marks = ",".join("?" * len(rowids))
    rows = conn.execute(f"SELECT rowid, id, title, text FROM articles WHERE rowid IN ({marks})", tuple(rowids))
    shown = current().presenting
    return {r["rowid"]: snippet(r["id"], r["title"], r["text"], words, shown.snippet_chars, shown.snippet_matches)
            for r in rows}


def snippet(article_id: str, title: str, text: str, words: list[str], width: int, most: int) -> Snippet:
    """About `width` characters of `text` around the first place most of the query's words occur (among
    the first `most` occurrences: a huge repetitive article costs no more than that), cut at word
    boundaries, with every occurrence of a query word marked."""
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    found = list(islice(pattern.finditer(text), most))
    centre = _densest(found, width) if found else 0
    start = max(0, centre - width // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + width)
    if end < len(text) and text.rfind(" ", start, end) > start:
        end = text.rfind(" ", start, end)
    passage = " ".join(text[start:end].split())
    lead, tail = ("… " if start else ""), (" …" if end < len(text) else "")
    shown = lead + passage + tail
    return Snippet(article_id, title, shown, [m.span() for m in pattern.finditer(shown)])


def _densest(found: list[re.Match], width: int) -> int:
    """Where the window of `width` characters holding the most distinct query words starts (the first such
    place). One pass: the window's end only moves forward as its start does, and `inside` counts each
    word's occurrences in the window."""
    best, best_count = found[0].start(), 0
    inside: dict[str, int] = {}
    end = 0
    for k, first in enumerate(found):
        start = first.start()
        end = max(end, k)
        while end < len(found) and found[end].start() < start + width:
            word = found[end].group(0).lower()
            inside[word] = inside.get(word, 0) + 1
            end += 1
        if len(inside) > best_count:
            best, best_count = start, len(inside)
        if end > k:
            word = first.group(0).lower()
            inside[word] -= 1
            if not inside[word]:
                del inside[word]
    return best


def languages(conn: Database) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT language FROM articles WHERE language IS NOT NULL ORDER BY 1")]


def story_sort_key(row: StoryRow) -> tuple[str, str]:
    return (row.last or "", row.id)


def article(conn: Database, article_id: str) -> Article | None:
    row = conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id=?", (article_id,)).fetchone()
    return article_from_row(row) if row else None


def article_sentences(conn: Database, article_id: str) -> list[str]:
    row = conn.execute("SELECT facts FROM articles WHERE id=?", (article_id,)).fetchone()
    return json.loads(row["facts"])["sentences"] if row else []


def article_page(conn: Database, story_id: str | None, after: int, limit: int) -> list[tuple[int, Article]]:
    """Articles in ingest order after a rowid cursor, optionally of one story."""
    sql = (f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE rowid > ?" + (" AND story_id = ?" if story_id else "")
           + " ORDER BY rowid LIMIT ?")
    rows = conn.execute(sql, (after, story_id, limit) if story_id else (after, limit))
    return [(r["rowid"], article_from_row(r)) for r in rows]


def entity(conn: Database, entity_id: str) -> tuple[Entity, str] | None:
    """An entity and the story it belongs to."""
    row = conn.execute("SELECT * FROM entities WHERE id=?", (entity_id,)).fetchone()
    return (entity_from_row(row), row["story_id"]) if row else None


def entities_named(conn: Database, names: list[str]) -> list[tuple[Entity, str]]:
    """Entities (in any story) whose name or an alias is one of `names`, case-insensitive."""
    lowered = sorted({n.lower() for n in names})
    marks = ",".join("?" * len(lowered))
    rows = conn.execute(f"""SELECT e.rowid, e.* FROM entities e WHERE e.rowid IN (
                                SELECT e.rowid FROM entities e, {conn.fragment('alias_items')}
                                WHERE lower(e.name) IN ({marks}) OR lower(j.value) IN ({marks}))
                            ORDER BY e.rowid""", tuple(lowered + lowered))
    return [(entity_from_row(r), r["story_id"]) for r in rows]


def entity_page(conn: Database, query: str | None, after: int, limit: int) -> list[tuple[int, Entity, str]]:
    """Entities in store order after a rowid cursor, optionally whose name contains `query`."""
    like = conn.fragment("ilike")
    sql = "SELECT rowid, * FROM entities WHERE rowid > ?" + (f" AND (name {like} ? OR aliases {like} ?)" if query else "")
    pattern = f"%{query}%"
    rows = conn.execute(sql + " ORDER BY rowid LIMIT ?", (after, pattern, pattern, limit) if query else (after, limit))
    return [(r["rowid"], entity_from_row(r), r["story_id"]) for r in rows]


def outlets(conn: Database) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY 1")]
