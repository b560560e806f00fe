"""Start-up as a user meets it: first-run setup, login, main window; smoke; damaged database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config import Settings
from app.db.engine import db_path
from app.db.migrate import open_database
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from app.ui.application import Workstation
from app.ui.dialogs.login_dialog import LoginDialog
from app.ui.dialogs.setup_dialog import SetupDialog
from app.ui.main_window import MainWindow
from tests.conftest import fast_hasher

ROOT = Path(__file__).resolve().parents[2]


def run_app(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=e,
    )


def test_first_run_setup_then_login_then_main_window(qtbot: QtBot, tmp_path: Path) -> None:
    open_database(tmp_path)
    services = AppServices.create(
        ServiceContext.open(tmp_path, password_hasher=fast_hasher()), tmp_path
    )
    ws = Workstation(QApplication.instance(), services, Settings(), tmp_path)  # type: ignore[arg-type]
    setup = ws.start()
    assert isinstance(setup, SetupDialog)
    qtbot.addWidget(setup)
    setup.clinic_name.setText("桃花镇卫生院")
    setup.clinic_code.setText("th01")
    setup.county_hospital.setText("来安县人民医院")
    setup.admin_name.setText("王主任")
    setup.password.setText("secret-1")
    setup.password2.setText("secret-2")
    setup.submit()
    assert "不一致" in setup.errors.text("password2")
    assert services.users.needs_setup()
    setup.password2.setText("secret-1")
    setup.submit()
    login = ws.window
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    assert login.findChild(type(login.message), "clinicName").text() == "桃花镇卫生院"
    login.username.setText("admin")
    login.password.setText("nope")
    login.submit()
    assert login.message.text() == "用户名或密码错误"
    with sqlite3.connect(db_path(tmp_path)) as c:
        assert c.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() == (
            "login_failed",
        )
    login.password.setText("secret-1")
    login.submit()
    window = ws.window
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.clinic_label.text() == "桃花镇卫生院"
    assert "王主任" in window.user_label.text()
    assert services.users.clinic().code == "TH01"  # type: ignore[union-attr]
    services.ctx.dispose()


def test_smoke_starts_to_the_setup_window_and_exits_0(tmp_path: Path) -> None:
    result = run_app("--data-dir", str(tmp_path), "--smoke")
    assert result.returncode == 0, result.stderr
    assert "smoke ok: SetupDialog (ClinicLink — 首次设置)" in result.stdout


def test_demo_first_run_prints_accounts_and_lang_en_switches(tmp_path: Path) -> None:
    result = run_app("--data-dir", str(tmp_path), "--demo", "--smoke")
    assert result.returncode == 0, result.stderr
    assert "admin / admin123（管理员）" in result.stdout
    assert "smoke ok: LoginDialog (ClinicLink — 登录)" in result.stdout
    english = run_app("--data-dir", str(tmp_path), "--lang", "en", "--smoke")
    assert "smoke ok: LoginDialog (ClinicLink — log in)" in english.stdout
    assert Settings.load(tmp_path).language == "en"
    # a second --demo does not seed again
    again = run_app("--data-dir", str(tmp_path), "--demo", "--smoke", "--lang", "zh_CN")
    assert "演示账号" not in again.stdout
    assert "登录" in again.stdout


def test_a_damaged_database_is_reported_in_chinese_and_left_alone(tmp_path: Path) -> None:
    open_database(tmp_path)
    path = db_path(tmp_path)
    data = bytearray(path.read_bytes())
    for i in range(4096 + 100, min(len(data), 4096 * 4)):
        data[i] = 0x5A
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    result = run_app("--data-dir", str(tmp_path), "--smoke")
    assert result.returncode == 4  # DATABASE
    assert "检查未通过" in result.stderr and "backups" in result.stderr
    assert path.read_bytes() == before


def test_a_zero_byte_database_is_refused_not_set_up_again(tmp_path: Path) -> None:
    db_path(tmp_path).write_bytes(b"")
    result = run_app("--data-dir", str(tmp_path), "--smoke")
    assert result.returncode == 4
    assert "0 字节" in result.stderr and "smoke ok" not in result.stdout
    assert db_path(tmp_path).stat().st_size == 0  # no schema written over it


def test_a_database_that_lost_its_wal_is_refused_at_start(tmp_path: Path) -> None:
    open_database(tmp_path)
    path = db_path(tmp_path)
    from app.db import guard

    guard.write_mark(path, 50)  # 50 writes were committed; the file now holds none of them
    before = path.read_bytes()
    result = run_app("--data-dir", str(tmp_path), "--smoke")
    assert result.returncode == 4
    assert "-wal" in result.stderr and "少了已保存的记录" in result.stderr
    assert path.read_bytes() == before


def test_the_first_start_of_the_day_takes_one_backup(tmp_path: Path) -> None:
    from app.db.backup import list_backups

    first = run_app("--data-dir", str(tmp_path), "--demo", "--smoke")
    assert first.returncode == 0, first.stderr
    assert list_backups(tmp_path / "backups") == []  # nothing to back up before setup
    for _ in range(2):
        again = run_app("--data-dir", str(tmp_path), "--smoke")
        assert again.returncode == 0, again.stderr
    (daily,) = list_backups(tmp_path / "backups")
    assert daily.label == "daily" and daily.counts["patients"] > 0


def test_database_busy_is_a_message_not_the_crash_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    """A save that met a held write lock: the user reads "数据库正忙，请稍后重试" in a warning and
    can save again; no crash log, no "意外错误"."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from app.domain.errors import DatabaseBusy
    from app.ui.application import install_crash_handler

    seen: list[tuple[str, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.icon().name, box.text()))
        box.close()

    saved = sys.excepthook
    try:
        install_crash_handler(tmp_path, interactive=True)
        QTimer.singleShot(0, read_and_close)
        sys.excepthook(DatabaseBusy, DatabaseBusy(), None)
    finally:
        sys.excepthook = saved
    assert seen and seen[0][0] == "Warning"
    assert "数据库正忙，请稍后重试" in seen[0][1] and "意外错误" not in seen[0][1]
    assert not (tmp_path / "logs").exists()
