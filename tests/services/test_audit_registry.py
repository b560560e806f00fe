"""The audit log names record types by the registry's labels, finds a resident's rows in every
record type the registry says concerns a resident, and reads dates on the clinic's clock."""

from __future__ import annotations

from datetime import date, datetime

from app import registry
from app.domain.followup import PlanKind
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from tests.services.test_audit_search import Clock
from tests.services.test_referrals import upward
from tests.services.test_training import lecture


def test_rows_name_their_record_type_as_the_registry_labels_it(services: AppServices) -> None:
    services.ctx.clock = Clock(datetime(2026, 11, 20, 2, 0))
    zhang = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    services.referrals.create_upward(upward(zhang.id))
    services.followups.create_plan(zhang.id, PlanKind.HYPERTENSION, start=date(2026, 11, 20))
    services.training.plan_activity(lecture())
    names = {(r.record_type, r.record_name) for r in services.audit.search().rows}
    for type_ in ("patient", "referral", "referral_event", "followup_plan", "training_activity"):
        assert (type_, registry.label(type_)) in names, type_
    assert ("training_activity", "培训活动") in names and ("referral_event", "转诊记录") in names
    assert ("user", "账号") in names  # the accounts made at set-up: not a synced type
    # A resident's rows: every registry type that names a resident
    mine = {r.record_type for r in services.audit.search(patient="张三").rows}
    assert mine == {"patient", "referral", "followup_plan"}
    assert {t.name for t in registry.TYPES if t.patient_field} >= mine


def test_dates_follow_the_clinics_clock_not_a_fixed_offset(services: AppServices) -> None:
    services.ctx.timezone = "Asia/Urumqi"  # UTC+6, a clinic in Xinjiang time
    clock = Clock(datetime(2026, 11, 30, 16, 30))  # 22:30 on 30 November there
    services.ctx.clock = clock
    services.audit.viewed("patient", "x")
    nov30 = services.audit.search(
        action="view", date_from=date(2026, 11, 30), date_to=date(2026, 11, 30)
    )
    assert [r.at_local for r in nov30.rows] == [datetime(2026, 11, 30, 22, 30)]
    dec1 = services.audit.search(action="view", date_from=date(2026, 12, 1))
    assert dec1.rows == []
