"""A PC shared by several people, driven as they would: log out with Ctrl+L, the idle lock,
the lock-out message, a forced password change after an admin's reset, clinic details."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from app.config import Settings
from app.db.engine import db_path
from app.services.bundle import AppServices
from app.services.users import LOCK_AFTER
from app.ui.application import Workstation
from app.ui.change_bus import ChangeBus
from app.ui.dialogs.login_dialog import LoginDialog
from app.ui.dialogs.password_dialog import ChangePasswordDialog
from app.ui.main_window import MainWindow
from app.ui.pages.settings import SettingsPage
from tests.conftest import ADMIN_PASSWORD, STAFF_PASSWORD


def logged_in(qtbot: QtBot, services: AppServices, data_dir: Path, who: str) -> Workstation:
    app = QApplication.instance()
    ws = Workstation(app, services, Settings.load(data_dir), data_dir)  # type: ignore[arg-type]
    services.users.logout()
    login = ws.start()
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    login.username.setText(who)
    login.password.setText(ADMIN_PASSWORD if who == "admin" else STAFF_PASSWORD)
    login.submit()
    assert isinstance(ws.window, MainWindow)
    qtbot.addWidget(ws.window)
    return ws


def audit_tail(data_dir: Path, n: int) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path(data_dir)) as c:
        rows = c.execute(
            "SELECT action, username FROM audit_log ORDER BY id DESC LIMIT ?", (n,)
        ).fetchall()
    return rows[::-1]


def visible_text(widget: QWidget) -> str:
    from PySide6.QtWidgets import QLabel

    return " ".join(
        label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)
    )


def test_ctrl_l_logs_out_and_the_next_user_logs_in(
    qtbot: QtBot, services: AppServices, data_dir: Path
) -> None:
    ws = logged_in(qtbot, services, data_dir, "doctor")
    window = ws.window
    assert isinstance(window, MainWindow)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    login = ws.window
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    assert not window.isVisible()
    assert services.ctx.actor is None
    assert audit_tail(data_dir, 1) == [("logout", "doctor")]
    assert login.username.text() == ""  # the next person types their own name
    login.username.setText("nurse")
    login.password.setText(STAFF_PASSWORD)
    login.submit()
    second = ws.window
    assert isinstance(second, MainWindow) and second is not window
    qtbot.addWidget(second)
    assert "赵护士" in second.user_label.text()


def test_idle_lock_hides_patients_and_the_same_user_goes_on(
    qtbot: QtBot, services: AppServices, data_dir: Path
) -> None:
    ws = logged_in(qtbot, services, data_dir, "doctor")
    window = ws.window
    assert isinstance(window, MainWindow)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    # A form left open with a patient on it.
    form = QDialog(window)
    form.setWindowTitle("患者 — 刘波波")
    form.show()
    window.idle.timeout_ms = 200
    window.idle._timer.setInterval(50)
    window.idle.start()
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    assert not window.stack.isVisible()
    assert not form.isVisible()
    assert "李医生" in visible_text(window.lock_screen)
    # Shortcuts do nothing behind the lock (Ctrl+N would open a new patient form).
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert [d for d in window.findChildren(QDialog) if d.isVisible()] == []
    qtbot.keyClicks(window.lock_screen.password, "wrong-one")
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    assert window.locked
    assert window.lock_screen.message.text() == "密码错误"
    window.lock_screen.password.clear()
    qtbot.keyClicks(window.lock_screen.password, STAFF_PASSWORD)
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    assert not window.locked
    assert window.stack.isVisible()
    assert form.isVisible()  # the open form is back, as it was
    assert ws.window is window


def test_someone_else_at_the_lock_screen_logs_the_first_user_out(
    qtbot: QtBot, services: AppServices, data_dir: Path
) -> None:
    ws = logged_in(qtbot, services, data_dir, "doctor")
    window = ws.window
    assert isinstance(window, MainWindow)
    window.show()
    window.lock()
    assert window.locked
    qtbot.mouseClick(window.lock_screen.switch_button, Qt.MouseButton.LeftButton)
    assert isinstance(ws.window, LoginDialog)
    qtbot.addWidget(ws.window)
    assert services.ctx.actor is None
    assert not window.isVisible()
    assert ("logout", "doctor") in audit_tail(data_dir, 2)


def test_the_login_window_says_the_account_is_locked(
    qtbot: QtBot, services: AppServices, data_dir: Path
) -> None:
    app = QApplication.instance()
    ws = Workstation(app, services, Settings(), data_dir)  # type: ignore[arg-type]
    services.users.logout()
    login = ws.start()
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    login.username.setText("nurse")
    for _ in range(LOCK_AFTER):
        login.password.setText("not-the-password")
        login.submit()
    assert "锁定" in login.message.text() and "15" in login.message.text()
    login.password.setText(STAFF_PASSWORD)
    login.submit()
    assert isinstance(ws.window, LoginDialog)  # still locked, right password or not
    assert "锁定" in login.message.text()


def test_a_reset_password_must_be_changed_at_login(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path, message_boxes: list
) -> None:
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    row = next(
        r
        for r in range(page.users_table.rowCount())
        if page.users_table.item(r, 0).text() == "nurse"  # type: ignore[union-attr]
    )
    page.users_table.selectRow(row)
    page.reset_button.click()
    kind, text = message_boxes[-1]
    temp = text.split("：", 1)[1].split()[0]
    assert len(temp) == 8
    assert "下次登录" in text
    assert "须修改密码" in page.users_table.item(row, 3).text()  # type: ignore[union-attr]

    app = QApplication.instance()
    ws = Workstation(app, services, Settings(), data_dir)  # type: ignore[arg-type]
    services.users.logout()
    login = ws.start()
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    login.username.setText("nurse")
    login.password.setText(temp)
    login.submit()
    dialog = login.password_dialog
    assert isinstance(dialog, ChangePasswordDialog) and dialog.isVisible()
    assert isinstance(ws.window, LoginDialog)  # not in yet
    dialog.new.setText("nurse-own-1")
    dialog.repeat.setText("nurse-own-2")
    dialog.submit()
    assert "不一致" in dialog.errors.text("repeat_password")
    dialog.repeat.setText("nurse-own-1")
    dialog.submit()
    assert isinstance(ws.window, MainWindow)
    qtbot.addWidget(ws.window)
    services.users.login("nurse", "nurse-own-1")
    assert not services.users.must_change_password


def test_change_my_password_from_the_account_menu(
    qtbot: QtBot, services: AppServices, data_dir: Path
) -> None:
    ws = logged_in(qtbot, services, data_dir, "doctor")
    window = ws.window
    assert isinstance(window, MainWindow)
    window.password_action.trigger()
    dialog = window.findChild(ChangePasswordDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.current.setText("wrong-current")
    dialog.new.setText("doctor-new-1")
    dialog.repeat.setText("doctor-new-1")
    dialog.submit()
    assert dialog.errors.text("current_password") == "当前密码不正确"
    dialog.current.setText(STAFF_PASSWORD)
    dialog.submit()
    assert not dialog.isVisible()
    assert window.statusBar().currentMessage() == "密码已修改"
    services.users.login("doctor", "doctor-new-1")


def test_admin_corrects_the_clinic_name_and_a_doctor_cannot(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path
) -> None:
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    box = page.clinic_details
    assert box.code.text() == "TH001"
    box.name.setText("")
    box.save_button.click()
    assert box.errors.text("clinic_name") == "机构名称不能为空"
    assert services.users.clinic().name == "桃花镇卫生院"  # type: ignore[union-attr]
    box.name.setText("桃花镇中心卫生院")
    box.idle_minutes.setValue(5)
    box.save_button.click()
    assert services.users.clinic().name == "桃花镇中心卫生院"  # type: ignore[union-attr]
    assert Settings.load(data_dir).idle_lock_minutes == 5
    services.users.login("doctor", STAFF_PASSWORD)
    doctor_page = SettingsPage(services, bus)
    qtbot.addWidget(doctor_page)
    assert not doctor_page.clinic_details.name.isEnabled()
    assert not doctor_page.clinic_details.save_button.isEnabled()


def test_the_language_is_chosen_in_settings_and_applies_at_the_next_start(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path
) -> None:
    import os
    import subprocess
    import sys

    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    box = page.clinic_details
    assert box.language.currentData() == "zh_CN"
    box.language.setCurrentIndex(box.language.findData("en"))
    box.save_button.click()
    assert "重新启动程序后生效" in box.message.text()
    assert Settings.load(data_dir).language == "en"
    services.ctx.dispose()
    root = Path(__file__).resolve().parents[2]
    started = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "--smoke"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert started.returncode == 0, started.stderr
    assert "smoke ok: LoginDialog (ClinicLink — log in)" in started.stdout
