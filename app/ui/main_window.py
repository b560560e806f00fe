"""The main window: navigation between the areas, and a status bar with user, clinic, sync."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from app.config import Settings
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.domain_text import ui
from app.ui.pages import PAGES
from app.ui.sync_scheduler import SyncScheduler, SyncStatus
from app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

# after login, when the 统计 figures of this year and the year before are prepared (the
# main window's own first reads go first)
PREPARE_FIGURES_AFTER_MS = 3000

# "admin": the hub refused the token or wants an upgrade; only an administrator can fix it.
SYNC_COLOURS = {
    "ok": "#1e8449",
    "pending": "#b9770e",
    "error": "#c0392b",
    "off": "#666666",
    "admin": "#8e44ad",
}


class MainWindow(QMainWindow):
    # The user logged out, or someone else is logging in at the lock screen: the workstation
    # retires this window and shows the login window.
    logout_requested = Signal()

    def __init__(
        self,
        services: AppServices,
        bus: ChangeBus,
        parent: QWidget | None = None,
        *,
        tasks: TaskRunner | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.bus = bus
        self.tasks = tasks or TaskRunner(self)
        clinic = services.users.clinic()
        clinic_name = clinic.name if clinic else ""
        self.setWindowTitle(self.tr("ClinicLink Primary Care Workstation") + f" — {clinic_name}")
        self.resize(1280, 700)  # before show_restored(): maximised or as last left

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(120)
        self.nav.setStyleSheet(
            "QListWidget { font-size: 15px; } QListWidget::item { padding: 10px 8px; }"
        )
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        self._factories = []
        for i, (key, title, factory) in enumerate(PAGES):
            item = QListWidgetItem(title())
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"Ctrl+{i + 1}")
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # built on first visit: login stays fast
            self._factories.append((key, factory))
        self.nav.currentRowChanged.connect(self.show_area)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        # The content and the lock screen take turns: while locked nothing of a patient shows.
        from app.ui.lock_screen import LockScreen

        self.shell = QStackedWidget()
        self.shell.addWidget(central)
        self.lock_screen = LockScreen(services)
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.switch_user.connect(self.logout_requested)
        self.shell.addWidget(self.lock_screen)
        self.setCentralWidget(self.shell)
        self._hidden_dialogs: list[QDialog] = []

        actor = services.ctx.actor
        self.user_label = QLabel(
            self.tr("%1 (%2)").replace("%1", actor.display_name).replace("%2", ui(actor.role_name))
            if actor
            else ""
        )
        self.user_label.setObjectName("userStatus")
        self.clinic_label = QLabel(clinic_name)
        self.clinic_label.setObjectName("clinicStatus")
        self.sync_label = QLabel()
        self.sync_label.setObjectName("syncStatus")
        self.account_button = QToolButton()
        self.account_button.setObjectName("accountButton")
        self.account_button.setText(self.tr("Account"))
        self.account_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.account_button.setAutoRaise(True)
        bar = self.statusBar()
        bar.addWidget(self.account_button)
        bar.addWidget(self.user_label)
        bar.addWidget(self.clinic_label)
        bar.addPermanentWidget(self.sync_label)
        self.set_sync_status(self.tr("Sync: not configured"), "off")
        self.sync = SyncScheduler(services, bus, self.tasks, self)
        self.sync.status_changed.connect(self.show_sync_status)
        self.sync.start()

        for i in range(len(PAGES)):
            act = QAction(self)
            act.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            act.triggered.connect(lambda _=False, row=i: self.nav.setCurrentRow(row))
            self.addAction(act)
        new_act = QAction(self)
        new_act.setShortcut(QKeySequence.StandardKey.New)
        new_act.triggered.connect(self.new_patient)
        self.addAction(new_act)
        find_act = QAction(self)
        find_act.setShortcut(QKeySequence.StandardKey.Find)
        find_act.triggered.connect(self.focus_search)
        self.addAction(find_act)
        self._add_account_actions()
        self.nav.setCurrentRow(0)
        QTimer.singleShot(0, self.reopen_drafts)  # forms left half filled by a crash
        # the 统计 page's first look (this year and the year before) prepared in the background
        QTimer.singleShot(PREPARE_FIGURES_AFTER_MS, self.prepare_figures)

    def prepare_figures(self) -> None:
        """Count this year's and last year's 统计 figures ahead of the page, on the low-priority
        thread: the first count after an update (or ever) takes a second or two on a large
        clinic; later ones are quick, and the page then shows its figures at once."""
        if self.locked:
            return

        def failed(exc: Exception) -> None:  # the page counts again, and shows its own error
            detail = getattr(exc, "__traceback_text__", exc)
            log.warning("统计 figures not prepared in the background: %s", detail)

        self.tasks.run(self.services.stats.prepare, lambda _none: None, failed, idle=True)

    def reopen_drafts(self) -> list:  # type: ignore[type-arg]
        from app.ui.draft_reopen import reopen_kept_drafts

        return reopen_kept_drafts(self)

    # -- areas ---------------------------------------------------------------------------
    def page(self, key: str) -> QWidget:
        """The page of an area, built the first time it is needed."""
        if key not in self.pages:
            row = next(i for i, (k, _f) in enumerate(self._factories) if k == key)
            widget = self._factories[row][1](self.services, self.bus, self.stack)
            bind = getattr(widget, "bind_scheduler", None)
            if bind is not None:  # the 同步 page starts rounds through the one scheduler
                bind(self.sync)
            old = self.stack.widget(row)
            self.stack.insertWidget(row, widget)
            if old is not None:
                self.stack.removeWidget(old)
                old.deleteLater()
            self.pages[key] = widget
        return self.pages[key]

    def show_area(self, row: int) -> None:
        if row < 0:
            return
        key = self._factories[row][0]
        self.stack.setCurrentWidget(self.page(key))

    def show_key(self, key: str) -> QWidget:
        row = next(i for i, (k, _f) in enumerate(self._factories) if k == key)
        self.nav.setCurrentRow(row)
        return self.page(key)

    def new_patient(self) -> None:
        page = self.show_key("patients")
        page.new_patient()  # type: ignore[attr-defined]

    def focus_search(self) -> None:
        page = self.show_key("patients")
        page.focus_search()  # type: ignore[attr-defined]

    # -- account: password, lock, log out -----------------------------------------------
    def _add_account_actions(self) -> None:
        menu = QMenu(self)
        self.password_action = menu.addAction(self.tr("Change my password…"))
        self.password_action.triggered.connect(self.change_password)
        self.lock_action = menu.addAction(self.tr("Lock the screen"))
        self.lock_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.lock_action.triggered.connect(self.lock)
        self.logout_action = menu.addAction(self.tr("Log out / switch user"))
        self.logout_action.setShortcut(QKeySequence("Ctrl+L"))
        self.logout_action.triggered.connect(self.logout_requested)
        for act in (self.lock_action, self.logout_action):
            act.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            self.addAction(act)
        self.account_button.setMenu(menu)
        self.account_button.setToolTip(
            self.tr("Change password, lock the screen (Ctrl+Shift+L), log out (Ctrl+L)")
        )
        from app.ui.lock_screen import IdleWatcher

        minutes = Settings.load(self.services.data_dir).idle_lock_minutes
        self.idle = IdleWatcher(minutes * 60_000, self)
        self.idle.idle.connect(self.lock)
        self.idle.start()

    @property
    def locked(self) -> bool:
        return self.shell.currentWidget() is self.lock_screen

    def lock(self) -> None:
        """Hide every patient detail: the pages, and any form left open (kept, not closed)."""
        if self.locked:
            return
        self._hidden_dialogs = [d for d in self.findChildren(QDialog) if d.isVisible()]
        for d in self._hidden_dialogs:
            d.hide()
        for act in self.actions():
            if act is not self.logout_action:
                act.setEnabled(False)
        self.account_button.setEnabled(False)
        self.shell.setCurrentWidget(self.lock_screen)
        self.lock_screen.prepare()
        self.activateWindow()

    def unlock(self) -> None:
        for act in self.actions():
            act.setEnabled(True)
        self.account_button.setEnabled(True)
        self.shell.setCurrentIndex(0)
        for d in self._hidden_dialogs:
            d.show()
        self._hidden_dialogs = []
        self.idle.start()

    def retire(self) -> None:
        """This window's user logged out: no more sync rounds, no more idle checks, every
        form closed (unsaved text is not kept for the next user to see)."""
        self.sync.stop()
        self.idle.stop()
        for d in self.findChildren(QDialog):
            d.hide()
        self.hide()

    def change_password(self) -> None:
        from app.ui.dialogs.password_dialog import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.services, parent=self)
        dialog.accepted.connect(
            lambda: self.statusBar().showMessage(self.tr("Password changed"), 5000)
        )
        dialog.open()

    # -- status bar ----------------------------------------------------------------------
    def set_sync_status(self, text: str, state: str) -> None:
        """state: ok / pending / error / off / admin (colours the text; never green while
        unsent)."""
        self.sync_label.setText(text)
        self.sync_label.setProperty("state", state)
        weight = " font-weight: bold;" if state == "admin" else ""
        self.sync_label.setStyleSheet(f"color: {SYNC_COLOURS.get(state, '#666666')};{weight}")

    def show_sync_status(self, status: SyncStatus) -> None:
        self.set_sync_status(status.text, status.state)
        self.sync_label.setToolTip(status.detail)

    def show_restored(self) -> None:
        from app.ui.window_geometry import show_restored

        show_restored(self, self.services.data_dir)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        from app.ui.window_geometry import remember

        remember(self, self.services.data_dir)
        self.sync.stop()  # no new rounds; one under way finishes (its writes are atomic)
        super().closeEvent(event)
