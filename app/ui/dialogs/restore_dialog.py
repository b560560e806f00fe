"""从备份恢复: pick a backup, see what it holds (date, record counts) and which records not yet
uploaded the restore would drop, then confirm. The current data is backed up first.

The caller closes the database before ``restore_done`` work starts (``before_restore``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.backups import BackupService, Preview, RestoreRefused
from app.ui.domain_text import ui_error


def fill(text: str, *values: object) -> str:
    """Qt's %1, %2 ... placeholders filled (``tr`` returns a Python str)."""
    for i in range(len(values), 0, -1):  # %10 before %1
        text = text.replace(f"%{i}", str(values[i - 1]))
    return text


class RestoreDialog(QDialog):
    def __init__(
        self,
        backups: BackupService,
        before_restore: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.backups = backups
        self.before_restore = before_restore
        self.preview: Preview | None = None
        self.restored = False
        self.setWindowTitle(self.tr("Restore from a backup"))
        self.resize(760, 560)
        self.kinds = {
            "daily": self.tr("daily"),
            "before-upgrade": self.tr("before upgrade"),
            "before-restore": self.tr("before restore"),
        }
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("backupsTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Taken"), self.tr("Kind"), self.tr("Residents"), self.tr("Referrals"),
             self.tr("File")]
        )  # fmt: skip
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.other = QPushButton(self.tr("Other file…"))
        self.other.setObjectName("otherFile")
        self.summary = QLabel()
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unsent_label = QLabel()
        self.unsent_label.setObjectName("unsentLabel")
        self.unsent_label.setWordWrap(True)
        self.unsent_label.setStyleSheet("color: #c0392b;")
        self.unsent = QListWidget()
        self.unsent.setObjectName("unsentList")
        self.unsent.setMaximumHeight(130)
        self.restore_button = QPushButton(self.tr("Restore this backup"))
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.setEnabled(False)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Backups (newest first):")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.other, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)
        layout.addWidget(self.unsent_label)
        layout.addWidget(self.unsent)
        note = QLabel(
            self.tr(
                "The current data is backed up first. After the restore, the next sync brings "
                "back from the county hub what this clinic uploaded after the backup was taken."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        layout.addWidget(note)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.restore_button)
        row.addWidget(close)
        layout.addLayout(row)
        self.files: list[Path] = []
        self.table.itemSelectionChanged.connect(self._selected)
        self.other.clicked.connect(self._choose_other)
        self.restore_button.clicked.connect(self.confirm)
        self.unsent.hide()
        self.load()

    def load(self) -> None:
        items = self.backups.backups()
        self.table.setRowCount(len(items))
        self.files = []
        for i, b in enumerate(items):
            when = f"{b.created_at:%Y-%m-%d %H:%M}" if b.created_at else ""
            cells = [
                when,
                self.kinds.get(b.label, b.label),
                str(b.counts.get("patients", "")),
                str(b.counts.get("referrals", "")),
                str(b.path),
            ]
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
            self.files.append(b.path)
        self.table.resizeColumnsToContents()
        if items:
            self.table.selectRow(0)
        else:
            self.summary.setText(fill(self.tr("No backups found in %1"), self.backups.folder()))

    def _choose_other(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a backup"), str(self.backups.folder()), "ClinicLink (*.db)"
        )
        if path:
            self.show_preview(Path(path))

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.show_preview(self.files[rows[0].row()])

    def show_preview(self, file: Path) -> None:
        self.restore_button.setEnabled(False)
        self.unsent.clear()
        self.unsent.hide()
        self.unsent_label.clear()
        try:
            self.preview = self.backups.preview(file)
        except RestoreRefused as exc:
            self.preview = None
            self.summary.setText(ui_error(exc))
            return
        info = self.preview.info
        counts = info.counts
        when = f"{info.created_at:%Y-%m-%d %H:%M}" if info.created_at else "?"
        self.summary.setText(
            fill(
                self.tr(
                    "Backup of %1: %2 residents, %3 referrals, %4 follow-up visits, "
                    "%5 training activities, %6 records waiting for upload. File: %7"
                ),
                when,
                counts.get("patients", 0),
                counts.get("referrals", 0),
                counts.get("followup_visits", 0),
                counts.get("training_activities", 0),
                counts.get("outbox", 0),
                info.path,
            )
        )
        lost = self.preview.unsent
        if lost:
            self.unsent_label.setText(
                self.tr(
                    "%1 record(s) in the current data have not been uploaded to the county "
                    "hub and will be lost:"
                ).replace("%1", str(len(lost)))
            )
            names = self.type_names()
            for u in lost:
                self.unsent.addItem(f"{names.get(u.record_type, u.record_type)}：{u.description}")
            self.unsent.show()
        elif not self.preview.current_readable:
            self.unsent_label.setText(self.tr("The current database cannot be read."))
        self.restore_button.setEnabled(True)

    def type_names(self) -> dict[str, str]:
        return {
            "patient": self.tr("Resident"),
            "referral": self.tr("Referral"),
            "referral_event": self.tr("Referral history"),
            "followup_plan": self.tr("Follow-up plan"),
            "followup_visit": self.tr("Follow-up visit"),
            "followup_contact": self.tr("Follow-up contact"),
        }

    def confirm(self) -> None:
        if self.preview is None:
            return
        lost = len(self.preview.unsent)
        text = self.tr("Replace the current data with this backup?")
        if lost:
            text += "\n" + fill(self.tr("%1 record(s) not yet uploaded will be lost."), lost)
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.do_restore()

    def do_restore(self) -> None:
        assert self.preview is not None
        if self.before_restore is not None:
            self.before_restore()
        try:
            result = self.backups.restore(self.preview.info.path)
        except RestoreRefused as exc:
            QMessageBox.critical(self, self.windowTitle(), ui_error(exc))
            return
        self.restored = True
        safety = str(result.safety_backup or result.moved_aside or "")
        QMessageBox.information(
            self,
            self.windowTitle(),
            fill(
                self.tr(
                    "Restored. The data before the restore was kept in %1. ClinicLink will now "
                    "close; start it again."
                ),
                safety,
            ),
        )
        self.accept()
