"""Follow-up service on a real database: visits move the plan, worklists, hooks, compliance."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain import clinic_clock
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.followup import Classification, PlanKind, PlanStatus, VisitInput
from app.domain.patient import PatientInput
from app.domain.referral import (
    DOWN_INDICATIONS,
    UP_INDICATIONS,
    Direction,
    ReferralInput,
    Status,
)
from app.services.bundle import AppServices
from tests.conftest import login_as


@pytest.fixture
def patient(services: AppServices) -> str:
    return services.patients.create(
        PatientInput(
            name="张三", id_number="11010519491231002X", village="桃花村", phone="13812345678"
        )
    ).id


def htn_visit(day: date, **kw: object) -> VisitInput:
    base: dict[str, object] = dict(
        visit_date=day,
        sbp=132,
        dbp=84,
        symptoms=["无症状"],
        next_date=day + timedelta(days=90),
        doctor="李秀英",
    )
    base.update(kw)
    return VisitInput(**base)  # type: ignore[arg-type]


def test_a_visit_moves_the_plan_and_is_queued(
    services: AppServices, patient: str, data_dir: Path
) -> None:
    today = services.ctx.today()
    plan = services.followups.create_plan(
        patient, PlanKind.HYPERTENSION, today - timedelta(days=200), "李秀英"
    )
    r = services.followups.record_visit(plan.id, htn_visit(today - timedelta(days=1)))
    assert r.classification is Classification.SATISFIED and not r.emergency
    assert services.followups.plans(patient)[0].next_due_date == r.next_due
    booked = today + timedelta(days=30)
    r2 = services.followups.record_visit(plan.id, htn_visit(today, sbp=150, next_date=booked))
    assert r2.classification is Classification.UNSATISFIED
    assert r2.next_due == today + timedelta(days=14)  # the rule is tighter than the booking
    r3 = services.followups.record_visit(plan.id, htn_visit(today, sbp=152, next_date=booked))
    assert r3.referral_advised  # two consecutive 控制不满意
    with sqlite3.connect(db_path(data_dir)) as c:
        kinds = [k for (k,) in c.execute("SELECT record_type FROM outbox")]
    assert kinds.count("followup_visit") == 3


def test_emergency_values_are_saved_and_returned_for_the_prompt(
    services: AppServices, patient: str
) -> None:
    today = services.ctx.today()
    plan = services.followups.create_plan(patient, PlanKind.HYPERTENSION, today)
    r = services.followups.record_visit(plan.id, htn_visit(today, sbp=185, dbp=100))
    assert r.warnings == ["收缩压 185 mmHg ≥ 180"]
    assert r.emergency and r.next_due == today + timedelta(days=14)


def test_override_is_recorded(services: AppServices, patient: str, data_dir: Path) -> None:
    today = services.ctx.today()
    plan = services.followups.create_plan(patient, PlanKind.HYPERTENSION, today)
    r = services.followups.record_visit(
        plan.id, htn_visit(today, sbp=152, classification_override="1")
    )
    assert (r.suggested, r.classification) == (Classification.UNSATISFIED, Classification.SATISFIED)
    with sqlite3.connect(db_path(data_dir)) as c:
        detail = c.execute(
            "SELECT detail FROM audit_log WHERE record_type='followup_visit'"
        ).fetchone()[0]
    assert '"override"' in detail and '"suggested": "2"' in detail


@pytest.mark.parametrize(
    ("id_number", "expected", "days"),
    [
        ("11010519491231002X", Classification.SATISFIED, 90),  # 76 on the visit: <150/90
        ("110105199003071234", Classification.UNSATISFIED, 14),  # 36: <140/90
    ],
)
def test_htn_target_follows_the_patients_age_on_the_visit_day(
    services: AppServices, id_number: str, expected: Classification, days: int
) -> None:
    """规范：“≥65岁老年高血压患者的血压降至150/90mmHg以下” — the age is the patient's, worked
    out from the birth date at the visit, not typed in."""
    from app.domain.idcard import make_number

    born = date(1949, 12, 31) if id_number.startswith("1101051949") else date(1990, 3, 7)
    pid = services.patients.create(
        PatientInput(name="王五", id_number=make_number("110105", born, 123))
    ).id
    today = services.ctx.today()
    plan = services.followups.create_plan(pid, PlanKind.HYPERTENSION, today)
    r = services.followups.record_visit(plan.id, htn_visit(today, sbp=145, dbp=85))
    assert r.classification is expected and (r.next_due - today).days == days
    assert services.followups.visits(plan.id)[0]["form"]["age"] == services.followups.patient_age(
        pid, today
    )


def test_bad_visits_write_nothing(services: AppServices, patient: str, data_dir: Path) -> None:
    today = services.ctx.today()
    plan = services.followups.create_plan(patient, PlanKind.HYPERTENSION, today)
    with pytest.raises(ValidationError) as err:
        services.followups.record_visit(plan.id, htn_visit(today, sbp=80, dbp=90))
    assert "dbp" in err.value.fields()
    with sqlite3.connect(db_path(data_dir)) as c:
        assert c.execute("SELECT count(*) FROM followup_visits").fetchone() == (0,)


def test_overdue_list_shows_a_late_patient_until_the_visit_is_recorded(
    services: AppServices, patient: str
) -> None:
    today = services.ctx.today()
    plan = services.followups.create_plan(
        patient, PlanKind.DIABETES, today - timedelta(days=120), first_due=today - timedelta(days=5)
    )
    overdue = services.followups.worklist("overdue")
    assert [(w.name, w.days_overdue, w.village) for w in overdue] == [("张三", 5, "桃花村")]
    assert services.followups.worklist("overdue", village="黄庄村") == []
    services.followups.record_contact(plan.id, "unreachable")
    assert services.followups.worklist("overdue")[0].last_contact == "联系不上"
    services.followups.record_visit(plan.id, htn_visit(today, fasting_glucose=6.2))
    assert services.followups.worklist("overdue") == []


def test_referrals_create_their_plans(services: AppServices, patient: str) -> None:
    up = services.referrals.create_upward(
        ReferralInput(
            patient_id=patient,
            to_institution="来安县人民医院",
            to_department="骨科",
            indications=[UP_INDICATIONS[0]],
            impression="x",
            present_illness="x",
            past_history="x",
            treatment="x",
            referring_doctor="李秀英",
            referring_phone="139",
        )
    )
    booked = clinic_clock.today() + timedelta(days=10)
    down = services.referrals.enter_downward(
        ReferralInput(
            direction=Direction.DOWN,
            patient_id=patient,
            from_institution="来安县人民医院",
            indications=[DOWN_INDICATIONS[0]],
            diagnosis="x",
            exam_results="x",
            treatment_plan="x",
            referring_doctor="张主任",
            followup_date=booked,
        )
    )
    plans = {p.referral_id: p for p in services.followups.plans(patient)}
    assert plans[up.id].kind == "outcome"
    referred = clinic_clock.local_date(up.referred_at)  # type: ignore[arg-type]
    assert plans[up.id].next_due_date == referred + timedelta(days=14)
    assert plans[down.id].kind == "rehab" and plans[down.id].next_due_date == booked
    services.referrals.transition(down.id, Status.RECEIVED)
    assert len(services.followups.plans(patient)) == 2  # not created twice


def test_compliance_and_control_rates(services: AppServices, patient: str) -> None:
    from app.domain.periods import year as year_period

    today = services.ctx.today()
    year = today.year
    plan = services.followups.create_plan(patient, PlanKind.HYPERTENSION, date(year, 1, 1))
    for method in ("1", "3", "2"):
        services.followups.record_visit(plan.id, htn_visit(today, method=method))
    stats, period = services.stats, year_period(year)
    short = stats.compliance(period)
    # the phone call does not count
    assert [(r.name, r.village, r.face_to_face) for r in short] == [("张三", "桃花村", 2)]
    services.followups.record_visit(plan.id, htn_visit(today, method="1"))
    assert [r.face_to_face for r in stats.compliance(period)] == [3]
    services.followups.record_visit(plan.id, htn_visit(today, method="2"))
    assert stats.compliance(period) == []
    htn = stats.followup_figures(period).htn
    assert (htn.control.numerator, htn.control.denominator) == (1, 1)


def test_a_nurse_records_calls_but_not_visits(services: AppServices, patient: str) -> None:
    plan = services.followups.create_plan(patient, PlanKind.HYPERTENSION)
    login_as(services, "nurse")
    services.followups.record_contact(plan.id, "booked")
    with pytest.raises(PermissionDenied):
        services.followups.record_visit(plan.id, htn_visit(services.ctx.today()))
    with pytest.raises(ValidationError, match="提醒日期"):
        services.followups.record_contact(plan.id, "remind")


def test_plan_dates_are_checked_and_one_active_plan_per_disease(
    services: AppServices, patient: str
) -> None:
    today = services.ctx.today()
    fu = services.followups
    with pytest.raises(ValidationError) as e:
        fu.create_plan(patient, PlanKind.HYPERTENSION, today, first_due=today - timedelta(1))
    assert e.value.fields() == {"first_due"}
    with pytest.raises(ValidationError) as e:
        fu.create_plan(patient, PlanKind.HYPERTENSION, today + timedelta(days=1))
    assert e.value.fields() == {"start_date"}
    first = fu.create_plan(patient, PlanKind.HYPERTENSION, today)
    with pytest.raises(ValidationError, match="已有进行中的高血压随访计划"):
        fu.create_plan(patient, PlanKind.HYPERTENSION, today)
    fu.create_plan(patient, PlanKind.DIABETES, today)  # another disease is fine
    fu.set_status(first.id, PlanStatus.ENDED)
    fu.create_plan(patient, PlanKind.HYPERTENSION, today)  # and after the first has ended
    assert len(fu.plans(patient)) == 3


@pytest.mark.parametrize(
    ("status", "note", "message"),
    [
        (PlanStatus.LOST, " ", "请填写失访原因"),
        (PlanStatus.DEAD, "", "请填写死亡日期和原因"),
    ],
)
def test_lost_and_dead_need_the_reason(
    services: AppServices, patient: str, status: PlanStatus, note: str, message: str
) -> None:
    plan = services.followups.create_plan(patient, PlanKind.HYPERTENSION)
    with pytest.raises(ValidationError, match=message):
        services.followups.set_status(plan.id, status, note)
    assert services.followups.plans(patient)[0].status == "active"


def test_visits_for_patient_cover_every_plan_newest_first(
    services: AppServices, patient: str
) -> None:
    today = services.ctx.today()
    fu = services.followups
    htn = fu.create_plan(patient, PlanKind.HYPERTENSION, today - timedelta(days=100))
    rehab = fu.create_plan(patient, PlanKind.REHAB, today - timedelta(days=100))
    fu.record_visit(htn.id, htn_visit(today - timedelta(days=50)))
    fu.record_visit(rehab.id, VisitInput(visit_date=today - timedelta(days=20), outcome="好转"))
    fu.record_visit(htn.id, htn_visit(today, sbp=150))
    visits = fu.visits_for_patient(patient)
    assert [(v.kind_name, v.class_name, v.outcome) for v in visits] == [
        ("高血压", "控制不满意", ""),
        ("下转康复", "", "好转"),
        ("高血压", "控制满意", ""),
    ]
    assert fu.visit_years(htn.id) == sorted({today.year, (today - timedelta(50)).year})[::-1]
    login_as(services, "nurse")
    assert len(fu.visits_for_patient(patient)) == 3


def test_all_active_plans_worklist(services: AppServices, patient: str) -> None:
    today = services.ctx.today()
    fu = services.followups
    later = fu.create_plan(patient, PlanKind.HYPERTENSION, today, first_due=today + timedelta(60))
    ended = fu.create_plan(patient, PlanKind.DIABETES, today)
    fu.set_status(ended.id, PlanStatus.DEAD, "死亡日期：2026-01-01；死因：脑出血")
    assert [w.plan_id for w in fu.worklist("all")] == [later.id]
    assert fu.worklist("week") == []
