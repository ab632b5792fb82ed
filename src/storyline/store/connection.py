"""Opening a store (created, migrated, or refused when it is not one), its transactions and its one
writer slot."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from .backends import Database, StoreError, connect, is_postgres
from .schema import MIGRATIONS, migrate, schema_version

DEFAULT_DB = "storyline.db"


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
