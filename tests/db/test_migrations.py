"""Migrations: from empty, from the previous revision with data, failure rolls back cleanly."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import pytest

from app.db import migrate
from app.db.engine import db_path


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as c:
        return {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_script_heads_agree_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.script_heads() == frozenset(script.get_heads())


def test_from_empty_builds_the_whole_schema_and_matches_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.db import all_models  # noqa: F401
    from app.db.base import Base
    from app.db.engine import make_engine

    result = migrate.open_database(tmp_path)
    assert result.created
    assert result.to_revisions == migrate.script_heads()
    assert {"patients", "users", "outbox", "audit_log", "clinic"} <= tables(result.path)
    engine = make_engine(result.path)
    with engine.connect() as conn, warnings.catch_warnings():
        # an index on an expression (ix_followup_plans_start_month) is neither reflected
        # nor compared by SQLAlchemy; tests/db/test_stats_indexes.py checks it instead
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_pragmas_are_set(tmp_path: Path) -> None:
    from sqlalchemy import text

    from app.db.engine import make_engine

    migrate.open_database(tmp_path)
    engine = make_engine(db_path(tmp_path))
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_upgrade_from_previous_revision_keeps_data_and_takes_a_backup(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    migrate.upgrade(path, "0001_core")
    with sqlite3.connect(path) as c:
        c.execute(
            "INSERT INTO clinic (id, code, name, county_hospital, created_at) "
            "VALUES (1, 'TH001', '桃花镇卫生院', '来安县人民医院', '2025-01-01 00:00:00')"
        )
        c.execute(
            "INSERT INTO audit_log (at, username, action, record_type, record_id, detail) "
            "VALUES ('2025-01-01 00:00:00', 'admin', 'login', 'user', 'u1', '{}')"
        )
    result = migrate.open_database(tmp_path)
    assert result.from_revisions == frozenset({"0001_core"})
    assert result.backup_file is not None and result.backup_file.exists()
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT name FROM clinic").fetchone() == ("桃花镇卫生院",)
        assert c.execute("SELECT count(*) FROM audit_log").fetchone() == (1,)
        assert "patients" in tables(path)
    # the backup holds the data as it was before the upgrade
    with sqlite3.connect(result.backup_file) as b:
        assert b.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001_core",)
        assert b.execute("SELECT code FROM clinic").fetchone() == ("TH001",)


def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    migrate.open_database(tmp_path)
    path = db_path(tmp_path)
    migrate.downgrade(path, "0001_core")
    assert "patients" not in tables(path)
    migrate.upgrade(path)
    assert "patients" in tables(path)


def test_a_failed_migration_rolls_back_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = db_path(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    migrate.upgrade(path, "0001_core")
    with sqlite3.connect(path) as c:
        c.execute(
            "INSERT INTO clinic (id, code, name, county_hospital, created_at) "
            "VALUES (1, 'TH001', '桃花镇卫生院', '来安县人民医院', '2025-01-01 00:00:00')"
        )
    before = tables(path)

    from alembic.operations import Operations

    original_create_index = Operations.create_index
    calls = {"n": 0}

    def failing_create_index(self, *a, **kw):  # type: ignore[no-untyped-def]
        # The table is created, then the migration dies halfway through its indexes.
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full (simulated)")
        return original_create_index(self, *a, **kw)

    monkeypatch.setattr(Operations, "create_index", failing_create_index)
    with pytest.raises(migrate.MigrationFailed) as err:
        migrate.open_database(tmp_path)
    assert "数据库升级失败" in str(err.value)
    assert tables(path) == before  # no half-built patients table
    assert migrate.current_revisions(path) == frozenset({"0001_core"})
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT code FROM clinic").fetchone() == ("TH001",)
    monkeypatch.undo()
    assert migrate.open_database(tmp_path).to_revisions == migrate.script_heads()


def test_a_damaged_database_is_not_opened_for_writing(tmp_path: Path) -> None:
    migrate.open_database(tmp_path)
    path = db_path(tmp_path)
    data = bytearray(path.read_bytes())
    # wreck the second page onwards (schema and tables) but keep the header readable
    for i in range(4096 + 100, min(len(data), 4096 * 4)):
        data[i] = 0x5A
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    mtime = path.stat().st_mtime_ns
    with pytest.raises(migrate.DatabaseDamaged) as err:
        migrate.open_database(tmp_path)
    assert "不会再写入" in str(err.value)
    assert path.stat().st_mtime_ns == mtime
