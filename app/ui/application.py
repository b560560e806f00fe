"""Start the workstation: translators, database checks, first-run setup or login, main window."""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMessageBox, QWidget

from app.config import Settings
from app.resources import resource_path

log = logging.getLogger(__name__)
APP_TRANSLATION = "cliniclink_zh_CN.qm"


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """zh_CN: our translation plus Qt's own (standard buttons, dialogs). en: source strings."""
    if language != "zh_CN":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return []
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed = []
    ours = QTranslator(app)
    if ours.load(str(resource_path("translations", APP_TRANSLATION))):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        log.warning("translation %s not found", APP_TRANSLATION)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator(app)
    if qtbase.load("qtbase_zh_CN", qt_dir):
        app.installTranslator(qtbase)
        installed.append(qtbase)
    return installed


def install_crash_handler(data_dir: Path, interactive: bool) -> None:
    """Unexpected errors (bugs) are logged with their traceback and the user told where."""

    def handle(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        logs = data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        path = logs / f"crash-{datetime.now():%Y%m%d-%H%M%S}.log"
        text = "".join(traceback.format_exception(kind, exc, tb))
        path.write_text(text, encoding="utf-8")
        log.error("unexpected error, details in %s\n%s", path, text)
        message = (
            "程序遇到了意外错误，刚才的操作可能没有完成。已保存的记录不受影响。\n"
            f"错误详情已写入：{path}\n请把这个文件交给技术支持。"
        )
        print(message, file=sys.stderr)
        if interactive and QApplication.instance() is not None:
            QMessageBox.critical(None, "ClinicLink", message)

    sys.excepthook = handle


def _report_shown() -> None:
    # Benchmarks set this to time process start -> first window.
    if os.environ.get("CLINICLINK_BENCH_SHOWN"):
        print(f"shown {time.time():.6f}", flush=True)


class Workstation(QObject):
    """Drives setup → login → main window with non-blocking dialogs (tests can answer them)."""

    def __init__(self, app: QApplication, services, settings: Settings, data_dir: Path):  # type: ignore[no-untyped-def]
        super().__init__()
        from app.ui.change_bus import ChangeBus

        self.app = app
        self.services = services
        self.settings = settings
        self.data_dir = data_dir
        self.bus = ChangeBus(services.ctx, self)
        self.window: QWidget | None = None
        self.main_window: QMainWindow | None = None

    def start(self) -> QWidget:
        if self.services.users.needs_setup():
            return self.show_setup()
        return self.show_login()

    def show_setup(self) -> QWidget:
        from app.ui.dialogs.setup_dialog import SetupDialog

        dialog = SetupDialog(self.services)
        dialog.accepted.connect(self.show_login)
        dialog.rejected.connect(self.app.quit)
        return self._show(dialog)

    def show_login(self) -> QWidget:
        from app.ui.dialogs.login_dialog import LoginDialog

        clinic = self.services.users.clinic()
        dialog = LoginDialog(
            self.services, clinic.name if clinic else "", self.settings.last_username
        )
        dialog.accepted.connect(self.show_main)
        dialog.rejected.connect(self.app.quit)
        return self._show(dialog)

    def show_main(self) -> QWidget:
        from app.ui.main_window import MainWindow

        actor = self.services.ctx.actor
        if actor and self.settings.last_username != actor.username:
            self.settings.last_username = actor.username
            self.settings.save(self.data_dir)
        window = MainWindow(self.services, self.bus)
        window.destroyed.connect(self.app.quit)
        self.main_window = window
        self.app.setQuitOnLastWindowClosed(True)
        return self._show(window)

    def _show(self, widget: QWidget) -> QWidget:
        self.window = widget
        if isinstance(widget, QDialog):
            widget.open()
        else:
            widget.show()
        return widget


def show_fatal(message: str, smoke: bool) -> None:
    print(message, file=sys.stderr)
    if not smoke:
        QMessageBox.critical(None, "ClinicLink", message)


def run_gui(data_dir: Path, *, lang: str | None, demo: bool, smoke: bool) -> int:
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if smoke and headless and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("ClinicLink")
    app.setOrganizationName("ClinicLink")
    app.setQuitOnLastWindowClosed(False)  # the login → main window hand-over closes a window
    settings = Settings.load(data_dir)
    if lang and lang != settings.language:
        settings.language = lang
        settings.save(data_dir)
    install_translators(app, settings.language)
    install_crash_handler(data_dir, interactive=not smoke)

    from app.db.migrate import DatabaseDamaged, MigrationFailed, open_database

    try:
        open_database(data_dir)
    except (DatabaseDamaged, MigrationFailed) as exc:
        show_fatal(str(exc), smoke)
        return 2
    except OSError as exc:
        show_fatal(
            f"无法打开数据目录 {data_dir}：{exc.strerror}。请检查磁盘空间和文件夹权限。", smoke
        )
        return 2

    from app.services.bundle import AppServices
    from app.services.context import ServiceContext

    services = AppServices.create(ServiceContext.open(data_dir), data_dir)
    if demo and services.users.needs_setup():
        from app.demo import seed_demo

        accounts = seed_demo(services)
        print("已生成演示数据。演示账号：")
        for username, password, role in accounts:
            print(f"  {username} / {password}（{role}）")

    workstation = Workstation(app, services, settings, data_dir)
    first = workstation.start()
    QTimer.singleShot(0, _report_shown)
    if smoke:
        QTimer.singleShot(200, app.quit)
        app.exec()
        print(f"smoke ok: {type(first).__name__} ({first.windowTitle()})")
        services.ctx.dispose()
        return 0
    code = app.exec()
    services.ctx.dispose()
    return code
