"""Pick a patient by typing (name, pinyin initials, ID, phone), or register one inline."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import NotFound
from app.services.bundle import AppServices
from app.services.patients import PatientRow
from app.ui.domain_text import ui


class _SearchEdit(QLineEdit):
    """Enter takes the first match and stays here: the key is not passed on to the dialog,
    whose default button would otherwise submit a half-filled form."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.returnPressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class PatientPicker(QWidget):
    picked = Signal(object)  # PatientRow
    changed = Signal()  # for drafts and unsaved-change checks (see form_state)

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.patient: PatientRow | None = None
        self.search = _SearchEdit()
        self.search.setObjectName("patientPickerSearch")
        self.search.setPlaceholderText(self.tr("Find patient: name, pinyin initials, ID, phone"))
        self.register_button = QPushButton(self.tr("Register new…"))
        self.results = QListWidget()
        self.results.setObjectName("patientPickerResults")
        self.results.setMaximumHeight(120)
        self.results.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.results.hide()
        self.chosen = QLabel()
        self.chosen.setObjectName("patientChosen")
        self.chosen.setStyleSheet("font-weight: bold;")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.search, 1)
        row.addWidget(self.register_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(self.chosen)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._pick_first)
        self.results.itemActivated.connect(self._pick_item)
        self.results.itemClicked.connect(self._pick_item)
        self.register_button.clicked.connect(self.register_new)

    def run_search(self) -> None:
        self._timer.stop()
        self.results.clear()
        text = self.search.text().strip()
        if not text:
            self.results.hide()
            return
        for p in self.services.patients.search(text, limit=20):
            born = f"{p.birth_date:%Y-%m-%d}"
            item = QListWidgetItem(
                f"{p.name}　{p.sex_label}　{born}　{p.id_number or '—'}　{p.village}"
            )
            item.setData(Qt.ItemDataRole.UserRole, p)
            self.results.addItem(item)
        self.results.setVisible(self.results.count() > 0)

    def _pick_first(self) -> None:
        self.run_search()
        if self.results.count():
            self._pick_item(self.results.item(0))

    def _pick_item(self, item: QListWidgetItem) -> None:
        self.set_patient(item.data(Qt.ItemDataRole.UserRole))

    def set_patient(self, p: PatientRow) -> None:
        self.patient = p
        self.results.hide()
        id_text = p.id_number or self.tr("no ID card")
        self.chosen.setText(
            f"{p.name}　{ui(p.sex_label)}　{ui(p.age_text())}　{id_text}　{p.phone}　{p.village}"
        )
        self.picked.emit(p)
        self.changed.emit()

    def form_value(self) -> str:
        """The chosen patient's id ("" for none), as kept in a form's draft."""
        return self.patient.id if self.patient else ""

    def set_form_value(self, value: object) -> None:
        if value and (self.patient is None or self.patient.id != value):
            # a patient gone since (voided or merged) is simply not chosen: pick again
            with contextlib.suppress(NotFound):
                self.set_patient(self.services.patients.get(str(value)))

    def register_new(self) -> None:
        from app.ui.dialogs.patient_dialog import PatientDialog

        dialog = PatientDialog(self.services, parent=self)
        if self.search.text().strip() and not self.search.text().strip().isascii():
            dialog.name.setText(self.search.text().strip())

        def picked() -> None:
            if dialog.saved is not None:
                self.set_patient(dialog.saved)

        dialog.accepted.connect(picked)
        dialog.open()
