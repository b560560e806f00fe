"""The main window: navigation between the areas, and a status bar with user, clinic, sync."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.pages import PAGES
from app.ui.sync_scheduler import SyncScheduler, SyncStatus
from app.ui.tasks import TaskRunner

# "admin": the hub refused the token or wants an upgrade; only an administrator can fix it.
SYNC_COLOURS = {
    "ok": "#1e8449",
    "pending": "#b9770e",
    "error": "#c0392b",
    "off": "#666666",
    "admin": "#8e44ad",
}


class MainWindow(QMainWindow):
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
        self.setCentralWidget(central)

        actor = services.ctx.actor
        self.user_label = QLabel(f"{actor.display_name}（{actor.role_name}）" if actor else "")
        self.user_label.setObjectName("userStatus")
        self.clinic_label = QLabel(clinic_name)
        self.clinic_label.setObjectName("clinicStatus")
        self.sync_label = QLabel()
        self.sync_label.setObjectName("syncStatus")
        bar = self.statusBar()
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
        self.nav.setCurrentRow(0)
        QTimer.singleShot(0, self.reopen_drafts)  # forms left half filled by a crash

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
