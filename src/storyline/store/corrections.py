"""The readers' corrections: who, when, what, and whether undone; history is never deleted."""

from __future__ import annotations

import json
from typing import Any

from ..models import (
    Correction,
)
from .backends import Database
from .connection import now
from .grouping import merged_into


def add_correction(conn: Database, correction: Correction) -> None:
    conn.execute("INSERT INTO corrections (id, kind, story_id, value, author, at) VALUES (?,?,?,?,?,?)",
                 (correction.id, correction.kind, correction.story_id, json.dumps(correction.value, ensure_ascii=False),
                  correction.author, correction.at))


def set_undone(conn: Database, correction_id: str, by: str) -> None:
    conn.execute("UPDATE corrections SET undone_at=?, undone_by=? WHERE id=?", (now(), by, correction_id))


def correction_from_row(row: Any) -> Correction:
    return Correction(row["id"], row["kind"], row["story_id"], json.loads(row["value"]), row["author"], row["at"],
                      row["undone_at"], row["undone_by"])


def corrections(conn: Database, story_ids: list[str] | None = None) -> list[Correction]:
    """Corrections in the order they were made (undone ones too: they are history), all or those made
    on these stories or naming them (a move names the story it moved a report to, a merge both)."""
    if not conn.table_exists("corrections"):
        return []
    found = [correction_from_row(r) for r in conn.execute("SELECT * FROM corrections ORDER BY rowid")]
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
        if item.active and item.regroups:
            named |= {merged_into(conn, s) or s for s in correction_stories(item)}
    return named


def report_stories(conn: Database, article_ids: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The story each of these reports and each copy of them is in now, and the copies of each."""
    stories: dict[str, str] = {}
    copies: dict[str, list[str]] = {}
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT id, story_id, duplicate_of FROM articles WHERE id IN ({marks}) "
                                f"OR duplicate_of IN ({marks}) ORDER BY rowid", (*chunk, *chunk)):
            stories[row[0]] = row[1]
            if row[2] is not None and row[0] not in copies.get(row[2], []):
                copies.setdefault(row[2], []).append(row[0])
    return stories, copies


def correction(conn: Database, correction_id: str) -> Correction | None:
    row = conn.execute("SELECT * FROM corrections WHERE id=?", (correction_id,)).fetchone()
    return correction_from_row(row) if row else None
