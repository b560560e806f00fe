"""Nothing typed is lost silently: Esc on a changed form asks 保存 / 不保存 / 取消, a draft
outlives a killed process and is offered back, and a required field left empty is brought
into view and focused."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QScrollArea

from app.domain import clinic_clock
from app.domain.followup import PlanKind
from app.domain.patient import PatientInput
from app.domain.referral import Direction
from app.services.bundle import AppServices
from app.ui.dialogs.patient_dialog import PatientDialog
from app.ui.dialogs.referral_dialog import ReferralDialog
from app.ui.dialogs.visit_dialog import VisitDialog
from app.ui.widgets import form_dialog, screen_fit
from tests.conftest import ADMIN_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
REAL_ASK_UNSAVED = form_dialog.ask_unsaved  # before the autouse fixture replaces it


@pytest.fixture
def patient(services: AppServices) -> str:
    return services.patients.create(
        PatientInput(name="张三", id_number="11010519491231002X", village="桃花村")
    ).id


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> list:  # type: ignore[type-arg]
    """Answer the 保存 / 不保存 / 取消 box with the button named in ``answer[0]``."""
    chosen: list = [QMessageBox.StandardButton.Cancel]
    asked: list[str] = []

    def ask(parent, what):  # type: ignore[no-untyped-def]
        asked.append(what)
        return chosen[0]

    monkeypatch.setattr(form_dialog, "ask_unsaved", ask)
    chosen.append(asked)
    return chosen


def test_esc_on_a_clean_form_closes_without_asking(qtbot, services, answer) -> None:  # type: ignore[no-untyped-def]
    d = PatientDialog(services)
    qtbot.addWidget(d)
    d.show()
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()
    assert answer[1] == []


def test_esc_on_a_changed_patient_form_asks_and_cancel_keeps_it(qtbot, services, answer) -> None:  # type: ignore[no-untyped-def]
    d = PatientDialog(services)
    qtbot.addWidget(d)
    d.show()
    d.name.setText("李四")
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert answer[1] == ["新建的居民档案"]
    assert d.isVisible() and d.name.text() == "李四"  # 取消: still there, nothing lost
    answer[0] = QMessageBox.StandardButton.Discard
    d.close()  # the window's close button asks as well
    assert len(answer[1]) == 2
    assert not d.isVisible()
    assert services.patients.search("李四") == []


def test_save_from_the_question_saves_the_patient(qtbot, services, answer) -> None:  # type: ignore[no-untyped-def]
    d = PatientDialog(services)
    qtbot.addWidget(d)
    d.show()
    d.name.setText("李四")
    d.id_number.setText("11010519491231002X")
    d._derive_from_id()
    answer[0] = QMessageBox.StandardButton.Save
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()
    assert [p.name for p in services.patients.search("李四")] == ["李四"]


def test_the_real_question_has_save_dont_save_cancel(qtbot, services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(form_dialog, "ask_unsaved", REAL_ASK_UNSAVED)
    d = PatientDialog(services)
    qtbot.addWidget(d)
    d.show()
    d.name.setText("李四")
    seen: list[str] = []

    def click_dont_save() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.extend(b.text() for b in box.buttons())
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Discard).click()

    QTimer.singleShot(0, click_dont_save)
    d.reject()
    assert {"保存", "不保存", "取消"} <= set(seen)
    assert any("未保存的修改" in t for t in seen)
    assert not d.isVisible()


def test_esc_on_a_changed_referral_slip_asks(qtbot, services, patient, answer) -> None:  # type: ignore[no-untyped-def]
    d = ReferralDialog(services, Direction.UP, patient=services.patients.get(patient))
    qtbot.addWidget(d)
    d.show()
    qtbot.keyClick(d, Qt.Key.Key_Escape)  # nothing typed yet: closes
    assert not d.isVisible() and answer[1] == []
    d = ReferralDialog(services, Direction.UP, patient=services.patients.get(patient))
    qtbot.addWidget(d)
    d.show()
    d.impression.setText("高血压3级")
    qtbot.keyClick(d.impression, Qt.Key.Key_Escape)
    assert answer[1] == ["转出单"]
    assert d.isVisible()


def test_esc_on_a_changed_visit_asks(qtbot, services, patient, answer) -> None:  # type: ignore[no-untyped-def]
    plan = services.followups.create_plan(
        patient, PlanKind.HYPERTENSION, clinic_clock.today(), "李医生"
    )
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    d.show()
    d.sbp.setValue(150)
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert answer[1] == ["张三的随访记录"]
    assert d.isVisible()


def test_a_draft_outlives_a_killed_process_and_is_offered_back(
    qtbot, services: AppServices, data_dir: Path, message_boxes
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.draft_child", str(data_dir), ADMIN_PASSWORD],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "DRAFT"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        child.stdout.close()  # type: ignore[union-attr]
    assert child.returncode == -signal.SIGKILL
    d = ReferralDialog(services, Direction.UP)  # the same form opened after the restart
    qtbot.addWidget(d)
    assert [k for k, _t in message_boxes] == ["question"]
    assert "转出单" in message_boxes[0][1]
    assert d.impression.text() == "高血压3级（极高危）"
    assert d.present_illness.toPlainText() == "反复胸闷2年，加重伴胸痛3小时"
    assert d.referring_phone.text() == "0550-5012345"
    # once saved, the draft is gone: the next slip starts empty and asks nothing
    d.discard_draft()
    d.accept()
    again = ReferralDialog(services, Direction.UP)
    qtbot.addWidget(again)
    assert again.impression.text() == "" and len(message_boxes) == 1


def test_a_draft_declined_is_removed(qtbot, services: AppServices, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    d = ReferralDialog(services, Direction.DOWN)
    qtbot.addWidget(d)
    d.diagnosis.setText("脑梗死恢复期")
    d.keep_draft()
    assert d.kept_draft() is not None
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    again = ReferralDialog(services, Direction.DOWN)
    qtbot.addWidget(again)
    assert again.diagnosis.text() == ""
    assert again.kept_draft() is None


def test_draft_is_written_after_typing_stops(qtbot, services: AppServices) -> None:
    d = ReferralDialog(services, Direction.DOWN)
    qtbot.addWidget(d)
    d.show()
    d.diagnosis.setText("脑梗死恢复期")
    qtbot.waitUntil(lambda: d.kept_draft() is not None, timeout=5000)
    draft = d.kept_draft()
    assert draft is not None and "脑梗死恢复期" in draft.values.values()
    d.diagnosis.clear()  # back to as opened: nothing to keep
    qtbot.waitUntil(lambda: d.kept_draft() is None, timeout=5000)


def test_empty_required_field_is_scrolled_into_view_and_focused(
    qtbot, services, patient, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    free = QRect(0, 0, 1024, 728)
    monkeypatch.setattr(screen_fit, "available_rect", lambda widget=None: free)
    d = ReferralDialog(services, Direction.UP, patient=services.patients.get(patient))
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.department.setCurrentText("心血管内科")
    d.indication_boxes["需上级机构进一步检查以明确诊断"].setChecked(True)
    d.impression.setText("高血压3级")
    d.present_illness.setPlainText("胸闷")
    d.past_history.setPlainText("高血压10年")
    d.treatment.setPlainText("硝酸甘油")
    scroll = d.findChild(QScrollArea)
    scroll.verticalScrollBar().setValue(0)
    d.save(submit=True)  # what Ctrl+S does
    assert d.focusWidget() is d.referring_phone
    assert services.referrals.count() == 0
    assert "联系电话" in d.errors.text("referring_phone")
    viewport = scroll.viewport()
    top_left = d.referring_phone.mapTo(viewport, d.referring_phone.rect().topLeft())
    assert viewport.rect().contains(QRect(top_left, d.referring_phone.size()))
    # the message goes once the field is filled in
    d.referring_phone.setText("0550-5012345")
    assert d.errors.text("referring_phone") == ""


def test_the_next_start_reopens_the_half_filled_forms(
    qtbot, services: AppServices, bus, patient: str, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    from app.ui.main_window import MainWindow

    plan = services.followups.create_plan(
        patient, PlanKind.HYPERTENSION, clinic_clock.today(), "李医生"
    )
    slip = ReferralDialog(services, Direction.UP)
    visit = VisitDialog(services, plan.id)
    for d in (slip, visit):
        qtbot.addWidget(d)
    slip.impression.setText("高血压3级（极高危）")
    visit.sbp.setValue(168)
    slip.keep_draft()
    visit.keep_draft()  # then the power goes: neither form was closed
    window = MainWindow(services, bus)
    qtbot.addWidget(window)
    opened = window.reopen_drafts()
    assert sorted(type(d).__name__ for d in opened) == ["ReferralDialog", "VisitDialog"]
    assert all(d.isVisible() for d in opened)
    reopened_slip = next(d for d in opened if isinstance(d, ReferralDialog))
    reopened_visit = next(d for d in opened if isinstance(d, VisitDialog))
    assert reopened_slip.impression.text() == "高血压3级（极高危）"
    assert reopened_visit.sbp.value() == 168
    window.sync.stop()
