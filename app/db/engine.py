"""The SQLite engine: WAL, synchronous=FULL, foreign keys on, real transactions for DDL.

Write transactions begin ``IMMEDIATE``: a connection made with ``write_engine(engine)`` takes
the write lock (waiting up to the busy timeout) before it reads anything. With a deferred
``BEGIN`` a save reads first, and if another connection (the sync round, a second window)
commits before the save writes, SQLite refuses the write at once with "database is locked":
the save's snapshot is stale and no busy wait can help. Reads stay deferred, so they never
wait for a writer.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.db.paths import DB_FILENAME, db_path

__all__ = ["DB_FILENAME", "db_path", "make_engine", "make_sessionmaker", "write_engine"]

WRITE_OPTION = "cliniclink_write"  # execution option: this connection's transactions write
BUSY_TIMEOUT_MS = 5000


def make_engine(
    path: Path,
    *,
    foreign_keys: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    readonly: bool = False,
) -> Engine:
    """Open ``path`` with the pragmas ClinicLink relies on.

    pysqlite's own transaction handling does not begin a transaction before DDL; we take it
    over (the SQLAlchemy "serializable isolation" recipe) so a failed migration rolls back.

    An encrypted file (``app/db/sqlconn.py``) is opened through SQLAlchemy's ``pysqlcipher``
    dialect (the ``sqlcipher3`` binding) with the data key in memory; the same pragmas,
    ``BEGIN IMMEDIATE`` and pool as a plain file.
    """
    from sqlalchemy import URL
    from sqlalchemy.pool import QueuePool

    from app.db.sqlconn import key_for, sqlalchemy_password

    key = key_for(Path(path))
    database = f"file:{path}?mode=ro&uri=true" if readonly else str(path)
    # hide_parameters: an SQL error's message never carries record values (into the log).
    if key is None:
        engine = create_engine(f"sqlite:///{database}", future=True, hide_parameters=True)
    else:
        url = URL.create("sqlite+pysqlcipher", password=sqlalchemy_password(key), database=database)
        # The dialect defaults to one connection per thread; the workstation's threads
        # share a pool like the plain engine's.
        engine = create_engine(url, future=True, hide_parameters=True, poolclass=QueuePool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not readonly:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def write_engine(engine: Engine) -> Engine:
    """``engine`` (same pool, same connections) whose transactions begin ``IMMEDIATE``."""
    return engine.execution_options(**{WRITE_OPTION: True})


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
