"""回执 recorded at the clinic (phone / paper): clinic-owned fields and a history entry, the
14-day flag cleared by it, the 已接收未到诊 flag after N days, and the outcome check's result on
the referral's history."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain.errors import ValidationError
from app.domain.followup import PlanKind, VisitInput
from app.domain.patient import PatientInput
from app.domain.referral import Side, Status
from app.domain.referral_feedback import FeedbackInput
from app.services.bundle import AppServices
from app.services.referral_feedback import save_not_arrived_days
from app.services.referrals import ReferralFilter
from tests.conftest import login_as
from tests.services.test_referrals import downward, upward

REFERRED = datetime(2026, 11, 10, 1, 0)  # 09:00 Beijing on 10 November


@pytest.fixture
def patient_id(services: AppServices) -> str:
    return services.patients.create(
        PatientInput(name="张三", id_number="11010519491231002X", phone="13812345678")
    ).id


@pytest.fixture
def referral_id(services: AppServices, patient_id: str) -> str:
    services.ctx.clock = lambda: REFERRED
    return services.referrals.create_upward(upward(patient_id)).id


def at(services: AppServices, utc: datetime) -> None:
    services.ctx.clock = lambda: utc


def counts(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(db_path(data_dir)) as c:
        return {
            t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("referral_events", "outbox", "audit_log")
        } | {"version": c.execute("SELECT sum(version) FROM referrals").fetchone()[0]}


def phone(**kw: object) -> FeedbackInput:
    base: dict[str, object] = dict(
        method="phone", by="县医院转诊办 周敏", at=datetime(2026, 11, 25, 10, 0), result="received"
    )
    base.update(kw)
    return FeedbackInput(**base)  # type: ignore[arg-type]


def test_a_phone_receipt_is_stored_as_the_clinics_own_and_clears_the_14_day_flag(
    services: AppServices, referral_id: str, data_dir: Path
) -> None:
    at(services, datetime(2026, 11, 25, 3, 0))  # 15 days later, 11:00 Beijing
    before = services.referrals.get(referral_id)
    assert before.overdue
    overdue = ReferralFilter(overdue_only=True)
    assert [r.id for r in services.referrals.search(overdue)] == [referral_id]
    row = services.referrals.record_feedback(referral_id, phone())
    # Clinic-owned fields; the county's own fields and the status are untouched.
    assert (row.feedback_method, row.feedback_by, row.feedback_result) == (
        "phone",
        "县医院转诊办 周敏",
        "received",
    )
    assert row.feedback_at == datetime(2026, 11, 25, 2, 0)  # 10:00 Beijing, stored UTC
    assert row.status == "pending" and row.received_at is None and row.receiving_doctor == ""
    assert not row.overdue
    assert services.referrals.search(overdue) == []
    assert row.sync_state == "pending"
    history = services.referrals.history(referral_id)
    assert history[-1].kind == "feedback"
    assert history[-1].from_status == history[-1].to_status == "pending"
    assert "县医院转诊办 周敏" in history[-1].reason and "接收" in history[-1].reason
    assert history[-1].actor == "王主任"
    with sqlite3.connect(db_path(data_dir)) as c:
        queued = {
            r[0]
            for r in c.execute(
                "SELECT record_type FROM outbox WHERE state='pending' AND record_id IN "
                "(?, (SELECT id FROM referral_events WHERE kind='feedback'))",
                (referral_id,),
            )
        }
    assert queued == {"referral", "referral_event"}


def test_a_refusal_needs_its_reason_and_a_bad_receipt_changes_nothing(
    services: AppServices, referral_id: str, data_dir: Path
) -> None:
    at(services, datetime(2026, 11, 25, 3, 0))
    before = counts(data_dir)
    cases = [
        (phone(result="refused", reason=" "), {"reason"}),
        (phone(by=""), {"by"}),
        (phone(at=None), {"at"}),
        (phone(at=datetime(2026, 11, 25, 12, 0)), {"at"}),  # later than now (11:00 Beijing)
        (phone(at=datetime(2026, 11, 9, 23, 0)), {"at"}),  # before the referral's day
        (phone(arrived_at=datetime(2026, 11, 26, 9, 0)), {"arrived_at"}),  # in the future
        (phone(result="refused", reason="床位满", arrived_at=datetime(2026, 11, 25, 9, 0)),
         {"arrived_at"}),
        (phone(method="fax"), {"method"}),
        (phone(result="maybe"), {"result"}),
    ]  # fmt: skip
    for data, bad in cases:
        with pytest.raises(ValidationError) as err:
            services.referrals.record_feedback(referral_id, data)
        assert err.value.fields() == bad, data
        assert all("\u4e00" <= ch <= "\u9fff" for ch in str(err.value)[:1])  # Chinese message
    assert counts(data_dir) == before
    row = services.referrals.record_feedback(
        referral_id, phone(result="refused", reason="床位已满", method="paper")
    )
    assert (row.feedback_result, row.feedback_reason) == ("refused", "床位已满")
    assert not row.overdue and not row.not_arrived  # answered, and refused: nothing to chase


def test_only_open_upward_referrals_take_a_receipt(services: AppServices, patient_id: str) -> None:
    at(services, datetime(2026, 11, 25, 3, 0))
    down = services.referrals.enter_downward(downward(patient_id))
    with pytest.raises(ValidationError, match="上转"):
        services.referrals.record_feedback(down.id, phone())
    up = services.referrals.create_upward(upward(patient_id))
    services.referrals.transition(up.id, Status.CANCELLED, "患者自行前往")
    with pytest.raises(ValidationError, match="已取消"):
        services.referrals.record_feedback(up.id, phone())
    draft = services.referrals.create_upward(upward(patient_id), submit=False)
    with pytest.raises(ValidationError):
        services.referrals.record_feedback(draft.id, phone())


def test_nurses_may_record_a_receipt(services: AppServices, referral_id: str) -> None:
    at(services, datetime(2026, 11, 25, 3, 0))
    login_as(services, "nurse")
    assert services.referrals.record_feedback(referral_id, phone()).feedback_result == "received"


@pytest.mark.parametrize(("days_later", "flagged"), [(6, False), (7, True), (30, True)])
def test_received_by_receipt_not_arrived_after_7_days(
    services: AppServices, referral_id: str, days_later: int, flagged: bool
) -> None:
    at(services, datetime(2026, 11, 12, 3, 0))
    services.referrals.record_feedback(referral_id, phone(at=datetime(2026, 11, 12, 10, 0)))
    at(services, datetime(2026, 11, 12, 2, 0) + timedelta(days=days_later))
    row = services.referrals.get(referral_id)
    assert row.not_arrived is flagged
    listed = services.referrals.search(ReferralFilter(not_arrived_only=True))
    assert [r.id for r in listed] == ([referral_id] if flagged else [])


def test_received_by_the_county_and_never_arrived_is_flagged_too(
    services: AppServices, referral_id: str
) -> None:
    at(services, datetime(2026, 11, 12, 3, 0))
    services.referrals.transition(referral_id, Status.RECEIVED, side=Side.COUNTY)
    with sqlite3.connect(db_path(Path(services.data_dir))) as c:
        c.execute("UPDATE referrals SET received_at = ? WHERE id = ?",
                  ("2026-11-12 03:00:00.000000", referral_id))  # fmt: skip
    at(services, datetime(2026, 11, 19, 3, 0))
    assert services.referrals.get(referral_id).not_arrived
    assert len(services.referrals.search(ReferralFilter(not_arrived_only=True))) == 1


def test_an_arrival_in_the_receipt_or_from_the_county_clears_the_flag(
    services: AppServices, referral_id: str
) -> None:
    at(services, datetime(2026, 11, 12, 3, 0))
    services.referrals.record_feedback(
        referral_id,
        phone(at=datetime(2026, 11, 12, 10, 0), arrived_at=datetime(2026, 11, 12, 10, 30)),
    )
    at(services, datetime(2026, 11, 30, 3, 0))
    assert not services.referrals.get(referral_id).not_arrived
    assert services.referrals.search(ReferralFilter(not_arrived_only=True)) == []


def test_n_days_comes_from_the_settings(services: AppServices, referral_id: str) -> None:
    at(services, datetime(2026, 11, 12, 3, 0))
    services.referrals.record_feedback(referral_id, phone(at=datetime(2026, 11, 12, 10, 0)))
    at(services, datetime(2026, 11, 15, 3, 0))  # 3 days later
    assert not services.referrals.get(referral_id).not_arrived
    save_not_arrived_days(services.ctx, 3)
    assert services.referrals.not_arrived_days() == 3
    assert services.referrals.get(referral_id).not_arrived
    with pytest.raises(ValueError, match="天"):
        save_not_arrived_days(services.ctx, 0)
    assert services.referrals.not_arrived_days() == 3


def test_the_outcome_check_records_its_result_on_the_referral(
    services: AppServices, referral_id: str
) -> None:
    at(services, datetime(2026, 11, 24, 3, 0))
    plan = next(
        p for p in services.followups.plans(services.referrals.get(referral_id).patient_id)
        if p.kind == PlanKind.OUTCOME.value
    )  # fmt: skip
    services.followups.record_visit(
        plan.id,
        VisitInput(visit_date=date(2026, 11, 24), method="3", doctor="李医生", outcome="好转"),
    )
    history = services.referrals.history(referral_id)
    assert history[-1].kind == "outcome"
    assert "上转结果追踪：好转" in history[-1].reason
    assert "2026-11-24" in history[-1].reason and "电话" in history[-1].reason
    assert services.referrals.get(referral_id).status == "pending"  # the check moves no status
