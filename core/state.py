"""Shared state: one small SQL interface, two engines - SQLite files (the default) and PostgreSQL.

Registry, ingest journal, jobs, API keys, budgets, rate limits, vault and audit log each keep their own
tables and SQL, written once in the dialect both engines accept (`?` parameters, `ON CONFLICT` upserts,
`RETURNING`). What differs lives here:

- SQLite: one file per component under the data dir (as before); a write transaction is `BEGIN
  IMMEDIATE`, which already serialises every writer of that file, across threads and processes.
- PostgreSQL: one database for every component and every machine, Veil's tables in schema `veil`;
  `transaction(lock=NAME)` takes a transaction-scoped advisory lock, so appends to the audit chain (or a budget's read-then-write)
  are serialised in the database itself, whichever machine makes them.

Tables are created on first use (`ensure`), so an empty database is enough.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from core.errors import ConfigError


class Tx(Protocol):
    """What a transaction offers: statements, their rows and how many rows they changed."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


class Rows:
    """A statement's result, the same on both engines."""

    def __init__(self, rows: list[tuple], rowcount: int) -> None:
        self.rows, self.rowcount = rows, rowcount

    def one(self) -> tuple | None:
        return self.rows[0] if self.rows else None


class StateDB(Protocol):
    dialect: str  # "sqlite" | "postgresql"

    def ensure(self, schema: str) -> None:
        """Create the tables of `schema` (statements separated by `;`) unless they exist."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """One statement in its own transaction."""

    def transaction(self, lock: str | None = None) -> Any:
        """A context manager yielding a `Tx`: a write transaction, serialised with every other one
        that names the same lock (SQLite: with every write to the file)."""

    def snapshot(self) -> Any:
        """A context manager yielding a `Tx` that reads one consistent snapshot and writes nothing."""

    def lock(self, name: str) -> Any:
        """A context manager holding an exclusive lock across processes and machines, outside any
        transaction (SQLite: a lock file beside the database; PostgreSQL: a session advisory lock)."""

    def try_lock(self, name: str) -> Any:
        """Like `lock`, but yields False at once instead of waiting when another holder has it."""

    def close(self) -> None: ...


def open_state(target: Path | str | StateDB) -> StateDB:
    """A SQLite file for a path, PostgreSQL for a postgresql:// URL; a StateDB is passed through."""
    if isinstance(target, Path):
        return SQLiteState(target)
    if isinstance(target, str):
        return PostgresState(target)  # settings accept only postgresql:// URLs for state.url
    return target


class SQLiteState:
    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data dir: its owner's only (core.files)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.RLock()

    def ensure(self, schema: str) -> None:
        with self._lock:
            self._db.executescript(schema)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        with self._lock:
            return _sqlite_rows(self._db.execute(sql, tuple(params)))

    def columns(self, table: str) -> set[str]:
        with self._lock:
            return {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator[Tx]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield _SQLiteTx(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[Tx]:
        with self._lock:
            self._db.execute("BEGIN")  # deferred: a read snapshot in WAL mode, no writer waits on it
            try:
                yield _SQLiteTx(self._db)
            finally:
                self._db.execute("COMMIT")

    @contextmanager
    def lock(self, name: str) -> Iterator[bool]:
        with self._lock_file(name, blocking=True) as held:
            yield held

    @contextmanager
    def try_lock(self, name: str) -> Iterator[bool]:
        with self._lock_file(name, blocking=False) as held:
            yield held

    @contextmanager
    def _lock_file(self, name: str, blocking: bool) -> Iterator[bool]:
        import fcntl
        import hashlib

        folder = self.path.parent / "locks"
        folder.mkdir(mode=0o700, exist_ok=True)
        with open(folder / hashlib.sha256(name.encode()).hexdigest()[:32], "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._lock:
            self._db.close()


class _SQLiteTx:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        return _sqlite_rows(self._db.execute(sql, tuple(params)))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._db.executemany(sql, [tuple(r) for r in rows])


def _sqlite_rows(cursor: sqlite3.Cursor) -> Rows:
    rows = cursor.fetchall()
    return Rows(rows, cursor.rowcount)


class PostgresState:
    """One connection pool per database URL per process, shared by every component that opens it
    (closed with the last of them); connections are checked before use, so a restarted PostgreSQL
    costs no request."""

    dialect = "postgresql"
    _pools: dict[str, list] = {}  # url -> [pool, handles open]
    _pools_lock = threading.Lock()
    MAX_CONNECTIONS = 8

    def __init__(self, url: str) -> None:
        self.url = url
        with self._pools_lock:
            entry = self._pools.get(url)
            if entry is None:
                entry = self._pools[url] = [_open_pool(url, self.MAX_CONNECTIONS), 0]
            entry[1] += 1
        self._pool, self._closed = entry[0], False

    def ensure(self, schema: str) -> None:
        statements = [s.strip() for s in schema.split(";") if s.strip()]
        with self.transaction(lock="veil/schema") as tx:  # two processes creating tables at once would clash
            for statement in statements:
                tx.execute(statement)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        with self._pool.connection() as conn:
            return _pg_rows(conn.execute(_pg(sql), tuple(params)))

    def columns(self, table: str) -> set[str]:
        rows = self.execute("SELECT column_name FROM information_schema.columns "
                            "WHERE table_schema = current_schema() AND table_name = ?", (table,))
        return {r[0] for r in rows.rows}

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator[Tx]:
        with self._pool.connection() as conn, conn.transaction():
            if lock:
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (lock,))
            yield _PostgresTx(conn)

    @contextmanager
    def snapshot(self) -> Iterator[Tx]:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield _PostgresTx(conn)

    @contextmanager
    def lock(self, name: str) -> Iterator[bool]:
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (name,))
            try:
                yield True
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (name,))

    @contextmanager
    def try_lock(self, name: str) -> Iterator[bool]:
        with self._pool.connection() as conn:
            held = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (name,)).fetchone()[0]
            try:
                yield held
            finally:
                if held:
                    conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (name,))

    def close(self) -> None:
        with self._pools_lock:
            if self._closed:
                return
            self._closed = True
            entry = self._pools[self.url]
            entry[1] -= 1
            if entry[1] == 0:
                del self._pools[self.url]
                entry[0].close()


SCHEMA = "veil"  # Veil's tables in a schema of their own: a shared database's `documents` is never ours by accident


def _open_pool(url: str, max_connections: int):
    import psycopg
    from psycopg_pool import ConnectionPool

    try:  # one direct connection first: a wrong URL fails now, with the reason, not in the pool's retries
        with psycopg.connect(url, connect_timeout=10, autocommit=True) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('veil/schema'))")
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    except psycopg.Error as exc:
        raise ConfigError(f"state.url {shown(url)}: cannot connect to PostgreSQL or create schema {SCHEMA} "
                          f"({type(exc).__name__})") from None
    return ConnectionPool(url, min_size=1, max_size=max_connections, open=True, timeout=30,
                          check=ConnectionPool.check_connection,
                          kwargs={"autocommit": True, "connect_timeout": 10, "options": f"-c search_path={SCHEMA}"})


class _PostgresTx:
    def __init__(self, conn) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        return _pg_rows(self._conn.execute(_pg(sql), tuple(params)))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(_pg(sql), [tuple(r) for r in rows])


def _pg(sql: str) -> str:
    """Veil's SQL uses `?` parameters (SQLite's); psycopg wants `%s`. No statement holds a literal ? or %."""
    return sql.replace("?", "%s")


def _pg_rows(cursor) -> Rows:
    rows = cursor.fetchall() if cursor.description is not None else []
    return Rows([tuple(r) for r in rows], cursor.rowcount)


def shown(url: str) -> str:
    """A database URL for messages: the user name kept, the password (in the URL or its query) left out."""
    import re

    url = re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", url)
    return re.sub(r"(?<=//)([^/@:]*)(:[^/@]*)?@", r"\1@", url)


def upsert(table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """INSERT ... ON CONFLICT (key) DO UPDATE: SQLite's INSERT OR REPLACE, in SQL both engines speak."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) {action}")
