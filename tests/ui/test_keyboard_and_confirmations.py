"""Keyboard paths a clinic uses all day, and the confirmation after every save: attendance
keys from the moment the sheet opens, Enter/↓ from patient search into the results and Enter
to open, the village filter as you type, the labelled date filter, "已保存：…" in the status
bar with the saved record selected."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from app.domain import clinic_clock
from app.domain.followup import PlanKind
from app.domain.patient import PatientInput
from app.domain.referral import Direction
from app.domain.training import ActivityInput
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.dialogs.patient_dialog import PatientDialog


def focused(window: QWidget) -> QWidget:
    """Where a key typed now would go (the window's focus widget)."""
    w = window.focusWidget()
    assert w is not None
    return w


@pytest.fixture
def main_window(qtbot, services: AppServices, bus: ChangeBus):  # type: ignore[no-untyped-def]
    from app.ui.main_window import MainWindow

    w = MainWindow(services, bus)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.sync.stop()


def test_attendance_keys_work_at_once_and_move_to_the_next_person(
    qtbot, services: AppServices, main_window
) -> None:  # type: ignore[no-untyped-def]
    for name in ("王芳", "李强", "赵敏"):
        services.training.add_staff(name, "内科")
    services.training.plan_activity(
        ActivityInput(
            day=clinic_clock.today(), start=time(14), end=time(16), hours=2, topic="心电图判读"
        )
    )
    page = main_window.show_key("training")
    page.activity_table.selectRow(0)
    page.open_attendance()
    table = page.attendance_table
    assert focused(main_window) is table  # no click needed
    for key in (Qt.Key.Key_1, Qt.Key.Key_3, Qt.Key.Key_4):
        qtbot.keyClick(focused(main_window), key)
    marks = [table.cellWidget(r, 3) for r in range(3)]
    assert [m.currentText() for m in marks if isinstance(m, QComboBox)] == ["出席", "请假", "缺席"]


def test_enter_and_down_from_patient_search_reach_the_results_and_enter_opens(
    qtbot, services: AppServices, main_window
) -> None:  # type: ignore[no-untyped-def]
    services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    services.patients.create(PatientInput(name="张三丰", birth_date=date(1950, 1, 1), sex="1"))
    services.patients.create(PatientInput(name="李四", birth_date=date(1960, 1, 1), sex="2"))
    page = main_window.show_key("patients")
    page.focus_search()
    assert focused(main_window) is page.search
    qtbot.keyClicks(page.search, "zs")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # searches now, goes to the results
    assert focused(main_window) is page.table
    assert page.model.rowCount() == 2
    first = page.model.row_at(0).name
    assert page.selected_id() == page.model.row_at(0).id
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.selected_id() == page.model.row_at(1).id
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # opens the row, as a double-click does
    dialog = page.findChild(PatientDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.name.text() == page.model.row_at(1).name != first
    dialog.reject()
    # ↓ from the search box goes to the results as well
    page.focus_search()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert focused(main_window) is page.table


def test_village_filter_filters_as_you_type(qtbot, services: AppServices, bus: ChangeBus) -> None:  # type: ignore[no-untyped-def]
    from app.ui.pages.followups import FollowUpsPage

    today = clinic_clock.today()
    for name, village in (("张三", "桃花村"), ("李四", "杏花村")):
        pid = services.patients.create(
            PatientInput(name=name, village=village, birth_date=date(1950, 1, 1), sex="1")
        ).id
        services.followups.create_plan(
            pid,
            PlanKind.HYPERTENSION,
            today - timedelta(days=120),
            "李医生",
            today - timedelta(days=9),
        )
    page = FollowUpsPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    assert page.table.rowCount() == 2
    for ch in "杏花":  # typed (Chinese as key events one by one), no Enter
        QApplication.sendEvent(
            page.village, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch)
        )
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    assert page.table.item(0, 0).text() == "李四"


def test_the_date_filter_checkbox_says_what_it_does(
    qtbot, services: AppServices, bus: ChangeBus
) -> None:  # type: ignore[no-untyped-def]
    from app.ui.pages.referrals import ReferralsPage

    page = ReferralsPage(services, bus)
    qtbot.addWidget(page)
    assert page.use_dates.text() == "按日期筛选"


def test_a_new_patient_is_confirmed_shown_and_selected(
    qtbot, services: AppServices, main_window
) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        services.patients.create(PatientInput(name=f"李{i}", birth_date=date(1960, 1, 1), sex="2"))
    page = main_window.show_key("patients")
    page.search.setText("李")  # a search the new patient does not match
    page.run_search()
    dialog = page.new_patient()
    dialog.name.setText("王五")
    dialog.id_number.setText("11010519491231002X")
    dialog._derive_from_id()
    dialog.save()
    assert not dialog.isVisible()
    assert main_window.statusBar().currentMessage() == "已保存：居民 王五"
    assert page.selected_id() == dialog.saved.id  # shown and selected
    # editing keeps the patient selected and confirms again
    main_window.statusBar().clearMessage()
    edit = page.edit_selected()
    edit.phone.setText("13812345678")
    edit.save()
    assert main_window.statusBar().currentMessage() == "已保存：居民 王五"
    assert page.selected_id() == dialog.saved.id


def test_a_saved_referral_is_confirmed_and_selected(
    qtbot, services: AppServices, main_window
) -> None:  # type: ignore[no-untyped-def]
    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    page = main_window.show_key("referrals")
    dialog = page.new_referral(Direction.DOWN, services.patients.get(p.id))
    dialog.referring_doctor.setText("张主任")
    dialog.indication_boxes[next(iter(dialog.indication_boxes))].setChecked(True)
    dialog.diagnosis.setText("脑梗死恢复期")
    dialog.exam_results.setPlainText("头颅MRI：左侧基底节区梗死")
    dialog.treatment_plan.setPlainText("阿司匹林；康复训练")
    dialog.save()
    assert dialog.saved is not None
    assert main_window.statusBar().currentMessage() == f"已保存：回转单 {dialog.saved.number}"
    assert page.selected() is not None and page.selected().id == dialog.saved.id


def test_an_error_message_goes_when_the_field_is_fixed(qtbot, services: AppServices) -> None:  # type: ignore[no-untyped-def]
    d = PatientDialog(services)
    qtbot.addWidget(d)
    d.save()
    assert "姓名" in d.errors.text("name")
    d.name.setText("王五")
    assert d.errors.text("name") == ""
    assert QApplication.instance() is not None
