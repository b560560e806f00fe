"""设置 → 随访间隔: an administrator sets the province's intervals; they are saved, used for the
next visits, and survive a restart; others cannot change them."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.config import Settings
from app.domain.errors import PermissionDenied
from app.domain.followup import PlanKind, VisitInput
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.pages.settings import SettingsPage
from tests.conftest import login_as


def _visit(day: date, sbp: int) -> VisitInput:
    return VisitInput(
        visit_date=day, symptoms=["无症状"], sbp=sbp, dbp=80, next_date=day + timedelta(days=200)
    )


def test_admin_sets_the_intervals_and_the_next_visit_uses_them(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path
) -> None:
    hub = Settings.load(data_dir)
    hub.hub_url = "https://county.example:8443"  # another area's setting, to be kept
    hub.save(data_dir)
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    box = page.intervals
    assert box.title() == "随访间隔"
    assert (box.controlled.value(), box.uncontrolled.value(), box.referral.value()) == (90, 14, 14)
    box.controlled.setValue(60)
    box.uncontrolled.setValue(10)
    box.referral.setValue(7)
    box.save_button.click()
    assert box.message.text() == "已保存"
    raw = tomllib.loads((data_dir / "settings.toml").read_text(encoding="utf-8"))
    assert (
        raw["followup_controlled_days"],
        raw["followup_uncontrolled_days"],
        raw["followup_referral_days"],
        raw["hub_url"],
    ) == (60, 10, 7, "https://county.example:8443")

    today = services.ctx.today()
    patient = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X")).id
    plan = services.followups.create_plan(patient, PlanKind.HYPERTENSION, today)
    assert services.followups.record_visit(plan.id, _visit(today, 128)).next_due == today + (
        timedelta(days=60)
    )
    assert services.followups.record_visit(plan.id, _visit(today, 150)).next_due == today + (
        timedelta(days=10)
    )
    # after a restart the workstation reads them back
    again = AppServices.create(services.ctx, data_dir)
    assert again.followups.intervals.satisfied == 60
    assert again.followups.intervals.after_emergency_referral == 7


def test_an_uncontrolled_interval_not_shorter_is_refused_and_not_saved(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path
) -> None:
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    box = page.intervals
    box.controlled.setValue(28)
    box.uncontrolled.setValue(30)
    box.save_button.click()
    assert "必须短于" in box.errors.text("followup_uncontrolled_days")
    assert box.message.text() == ""
    assert Settings.load(data_dir).followup_controlled_days == 90
    assert services.followups.intervals.satisfied == 90
    assert box.controlled.maximum() == 180 and box.uncontrolled.minimum() == 3  # RANGES


def test_a_doctor_cannot_change_the_intervals(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    login_as(services, "doctor")
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    assert page.intervals.controlled.value() == 90
    assert not page.intervals.save_button.isEnabled()
    assert not page.intervals.controlled.isEnabled()
    with pytest.raises(PermissionDenied):
        services.followups.set_intervals(60, 10, 7)


def test_bad_values_in_the_file_fall_back_to_the_defaults(data_dir: Path) -> None:
    (data_dir / "settings.toml").write_text(
        "followup_controlled_days = 5000\nfollowup_uncontrolled_days = 10\n", encoding="utf-8"
    )
    s = Settings.load(data_dir)
    assert (s.followup_controlled_days, s.followup_uncontrolled_days) == (90, 10)


def test_admin_sets_the_first_rehab_visit_for_slips_without_a_booked_date(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path
) -> None:
    from app.db.followup_models import FollowUpPlan
    from app.domain.referral import DOWN_INDICATIONS, Direction, ReferralInput

    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    box = page.intervals
    assert box.rehab.value() == 14
    box.rehab.setValue(21)
    box.save_button.click()
    assert box.message.text() == "已保存"
    assert Settings.load(data_dir).followup_rehab_days == 21
    patient = services.patients.create(PatientInput(name="李四", id_number="11010519491231002X"))
    ref = services.referrals.enter_downward(
        ReferralInput(
            direction=Direction.DOWN,
            patient_id=patient.id,
            from_institution="来安县人民医院",
            indications=[DOWN_INDICATIONS[0]],
            diagnosis="脑梗死恢复期",
            exam_results="x",
            treatment_plan="康复训练",
            referring_doctor="张主任",
            followup_date=None,
        )
    )
    with services.ctx.reader() as s:
        plan = s.query(FollowUpPlan).filter_by(referral_id=ref.id).one()
        assert plan.next_due_date == plan.start_date + timedelta(days=21)
    box.rehab.setValue(2)  # below the spin box's floor: clamped to 3, never saved as 2
    assert box.rehab.value() == 3
