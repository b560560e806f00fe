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
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QObject,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMessageBox, QWidget

from app.config import Settings
from app.domain.errors import KnownError
from app.resources import resource_path
from app.ui import domain_text
from app.ui.gui_gc import GuiGarbageCollector

if TYPE_CHECKING:
    from app.services.bundle import AppServices

log = logging.getLogger(__name__)
APP_TRANSLATION = "cliniclink_zh_CN.qm"


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """zh_CN: our translation plus Qt's own (standard buttons, dialogs). en: source strings."""
    domain_text.use_language(language)
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
    from app.crashlog import report_crash

    def handle(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if isinstance(exc, KnownError):
            log.warning("%s", exc)
            print(str(exc), file=sys.stderr)
            if interactive and QApplication.instance() is not None:
                QMessageBox.warning(None, "ClinicLink", domain_text.ui_error(exc))
            return
        message = report_crash(data_dir, kind, exc, tb)
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
        self._retired: list = []  # main windows of logged-out users, still finishing work
        self.error: str | None = None
        self.exit_code = 0
        # An encrypted database not yet opened: the first login's password opens it.
        self.needs_key = False

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

    def unlock_and_prepare(self, username: str, password: str) -> None:
        """The login window's first submit on an encrypted database: unwrap the data key with
        what was typed, check and open the database, then log in as usual (off the GUI
        thread). Attempts the key file refused are counted in the users table once open."""
        from app.ui.tasks import TaskRunner

        if not hasattr(self, "tasks"):
            self.tasks = TaskRunner(self)
        data_dir = self.data_dir

        def work() -> tuple[int, AppServices | None]:
            from datetime import UTC, datetime

            from app.services import encryption
            from app.services.startup import open_services, prepare

            now = datetime.now(UTC).replace(tzinfo=None)
            minutes = encryption.minutes_locked(data_dir, username, now)
            if minutes:
                return minutes, None
            if not encryption.unlock(data_dir, username, password, now):
                return 0, None
            prepare(data_dir)
            services = open_services(data_dir)
            services.users.count_failed_logins(encryption.pending_failures(data_dir))
            encryption.clear_failures(data_dir)
            return 0, services

        def done(result: tuple[int, AppServices | None]) -> None:
            from app.ui.dialogs.login_dialog import LoginDialog

            minutes, services = result
            dialog = self.window
            if services is None:
                if isinstance(dialog, LoginDialog):
                    dialog.unlock_refused(minutes)
                return
            self.needs_key = False
            self._prepared(services)
            if isinstance(dialog, LoginDialog):
                dialog.unlock = None
                dialog.submit()  # the same name and password, now against the users table

        self.tasks.run(work, done, self._prepare_failed)

    def _prepared(self, services: AppServices) -> None:
        self.services = services
        self.bus = self._make_bus(services)
        from app.ui.dialogs.login_dialog import LoginDialog

        if isinstance(self.window, LoginDialog):
            self.window.set_services(services)
        self.ready.emit()
        # The first start of the day: a backup, in the background (login does not wait).
        self.tasks.run(lambda: daily_backup_quietly(self.data_dir))

    def _prepare_failed(self, exc: Exception) -> None:
        from app.db.backup import BackupFailed, is_disk_full
        from app.db.keyfile import KeyFileError
        from app.services.startup import DatabaseDamaged, MigrationFailed

        if isinstance(exc, DatabaseDamaged | MigrationFailed | KeyFileError):
            message = str(exc)
        elif is_disk_full(exc):
            from app.db.backup import DISK_FULL_MESSAGE

            message = DISK_FULL_MESSAGE.format(where=self.data_dir) + "程序未做任何改动。"
        elif isinstance(exc, OSError):
            strerror = getattr(exc, "strerror", None) or str(exc)
            message = (
                QCoreApplication.translate(
                    "Workstation",
                    "Cannot open the data folder %1: %2. Check the disk space and the "
                    "folder's permissions.",
                )
                .replace("%1", str(self.data_dir))
                .replace("%2", strerror)
            )
        elif isinstance(exc, BackupFailed):
            message = str(exc)
        else:
            raise exc
        self.error = message
        self.exit_code = startup_exit_code(exc)
        print(message, file=sys.stderr)
        if self.interactive and self.show_refusal(message, offer_restore=offers_restore(exc)):
            self.exit_code = 0  # restored: the next start opens the restored data
        self.failed.emit(message)
        self.app.exit(self.exit_code)

    def show_refusal(self, message: str, offer_restore: bool) -> bool:
        """The damaged-database message; for a database that must not be opened, a restore
        from a backup is offered right there (no login is possible on such a file)."""
        box = QMessageBox(
            QMessageBox.Icon.Critical, "ClinicLink", domain_text.ui(message), parent=self.window
        )
        box.setObjectName("databaseRefused")
        restore = None
        if offer_restore:
            restore = box.addButton(
                QCoreApplication.translate("Workstation", "Restore from a backup…"),
                QMessageBox.ButtonRole.ActionRole,
            )
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if restore is not None and box.clickedButton() is restore:
            from app.services.backups import BackupService
            from app.ui.dialogs.restore_dialog import RestoreDialog

            dialog = RestoreDialog(BackupService(self.data_dir), parent=self.window)
            dialog.exec()
            return dialog.restored
        return False

    # -- flow ----------------------------------------------------------------------------
    def show_setup(self) -> QWidget:
        from app.ui.dialogs.setup_dialog import SetupDialog

        assert self.services is not None
        dialog = SetupDialog(self.services)
        dialog.accepted.connect(lambda: self.after_setup(dialog))
        dialog.rejected.connect(self.app.quit)
        return self._show(dialog)

    def after_setup(self, dialog: QWidget) -> None:
        """Setup done; if the admin ticked encryption, the (nearly empty) database is
        encrypted now and the recovery key shown before the login window."""
        from app.ui.dialogs.setup_dialog import SetupDialog

        if not (isinstance(dialog, SetupDialog) and dialog.encrypt.isChecked()):
            self.show_login()
            return
        from app.services import encryption
        from app.services.startup import open_services
        from app.ui.dialogs.recovery_key_dialog import RecoveryKeyDialog

        assert self.services is not None
        self.services.ctx.dispose()
        try:
            result = encryption.enable(
                self.data_dir, dialog.admin_username.text(), dialog.password.text()
            )
        except encryption.EncryptionError as exc:
            QMessageBox.warning(None, "ClinicLink", str(exc))
            self.show_login()
            return
        self.services = open_services(self.data_dir)
        self.bus = self._make_bus(self.services)
        recovery = RecoveryKeyDialog(
            result.recovery_key, plain_backups=result.plain_backups, data_dir=self.data_dir
        )
        recovery.accepted.connect(lambda: self.show_login())
        self._show(recovery)

    def show_login(self, clinic_name: str | None = None, username: str | None = None) -> QWidget:
        from app.ui.dialogs.login_dialog import LoginDialog

        if clinic_name is None and self.services is not None:
            clinic = self.services.users.clinic()
            clinic_name = clinic.name if clinic else ""
        last = self.settings.last_username if username is None else username
        unlock = self.unlock_and_prepare if self.needs_key and self.services is None else None
        dialog = LoginDialog(self.services, clinic_name or "", last, unlock=unlock)
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
        window.logout_requested.connect(self.logout)
        self.main_window = window
        self.app.setQuitOnLastWindowClosed(True)
        return self._show(window)

    def logout(self) -> None:
        """Log the user out and show the login window; the old main window goes once its
        background work (a sync round, a save) has finished."""
        from app.ui.main_window import MainWindow

        window = self.main_window
        assert self.services is not None
        self.app.setQuitOnLastWindowClosed(False)
        if isinstance(window, MainWindow):
            window.destroyed.disconnect(self.app.quit)
            window.logout_requested.disconnect(self.logout)
            window.retire()
            self._retired.append(window)
            self._drop_retired()
        self.main_window = None
        self.services.users.logout()
        self.show_login(username="")  # a shared PC: the next person types their own name

    def _drop_retired(self) -> None:
        from PySide6.QtCore import QTimer

        busy = []
        for window in self._retired:
            if window.tasks.busy():
                busy.append(window)
            else:
                window.deleteLater()
        self._retired = busy
        if busy:
            QTimer.singleShot(200, self._drop_retired)

    def _show(self, widget: QWidget) -> QWidget:
        self.window = widget
        if isinstance(widget, QDialog):
            widget.open()
        elif callable(getattr(widget, "show_restored", None)):
            widget.show_restored()  # type: ignore[attr-defined]  # maximised the first time
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
    GuiGarbageCollector(app)  # cycles are collected on this thread, never a worker's
    settings = Settings.load(data_dir)
    if lang and lang != settings.language:
        settings.language = lang
        settings.save(data_dir)
    install_translators(app, settings.language)
    install_crash_handler(data_dir, interactive=not smoke)

    from app.services import encryption
    from app.services.startup import peek

    locked = encryption.needs_key(data_dir)
    first_look = peek(data_dir)
    if locked:
        # Encrypted: nothing can be read before a password unwraps the key. The login
        # window shows the clinic's name from the key file; its first submit opens the data.
        workstation = Workstation(app, None, settings, data_dir, interactive=not smoke)
        workstation.needs_key = True
        first = workstation.start(encryption.clinic_name(data_dir) or "")
        QTimer.singleShot(0, _report_shown)
    elif first_look.clinic_name is not None:
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
                Workstation(app, None, settings, data_dir).show_refusal(
                    str(exc), offer_restore=offers_restore(exc)
                )
            return startup_exit_code(exc)
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

        if workstation.services is not None or workstation.needs_key:
            finish()
        else:
            workstation.ready.connect(finish)
    code = app.exec()
    if workstation.error is not None:
        return workstation.exit_code
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
    tasks = getattr(workstation, "tasks", None)
    if tasks is not None:
        tasks.wait(120_000)  # the morning's backup, if still being written
    if workstation.services is not None:
        workstation.services.ctx.dispose()
        if not smoke:
            daily_backup_quietly(data_dir, force=True)  # on close: today's newest state
    return code


def offers_restore(exc: BaseException) -> bool:
    """Damaged, foreign, zero-byte or lost writes: a backup can help. A newer database: not
    (install the newer ClinicLink)."""
    from app.db.migrate import DatabaseDamaged, NewerDatabase

    return isinstance(exc, DatabaseDamaged) and not isinstance(exc, NewerDatabase)


def startup_exit_code(exc: BaseException) -> int:
    """The same codes as the headless commands (app/commands/exitcodes.py)."""
    from app.commands.exitcodes import DATABASE, DISK_FULL
    from app.db.backup import is_disk_full
    from app.services.startup import MigrationFailed

    if isinstance(exc, MigrationFailed):
        return DISK_FULL if exc.disk_full else DATABASE
    if isinstance(exc, OSError) or is_disk_full(exc):
        return DISK_FULL
    return DATABASE


def daily_backup_quietly(data_dir: Path, force: bool = False) -> None:
    """The automatic backup; a failure (a full disk, a USB drive not plugged in) is logged and
    shown on the next start in the log, never stops the program."""
    from app.db.backup import BackupFailed
    from app.services.backups import BackupService

    try:
        made = BackupService(data_dir).daily(force=force)
    except BackupFailed as exc:
        log.warning("daily backup failed: %s", exc)
        return
    if made is not None:
        log.info("daily backup written: %s", made)
