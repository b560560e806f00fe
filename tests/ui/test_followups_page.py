"""Follow-up worklist and visit forms, in Chinese, on a real database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QDialog

from app.domain.followup import PlanKind
from app.domain.patient import PatientInput
from app.domain.referral import DOWN_INDICATIONS, Direction, ReferralInput
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.dialogs.visit_dialog import VisitDialog
from app.ui.pages.followups import FollowUpsPage


@pytest.fixture
def patient(services: AppServices) -> str:
    return services.patients.create(
        PatientInput(
            name="张三", id_number="11010519491231002X", village="桃花村", phone="13812345678"
        )
    ).id


def _fill_htn(d: VisitDialog, sbp: int, dbp: int) -> None:
    d.symptom_boxes["无症状"].setChecked(True)
    d.sbp.setValue(sbp)
    d.dbp.setValue(dbp)
    d.weight.setValue(70)
    d.height_edit.setValue(168)


def test_overdue_list_shows_late_patient_and_drops_them_after_the_visit(
    qtbot, services: AppServices, bus: ChangeBus, patient: str, message_boxes
) -> None:
    today = date.today()
    services.followups.create_plan(
        patient,
        PlanKind.HYPERTENSION,
        today - timedelta(days=120),
        "李医生",
        today - timedelta(days=9),
    )
    page = FollowUpsPage(services, bus)
    qtbot.addWidget(page)
    assert page.which == "overdue"
    assert page.table.rowCount() == 1
    assert page.table.item(0, 0).text() == "张三"
    assert page.table.item(0, 6).text() == "9"
    page.table.selectRow(0)
    d = VisitDialog(services, page.current().plan_id)  # type: ignore[union-attr]
    qtbot.addWidget(d)
    _fill_htn(d, 132, 82)
    assert "控制满意" in d.suggested.text()
    assert d.bmi.text() == "24.8"
    d.save()
    assert d.saved is not None and d.result() == QDialog.DialogCode.Accepted
    assert page.table.rowCount() == 0  # refreshed by the change bus
    pdf = page.year_form_pdf(d.plan_id, today.year)
    assert pdf.startswith(b"%PDF")
    assert not message_boxes


def test_bad_values_are_refused_with_the_field_named(
    qtbot, services: AppServices, patient: str
) -> None:
    plan = services.followups.create_plan(
        patient, PlanKind.HYPERTENSION, date.today() - timedelta(days=30)
    )
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    _fill_htn(d, 120, 130)
    d.save()
    assert d.saved is None
    assert "舒张压" in d.errors.text("dbp")
    assert services.followups.visits(plan.id) == []


def test_sbp_185_prompts_a_prefilled_upward_referral(
    qtbot, services: AppServices, patient: str, message_boxes, monkeypatch
) -> None:
    plan = services.followups.create_plan(
        patient, PlanKind.HYPERTENSION, date.today() - timedelta(days=30)
    )
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    opened: list[QDialog] = []
    real = d.make_referral_dialog

    def capture(summary: str):  # type: ignore[no-untyped-def]
        dlg = real(summary)
        opened.append(dlg)
        monkeypatch.setattr(dlg, "exec", lambda: 0)
        return dlg

    monkeypatch.setattr(d, "make_referral_dialog", capture)
    _fill_htn(d, 185, 100)
    d.save()
    assert d.saved is not None and d.saved.emergency
    assert message_boxes and message_boxes[0][0] == "question" and "185" in message_boxes[0][1]
    ref = opened[0]
    assert ref.direction is Direction.UP
    assert "185/100" in ref.present_illness.toPlainText()
    assert ref.impression.text() == "高血压"


def test_dm_form_and_rehab_form_build(qtbot, services: AppServices, patient: str) -> None:
    dm = services.followups.create_plan(
        patient, PlanKind.DIABETES, date.today() - timedelta(days=30)
    )
    d = VisitDialog(services, dm.id)
    qtbot.addWidget(d)
    d.symptom_boxes["多饮"].setChecked(True)
    d.sbp.setValue(130)
    d.dbp.setValue(80)
    d.fasting_glucose.setValue(6.1)
    d.set_medication(0, "二甲双胍", 3, "0.5g")
    v = d.value()
    assert v.medications[0].drug == "二甲双胍" and v.fasting_glucose == pytest.approx(6.1)
    d.save()
    assert d.saved is not None
    rehab = services.followups.create_plan(
        patient, PlanKind.REHAB, date.today() - timedelta(days=5)
    )
    r = VisitDialog(services, rehab.id)
    qtbot.addWidget(r)
    r.findings.setPlainText("伤口愈合良好")
    r.outcome.setCurrentText("好转")
    r.save()
    assert r.saved is not None


def test_downward_referral_creates_its_plan_on_the_worklist(
    qtbot, services: AppServices, bus: ChangeBus, patient: str
) -> None:
    booked = date.today() + timedelta(days=3)
    services.referrals.enter_downward(
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
    page = FollowUpsPage(services, bus)
    qtbot.addWidget(page)
    page.tabs.setCurrentIndex(1)  # 本周
    assert [page.table.item(r, 3).text() for r in range(page.table.rowCount())] == ["下转康复"]
    page.table.selectRow(0)
    assert page.save_contact(page.current().plan_id, "booked")  # type: ignore[union-attr]
    assert page.table.item(0, 7).text() == "已约"
    pdf = page.phone_list_pdf()
    assert pdf.startswith(b"%PDF")
