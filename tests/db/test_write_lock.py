"""Saves never collide with another writer (a sync round, a second window) on the same file.

A save reads the record, then writes it. With a deferred ``BEGIN`` the read takes a WAL
snapshot; if another connection commits before the write, SQLite refuses the write at once
with "database is locked" (no busy wait can help: the snapshot is stale). Write transactions
therefore begin ``IMMEDIATE`` and wait for the lock before reading anything.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db.engine import db_path, make_engine
from app.domain.errors import DatabaseBusy, KnownError
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from tests.conftest import fast_hasher


def _hammer(data_dir: Path, stop: threading.Event, commits: list[int], errors: list[str]) -> None:
    """Another writer: a sync round's kind of transaction (read, then write), in a loop, on
    its own connection, until told to stop."""
    other = ServiceContext.open(data_dir, password_hasher=fast_hasher())
    try:
        n = 0
        while not stop.is_set():
            try:
                with other.session() as s:
                    s.execute(text("SELECT count(*) FROM outbox")).scalar()
                    s.execute(
                        text(
                            "INSERT INTO sync_meta (key, value) VALUES ('hammer', :v) "
                            "ON CONFLICT(key) DO UPDATE SET value = :v"
                        ),
                        {"v": str(n)},
                    )
                n += 1
            except Exception as e:  # noqa: BLE001 - the other writer's own failures, counted
                errors.append(repr(e))
        commits.append(n)
    finally:
        other.dispose()


def test_200_patient_edits_while_another_connection_commits_all_succeed(
    services: AppServices, data_dir: Path
) -> None:
    row = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    stop = threading.Event()
    commits: list[int] = []
    other_errors: list[str] = []
    t = threading.Thread(target=_hammer, args=(data_dir, stop, commits, other_errors))
    t.start()
    failed: list[str] = []
    version = row.version
    try:
        for i in range(200):
            try:
                version = services.patients.update(
                    row.id,
                    PatientInput(name="张三", id_number="11010519491231002X", village=f"村{i}"),
                    expected_version=version,
                ).version
            except Exception as e:  # noqa: BLE001 - count every failed save
                failed.append(repr(e))
    finally:
        stop.set()
        t.join()
    assert len(failed) == 0, failed[:3]
    assert commits and commits[0] > 0  # the other writer really ran
    assert other_errors == []
    with sqlite3.connect(db_path(data_dir)) as c:
        assert c.execute(
            "SELECT village, version FROM patients WHERE id=?", (row.id,)
        ).fetchone() == (
            "村199",
            201,
        )
        # every save queued exactly its version
        assert c.execute("SELECT version FROM outbox WHERE record_id=?", (row.id,)).fetchall() == [
            (201,)
        ]


def test_a_lock_held_too_long_is_a_chinese_retry_later_message(data_dir: Path) -> None:
    """Another program holds the write lock past every wait: the save fails with a message the
    user can act on (a known error, not a crash), and nothing is written."""
    ctx = ServiceContext(engine=make_engine(db_path(data_dir), busy_timeout_ms=20))
    holder = sqlite3.connect(db_path(data_dir), timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy, match="数据库正忙，请稍后重试") as err, ctx.session() as s:
            s.execute(text("INSERT INTO sync_meta (key, value) VALUES ('x', '1')"))
        assert isinstance(err.value, KnownError)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with ctx.reader() as s:
        assert s.execute(text("SELECT count(*) FROM sync_meta WHERE key='x'")).scalar() == 0
    with ctx.session() as s:  # the lock released: the next save goes through
        s.execute(text("INSERT INTO sync_meta (key, value) VALUES ('x', '1')"))
    ctx.dispose()


def test_reads_stay_deferred_and_never_wait_for_a_writer(data_dir: Path) -> None:
    ctx = ServiceContext(engine=make_engine(db_path(data_dir), busy_timeout_ms=20))
    holder = sqlite3.connect(db_path(data_dir), timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with ctx.reader() as s:
            assert s.execute(text("SELECT count(*) FROM sync_meta")).scalar() == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    ctx.dispose()
