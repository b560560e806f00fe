"""What a resident's edit, void and restore leave behind, as the users and the hub see it:
the pages' change notices, the audit trail an administrator reads, the refusal shown beside
the right field, and a record that goes up again once corrected."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain.errors import FieldError, NotFound, PermissionDenied, ValidationError
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.services.context import Changes
from app.services.patients import DuplicateIdNumber
from tests.conftest import login_as

ZHANG_ID = "11010519491231002X"
LI_ID = "440524188001010014"


def zhang(**kw: object) -> PatientInput:
    base: dict[str, object] = dict(
        name="张三", id_number=ZHANG_ID, phone="13812345678", village="桃花村"
    )
    base.update(kw)
    return PatientInput(**base)  # type: ignore[arg-type]


@pytest.fixture
def notices(services: AppServices) -> list[Changes]:
    """The change notices the pages receive (they refresh the rows named)."""
    got: list[Changes] = []
    services.ctx.listeners.append(got.append)
    return got


def trail(services: AppServices, who: str) -> list[tuple[str, str, str]]:
    """The administrator's audit search for one resident, oldest first: (user, action,
    detail as the page shows it)."""
    rows = services.audit.search(patient=who).rows
    return [(r.username, r.action, r.detail) for r in reversed(rows)]


def stored(data_dir: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path(data_dir)) as c:
        return c.execute(sql, args).fetchall()


def ts(at: datetime) -> str:
    """A moment as SQLite holds it."""
    return at.isoformat(" ", timespec="microseconds")


def refusal(call: Callable[[], object]) -> list[FieldError]:
    with pytest.raises(ValidationError) as err:
        call()
    return err.value.errors


def test_each_write_tells_the_pages_which_resident_changed(
    services: AppServices, notices: list[Changes]
) -> None:
    p = services.patients.create(zhang())
    services.patients.update(p.id, zhang(village="黄庄村"), expected_version=1)
    services.patients.update(p.id, zhang(village="黄庄村"))  # nothing changed: no notice
    services.patients.void(p.id, "重复建档")
    services.patients.void(p.id, "又一次")  # already voided: nothing happens
    services.patients.restore(p.id)
    services.patients.restore(p.id)  # already live: nothing happens
    assert notices == [
        Changes("patient", frozenset({p.id}), "create"),
        Changes("patient", frozenset({p.id}), "edit"),
        Changes("patient", frozenset({p.id}), "void"),
        Changes("patient", frozenset({p.id}), "restore"),
    ]


def test_the_audit_trail_names_what_changed_and_why(services: AppServices, data_dir: Path) -> None:
    p = services.patients.create(zhang())
    services.patients.update(p.id, zhang(village="黄庄村", phone="13900001111"))
    services.patients.update(p.id, zhang(village="黄庄村", phone="13900001111"))  # no change
    login_as(services, "doctor")
    services.patients.void(p.id, "  重复建档  ")
    login_as(services, "admin")
    services.patients.restore(p.id)
    assert trail(services, "张三") == [
        ("admin", "create", ""),
        ("admin", "edit", "fields: phone、village"),
        ("doctor", "void", "reason: 重复建档"),
        ("admin", "restore", "void_reason_was: 重复建档"),
    ]
    services.patients.create(zhang(name="张叁"), allow_duplicate=True)
    assert trail(services, "张叁") == [("admin", "create", f"duplicate_of: {p.id}")]
    # each row belongs to the account that wrote it, by id as well as by name
    assert stored(
        data_dir,
        "SELECT a.action, u.username FROM audit_log a JOIN users u ON u.id = a.user_id "
        "WHERE a.record_id = ? ORDER BY a.id",
        p.id,
    ) == [("create", "admin"), ("edit", "admin"), ("void", "doctor"), ("restore", "admin")]


def test_an_edit_stamps_version_time_and_queue_in_one_go(
    services: AppServices, data_dir: Path
) -> None:
    t0, t1 = datetime(2026, 11, 2, 1, 0), datetime(2026, 11, 3, 7, 30)
    services.ctx.clock = lambda: t0
    p = services.patients.create(zhang())
    services.ctx.clock = lambda: t1
    edited = services.patients.update(p.id, zhang(village="黄庄村"), expected_version=1)
    assert (edited.version, edited.updated_at, edited.sync_state) == (2, t1, "pending")
    row = stored(
        data_dir,
        "SELECT clinic_code, version, created_at, updated_at, deleted, sync_state "
        "FROM patients WHERE id=?",
        p.id,
    )
    assert row == [("TH001", 2, ts(t0), ts(t1), 0, "pending")]
    assert stored(
        data_dir,
        "SELECT version, state, attempts, error, queued_at FROM outbox WHERE record_id=?",
        p.id,
    ) == [(2, "pending", 0, None, ts(t1))]


def test_a_record_the_hub_refused_goes_up_again_once_corrected(
    services: AppServices, data_dir: Path
) -> None:
    """The hub parked version 1 (its outbox row and the record marked in error, as the sync
    round leaves them); the clinic corrects it: version 2 is queued afresh, error cleared."""
    p = services.patients.create(zhang())
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute(
            "UPDATE outbox SET state='error', error='县医院拒收', attempts=1 WHERE record_id=?",
            (p.id,),
        )
        c.execute(
            "UPDATE patients SET sync_state='error', sync_error='县医院拒收' WHERE id=?", (p.id,)
        )
    services.patients.update(p.id, zhang(phone="13900001111"))
    assert stored(data_dir, "SELECT version, state, error FROM outbox WHERE record_id=?", p.id) == [
        (2, "pending", None)
    ]
    assert stored(
        data_dir, "SELECT version, sync_state, sync_error FROM patients WHERE id=?", p.id
    ) == [(2, "pending", None)]
    assert services.patients.get(p.id).sync_state == "pending"


def test_a_voided_resident_is_frozen(services: AppServices, data_dir: Path) -> None:
    p = services.patients.create(zhang())
    services.patients.void(p.id, "重复建档")
    before = stored(data_dir, "SELECT * FROM patients")
    errors = refusal(lambda: services.patients.update(p.id, zhang(village="黄庄村")))
    assert errors == [FieldError("name", "voided", "该居民档案已作废，不能修改")]
    assert stored(data_dir, "SELECT * FROM patients") == before
    # voiding it again changes nothing either: no new version, nothing queued or audited
    again = services.patients.void(p.id, "另一个原因")
    assert (again.version, again.void_reason) == (2, "重复建档")
    assert stored(data_dir, "SELECT * FROM patients") == before
    assert [a for _u, a, _d in trail(services, "张三")] == ["create", "void"]


def test_a_stale_edit_is_refused_at_the_name_and_changes_nothing(
    services: AppServices, data_dir: Path
) -> None:
    p = services.patients.create(zhang())
    services.patients.update(p.id, zhang(village="黄庄村"), expected_version=1)
    before = stored(data_dir, "SELECT * FROM patients")
    errors = refusal(
        lambda: services.patients.update(p.id, zhang(village="别处"), expected_version=1)
    )
    assert errors == [FieldError("name", "stale", "该档案已被他人修改，请关闭后重新打开")]
    assert stored(data_dir, "SELECT * FROM patients") == before


def test_a_void_needs_a_reason_kept_to_200_characters(
    services: AppServices, data_dir: Path
) -> None:
    p = services.patients.create(zhang())
    errors = refusal(lambda: services.patients.void(p.id, " \n "))
    assert errors == [FieldError("void_reason", "required", "请填写作废原因")]
    assert not services.patients.get(p.id).deleted
    long = "重" * 250
    voided = services.patients.void(p.id, f"  {long}  ")
    assert voided.void_reason == "重" * 200 and voided.deleted
    assert stored(data_dir, "SELECT void_reason FROM patients WHERE id=?", p.id) == [("重" * 200,)]


def test_an_unknown_resident_is_not_found(services: AppServices) -> None:
    for call in (
        lambda: services.patients.get("no-such-id"),
        lambda: services.patients.update("no-such-id", zhang()),
        lambda: services.patients.void("no-such-id", "重复"),
        lambda: services.patients.restore("no-such-id"),
    ):
        with pytest.raises(NotFound):
            call()


def test_an_edit_to_another_residents_id_number_is_warned(services: AppServices) -> None:
    zhang_row = services.patients.create(zhang())
    li = services.patients.create(PatientInput(name="李四", id_number=LI_ID, village="桃花村"))
    with pytest.raises(DuplicateIdNumber) as err:
        services.patients.update(li.id, PatientInput(name="李四", id_number=ZHANG_ID))
    assert [p.name for p in err.value.existing] == ["张三"]
    assert str(err.value) == "身份证号码已登记：张三"
    assert services.patients.get(li.id).id_number == LI_ID
    # confirmed: saved, and from then on an edit of either one does not warn again
    services.patients.update(
        li.id, PatientInput(name="李四", id_number=ZHANG_ID), allow_duplicate=True
    )
    services.patients.update(li.id, PatientInput(name="李四", id_number=ZHANG_ID, village="黄庄村"))
    services.patients.update(zhang_row.id, zhang(village="黄庄村"))
    assert services.patients.count(ZHANG_ID) == 2
    # a third one is warned about both
    with pytest.raises(DuplicateIdNumber) as err:
        services.patients.create(zhang(name="张叁"))
    assert str(err.value) == "身份证号码已登记：张三、李四" or str(err.value) == (
        "身份证号码已登记：李四、张三"
    )


def test_restore_brings_a_voided_resident_back(
    services: AppServices, data_dir: Path, notices: list[Changes]
) -> None:
    p = services.patients.create(zhang())
    services.patients.void(p.id, "误作废")
    back = services.patients.restore(p.id)
    assert (back.deleted, back.void_reason, back.version) == (False, "", 3)
    assert [r.name for r in services.patients.search("张三")] == ["张三"]
    assert stored(data_dir, "SELECT version, state FROM outbox WHERE record_id=?", p.id) == [
        (3, "pending")
    ]


def test_restore_is_refused_while_another_live_resident_holds_the_id_number(
    services: AppServices, data_dir: Path
) -> None:
    first = services.patients.create(zhang())
    services.patients.void(first.id, "重复建档")
    services.patients.create(zhang(name="张叁"))  # registered again, under another name
    before = stored(data_dir, "SELECT * FROM patients ORDER BY id")
    errors = refusal(lambda: services.patients.restore(first.id))
    assert errors == [
        FieldError("id_number", "duplicate", "已有同一身份证号码的在册居民“张叁”，不能恢复")
    ]
    assert stored(data_dir, "SELECT * FROM patients ORDER BY id") == before


def test_a_resident_without_id_number_is_restored(services: AppServices) -> None:
    services.patients.create(zhang())
    p = services.patients.create(PatientInput(name="无证", sex="1", birth_date=date(1950, 1, 1)))
    services.patients.void(p.id, "误作废")
    assert not services.patients.restore(p.id).deleted
    # no ID card: the record shows an empty ID number, never a placeholder
    assert services.patients.get(p.id).id_number == ""


def test_only_an_administrator_restores(services: AppServices) -> None:
    p = services.patients.create(zhang())
    services.patients.void(p.id, "误作废")
    login_as(services, "doctor")
    with pytest.raises(PermissionDenied, match="医生无权管理用户"):
        services.patients.restore(p.id)
    login_as(services, "admin")
    assert services.patients.get(p.id).deleted


def test_dates_are_the_clinics_dates(services: AppServices) -> None:
    """A baby born today, Beijing time, registered and corrected just after midnight there
    (16:30 UTC the day before)."""
    services.ctx.clock = lambda: datetime(2031, 3, 1, 16, 30)
    born = date(2031, 3, 2)
    baby = PatientInput(name="新生儿", sex="1", birth_date=born)
    p = services.patients.create(baby)
    fixed = services.patients.update(p.id, PatientInput(name="王小宝", sex="1", birth_date=born))
    assert (fixed.name, fixed.birth_date, fixed.age_text(born)) == ("王小宝", born, "0岁")
    errors = refusal(
        lambda: services.patients.update(
            p.id, PatientInput(name="王小宝", sex="1", birth_date=date(2031, 3, 3))
        )
    )
    assert [(e.field, e.code) for e in errors] == [("birth_date", "future")]


def test_counts_and_lists_leave_voided_residents_out_unless_asked(
    services: AppServices,
) -> None:
    p = services.patients.create(zhang())
    services.patients.create(PatientInput(name="无证", sex="1", birth_date=date(1950, 1, 1)))
    services.patients.void(p.id, "重复建档")
    assert services.patients.count() == 1
    assert services.patients.count(include_voided=True) == 2
    assert services.patients.count("张三") == 0
    assert services.patients.count("张三", include_voided=True) == 1
    assert services.patients.count("查无此人") == 0
    listed = services.patients.search(include_voided=True, sort="name", descending=False)
    # a resident without an ID card lists an empty ID number, never a placeholder
    assert [(r.name, r.id_number) for r in listed] == [("无证", ""), ("张三", ZHANG_ID)]


def test_a_row_opens_back_as_the_form_it_was_saved_from(services: AppServices) -> None:
    data = zhang(
        record_number="34112210100100001",
        payment_type="10",
        allergies="青霉素",
        notes="独居",
        address="桃花村3组",
    )
    row = services.patients.create(data)
    form = services.patients.get(row.id).to_input()
    assert form == PatientInput(
        name="张三",
        sex="2",
        birth_date=date(1949, 12, 31),
        id_number=ZHANG_ID,
        phone="13812345678",
        village="桃花村",
        address="桃花村3组",
        record_number="34112210100100001",
        payment_type="10",
        allergies="青霉素",
        notes="独居",
    )
    assert row.age(date(2026, 12, 30)) == 76 and row.age(date(2026, 12, 31)) == 77


def test_restore_is_blocked_only_by_a_live_holder_of_the_same_number(
    services: AppServices,
) -> None:
    services.patients.create(PatientInput(name="李四", id_number=LI_ID))  # another number
    first = services.patients.create(zhang())
    services.patients.void(first.id, "误作废")
    again = services.patients.create(zhang(name="张叁"))  # the same number, voided too
    services.patients.void(again.id, "重复建档")
    assert not services.patients.restore(first.id).deleted
