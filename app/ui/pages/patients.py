"""患者: find a patient as you type, register, edit, void."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import SEX
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.roles import Perm, allowed
from app.services.bundle import AppServices
from app.services.context import Changes, may
from app.ui.change_bus import ChangeBus
from app.ui.dialogs.patient_dialog import PatientDialog
from app.ui.domain_text import ui, ui_error
from app.ui.models.patient_table import PatientTableModel
from app.ui.widgets.column_widths import set_column_widths
from app.ui.widgets.status_note import select_record

SEARCH_DELAY_MS = 150


class PatientsPage(QWidget):
    def __init__(self, services: AppServices, bus: ChangeBus, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.search = QLineEdit()
        self.search.setObjectName("patientSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            self.tr("Search: name, pinyin initials (zs), ID number or its last 4 digits, phone")
        )
        self.new_button = QPushButton(self.tr("New patient (Ctrl+N)"))
        self.new_button.setObjectName("newPatient")
        self.edit_button = QPushButton(self.tr("Edit"))
        self.edit_button.setObjectName("editPatient")
        self.void_button = QPushButton(self.tr("Void"))
        self.void_button.setObjectName("voidPatient")
        self.timeline_button = QPushButton(self.tr("Timeline"))
        self.timeline_button.setObjectName("patientTimeline")
        # Administrators: find a record voided by mistake and bring it back.
        self.show_voided = QCheckBox(self.tr("Show voided"))
        self.show_voided.setObjectName("showVoided")
        self.restore_button = QPushButton(self.tr("Restore"))
        self.restore_button.setObjectName("restorePatient")
        self.count_label = QLabel()
        self.count_label.setObjectName("patientCount")

        self.model = PatientTableModel(services.patients, page_size=100, today=services.ctx.today())
        self.table = QTableView()
        self.table.setObjectName("patientTable")
        self.table.setModel(self.model)
        # No column indicated: the list starts with the most recently changed patients.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        set_column_widths(
            self.table,
            (90, 50, 50, 100, 170, 120, 110, 150, 190),
            {1: [ui(name) for name in SEX.values()]},
        )

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.void_button)
        top.addWidget(self.timeline_button)
        top.addWidget(self.show_voided)
        top.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.to_results)
        self.search.installEventFilter(self)
        self.new_button.clicked.connect(self.new_patient)
        self.edit_button.clicked.connect(self.edit_selected)
        self.void_button.clicked.connect(self.void_selected)
        self.timeline_button.clicked.connect(self.show_timeline)
        self.show_voided.toggled.connect(self.set_show_voided)
        self.restore_button.clicked.connect(self.restore_selected)
        # Enter on a row opens it, as a double-click does (activated covers both).
        self.table.activated.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        bus.changed.connect(self.on_changed)
        self._loaded = False
        self._update_buttons()

    # -- loading -------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if not self._loaded:
            self.load()

    def load(self) -> None:
        self._loaded = True
        self.run_search()

    def run_search(self) -> None:
        self._timer.stop()
        self.model.set_query(self.search.text())
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        more = "+" if self.model.canFetchMore() else ""
        self.count_label.setText(self.tr("%1 patients shown").replace("%1", f"{shown}{more}"))

    def on_changed(self, changes: Changes) -> None:
        if changes.record_type != "patient" or not self._loaded:
            return
        if changes.action in ("create", "pull"):  # new rows may match the current search
            self.run_search()
        else:
            self.model.refresh_rows(set(changes.ids))
            self._update_count()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """↓ in the search box goes down into the results."""
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self.to_results()
            return True
        return super().eventFilter(watched, event)

    def to_results(self) -> None:
        """Enter or ↓ in the search box: search now, then move to the first result (Enter
        there opens it)."""
        if self._timer.isActive() or not self._loaded:
            self.run_search()
        if self.model.rowCount() == 0:
            return
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else 0
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.selectRow(row)
        self.table.setFocus()

    # -- actions -------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(rows[0].row()).id

    def selected_is_voided(self) -> bool:
        rows = self.table.selectionModel().selectedRows()
        return bool(rows) and self.model.row_at(rows[0].row()).deleted

    def set_show_voided(self, on: bool) -> None:
        self.model.include_voided = on
        self.run_search()

    def restore_selected(self) -> None:
        pid = self.selected_id()
        if pid is None or not self.selected_is_voided():
            return
        try:
            row = self.services.patients.restore(pid)
        except (ValidationError, PermissionDenied) as exc:
            QMessageBox.warning(self, self.tr("Not restored"), ui_error(exc))
            return
        self.model.refresh_rows({row.id})
        self._update_buttons()

    def _update_buttons(self) -> None:
        actor = self.services.ctx.actor
        role = actor.role if actor else None
        has = self.selected_id() is not None
        voided = has and self.selected_is_voided()
        admin = bool(role and allowed(role, Perm.USER_MANAGE))
        self.show_voided.setVisible(admin)
        self.restore_button.setVisible(admin and self.show_voided.isChecked())
        self.restore_button.setEnabled(voided and may(role, "patient", "restore"))
        self.new_button.setEnabled(may(role, "patient", "create"))
        can_edit = may(role, "patient", "edit")
        self.edit_button.setEnabled(has and not voided and can_edit)
        can_void = may(role, "patient", "void")
        self.void_button.setEnabled(has and not voided and can_void)
        self.timeline_button.setEnabled(has)
        if not can_void:
            self.void_button.setToolTip(self.tr("Only doctors and administrators may void records"))

    def new_patient(self) -> PatientDialog:
        dialog = PatientDialog(self.services, parent=self)
        dialog.accepted.connect(lambda: self.show_saved(dialog))
        dialog.open()
        return dialog

    def show_saved(self, dialog: PatientDialog) -> None:
        """After a save the patient is in the list, selected and scrolled to: a new one that
        the current search would hide is shown by clearing the search (newest first)."""
        saved = dialog.saved
        if saved is None:
            return
        if self.model.row_of_id(saved.id) < 0:
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
            self.run_search()
        select_record(self.table, saved.id)

    def edit_selected(self) -> PatientDialog | None:
        pid = self.selected_id()
        if pid is None or self.selected_is_voided():  # a voided record is restored, not edited
            return None
        dialog = PatientDialog(self.services, self.services.patients.get(pid), parent=self)
        self.services.audit.viewed("patient", pid)
        dialog.accepted.connect(lambda: self.show_saved(dialog))
        dialog.open()
        return dialog

    def show_timeline(self) -> QDialog | None:
        from app.ui.dialogs.timeline_dialog import TimelineDialog

        pid = self.selected_id()
        if pid is None:
            return None
        dialog = TimelineDialog(self.services, pid, parent=self)
        self.services.audit.viewed("patient", pid)
        dialog.open()
        return dialog

    def select_row(self, index: QModelIndex) -> None:
        self.table.selectRow(index.row())

    def void_selected(self) -> None:
        pid = self.selected_id()
        if pid is None:
            return
        p = self.services.patients.get(pid)
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Void patient record"),
            self.tr("Reason for voiding the record of %1 (kept in the audit log):").replace(
                "%1", p.name
            ),
        )
        if not ok:
            return
        try:
            self.services.patients.void(pid, reason)
        except (ValidationError, PermissionDenied) as exc:
            QMessageBox.warning(self, self.tr("Not voided"), ui_error(exc))
