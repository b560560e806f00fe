"""The audit log is append-only and chained: ``check`` catches an edited, deleted or reordered
row, and the database itself refuses UPDATE and DELETE on it."""

from __future__ import annotations

import importlib.util
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from app.commands.exitcodes import DATABASE
from app.db.engine import db_path
from app.domain.audit_chain import row_hash
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from tests.commands.test_check import run_check

ROOT = Path(__file__).resolve().parents[2]


def some_history(services: AppServices) -> None:
    for name, number in (("张三", "11010519491231002X"), ("李四", "440524188001010014")):
        first = PatientInput(name=name, id_number=number)
        p = services.patients.create(first)
        services.patients.update(p.id, replace(first, phone="13900139000"))
    services.ctx.dispose()


def without_guards(data_dir: Path) -> sqlite3.Connection:
    """What someone with the file (and a SQLite tool) could do: drop the triggers first."""
    c = sqlite3.connect(db_path(data_dir))
    c.execute("DROP TRIGGER audit_log_no_update")
    c.execute("DROP TRIGGER audit_log_no_delete")
    return c


def test_a_sound_log_passes(services: AppServices, data_dir: Path) -> None:
    some_history(services)
    result = run_check(data_dir)
    assert result.returncode == 0, result.stdout
    with sqlite3.connect(db_path(data_dir)) as c:
        n = c.execute("SELECT count(*) FROM audit_log WHERE hash IS NOT NULL").fetchone()[0]
    assert n >= 8  # setup, login, two users, two creates, two edits


def test_the_database_refuses_to_edit_or_delete_audit_rows(
    services: AppServices, data_dir: Path
) -> None:
    some_history(services)
    with sqlite3.connect(db_path(data_dir)) as c:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            c.execute("UPDATE audit_log SET username='someone' WHERE id=3")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            c.execute("DELETE FROM audit_log WHERE id=3")


@pytest.mark.parametrize("tamper", ["edit", "delete", "reorder", "insert"])
def test_check_catches_tampering(services: AppServices, data_dir: Path, tamper: str) -> None:
    some_history(services)
    c = without_guards(data_dir)
    with c:
        if tamper == "edit":
            c.execute(
                "UPDATE audit_log SET username='nurse' WHERE action='edit' AND id=("
                "SELECT min(id) FROM audit_log WHERE action='edit')"
            )
        elif tamper == "delete":
            c.execute(
                "DELETE FROM audit_log WHERE id=(SELECT min(id) FROM audit_log WHERE action='edit')"
            )
        elif tamper == "reorder":
            a, b = c.execute(
                "SELECT id FROM audit_log WHERE action='edit' ORDER BY id LIMIT 2"
            ).fetchall()
            c.execute("UPDATE audit_log SET id=-1 WHERE id=?", a)
            c.execute("UPDATE audit_log SET id=? WHERE id=?", (a[0], b[0]))
            c.execute("UPDATE audit_log SET id=? WHERE id=-1", b)
        else:  # a made-up row slipped in between, with a hash of its own
            first = c.execute("SELECT min(id) FROM audit_log").fetchone()[0]
            c.execute(
                "INSERT INTO audit_log (id, at, user_id, username, action, record_type, "
                "record_id, detail, prev_hash, hash) VALUES (?, '2026-11-30 01:00:00.000000', "
                "NULL, 'admin', 'view', 'patient', 'x', '{}', '', ?)",
                (
                    first - 1 if first > 1 else 0,
                    row_hash(
                        "", "2026-11-30 01:00:00", None, "admin", "view", "patient", "x", "{}"
                    ),
                ),
            )
            c.execute("UPDATE audit_log SET id=id+1000 WHERE id=?", (first,))
    c.close()
    result = run_check(data_dir)
    assert result.returncode == DATABASE, result.stdout
    assert "操作日志" in result.stdout


def test_the_migration_hashes_as_the_workstation_does() -> None:
    """The migration keeps a frozen copy of the rule; both must give the same chain."""
    path = ROOT / "app/db/migrations/versions/0018b_audit_chain.py"
    spec = importlib.util.spec_from_file_location("m0018b", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    class Row:
        at = "2026-11-30 08:15:00.123456"
        user_id = "u-1"
        username = "admin"
        action = "edit"
        record_type = "patient"
        record_id = "p-1"
        detail = '{"fields": ["phone"], "姓名": "张三"}'

    r = Row()
    assert mod._hash("abc", r) == row_hash(
        "abc", r.at, r.user_id, r.username, r.action, r.record_type, r.record_id, r.detail
    )
