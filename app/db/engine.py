"""The SQLite engine: WAL, synchronous=FULL, foreign keys on, real transactions for DDL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.db.paths import DB_FILENAME, db_path

__all__ = ["DB_FILENAME", "db_path", "make_engine", "make_sessionmaker"]


def make_engine(path: Path, *, foreign_keys: bool = True) -> Engine:
    """Open ``path`` with the pragmas ClinicLink relies on.

    pysqlite's own transaction handling does not begin a transaction before DDL; we take it
    over (the SQLAlchemy "serializable isolation" recipe) so a failed migration rolls back.
    """
    # hide_parameters: an SQL error's message never carries record values (into the log).
    engine = create_engine(f"sqlite:///{path}", future=True, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
