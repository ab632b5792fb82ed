"""Inputs that could not be ingested: one row per source and reason, with how many it stands for."""

from __future__ import annotations

from ..models import (
    Failure,
)
from .backends import Database
from .connection import now


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
