"""Patient service against a real SQLite file: writes, search, permissions, bad input."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.services.patients import DuplicateIdNumber
from tests.conftest import login_as


def counts(data_dir: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db_path(data_dir)) as c:
        return tuple(  # type: ignore[return-value]
            c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("patients", "outbox", "audit_log")
        )


def zhang(**kw: object) -> PatientInput:
    base = dict(name="张三", id_number="11010519491231002X", phone="13812345678", village="桃花村")
    base.update(kw)
    return PatientInput(**base)  # type: ignore[arg-type]


def test_register_writes_record_outbox_and_audit_together(
    services: AppServices, data_dir: Path
) -> None:
    p0, o0, a0 = counts(data_dir)
    row = services.patients.create(zhang())
    assert row.birth_date == date(1949, 12, 31) and row.sex == "2"
    assert row.sync_state == "pending" and row.version == 1
    assert counts(data_dir) == (p0 + 1, o0 + 1, a0 + 1)
    with sqlite3.connect(db_path(data_dir)) as c:
        (clinic_code,) = c.execute(
            "SELECT clinic_code FROM patients WHERE id=?", (row.id,)
        ).fetchone()
        outbox = c.execute(
            "SELECT version, state FROM outbox WHERE record_type='patient' AND record_id=?",
            (row.id,),
        ).fetchone()
        audit = c.execute(
            "SELECT action, username FROM audit_log WHERE record_id=?", (row.id,)
        ).fetchall()
    assert clinic_code == "TH001"
    assert outbox == (1, "pending")
    assert audit == [("create", "admin")]


def test_edit_bumps_version_and_queues_that_version(services: AppServices, data_dir: Path) -> None:
    row = services.patients.create(zhang())
    edited = services.patients.update(row.id, zhang(village="黄庄村"), expected_version=1)
    assert edited.version == 2 and edited.village == "黄庄村"
    with sqlite3.connect(db_path(data_dir)) as c:
        assert c.execute("SELECT version FROM outbox WHERE record_id=?", (row.id,)).fetchall() == [
            (2,)
        ]
        actions = [
            r[0] for r in c.execute("SELECT action FROM audit_log WHERE record_id=?", (row.id,))
        ]
    assert actions == ["create", "edit"]


def test_stale_edit_is_refused(services: AppServices) -> None:
    row = services.patients.create(zhang())
    services.patients.update(row.id, zhang(village="黄庄村"), expected_version=1)
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.patients.update(row.id, zhang(village="别处"), expected_version=1)
    assert services.patients.get(row.id).village == "黄庄村"


def test_void_keeps_a_tombstone_and_hides_from_search(
    services: AppServices, data_dir: Path
) -> None:
    row = services.patients.create(zhang())
    with pytest.raises(ValidationError, match="作废原因"):
        services.patients.void(row.id, "  ")
    services.patients.void(row.id, "重复建档")
    assert services.patients.search("zs") == []
    voided = services.patients.search("zs", include_voided=True)
    assert [p.deleted for p in voided] == [True]
    with sqlite3.connect(db_path(data_dir)) as c:
        assert c.execute("SELECT deleted, version FROM patients").fetchone() == (1, 2)


@pytest.mark.parametrize(
    "query",
    [
        "张三",
        "张",
        "zs",
        "ZS",
        "zhangs",
        "002X",
        "002x",
        "1231002X",
        "11010519491231002X",
        "110105491231002",
        "1381234",
        "5678",
        "345678",
    ],
)
def test_search_finds_by_every_key(services: AppServices, query: str) -> None:
    services.patients.create(zhang(record_number="34112210100100001"))
    services.patients.create(
        PatientInput(name="李四", sex="1", birth_date=date(1960, 3, 1), phone="13900001111")
    )
    names = [p.name for p in services.patients.search(query)]
    assert names == ["张三"], query


def test_search_by_record_number_prefix(services: AppServices) -> None:
    services.patients.create(zhang(record_number="34112210100100001"))
    assert [p.name for p in services.patients.search("3411221010")] == ["张三"]


def test_search_sorts_and_pages(services: AppServices) -> None:
    for i, name in enumerate(["王五", "赵六", "钱七", "孙八", "周九"]):
        services.patients.create(PatientInput(name=name, sex="1", birth_date=date(1950 + i, 1, 1)))
    by_birth = [p.name for p in services.patients.search(sort="birth_date", descending=False)]
    assert by_birth == ["王五", "赵六", "钱七", "孙八", "周九"]
    by_pinyin = [p.name for p in services.patients.search(sort="name", descending=False)]
    assert by_pinyin == ["钱七", "孙八", "王五", "赵六", "周九"]  # qian sun wang zhao zhou
    page2 = services.patients.search(sort="birth_date", descending=False, offset=2, limit=2)
    assert [p.name for p in page2] == ["钱七", "孙八"]
    assert services.patients.count() == 5


def test_duplicate_id_number_is_warned_then_allowed_on_confirm(services: AppServices) -> None:
    services.patients.create(zhang())
    with pytest.raises(DuplicateIdNumber) as err:
        services.patients.create(zhang(name="张叁"))
    assert [p.name for p in err.value.existing] == ["张三"]
    services.patients.create(zhang(name="张叁"), allow_duplicate=True)
    assert services.patients.count("002X") == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (zhang(id_number="110105194912310021"), "id_number"),
        (PatientInput(name="甲", sex="1", birth_date=date(2099, 1, 1)), "birth_date"),
        (zhang(phone="12345"), "phone"),
        (zhang(name="   "), "name"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    services: AppServices, data_dir: Path, data: PatientInput, field: str
) -> None:
    before = counts(data_dir)
    with pytest.raises(ValidationError) as err:
        services.patients.create(data)
    assert field in err.value.fields()
    assert counts(data_dir) == before


@pytest.mark.parametrize(
    "text",
    [
        "王𠀀䶮",  # CJK Ext-B and a rare character
        "Robert'); DROP TABLE patients;--",
        "阿依古丽·买买提",
        "😀 患者备注 \u200d 混合",
        "长" * 2000,
    ],
)
def test_unusual_text_is_stored_exactly(services: AppServices, text: str) -> None:
    name = text[:50]
    row = services.patients.create(
        PatientInput(
            name=name, sex="9", birth_date=date(1970, 1, 1), notes=text, address=text[:200]
        )
    )
    back = services.patients.get(row.id)
    assert (back.name, back.notes, back.address) == (name, text, text[:200])
    assert services.patients.count() == 1


def test_nurse_registers_but_cannot_void(services: AppServices, data_dir: Path) -> None:
    login_as(services, "nurse")
    row = services.patients.create(zhang())
    before = counts(data_dir)
    with pytest.raises(PermissionDenied, match="护士无权作废居民档案"):
        services.patients.void(row.id, "重复")
    assert counts(data_dir) == before
    assert not services.patients.get(row.id).deleted


def test_nothing_without_login(services: AppServices) -> None:
    services.users.logout()
    with pytest.raises(PermissionDenied, match="请先登录"):
        services.patients.search("")
