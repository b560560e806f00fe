"""Follow-up plans by hand: start one (patient, kind, responsible doctor, start and first due
date), and end one as 已结束 / 失访 (with the reason) / 死亡 (date and cause), confirmed first."""

from __future__ import annotations

import contextlib
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.domain import followup as rules
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.followup import PlanKind, PlanStatus
from app.services.bundle import AppServices
from app.services.followups import PlanRow
from app.services.patients import PatientRow
from app.ui.domain_text import ui, ui_error
from app.ui.widgets.form_errors import FieldErrors
from app.ui.widgets.patient_picker import PatientPicker
from app.ui.widgets.status_note import notify_saved


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _date_edit(d: date, name: str) -> QDateEdit:
    e = QDateEdit(_qdate(d))
    e.setObjectName(name)
    e.setCalendarPopup(True)
    e.setDisplayFormat("yyyy-MM-dd")
    e.setMaximumWidth(160)
    return e


class PlanDialog(QDialog):
    """新建随访计划. ``saved`` holds the plan once it is stored."""

    def __init__(
        self,
        services: AppServices,
        parent: QWidget | None = None,
        patient: PatientRow | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.saved: PlanRow | None = None
        self.errors = FieldErrors()
        today = today or services.ctx.today()
        self.setWindowTitle(self.tr("New follow-up plan"))
        self.resize(620, 420)
        self.picker = PatientPicker(services)
        if patient is not None:
            self.picker.set_patient(patient)
        self.kind = QComboBox()
        self.kind.setObjectName("planKind")
        for k, name in rules.PLAN_KIND_NAMES.items():
            self.kind.addItem(ui(name), k.value)
        self.doctor = QComboBox()
        self.doctor.setObjectName("planDoctor")
        self.doctor.setEditable(True)
        actor = services.ctx.actor
        names = [actor.display_name] if actor else []
        with contextlib.suppress(PermissionDenied):
            names += [d for d in services.followups.doctors() if d not in names]
        self.doctor.addItems(names)
        self.start = _date_edit(today, "planStart")
        self.first_due = _date_edit(today, "planFirstDue")
        hint = QLabel(self.tr("Later due dates follow the rules from each visit."))
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)

        form = QFormLayout()
        for key, label, widget in (
            ("patient_id", self.tr("Patient *"), self.picker),
            ("kind", self.tr("Kind *"), self.kind),
            ("doctor", self.tr("Responsible doctor"), self.doctor),
            ("start_date", self.tr("Start date *"), self.start),
            ("first_due", self.tr("First visit due *"), self.first_due),
        ):
            form.addRow(label, widget)
            form.addRow("", self.errors.add(key, widget))
        form.addRow("", hint)
        self.general = QLabel()
        self.general.setStyleSheet("color: #c0392b;")
        self.general.setWordWrap(True)
        self.general.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addStretch(1)
        lay.addWidget(self.general)
        lay.addWidget(self.buttons)

    def save(self) -> None:
        self.errors.clear()
        self.general.hide()
        patient = self.picker.patient
        try:
            self.saved = self.services.followups.create_plan(
                patient.id if patient else "",
                PlanKind(self.kind.currentData()),
                _pydate(self.start.date()),
                self.doctor.currentText().strip(),
                _pydate(self.first_due.date()),
            )
        except ValidationError as e:
            first = self.errors.show(e.errors, self.general)
            if first is not None:
                first.setFocus()
            return
        except PermissionDenied as e:
            self.general.setText(ui_error(e))
            self.general.show()
            return
        notify_saved(
            self,
            self.tr("follow-up plan of %1").replace("%1", patient.name if patient else ""),
        )
        self.accept()


END_STATUSES = [PlanStatus.ENDED, PlanStatus.LOST, PlanStatus.DEAD]


class EndPlanDialog(QDialog):
    """结束随访计划: the status, and the reason (失访) or date and cause (死亡)."""

    def __init__(
        self,
        services: AppServices,
        plan_id: str,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.plan_id = plan_id
        self.saved: PlanRow | None = None
        self.errors = FieldErrors()
        plan, self.patient_name = services.followups.plan(plan_id)
        self.kind_name = rules.PLAN_KIND_NAMES[PlanKind(plan.kind)]
        self.setWindowTitle(self.tr("End follow-up plan"))
        self.resize(480, 260)
        header = QLabel(f"{self.patient_name}　{ui(self.kind_name)}")
        header.setStyleSheet("font-weight: bold;")
        self.status = QComboBox()
        self.status.setObjectName("endStatus")
        for s in END_STATUSES:
            self.status.addItem(ui(rules.PLAN_STATUS_NAMES[s]), s.value)
        self.death_date = _date_edit(today or services.ctx.today(), "deathDate")
        self.note = QLineEdit()
        self.note.setObjectName("endNote")
        self.note_label = QLabel()
        form = QFormLayout()
        form.addRow(self.tr("End as"), self.status)
        form.addRow(self.tr("Date of death"), self.death_date)
        form.addRow(self.note_label, self.note)
        form.addRow("", self.errors.add("note", self.note))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(header)
        lay.addLayout(form)
        lay.addStretch(1)
        lay.addWidget(self.buttons)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._status_changed()

    def chosen(self) -> PlanStatus:
        return PlanStatus(self.status.currentData())

    def _status_changed(self) -> None:
        s = self.chosen()
        self.death_date.setEnabled(s is PlanStatus.DEAD)
        self.note_label.setText(
            {
                PlanStatus.ENDED: self.tr("Note"),
                PlanStatus.LOST: self.tr("Reason lost *"),
                PlanStatus.DEAD: self.tr("Cause of death *"),
            }[s]
        )

    def note_text(self) -> str:
        text = self.note.text().strip()
        if self.chosen() is PlanStatus.DEAD and text:
            return f"死亡日期：{_pydate(self.death_date.date()):%Y-%m-%d}；死因：{text}"
        return text

    def save(self) -> None:
        """Ask once more (an ended plan leaves every worklist), then store."""
        self.errors.clear()
        status = self.chosen()
        try:
            rules.validate_end(status, self.note_text())
        except ValidationError as e:
            self.errors.show(e.errors)
            self.note.setFocus()
            return
        question = (
            self.tr("End the %1 follow-up of %2 as %3? It leaves every worklist.")
            .replace("%1", ui(self.kind_name))
            .replace("%2", self.patient_name)
            .replace("%3", ui(rules.PLAN_STATUS_NAMES[status]))
        )
        answer = QMessageBox.question(self, self.tr("End follow-up plan"), question)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.saved = self.services.followups.set_status(self.plan_id, status, self.note_text())
        except (ValidationError, PermissionDenied) as e:
            QMessageBox.warning(self, self.tr("End follow-up plan"), ui_error(e))
            return
        notify_saved(self, self.tr("follow-up plan of %1").replace("%1", self.patient_name))
        self.accept()
