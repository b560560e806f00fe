"""A database that must not be written to is refused at open, left byte for byte as it was,
never taken for a new install, and the message names the backups."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.db import guard, migrate
from app.db.backup import backup, backup_dir
from app.db.engine import db_path
from app.domain.patient import PatientInput
from app.services.bundle import AppServices


def files(d: Path) -> dict[str, bytes]:
    """Every file's bytes (SQLite's shared-memory index and an empty -wal, which a read-only
    open may create, aside)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(d.rglob("*"))
        if p.is_file()
        and not p.name.endswith("-shm")
        and not (p.name.endswith("-wal") and p.stat().st_size == 0)
    }


def add(services: AppServices, n: int) -> None:
    from datetime import date

    for i in range(n):
        services.patients.create(
            PatientInput(name=f"测试{i}", sex="1", birth_date=date(1950, 1, 1 + i % 28)),
            allow_duplicate=True,
        )


def test_an_index_out_of_step_with_its_table_is_refused(
    services: AppServices, data_dir: Path
) -> None:
    add(services, 30)
    services.ctx.dispose()
    path = db_path(data_dir)
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA writable_schema=ON")
        # The index's b-tree still holds names; declare it as an index of phone numbers.
        c.execute(
            "UPDATE sqlite_master SET sql='CREATE INDEX ix_patients_name ON patients (phone)' "
            "WHERE name='ix_patients_name'"
        )
    assert migrate.check_file(path) == []  # quick_check does not see it...
    before = files(data_dir)
    with pytest.raises(migrate.DatabaseDamaged) as err:
        migrate.open_database(data_dir)  # ... the full check at open does
    assert "不会再写入" in str(err.value) and "backups" in str(err.value)
    assert files(data_dir) == before


def test_a_zero_byte_database_is_not_a_new_install(tmp_path: Path) -> None:
    migrate.open_database(tmp_path)
    path = db_path(tmp_path)
    backup(path, backup_dir(tmp_path), "daily")
    path.write_bytes(b"")
    Path(str(path) + "-wal").write_bytes(b"x" * 5000)  # a -wal still holding data
    before = files(tmp_path)
    with pytest.raises(migrate.NotClinicLinkDatabase) as err:
        migrate.open_database(tmp_path)
    msg = str(err.value)
    assert "0 字节" in msg and "-wal" in msg and "daily" in msg  # names the newest backup
    assert files(tmp_path) == before
    from app.services.startup import peek

    assert peek(tmp_path).exists  # never "no database yet"


def test_another_programs_sqlite_file_is_not_migrated_into(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
        c.execute("INSERT INTO accounts VALUES (1, 'x')")
    before = files(tmp_path)
    with pytest.raises(migrate.NotClinicLinkDatabase) as err:
        migrate.open_database(tmp_path)
    assert "不是 ClinicLink 的数据库" in str(err.value)
    assert files(tmp_path) == before


def test_a_database_from_a_newer_cliniclink_is_never_changed(tmp_path: Path) -> None:
    migrate.open_database(tmp_path)
    path = db_path(tmp_path)
    c = sqlite3.connect(path)
    with c:
        c.execute("INSERT INTO alembic_version VALUES ('0099_from_the_future')")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    shutil.rmtree(tmp_path / "backups", ignore_errors=True)
    before = files(tmp_path)
    for _ in range(2):
        with pytest.raises(migrate.NewerDatabase) as err:
            migrate.open_database(tmp_path)
        assert "由较新版本的 ClinicLink 创建（版本 0099_from_the_future）" in str(err.value)
    assert files(tmp_path) == before  # no backup taken, nothing rewritten
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())


def test_a_lost_wal_is_detected_by_the_write_counter(
    services: AppServices, data_dir: Path, tmp_path: Path
) -> None:
    add(services, 5)
    path = db_path(data_dir)
    wal = Path(str(path) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the writes are still in the WAL
    assert guard.read_mark(path) == guard.db_counter(path)
    # The PC loses power, the -wal is lost: copy the data directory without it.
    other = tmp_path / "after-crash"
    other.mkdir()
    shutil.copyfile(path, db_path(other))
    shutil.copyfile(guard.mark_path(path), guard.mark_path(db_path(other)))
    services.ctx.dispose()
    with pytest.raises(migrate.DatabaseBehind) as err:
        migrate.open_database(other)
    assert "-wal" in str(err.value) and "少了已保存的记录" in str(err.value)
    # the original, with its WAL, opens normally
    assert migrate.open_database(data_dir).path == path


def test_check_command_names_every_synced_types_lost_outbox_row(
    services: AppServices, data_dir: Path
) -> None:
    from app.commands.check import consistency_problems
    from app.domain.followup import PlanKind

    add(services, 1)
    pid = services.patients.search("测试0")[0].id
    plan = services.followups.create_plan(pid, PlanKind.HYPERTENSION)
    services.ctx.dispose()
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("DELETE FROM outbox WHERE record_type='followup_plan'")
        c.execute(
            "INSERT INTO outbox (record_type, record_id, version, state, attempts, queued_at) "
            "VALUES ('referral', 'no-such-referral', 1, 'pending', 0, '2026-01-01')"
        )
    problems = consistency_problems(db_path(data_dir))
    assert any(plan.id in p and "上传队列中没有这一版" in p for p in problems), problems
    assert any("no-such-referral" in p for p in problems), problems


def test_a_lost_outbox_row_is_refused_at_start(services: AppServices, data_dir: Path) -> None:
    add(services, 3)
    services.ctx.dispose()
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("DELETE FROM outbox WHERE id = (SELECT min(id) FROM outbox)")
    before = files(data_dir)
    with pytest.raises(migrate.DatabaseDamaged) as err:
        migrate.open_database(data_dir)
    assert "一致性检查未通过" in str(err.value) and "上传队列中没有这一版" in str(err.value)
    assert files(data_dir) == before
