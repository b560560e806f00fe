"""The visit form's emergency checks, driven as a doctor does: every item of the 规范's list
its own checkbox, the illness the centre cannot handle as text, and an emergency opening a 紧急
upward referral with indication 1 ticked and the findings in 主要现病史."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QDialog, QGroupBox, QLineEdit

from app.domain import clinic_clock
from app.domain.followup import DM_EMERGENCY_LIST, HTN_EMERGENCY_LIST, PlanKind
from app.domain.patient import PatientInput
from app.domain.referral import UP_INDICATIONS
from app.services.bundle import AppServices
from app.ui.dialogs.visit_dialog import VisitDialog


@pytest.fixture
def patient(services: AppServices) -> str:
    return services.patients.create(
        PatientInput(name="张三", id_number="11010519491231002X", village="桃花村")
    ).id


def _type(widget: QLineEdit, text: str) -> None:
    """Chinese typed one key event per character (qtbot.keyClicks cannot send it)."""
    widget.setFocus()
    for ch in text:
        for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
            widget.event(QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def _click(qtbot, box: QCheckBox) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def _dialog(qtbot, services: AppServices, patient: str, kind: PlanKind) -> VisitDialog:  # type: ignore[no-untyped-def]
    plan = services.followups.create_plan(patient, kind, clinic_clock.today() - timedelta(days=30))
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    d.show()
    d.symptom_boxes["无症状"].setChecked(True)
    d.sbp.setValue(128)
    d.dbp.setValue(78)
    if kind is PlanKind.DIABETES:
        d.fasting_glucose.setValue(6.2)
    return d


@pytest.mark.parametrize(
    ("kind", "items"),
    [(PlanKind.HYPERTENSION, HTN_EMERGENCY_LIST), (PlanKind.DIABETES, DM_EMERGENCY_LIST)],
)
def test_every_item_of_the_list_is_its_own_checkbox(
    qtbot, services: AppServices, patient: str, kind: PlanKind, items: list[str]
) -> None:
    """规范：“……等危急情况之一，或存在不能处理的其他疾病时，须在处理后紧急转诊。” Each item,
    clicked alone, flags the visit at once and names itself."""
    d = _dialog(qtbot, services, patient, kind)
    box = d.findChild(QGroupBox, "emergencyChecks")
    shown = [cb.text() for cb in box.findChildren(QCheckBox) if cb is not d.pregnant]
    assert shown == items
    assert box.isAncestorOf(d.other_illness)
    for item in items:
        cb = d.emergency_boxes[item]
        _click(qtbot, cb)
        assert cb.isChecked() and item in d.emergency_label.text()
        _click(qtbot, cb)
        assert d.emergency_label.text() == ""


def test_an_emergency_opens_an_urgent_referral_with_indication_1_and_the_findings(
    qtbot, services: AppServices, patient: str, message_boxes, monkeypatch
) -> None:
    """规范：“……须在处理后紧急转诊”。 The slip the prompt opens is 紧急, 上转指征 1 (临床各科急危
    重症，难以实施有效救治) ticked, and 主要现病史 holds what triggered it."""
    d = _dialog(qtbot, services, patient, PlanKind.DIABETES)
    opened: list[QDialog] = []
    real = d.make_referral_dialog

    def capture(summary: str, urgent: bool = False):  # type: ignore[no-untyped-def]
        dlg = real(summary, urgent)
        opened.append(dlg)
        monkeypatch.setattr(dlg, "exec", lambda: 0)
        return dlg

    monkeypatch.setattr(d, "make_referral_dialog", capture)
    _click(qtbot, d.emergency_boxes["呼气有烂苹果样丙酮味"])
    _click(qtbot, d.emergency_boxes["有深大呼吸"])
    _type(d.other_illness, "急性阑尾炎")
    assert "存在不能处理的其他疾病：急性阑尾炎" in d.emergency_label.text()
    with qtbot.waitActive(d):
        d.activateWindow()
    qtbot.keyClick(d.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert d.saved is not None and d.saved.emergency
    assert message_boxes[0][0] == "question"
    ref = opened[0]
    assert ref.urgency.currentText() == "紧急"
    ticked = [t for t, cb in ref.indication_boxes.items() if cb.isChecked()]
    assert ticked == [UP_INDICATIONS[0]]
    illness = ref.present_illness.toPlainText()
    for finding in ("呼气有烂苹果样丙酮味", "有深大呼吸", "急性阑尾炎", "空腹血糖 6.2"):
        assert finding in illness
    assert ref.impression.text() == "2型糖尿病"


def test_a_referral_advised_without_emergency_stays_ordinary(
    qtbot, services: AppServices, patient: str, message_boxes, monkeypatch
) -> None:
    """规范：“对……药物不良反应难以控制……的患者，建议其转诊到上级医院” — advised, not an
    emergency: the slip stays 普通 and no indication is ticked for the doctor."""
    d = _dialog(qtbot, services, patient, PlanKind.HYPERTENSION)
    opened: list[QDialog] = []
    real = d.make_referral_dialog

    def capture(summary: str, urgent: bool = False):  # type: ignore[no-untyped-def]
        dlg = real(summary, urgent)
        opened.append(dlg)
        monkeypatch.setattr(dlg, "exec", lambda: 0)
        return dlg

    monkeypatch.setattr(d, "make_referral_dialog", capture)
    _type(d.adverse, "干咳")
    _click(qtbot, d.adverse_uncontrolled)
    assert d.suggested.text().endswith("不良反应")
    d.save()
    assert d.saved is not None and not d.saved.emergency and d.saved.referral_advised
    assert "药物不良反应难以控制" in message_boxes[0][1]
    ref = opened[0]
    assert ref.urgency.currentText() == "普通"
    assert not any(cb.isChecked() for cb in ref.indication_boxes.values())
    assert "药物不良反应难以控制" in ref.present_illness.toPlainText()
