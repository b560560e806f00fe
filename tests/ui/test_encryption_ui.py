"""设置 → 数据加密: an administrator turns encryption on, keeps the recovery key, and the next
start's login window opens the encrypted data with a password."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.config import Settings
from app.db import sqlconn
from app.db.paths import db_path
from app.domain.patient import PatientInput
from app.services import encryption
from app.services.bundle import AppServices
from app.ui.application import Workstation
from app.ui.change_bus import ChangeBus
from app.ui.dialogs.login_dialog import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.pages.settings import SettingsPage
from tests.conftest import ADMIN_PASSWORD, login_as


@pytest.fixture(autouse=True)
def forget_key() -> Iterator[None]:
    yield
    encryption.lock()


def test_turn_on_in_settings_then_log_in_again(
    qtbot: QtBot,
    services: AppServices,
    bus: ChangeBus,
    message_boxes: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services.patients.create(PatientInput(name="加密前", sex="1", birth_date=date(1950, 2, 2)))
    data_dir = services.data_dir
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda *a: quits.append(True))
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    box = page.encryption_box
    assert "未加密" in box.status.text() and box.turn_on.isEnabled()
    qtbot.mouseClick(box.turn_on, Qt.MouseButton.LeftButton)
    assert box.dialog is not None and box.dialog.isVisible()
    box.dialog.password.setText(ADMIN_PASSWORD)
    ok = box.dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.recovery_dialog is not None, timeout=60_000)
    shown = box.recovery_dialog
    assert shown is not None
    # Until ClinicLink closes, the open services work on the encrypted file.
    assert services.ctx.engine.dialect.driver == "pysqlcipher"
    assert [p.name for p in services.patients.search("加密前")] == ["加密前"]
    key = shown.key.text()  # type: ignore[attr-defined]
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}", key)
    shown.copy()  # type: ignore[attr-defined]
    assert QApplication.clipboard().text() == key
    assert not shown.ok.isEnabled()  # type: ignore[attr-defined]
    shown.kept.setChecked(True)  # type: ignore[attr-defined]
    qtbot.mouseClick(shown.ok, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert quits, "ClinicLink closes after encrypting"
    assert any("重新启动并登录" in text for _k, text in message_boxes)
    assert sqlconn.is_encrypted_file(db_path(data_dir))

    # The next start: nothing can be read until a password opens the data.
    encryption.lock()
    assert encryption.needs_key(data_dir)
    ws = Workstation(QApplication.instance(), None, Settings(), data_dir, interactive=False)  # type: ignore[arg-type]
    ws.needs_key = True
    login = ws.start(encryption.clinic_name(data_dir))
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    assert login.findChild(type(login.message), "clinicName").text() == "桃花镇卫生院"
    assert login.login_button.isEnabled() and "已加密" in login.status.text()
    login.username.setText("admin")
    login.password.setText("wrong-password")
    qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: login.message.text() == "用户名或密码错误", timeout=30_000)
    assert ws.services is None and encryption.needs_key(data_dir)
    login.password.setText(ADMIN_PASSWORD)
    qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(ws.window, MainWindow), timeout=60_000)
    window = ws.window
    qtbot.addWidget(window)
    assert ws.services is not None
    assert [p.name for p in ws.services.patients.search("加密前")] == ["加密前"]
    conn = sqlconn.connect(db_path(data_dir), readonly=True)
    actions = [r[0] for r in conn.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 2")]
    conn.close()
    assert actions == ["login", "login_failed"]  # the refused try counted once open
    # 设置 now says it is encrypted and offers nothing to turn on.
    again = SettingsPage(ws.services, ws.bus)  # type: ignore[arg-type]
    qtbot.addWidget(again)
    assert "已加密" in again.encryption_box.status.text()
    assert not again.encryption_box.turn_on.isVisibleTo(again)
    window.sync.stop()  # type: ignore[union-attr]
    window.tasks.wait(30_000)  # type: ignore[union-attr]
    ws.tasks.wait(30_000)
    ws.services.ctx.dispose()


def test_a_doctor_cannot_turn_it_on(qtbot: QtBot, services: AppServices, bus: ChangeBus) -> None:
    login_as(services, "doctor")
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    assert not page.encryption_box.turn_on.isEnabled()


def test_smoke_on_an_encrypted_database_reaches_the_login_window(services: AppServices) -> None:
    from tests.ui.test_application import run_app

    data_dir = services.data_dir
    services.ctx.dispose()
    encryption.enable(data_dir, "admin", ADMIN_PASSWORD)
    result = run_app("--data-dir", str(data_dir), "--smoke")
    assert result.returncode == 0, result.stderr
    assert "smoke ok: LoginDialog (ClinicLink — 登录)" in result.stdout


def test_the_recovery_key_window_stays_until_the_key_is_kept(qtbot: QtBot) -> None:
    from app.ui.dialogs.recovery_key_dialog import RecoveryKeyDialog

    dialog = RecoveryKeyDialog("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567")
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    dialog.kept.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
