"""Start the workstation: translators, first window at once, database check, login, main window.

The first window appears before SQLAlchemy is even imported: a read-only peek gives the
clinic's name, the login window shows, and the database check (quick_check), backup and
migration run in the background while the user types. Login stays disabled until the check
has passed, so nothing is written to a database that failed it.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMessageBox, QWidget

from app.config import Settings
from app.domain.errors import KnownError
from app.resources import resource_path

if TYPE_CHECKING:
    from app.services.bundle import AppServices

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
    qtbase = QTranslator(app)
    if qtbase.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qtbase)
        installed.append(qtbase)
    return installed


def install_crash_handler(data_dir: Path, interactive: bool) -> None:
    """Unexpected errors (bugs) are logged with their traceback and the user told where.

    A known error (``KnownError``: the database busy past the wait, the disk full, ...) is not
    a bug: the user sees its message and can try again; nothing is written to a crash log."""

    def handle(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if isinstance(exc, KnownError):
            log.warning("%s", exc)
            print(str(exc), file=sys.stderr)
            if interactive and QApplication.instance() is not None:
                QMessageBox.warning(None, "ClinicLink", str(exc))
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

    ready = Signal()  # the database passed its check and the services are open
    failed = Signal(str)  # the database cannot be used; the message says what to do

    def __init__(
        self,
        app: QApplication,
        services: AppServices | None,
        settings: Settings,
        data_dir: Path,
        *,
        interactive: bool = True,
    ) -> None:
        super().__init__()
        self.app = app
        self.services = services
        self.settings = settings
        self.data_dir = data_dir
        self.interactive = interactive
        self.bus = None if services is None else self._make_bus(services)
        self.window: QWidget | None = None
        self.main_window: QMainWindow | None = None
        self.error: str | None = None

    @staticmethod
    def _make_bus(services: AppServices):  # type: ignore[no-untyped-def]
        from app.ui.change_bus import ChangeBus

        return ChangeBus(services.ctx)

    # -- first window --------------------------------------------------------------------
    def start(self, clinic_name: str | None = None) -> QWidget:
        if self.services is not None:
            return self.show_setup() if self.services.users.needs_setup() else self.show_login()
        return self.show_login(clinic_name or "")

    def prepare_in_background(self) -> None:
        """Check and migrate the database off the GUI thread, then open the services."""
        from app.ui.tasks import TaskRunner

        self.tasks = TaskRunner(self)

        def work() -> AppServices:
            from app.services.startup import open_services, prepare

            prepare(self.data_dir)
            return open_services(self.data_dir)

        self.tasks.run(work, self._prepared, self._prepare_failed)

    def _prepared(self, services: AppServices) -> None:
        self.services = services
        self.bus = self._make_bus(services)
        from app.ui.dialogs.login_dialog import LoginDialog

        if isinstance(self.window, LoginDialog):
            self.window.set_services(services)
        self.ready.emit()

    def _prepare_failed(self, exc: Exception) -> None:
        from app.services.startup import DatabaseDamaged, MigrationFailed

        if isinstance(exc, DatabaseDamaged | MigrationFailed):
            message = str(exc)
        elif isinstance(exc, OSError):
            message = (
                f"无法打开数据目录 {self.data_dir}：{exc.strerror}。请检查磁盘空间和文件夹权限。"
            )
        else:
            raise exc
        self.error = message
        print(message, file=sys.stderr)
        if self.interactive:
            QMessageBox.critical(self.window, "ClinicLink", message)
        self.failed.emit(message)
        self.app.exit(2)

    # -- flow ----------------------------------------------------------------------------
    def show_setup(self) -> QWidget:
        from app.ui.dialogs.setup_dialog import SetupDialog

        assert self.services is not None
        dialog = SetupDialog(self.services)
        dialog.accepted.connect(lambda: self.show_login())
        dialog.rejected.connect(self.app.quit)
        return self._show(dialog)

    def show_login(self, clinic_name: str | None = None) -> QWidget:
        from app.ui.dialogs.login_dialog import LoginDialog

        if clinic_name is None and self.services is not None:
            clinic = self.services.users.clinic()
            clinic_name = clinic.name if clinic else ""
        dialog = LoginDialog(self.services, clinic_name or "", self.settings.last_username)
        dialog.accepted.connect(self.show_main)
        dialog.rejected.connect(self.app.quit)
        return self._show(dialog)

    def show_main(self) -> QWidget:
        from app.ui.main_window import MainWindow

        assert self.services is not None and self.bus is not None
        actor = self.services.ctx.actor
        if actor and self.settings.last_username != actor.username:
            # Re-read first: the hub settings may have been saved since start-up (同步 page,
            # the headless sync command); saving the start-up copy would undo that.
            self.settings = Settings.load(self.data_dir)
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

    from app.services.startup import peek

    first_look = peek(data_dir)
    if first_look.clinic_name is not None:
        # The everyday case: show the login window now, check the database meanwhile.
        workstation = Workstation(app, None, settings, data_dir, interactive=not smoke)
        first = workstation.start(first_look.clinic_name)
        QTimer.singleShot(0, _report_shown)
        QTimer.singleShot(0, workstation.prepare_in_background)
    else:
        # First run (or a database we could not even peek into): check and create it first.
        from app.services.startup import DatabaseDamaged, MigrationFailed, open_services, prepare

        try:
            prepare(data_dir)
        except (DatabaseDamaged, MigrationFailed) as exc:
            print(str(exc), file=sys.stderr)
            if not smoke:
                QMessageBox.critical(None, "ClinicLink", str(exc))
            return 2
        services = open_services(data_dir)
        if demo and services.users.needs_setup():
            try:
                from app.demo import seed_demo
            except ModuleNotFoundError as exc:
                if exc.name != "app.demo":
                    raise
                print("本版本不含演示数据（缺少 app/demo.py），将进入首次设置。", file=sys.stderr)
            else:
                accounts = seed_demo(services)
                print("已生成演示数据。演示账号：")
                for username, password, role in accounts:
                    print(f"  {username} / {password}（{role}）")
        workstation = Workstation(app, services, settings, data_dir, interactive=not smoke)
        first = workstation.start()
        QTimer.singleShot(0, _report_shown)
    if smoke:
        # Exit once the database check has finished and the event loop has turned.
        def finish() -> None:
            QTimer.singleShot(100, app.quit)

        if workstation.services is not None:
            finish()
        else:
            workstation.ready.connect(finish)
    code = app.exec()
    if workstation.error is not None:
        return 2
    if smoke:
        print(f"smoke ok: {type(first).__name__} ({first.windowTitle()})")
        code = 0
    if workstation.main_window is not None:
        from app.ui.main_window import MainWindow

        window = workstation.main_window
        assert isinstance(window, MainWindow)
        # A sync round under way finishes before the database is closed (each of its
        # writes is atomic, but a thread still running at interpreter exit is not safe).
        window.sync.stop()
        window.tasks.wait(60_000)
    if workstation.services is not None:
        workstation.services.ctx.dispose()
    return code
