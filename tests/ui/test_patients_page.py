"""Patients page and dialog, driven like a user would: type, save, search, see the result."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.db.engine import db_path
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.main_window import MainWindow
from app.ui.pages.patients import PatientsPage
from tests.conftest import login_as


def patient_count(data_dir: Path) -> int:
    with sqlite3.connect(db_path(data_dir)) as c:
        return int(c.execute("SELECT count(*) FROM patients").fetchone()[0])


def visible_names(page: PatientsPage) -> list[str]:
    return [page.model.row_at(r).name for r in range(page.model.rowCount())]


def make_page(qtbot: QtBot, services: AppServices, bus: ChangeBus) -> PatientsPage:
    page = PatientsPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page._loaded)
    return page


def test_register_through_the_dialog_and_find_by_pinyin_initials(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path
) -> None:
    page = make_page(qtbot, services, bus)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(QDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.name.setText("欧阳春梅")
    qtbot.keyClicks(dialog.id_number, "34112219580301068x")
    dialog.id_number.editingFinished.emit()
    # derived from the ID number as the user leaves the field
    assert dialog.birth_date.text() == "1958-03-01"
    assert dialog.sex.currentData() == "2"
    assert dialog.id_number.text() == "34112219580301068X"
    qtbot.keyClicks(dialog.phone, "13955001234")
    dialog.village.setText("桃花村")
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    qtbot.keyClick(dialog.village, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert patient_count(data_dir) == 1

    page.search.clear()
    qtbot.keyClicks(page.search, "oycm")
    qtbot.waitUntil(lambda: visible_names(page) == ["欧阳春梅"], timeout=2000)
    row = page.model.row_at(0)
    assert (row.village, row.phone, row.sync_state) == ("桃花村", "13955001234", "pending")
    assert page.model.index(0, 9).data() == "未上传"


def test_a_wrong_id_number_is_named_beside_its_field_and_nothing_is_saved(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path
) -> None:
    page = make_page(qtbot, services, bus)
    dialog = page.new_patient()
    qtbot.addWidget(dialog)
    dialog.name.setText("张三")
    dialog.id_number.setText("110105194912310021")  # check character should be X
    dialog.save()
    assert dialog.isVisible()
    assert "校验位" in dialog.errors.text("id_number")
    assert dialog.findChild(type(dialog.general_error), "error_id_number").isVisible()
    assert patient_count(data_dir) == 0
    # what the user typed is still there to correct
    assert (dialog.name.text(), dialog.id_number.text()) == ("张三", "110105194912310021")
    dialog.id_number.setText("11010519491231002X")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert patient_count(data_dir) == 1


def test_unusual_text_round_trips_through_the_dialog(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    page = make_page(qtbot, services, bus)
    dialog = page.new_patient()
    qtbot.addWidget(dialog)
    dialog.name.setText("王𠀀䶮")
    dialog.sex.setCurrentIndex(dialog.sex.findData("1"))
    dialog.birth_date.setText("1970/1/2")
    notes = "O'Brien\"; DROP TABLE patients;-- 😀 " + "很长" * 900
    dialog.notes.setPlainText(notes)
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = services.patients.get(dialog.saved.id)  # type: ignore[union-attr]
    assert (saved.name, saved.notes) == ("王𠀀䶮", notes)


def test_duplicate_id_number_asks_before_saving_a_second_record(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path, message_boxes: list
) -> None:
    page = make_page(qtbot, services, bus)
    for _ in range(2):
        dialog = page.new_patient()
        qtbot.addWidget(dialog)
        dialog.name.setText("张三")
        dialog.id_number.setText("11010519491231002X")
        dialog.save()
    assert [k for k, _t in message_boxes] == ["question"]
    assert "张三" in message_boxes[0][1]
    assert patient_count(data_dir) == 2


def test_edit_and_void_update_the_list(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, monkeypatch
) -> None:
    from app.domain.patient import PatientInput

    services.patients.create(PatientInput(name="李四", id_number="11010519491231002X"))
    page = make_page(qtbot, services, bus)
    page.table.selectRow(0)
    dialog = page.edit_selected()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.village.setText("黄庄村")
    dialog.save()
    qtbot.waitUntil(lambda: page.model.row_at(0).village == "黄庄村")
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("重复建档", True))
    page.table.selectRow(0)
    page.void_selected()
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert services.patients.search("", include_voided=True)[0].void_reason == "重复建档"


def test_a_nurse_sees_void_disabled_and_the_service_refuses_too(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    from app.domain.patient import PatientInput

    services.patients.create(PatientInput(name="李四", id_number="11010519491231002X"))
    login_as(services, "nurse")
    page = make_page(qtbot, services, bus)
    page.table.selectRow(0)
    assert page.edit_button.isEnabled()
    assert not page.void_button.isEnabled()


def test_keyboard_shortcuts_of_the_main_window(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    window = MainWindow(services, bus)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.page("settings")
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert type(window.stack.currentWidget()).__name__ == "ReferralsPage"
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert type(window.stack.currentWidget()).__name__ == "FollowUpsPage"
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert type(window.stack.currentWidget()).__name__ == "StatisticsPage"
    window.tasks.wait()  # its figures are computed in the background
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    page = window.page("patients")
    assert window.stack.currentWidget() is page
    assert page.search.hasFocus() or window.focusWidget() is page.search
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.findChild(QDialog) is not None
    assert window.user_label.text() == "王主任（管理员）"
    assert window.sync_label.text() == "同步：未配置"
