"""Referral service against a real SQLite file: write, submit, track, acknowledge, print."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.patient import PatientInput
from app.domain.referral import (
    DOWN_INDICATIONS,
    UP_INDICATIONS,
    Direction,
    ReferralInput,
    Side,
    Status,
)
from app.services.bundle import AppServices
from app.services.referrals import ReferralFilter
from tests.conftest import login_as


def counts(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(db_path(data_dir)) as c:
        return {
            t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("referrals", "referral_events", "outbox", "audit_log")
        }


@pytest.fixture
def patient_id(services: AppServices) -> str:
    return services.patients.create(
        PatientInput(
            name="张三",
            id_number="11010519491231002X",
            phone="13812345678",
            village="桃花村",
            record_number="34112210200100001",
        )
    ).id


def upward(patient_id: str, **kw: object) -> ReferralInput:
    base: dict[str, object] = dict(
        patient_id=patient_id,
        to_institution="来安县人民医院",
        to_department="心血管内科",
        indications=[UP_INDICATIONS[4]],
        impression="高血压3级",
        present_illness="胸闷3小时",
        past_history="高血压10年",
        treatment="硝酸甘油舌下含服",
        referring_doctor="李秀英",
        referring_phone="0550-5012345",
        patient_type="急诊",
        transport="120",
    )
    base.update(kw)
    return ReferralInput(direction=Direction.UP, **base)  # type: ignore[arg-type]


def downward(patient_id: str, **kw: object) -> ReferralInput:
    base: dict[str, object] = dict(
        patient_id=patient_id,
        from_institution="来安县人民医院",
        indications=[DOWN_INDICATIONS[0]],
        diagnosis="脑梗死恢复期",
        exam_results="头颅MRI：左侧基底节区梗死灶",
        treatment_plan="阿司匹林100mg qd；康复训练",
        referring_doctor="张主任",
        referring_phone="0550-7001234",
        followup_date=date(2026, 12, 6),
        referred_on=date(2026, 11, 20),
    )
    base.update(kw)
    return ReferralInput(direction=Direction.DOWN, **base)  # type: ignore[arg-type]


def test_submitting_writes_slip_history_outbox_and_audit_at_once(
    services: AppServices, patient_id: str, data_dir: Path
) -> None:
    before = counts(data_dir)
    r = services.referrals.create_upward(upward(patient_id))
    assert r.status == "pending" and r.sync_state == "pending"
    assert r.number.startswith("TH001-") and r.number.endswith("-001")
    assert (r.patient_name, r.patient_age, r.from_institution) == ("张三", 76, "桃花镇卫生院")
    after = counts(data_dir)
    assert after["referrals"] == before["referrals"] + 1
    assert after["referral_events"] == before["referral_events"] + 2  # draft, then pending
    # the slip, its two events, and the 上转结果追踪 plan the follow-up hook adds
    assert after["outbox"] == before["outbox"] + 4
    history = services.referrals.history(r.id)
    assert [(h.from_status, h.to_status, h.actor) for h in history] == [
        ("", "draft", "王主任"),
        ("draft", "pending", "王主任"),
    ]


def test_numbers_are_sequential_per_day(services: AppServices, patient_id: str) -> None:
    numbers = [services.referrals.create_upward(upward(patient_id)).number for _ in range(3)]
    assert [n[-3:] for n in numbers] == ["001", "002", "003"]
    assert len(set(numbers)) == 3


def test_a_missing_field_blocks_submit_and_writes_nothing(
    services: AppServices, patient_id: str, data_dir: Path
) -> None:
    before = counts(data_dir)
    with pytest.raises(ValidationError) as err:
        services.referrals.create_upward(upward(patient_id, impression=" ", treatment=""))
    assert err.value.fields() == {"impression", "treatment"}
    assert counts(data_dir) == before


def test_a_draft_may_be_incomplete_but_cannot_be_submitted_so(
    services: AppServices, patient_id: str
) -> None:
    draft = services.referrals.create_upward(upward(patient_id, treatment=""), submit=False)
    assert draft.status == "draft"
    with pytest.raises(ValidationError, match="治疗经过"):
        services.referrals.transition(draft.id, Status.PENDING)
    fixed = services.referrals.update_draft(draft.id, upward(patient_id), submit=True)
    assert fixed.status == "pending" and fixed.referred_at is not None


def test_no_referral_for_a_voided_patient(
    services: AppServices, patient_id: str, data_dir: Path
) -> None:
    services.patients.void(patient_id, "重复建档")
    before = counts(data_dir)
    with pytest.raises(ValidationError, match="已作废"):
        services.referrals.create_upward(upward(patient_id))
    assert counts(data_dir) == before


def test_refused_transitions_leave_the_record_unchanged(
    services: AppServices, patient_id: str
) -> None:
    r = services.referrals.create_upward(upward(patient_id))
    with pytest.raises(ValidationError, match="县级医院"):
        services.referrals.transition(r.id, Status.RECEIVED)  # a county answer
    with pytest.raises(ValidationError, match="原因"):
        services.referrals.transition(r.id, Status.CANCELLED, "")
    assert services.referrals.get(r.id).status == "pending"
    assert services.referrals.get(r.id).version == r.version
    cancelled = services.referrals.transition(r.id, Status.CANCELLED, "患者拒绝转诊")
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "患者拒绝转诊")


def test_county_answers_then_clinic_closes(services: AppServices, patient_id: str) -> None:
    r = services.referrals.create_upward(upward(patient_id))
    services.referrals.transition(r.id, Status.RECEIVED, side=Side.COUNTY)
    services.referrals.transition(r.id, Status.ARRIVED, side=Side.COUNTY)
    done = services.referrals.transition(r.id, Status.COMPLETED)
    assert done.status == "completed" and done.completed_at is not None
    assert [h.to_status for h in services.referrals.history(r.id)] == [
        "draft",
        "pending",
        "received",
        "arrived",
        "completed",
    ]


def test_downward_from_paper_acknowledged_and_arrived(
    services: AppServices, patient_id: str
) -> None:
    d = services.referrals.enter_downward(downward(patient_id))
    assert (d.direction, d.status, d.to_institution) == ("down", "pending", "桃花镇卫生院")
    assert d.referred_at == datetime(2026, 11, 19, 16, 0)  # 20 Nov 00:00 Beijing, in UTC
    login_as(services, "nurse")  # nurses acknowledge downward referrals
    services.referrals.transition(d.id, Status.RECEIVED)
    arrived = services.referrals.transition(d.id, Status.ARRIVED)
    assert arrived.acknowledged_at is not None and arrived.clinic_arrived_at is not None


def test_downward_needs_its_own_fields(services: AppServices, patient_id: str) -> None:
    with pytest.raises(ValidationError) as err:
        services.referrals.enter_downward(
            downward(patient_id, diagnosis="", patient_type="住院", inpatient_no="")
        )
    assert err.value.fields() == {"diagnosis", "inpatient_no"}


def test_a_nurse_cannot_write_or_cancel_a_referral(services: AppServices, patient_id: str) -> None:
    r = services.referrals.create_upward(upward(patient_id))
    login_as(services, "nurse")
    with pytest.raises(PermissionDenied):
        services.referrals.create_upward(upward(patient_id))
    with pytest.raises(PermissionDenied):
        services.referrals.transition(r.id, Status.CANCELLED, "x")
    pdf, _row, _reprint = services.referrals.slip_pdf(r.id)  # but may print
    assert pdf.startswith(b"%PDF")


def test_list_filters_sorts_and_flags_overdue(
    services: AppServices, patient_id: str, data_dir: Path
) -> None:
    other = services.patients.create(
        PatientInput(name="李四", sex="1", birth_date=date(1950, 1, 1))
    ).id
    a = services.referrals.create_upward(upward(patient_id))
    b = services.referrals.create_upward(upward(other, to_institution="来安县中医院"))
    d = services.referrals.enter_downward(downward(patient_id))
    # make a 20 days old and unanswered
    with sqlite3.connect(db_path(data_dir)) as c:
        old = (datetime.now() - timedelta(days=20)).isoformat(" ")
        c.execute("UPDATE referrals SET referred_at=? WHERE id=?", (old, a.id))
    svc = services.referrals
    assert {r.id for r in svc.search(ReferralFilter(direction="up"))} == {a.id, b.id}
    assert [r.id for r in svc.search(ReferralFilter(destination="来安县中医院"))] == [b.id]
    assert [r.id for r in svc.search(ReferralFilter(patient_query="ls"))] == [b.id]
    assert [r.id for r in svc.search(ReferralFilter(overdue_only=True))] == [a.id]
    assert svc.get(a.id).overdue and not svc.get(b.id).overdue
    by_patient = [r.patient_name for r in svc.search(sort="patient", descending=False)]
    assert by_patient == sorted(by_patient)
    assert svc.count(ReferralFilter(unsynced_only=True)) == 3
    assert [r.id for r in svc.search(ReferralFilter(status="pending", direction="down"))] == [d.id]
    assert [r.id for r in svc.timeline(patient_id)][0] in {d.id, a.id}
    assert {r.id for r in svc.timeline(patient_id)} == {a.id, d.id}


def test_first_print_then_reprint_is_marked_and_audited(
    services: AppServices, patient_id: str, data_dir: Path
) -> None:
    r = services.referrals.create_upward(upward(patient_id))
    _pdf, _row, first = services.referrals.slip_pdf(r.id)
    _pdf, _row, second = services.referrals.slip_pdf(r.id, "A5")
    assert (first, second) == (False, True)
    with sqlite3.connect(db_path(data_dir)) as c:
        actions = [
            a
            for (a,) in c.execute(
                "SELECT action FROM audit_log WHERE record_id=? AND action LIKE '%print'", (r.id,)
            )
        ]
    assert actions == ["print", "reprint"]
    # printing is local bookkeeping: the slip is not re-queued for upload
    assert services.referrals.get(r.id).version == r.version


def test_destinations_default_to_the_county_hospital(services: AppServices) -> None:
    table = services.referrals.destinations()
    assert list(table) == ["来安县人民医院"] and "心血管内科" in table["来安县人民医院"]
    services.referrals.set_destinations(
        {"来安县人民医院": ["内科", "外科"], "来安县中医院": ["针灸科"]}
    )
    assert services.referrals.destinations() == {
        "来安县人民医院": ["内科", "外科"],
        "来安县中医院": ["针灸科"],
    }


def test_overdue_filter_agrees_with_the_flag_at_every_age(
    services: AppServices, patient_id: str, data_dir: Path
) -> None:
    """An upward referral with no answer is flagged from exactly FEEDBACK_DAYS (14) days
    after it was sent; the "overdue only" filter lists exactly the flagged ones, at the
    boundary too (13 days 23 hours: not yet; 14 days: yes), and never an answered one."""
    now = datetime(2026, 11, 30, 2, 0)
    services.ctx.clock = lambda: now
    ages = {
        "d10": timedelta(days=10),
        "d11": timedelta(days=11),
        "d13h23": timedelta(days=13, hours=23),
        "d14": timedelta(days=14),
        "d14h1": timedelta(days=14, hours=1),
        "d16": timedelta(days=16),
        "d17": timedelta(days=17),
        "d40": timedelta(days=40),
    }
    ids = {}
    for name, age in ages.items():
        r = services.referrals.create_upward(upward(patient_id, to_doctor=name))
        ids[name] = r.id
        with sqlite3.connect(db_path(data_dir)) as c:
            c.execute(
                "UPDATE referrals SET referred_at=? WHERE id=?",
                ((now - age).isoformat(" "), r.id),
            )
    answered = services.referrals.create_upward(upward(patient_id, to_doctor="answered"))
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute(
            "UPDATE referrals SET referred_at=?, status='received' WHERE id=?",
            ((now - timedelta(days=30)).isoformat(" "), answered.id),
        )
    svc = services.referrals
    expected = {ids[n] for n in ("d14", "d14h1", "d16", "d17", "d40")}
    listed = {r.id for r in svc.search(ReferralFilter(overdue_only=True))}
    assert listed == expected
    assert svc.count(ReferralFilter(overdue_only=True)) == len(expected)
    flagged = {r.id for r in svc.search(ReferralFilter(direction="up")) if r.overdue}
    assert flagged == expected
