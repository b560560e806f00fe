"""Field ownership through a real hub: county answers move the clinic's status, the clinic's
edits never trip over answers it has not pulled yet, downward referrals land on a resident and
start their plan, and each side's fields survive the other side's writes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.db.followup_models import FollowUpPlan
from app.db.models import Patient
from app.db.referral_models import Referral
from app.domain.patient import PatientInput
from app.domain.referral import Direction, Side, Status, status_after_answers
from app.services.bundle import AppServices
from app.sync.client import HubClient
from app.sync.engine import SyncEngine, pending_count
from county import store
from county.db import HubRecord, RefusedWrite
from tests.hub_server import Hub
from tests.services.test_referrals import upward
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import add_patients, assert_same, hub_records

TYPES = ("patient", "referral", "followup_plan")
ID_NUMBER = "341122195003150019"


@pytest.fixture
def clinic(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> Iterator[tuple[AppServices, SyncEngine]]:
    s = make_clinic(tmp_path, migrated_template, "A001")
    c = HubClient(hub.url, register(hub, "A001"), allow_http=True)
    yield s, SyncEngine(s.ctx, c, sleep=lambda _d: None)
    c.close()


def answer(hub: Hub, rid: str, **fields: Any) -> None:
    with hub.sessions() as hs, hs.begin():
        store.answer_record(hs, "referral", rid, fields)


def send_down(hub: Hub, clinic: str, **data: Any) -> str:
    rid = str(uuid.uuid4())
    body: dict[str, Any] = dict(
        number=f"XZ-{rid.replace('-', '')[:16]}",
        direction="down",
        status="pending",
        urgency="普通",
        patient_id="",
        patient_name="王桂兰",
        patient_sex="2",
        patient_age=76,
        patient_id_number="",
        patient_record_number="",
        patient_address="桃花镇小李村",
        patient_phone="13905501234",
        from_institution="来安县人民医院",
        to_institution=f"{clinic}卫生院",
        indications="[]",
        diagnosis="脑梗死恢复期",
        exam_results="头颅MRI：左侧基底节区梗死灶",
        treatment_plan="阿司匹林 100mg qd；康复训练",
        followup_date="2026-12-01",
        followup_method="门诊",
        referred_at="2026-11-20T10:00:00",
    )
    body.update(data)
    with hub.sessions() as hs, hs.begin():
        store.create_for_clinic(hs, "referral", rid, clinic, body)
    return rid


@pytest.mark.parametrize(
    ("current", "answers", "expected"),
    [
        (Status.PENDING, dict(received=True, rejected=False, arrived=False), Status.RECEIVED),
        (Status.PENDING, dict(received=True, rejected=False, arrived=True), Status.ARRIVED),
        (Status.PENDING, dict(received=False, rejected=False, arrived=True), Status.ARRIVED),
        (Status.PENDING, dict(received=False, rejected=True, arrived=False), Status.REJECTED),
        (Status.RECEIVED, dict(received=True, rejected=False, arrived=True), Status.ARRIVED),
        (Status.CANCELLED, dict(received=True, rejected=False, arrived=True), Status.CANCELLED),
        (Status.COMPLETED, dict(received=True, rejected=False, arrived=True), Status.COMPLETED),
        (Status.DRAFT, dict(received=True, rejected=False, arrived=False), Status.DRAFT),
        (Status.PENDING, dict(received=False, rejected=False, arrived=False), Status.PENDING),
    ],
)
def test_status_follows_county_answers(
    current: Status, answers: dict[str, bool], expected: Status
) -> None:
    assert status_after_answers(Direction.UP, current, **answers) is expected


def test_county_receipt_and_arrival_reach_the_clinic_status(
    hub: Hub, clinic: tuple[AppServices, SyncEngine]
) -> None:
    s, eng = clinic
    (pid,) = add_patients(s, 1)
    ref = s.referrals.create_upward(upward(pid))
    assert eng.run_round().complete
    answer(hub, ref.id, received_at="2026-11-22T09:30:00", receiving_doctor="周医生")
    eng.run_round()
    got = s.referrals.get(ref.id)
    assert got.status == Status.RECEIVED.value and got.receiving_doctor == "周医生"
    answer(hub, ref.id, arrived_at="2026-11-22T11:00:00")
    eng.run_round()
    assert s.referrals.get(ref.id).status == Status.ARRIVED.value
    # the clinic closes it: its own field, pushed and applied
    s.referrals.transition(ref.id, Status.COMPLETED)
    res = eng.run_round()
    assert res.pushed >= 1 and res.complete
    hub_rec = hub_records(hub, "A001")[("referral", ref.id)]
    assert hub_rec.data["status"] == "completed" and hub_rec.data["receiving_doctor"] == "周医生"
    assert assert_same(s, hub, TYPES) >= 3


def test_clinic_cancel_crossing_a_county_receipt_is_not_refused(
    hub: Hub, clinic: tuple[AppServices, SyncEngine]
) -> None:
    s, eng = clinic
    (pid,) = add_patients(s, 1)
    ref = s.referrals.create_upward(upward(pid))
    eng.run_round()
    # the county receives it while the clinic, offline, cancels it (patient went elsewhere)
    answer(hub, ref.id, received_at="2026-11-22T09:30:00", receiving_doctor="周医生")
    s.referrals.transition(ref.id, Status.CANCELLED, "患者自行前往市医院")
    res = eng.run_round()
    assert res.parked == 0 and res.complete
    with hub.sessions() as hs:
        assert hs.scalar(select(func.count()).select_from(RefusedWrite)) == 0
    hub_rec = hub_records(hub, "A001")[("referral", ref.id)]
    assert hub_rec.data["status"] == "cancelled"
    assert hub_rec.data["receiving_doctor"] == "周医生"  # the county's answer kept
    got = s.referrals.get(ref.id)
    assert got.status == "cancelled" and got.receiving_doctor == "周医生"
    assert assert_same(s, hub, TYPES) >= 2


def test_county_rejection_with_reason(hub: Hub, clinic: tuple[AppServices, SyncEngine]) -> None:
    s, eng = clinic
    (pid,) = add_patients(s, 1)
    ref = s.referrals.create_upward(upward(pid))
    eng.run_round()
    answer(hub, ref.id, rejected_reason="床位已满，建议转市医院")
    eng.run_round()
    got = s.referrals.get(ref.id)
    assert got.status == "rejected" and got.rejected_reason == "床位已满，建议转市医院"
    assert assert_same(s, hub, TYPES) >= 2


def test_downward_referral_for_a_known_resident_starts_a_rehab_plan(
    hub: Hub, clinic: tuple[AppServices, SyncEngine]
) -> None:
    s, eng = clinic
    p = s.patients.create(PatientInput(name="王桂兰", sex="1", id_number=ID_NUMBER))
    eng.run_round()
    rid = send_down(hub, "A001", patient_id="", patient_id_number=ID_NUMBER, patient_sex="1")
    res = eng.run_round()
    assert res.pulled == 1
    with s.ctx.reader() as sess:
        r = sess.get(Referral, rid)
        assert r is not None and r.patient_id == p.id and r.clinic_code == "county"
        assert r.to_institution == "A001卫生院"
        plan = sess.scalar(select(FollowUpPlan).where(FollowUpPlan.referral_id == rid))
        assert plan is not None and plan.kind == "rehab" and plan.next_due_date == date(2026, 12, 1)
        assert sess.scalar(select(func.count()).select_from(Patient)) == 1
    # the attachment and the plan travel up; the hub's copy now names the clinic's resident
    assert eng.run_round().complete and pending_count(s.ctx) == 0
    assert hub_records(hub, "A001")[("referral", rid)].data["patient_id"] == p.id
    assert assert_same(s, hub, TYPES) == 3


def test_downward_referral_for_an_unknown_resident_creates_one(
    hub: Hub, clinic: tuple[AppServices, SyncEngine]
) -> None:
    s, eng = clinic
    rid = send_down(hub, "A001")
    eng.run_round()
    with s.ctx.reader() as sess:
        r = sess.get(Referral, rid)
        pat = sess.get(Patient, r.patient_id)
        assert pat is not None and pat.name == "王桂兰" and pat.phone == "13905501234"
        assert pat.name_initials == "wgl"
    found = s.patients.search("wgl")
    assert [x.id for x in found] == [r.patient_id]
    assert eng.run_round().complete
    assert assert_same(s, hub, TYPES) == 3


def test_clinic_acknowledges_and_county_edits_do_not_clash(
    hub: Hub, clinic: tuple[AppServices, SyncEngine]
) -> None:
    s, eng = clinic
    rid = send_down(hub, "A001")
    eng.run_round()
    eng.run_round()
    # clinic acknowledges (its field) while the county, unaware, corrects its content
    s.referrals.transition(rid, Status.RECEIVED, side=Side.CLINIC)
    answer(hub, rid, treatment_plan="阿司匹林 100mg qd；他汀；康复训练")
    res = eng.run_round()
    assert res.parked == 0 and res.complete
    got = s.referrals.get(rid)
    assert got.status == "received" and "他汀" in got.treatment_plan
    data = hub_records(hub, "A001")[("referral", rid)].data
    assert data["status"] == "received" and data["acknowledged_at"]
    assert "他汀" in data["treatment_plan"]
    assert assert_same(s, hub, TYPES) == 3


def test_clinic_cannot_rewrite_county_content_of_a_downward_referral(
    hub: Hub, clinic: tuple[AppServices, SyncEngine]
) -> None:
    s, eng = clinic
    rid = send_down(hub, "A001")
    eng.run_round()
    with s.ctx.reader() as sess:
        version = sess.get(Referral, rid).version
    from app.sync.protocol import Change

    bad = Change(type="referral", id=rid, version=version + 1, data={"diagnosis": "改过的诊断"})
    (result,) = eng.client.push("A001", [bad])
    assert result.status == "rejected" and "诊断结果" in (result.error or "")
    with hub.sessions() as hs:
        rec = hs.scalar(select(HubRecord).where(HubRecord.id == rid))
        assert rec is not None and rec.data["diagnosis"] == "脑梗死恢复期"
        refused = hs.scalars(select(RefusedWrite)).all()
        assert [(r.id, r.clinic_code) for r in refused] == [(rid, "A001")]
        assert refused[0].payload["data"] == {"diagnosis": "改过的诊断"}  # recorded, not lost
