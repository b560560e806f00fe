"""The demo's bulk writer stores exactly what the services store, one by one: the records, their
upload-queue rows and an audit trail that ``check`` accepts (its hash chain unbroken)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from app.commands.check import consistency_problems
from app.db.engine import db_path
from app.domain import patient as patient_rules
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.services.patients import patient_columns, patient_row
from app.services.recording import BulkRecorder

NOW = datetime(2026, 11, 3, 7, 30)
LATER = datetime(2026, 11, 3, 8, 30)


def rows(data_dir: Path, sql: str, *args: object) -> list[dict[str, Any]]:
    with sqlite3.connect(db_path(data_dir)) as c:
        c.row_factory = sqlite3.Row
        return [dict(r) for r in c.execute(sql, args)]


def without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in keys}


def test_bulk_writes_store_what_the_services_store(services: AppServices, data_dir: Path) -> None:
    services.ctx.clock = lambda: NOW
    first = PatientInput(name="张三", id_number="11010519491231002X", village="桃花村")
    second = PatientInput(name="李四", sex="1", phone="13900001111", village="黄庄村")
    second = replace(second, birth_date=datetime(1950, 3, 1).date())
    moved = replace(first, village="黄庄村", phone="13812345678")

    # one by one, through the service
    a = services.patients.create(first)
    services.ctx.clock = lambda: LATER
    services.patients.update(a.id, moved)
    b = services.patients.create(second)
    services.ctx.clock = lambda: NOW

    # the same, in bulk
    rec = BulkRecorder(services.ctx)
    clean = patient_rules.validate(first, services.ctx.today())
    row_a = rec.new("patients", "patient", {**patient_columns(clean), "void_reason": ""})
    services.ctx.clock = lambda: LATER  # edited an hour later
    rec.edit(
        "patient",
        row_a["id"],
        patient_columns(patient_rules.validate(moved, services.ctx.today())),
        "edit",
        {"fields": ["phone", "village"]},
    )
    assert rec.row(row_a["id"])["version"] == 2
    clean_b = patient_rules.validate(second, services.ctx.today())
    row_b = rec.new("patients", "patient", {**patient_columns(clean_b), "void_reason": ""})
    with services.ctx.session() as s:
        rec.write(s, ["patients"])

    ids = {"service": (a.id, b.id), "bulk": (row_a["id"], row_b["id"])}
    for (sid, bid), what in zip(zip(*ids.values(), strict=True), ("edited", "new"), strict=True):
        [by_service] = rows(data_dir, "SELECT * FROM patients WHERE id=?", sid)
        [by_bulk] = rows(data_dir, "SELECT * FROM patients WHERE id=?", bid)
        assert without(by_bulk, "id") == without(by_service, "id"), what
        [q_service] = rows(data_dir, "SELECT * FROM outbox WHERE record_id=?", sid)
        [q_bulk] = rows(data_dir, "SELECT * FROM outbox WHERE record_id=?", bid)
        assert without(q_bulk, "id", "record_id") == without(q_service, "id", "record_id"), what
        trail = "SELECT * FROM audit_log WHERE record_id=? ORDER BY id"
        chain = ("id", "record_id", "prev_hash", "hash")
        assert [without(r, *chain) for r in rows(data_dir, trail, bid)] == [
            without(r, *chain) for r in rows(data_dir, trail, sid)
        ], what
    assert rows(data_dir, "SELECT version FROM patients WHERE id=?", row_a["id"]) == [
        {"version": 2}
    ]
    # the bulk rows joined the audit chain after the service's rows; the outbox is complete
    assert consistency_problems(db_path(data_dir)) == []


def test_a_bulk_write_can_be_reused_and_writes_nothing_twice(
    services: AppServices, data_dir: Path
) -> None:
    services.ctx.clock = lambda: NOW
    before = len(rows(data_dir, "SELECT id FROM audit_log"))
    rec = BulkRecorder(services.ctx)
    staff = rec.new("staff", "staff", {"name": "刘护士"}, "create", {"name": "刘护士"})
    with services.ctx.session() as s:
        rec.write(s, [])
    with services.ctx.session() as s:
        rec.write(s, [])  # nothing collected since: nothing more written
    assert [r["name"] for r in rows(data_dir, "SELECT name FROM staff")] == ["刘护士"]
    assert rows(data_dir, "SELECT record_type, version, state FROM outbox") == [
        {"record_type": "staff", "version": 1, "state": "pending"}
    ]
    audit = rows(data_dir, "SELECT username, action, detail FROM audit_log")[before:]
    assert audit == [{"username": "admin", "action": "create", "detail": '{"name": "刘护士"}'}]
    assert staff["clinic_code"] == "TH001"
    assert consistency_problems(db_path(data_dir)) == []


def test_a_bench_dataset_row_is_what_the_service_stores(
    services: AppServices, data_dir: Path
) -> None:
    """bench/make_dataset.py fills big tables with ``patient_row``: the same columns and
    values as a resident registered through the service (search keys included)."""
    services.ctx.clock = lambda: NOW
    data = PatientInput(
        name="张三",
        id_number="11010519491231002X",
        phone="13812345678",
        village="桃花村",
        address="桃花村3组",
        record_number="JK20260001",
        payment_type="10",
        allergies="青霉素",
        notes="独居",
    )
    p = services.patients.create(data)
    [by_service] = rows(data_dir, "SELECT * FROM patients WHERE id=?", p.id)
    clean = patient_rules.validate(data, services.ctx.today())
    bench = patient_row(clean, p.id, "TH001", 1, NOW, NOW, True)
    with sqlite3.connect(":memory:") as c:  # as SQLite would hold it
        c.execute(f"CREATE TABLE t ({', '.join(bench)})")
        c.execute(f"INSERT INTO t VALUES ({', '.join('?' * len(bench))})", list(bench.values()))
        c.row_factory = sqlite3.Row
        [stored] = [dict(r) for r in c.execute("SELECT * FROM t")]
    stored["created_at"] = stored["updated_at"] = by_service["created_at"]
    assert stored == by_service
    synced = patient_row(clean, p.id, "TH001", 3, NOW, NOW, False)
    assert (synced["version"], synced["sync_state"], synced["deleted"]) == (3, "synced", False)
    no_id = patient_row(replace(clean, id_number="", phone=""), "x", "TH001", 1, NOW, NOW, True)
    assert (no_id["id_number"], no_id["id_number_rev"], no_id["phone_rev"]) == (None, None, "")


def test_bulk_rows_with_different_columns_are_all_stored_whole(
    services: AppServices, data_dir: Path
) -> None:
    """A seed gives some records a column the others leave to its default, and names tables
    in its parents-first order whether or not it collected any of them."""
    services.ctx.clock = lambda: NOW
    rec = BulkRecorder(services.ctx)
    rec.new("staff", "staff", {"name": "刘护士"})
    rec.new("staff", "staff", {"name": "陈医生", "department": "公卫科", "village_doctor": True})
    with services.ctx.session() as s:
        rec.write(s, ["patients", "staff"])
    assert rows(data_dir, "SELECT name, department, village_doctor FROM staff ORDER BY name") == [
        {"name": "刘护士", "department": "", "village_doctor": 0},
        {"name": "陈医生", "department": "公卫科", "village_doctor": 1},
    ]
    assert consistency_problems(db_path(data_dir)) == []
