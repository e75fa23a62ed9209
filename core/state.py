"""Shared state: one small SQL interface, two engines - SQLite files (the default) and PostgreSQL.

Registry, ingest journal, jobs, API keys, budgets, rate limits, vault and audit log each keep their own
tables and SQL, written once in the dialect both engines accept (`?` parameters, `ON CONFLICT` upserts,
`RETURNING`). What differs lives here:

- SQLite: one file per component under the data dir (as before); a write transaction is `BEGIN
  IMMEDIATE`, which already serialises every writer of that file, across threads and processes.
- PostgreSQL: one database for every component and every machine; `transaction(lock=NAME)` takes a
  transaction-scoped advisory lock, so appends to the audit chain (or a budget's read-then-write)
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

    def close(self) -> None: ...


def open_state(target: Path | str | StateDB) -> StateDB:
    """A SQLite file for a path, PostgreSQL for a postgresql:// URL; a StateDB is passed through."""
    if isinstance(target, Path):
        return SQLiteState(target)
    if isinstance(target, str) and target.startswith(("postgresql://", "postgres://")):
        return PostgresState(target)
    if isinstance(target, str):
        return SQLiteState(Path(target))
    return target


class SQLiteState:
    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
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
    """A small connection pool (psycopg_pool) so API threads and worker threads do not queue on one socket."""

    dialect = "postgresql"

    def __init__(self, url: str, max_connections: int = 4) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        self.url = url
        try:  # one direct connection first: a wrong URL fails now, with the reason, not in the pool's retries
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.Error as exc:
            raise ConfigError(f"state.url {shown(url)}: cannot connect to PostgreSQL ({type(exc).__name__})") from None
        self._pool = ConnectionPool(url, min_size=1, max_size=max_connections, open=True, timeout=30,
                                    kwargs={"autocommit": True, "connect_timeout": 10})

    def ensure(self, schema: str) -> None:
        statements = [s.strip() for s in schema.split(";") if s.strip()]
        with self.transaction(lock="veil/schema") as tx:  # two processes creating tables at once would clash
            for statement in statements:
                tx.execute(statement)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        with self._pool.connection() as conn:
            return _pg_rows(conn.execute(_pg(sql), tuple(params)))

    def columns(self, table: str) -> set[str]:
        rows = self.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?", (table,))
        return {r[0] for r in rows.rows}

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator[Tx]:
        with self._pool.connection() as conn, conn.transaction():
            if lock:
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (lock,))
            yield _PostgresTx(conn)

    def close(self) -> None:
        self._pool.close()


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
    """A database URL for messages: without the password."""
    import re

    return re.sub(r"(?<=//)([^/@:]*)(:[^/@]*)?@", r"\1@", url)


def upsert(table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """INSERT ... ON CONFLICT (key) DO UPDATE: SQLite's INSERT OR REPLACE, in SQL both engines speak."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) {action}")
