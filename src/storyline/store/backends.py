"""The store's two backends behind one small protocol: SQLite (embedded, the default) and PostgreSQL.

`store` writes its SQL once, in the common subset of both dialects, with `?` placeholders; a
backend translates placeholders and supplies the few fragments that differ (full-text search,
JSON arrays, case-insensitive LIKE). Everything else a stage or the pipeline needs goes through
`store`'s functions, never through SQL of its own.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import urllib.parse
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, ClassVar, Protocol

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class StoreError(Exception):
    """The store could not be opened or used (bad path, server down, not a storyline store)."""


class Database(Protocol):
    """What `store` needs of a connection; each backend passes the one shared store test suite."""

    dialect: str             # "sqlite" or "postgresql"
    location: str            # a file, ":memory:" or a connection URL without its password

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...
    def transaction(self) -> Any: ...
    def writer_lock(self, on_wait: Callable[[str], None] | None = None) -> Any: ...
    def table_exists(self, name: str) -> bool: ...
    def table_names(self) -> list[str]: ...
    def lock_schema(self) -> None: ...
    def run_script(self, script: str) -> None: ...
    def fragment(self, name: str) -> str: ...
    def checkpoint(self) -> None: ...
    def close(self) -> None: ...
    def file(self) -> str | None: ...  # the SQLite file (None: in memory, or not SQLite)


def is_postgres(location: str) -> bool:
    return location.startswith(POSTGRES_SCHEMES)


def connect(location: str, read_only: bool = False) -> Database:
    """A connection to the store at `location`: a PostgreSQL URL, or an SQLite file (":memory:" too).

    read_only: the connection can write nothing (a read command never changes a file it was pointed at,
    and a store on read-only media can still be read).
    """
    return PostgresDatabase(location, read_only) if is_postgres(location) else SQLiteDatabase(location, read_only)


def backend_errors() -> tuple[type[Exception], ...]:
    """The exceptions a backend raises when its database fails under a command (damaged file, disk full,
    server gone): reported in one line by the CLI and as 503 by the web app, never as a traceback."""
    import psycopg

    return sqlite3.Error, psycopg.Error


class Dialect:
    """The few SQL fragments in which the backends differ, by name (search, JSON arrays, case-insensitive LIKE)."""

    FRAGMENTS: ClassVar[dict[str, str]] = {}

    def fragment(self, name: str) -> str:
        return self.FRAGMENTS[name]


class SQLiteDatabase(Dialect):
    """SQLite in WAL mode; FTS5 for search; one writer at a time through an flock beside the file."""

    dialect = "sqlite"
    FRAGMENTS: ClassVar[dict[str, str]] = {
        "alias_items": "json_each(e.aliases) j",
        "distinct_outlets": "json_group_array(DISTINCT a.outlet)",
        "ilike": "LIKE",
    }

    def __init__(self, path: str, read_only: bool = False):
        self.location = path
        try:
            self.raw = self._read_only(path) if read_only else self._writable(path)
            self.raw.row_factory = sqlite3.Row
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {path!r}: {exc}") from exc
        self.execute = self.raw.execute  # the hot path: no translation needed

    @staticmethod
    def _writable(path: str) -> sqlite3.Connection:
        raw = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        tables = _sqlite_tables(raw)
        if tables and "meta" not in tables:
            return raw  # someone else's database: left exactly as found (store.open_store refuses it)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("PRAGMA foreign_keys=ON")
        return raw

    @staticmethod
    def _read_only(path: str) -> sqlite3.Connection:
        """mode=ro creates nothing; on read-only media (where WAL's shared-memory file cannot be made)
        the file is opened immutable instead."""
        if path == ":memory:":
            return sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        if not os.path.isfile(path):
            raise StoreError(f"no store at {path!r}: `storyline ingest` makes one")
        uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
        try:
            return _opened(uri)
        except sqlite3.OperationalError:
            return _opened(uri + "&immutable=1")

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.raw.executemany(sql, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.raw.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        self.raw.execute("COMMIT")

    @contextmanager
    def writer_lock(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """An flock on a file beside the store: the kernel releases it when its holder dies."""
        path = self.file()
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

    def file(self) -> str | None:
        """The store's file, None for an in-memory store."""
        return self.raw.execute("PRAGMA database_list").fetchone()["file"] or None

    def table_exists(self, name: str) -> bool:
        return self.raw.execute("SELECT 1 FROM sqlite_master WHERE name=?", (name,)).fetchone() is not None

    def table_names(self) -> list[str]:
        return _sqlite_tables(self.raw)

    def lock_schema(self) -> None:
        """Nothing to do: BEGIN IMMEDIATE already admits one writer."""

    def run_script(self, script: str) -> None:
        for statement in _sqlite_statements(script):
            self.raw.execute(statement)

    def checkpoint(self) -> None:
        self.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.raw.close()


def _sqlite_tables(raw: sqlite3.Connection) -> list[str]:
    return [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]


def _opened(uri: str) -> sqlite3.Connection:
    """A read-only connection that has read the schema (where opening fails), writes refused."""
    raw = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30, check_same_thread=False)
    try:
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
        raw.execute("PRAGMA query_only=ON")
    except sqlite3.Error:
        raw.close()
        raise
    return raw


def _sqlite_statements(script: str) -> list[str]:
    """Split a script on ';' outside trigger bodies."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            statements.append(joined)
            current = []
    return statements


class Row(tuple):
    """A result row readable by position and by column name, like sqlite3.Row."""

    __slots__ = ()
    names: dict[str, int]

    def __getitem__(self, key):  # type: ignore[override]
        return tuple.__getitem__(self, self.names[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self.names)


def _row_factory(cursor) -> Callable[[Sequence[Any]], Row]:
    return _row_class(tuple(column.name for column in cursor.description or ()))


@lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"names": {name: i for i, name in enumerate(names)}, "__slots__": ()})


@lru_cache(maxsize=1024)
def _placeholders(sql: str) -> str:
    """`?` (the store's placeholder) to psycopg's `%s`; a literal `%` doubled."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresDatabase(Dialect):
    """PostgreSQL through psycopg 3: a generated tsvector with a GIN index for search, and a
    session advisory lock as the one writer slot (released by the server when its holder dies)."""

    dialect = "postgresql"
    FRAGMENTS: ClassVar[dict[str, str]] = {
        "alias_items": "json_array_elements_text(e.aliases::json) AS j(value)",
        "distinct_outlets": "json_agg(DISTINCT a.outlet)::text",
        "ilike": "ILIKE",
    }
    WRITER_LOCK = zlib.crc32(b"storyline writer")
    SCHEMA_LOCK = zlib.crc32(b"storyline schema")

    def __init__(self, url: str, read_only: bool = False):
        import psycopg  # imported here: SQLite users never need the driver loaded

        self._errors = psycopg.Error
        self.location = _without_password(url)
        try:
            self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory,
                                       connect_timeout=int(os.environ.get("STORYLINE_DB_TIMEOUT", "10")))
            if read_only:
                self.raw.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        except psycopg.Error as exc:
            raise StoreError(f"cannot open store {self.location!r}: {' '.join(str(exc).split())}") from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.raw.execute(_placeholders(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            self.raw.cursor().executemany(_placeholders(sql), rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.raw.transaction():
            yield

    @contextmanager
    def writer_lock(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        got = self._one("SELECT pg_try_advisory_lock(%s)", (self.WRITER_LOCK,))
        if not got:
            if on_wait:
                on_wait(f"another ingest is writing to {self.location}; waiting for it to finish")
            self.raw.execute("SELECT pg_advisory_lock(%s)", (self.WRITER_LOCK,))
        try:
            yield
        finally:
            self.raw.execute("SELECT pg_advisory_unlock(%s)", (self.WRITER_LOCK,))

    def file(self) -> None:
        """No file: the store is a server's database."""
        return None

    def table_exists(self, name: str) -> bool:
        return self._one("SELECT to_regclass(%s)", (name,)) is not None

    def _one(self, sql: str, params: tuple) -> Any:
        """The one value a one-row query answers."""
        row = self.raw.execute(sql, params).fetchone()
        assert row is not None, sql  # an aggregate or function call always answers one row
        return row[0]

    def table_names(self) -> list[str]:
        return [r[0] for r in self.raw.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                               "ORDER BY tablename")]

    def lock_schema(self) -> None:
        """Two processes opening a new store at once: the second waits, then sees the migration done."""
        self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (self.SCHEMA_LOCK,))

    def run_script(self, script: str) -> None:
        self.raw.execute(script)

    def checkpoint(self) -> None:
        """Nothing to do: the server owns its write-ahead log."""

    def close(self) -> None:
        self.raw.close()


def _without_password(url: str) -> str:
    """A URL fit for messages and keys: `user:secret@` becomes `user@`."""
    head, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    return f"{head}{sep}{credentials.split(':', 1)[0]}@{host}"
