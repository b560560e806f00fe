"""Write an upward referral (转出单) or enter a downward one (回转单) from its paper slip."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import PAYMENT_LEGACY, PAYMENT_TYPES
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.referral import (
    DOWN_INDICATIONS,
    OTHER,
    OUTCOMES,
    PATIENT_TYPES,
    TRANSPORT,
    UP_INDICATIONS,
    URGENCY,
    Direction,
    ReferralInput,
)
from app.services.bundle import AppServices
from app.services.patients import PatientRow
from app.services.referrals import ReferralRow
from app.ui.clinic_dates import clinic_qdate
from app.ui.domain_text import ui, ui_error
from app.ui.widgets.form_dialog import FormDialog
from app.ui.widgets.form_errors import FieldErrors
from app.ui.widgets.patient_picker import PatientPicker
from app.ui.widgets.screen_fit import fit_to_screen, scroll_body
from app.ui.widgets.status_note import notify_saved


def _text_box(height: int = 60) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setFixedHeight(height)
    return box


def _combo(items: list[str], editable: bool = False) -> QComboBox:
    c = QComboBox()
    c.setEditable(editable)
    c.addItems(items)
    return c


def _choice(items: list[str], editable: bool = False) -> QComboBox:
    """The form's fixed options (Chinese, as stored and printed), shown in the UI's language."""
    c = QComboBox()
    c.setEditable(editable)
    for item in items:
        c.addItem(ui(item), item)
    return c


def _chosen(c: QComboBox) -> str:
    """The stored (Chinese) value of a _choice; typed text as typed."""
    i = c.findText(c.currentText())
    return c.itemData(i) if i >= 0 else c.currentText()


def _choose(c: QComboBox, value: str) -> None:
    i = c.findData(value)
    if i >= 0:
        c.setCurrentIndex(i)
    else:
        c.setCurrentText(value)


class ReferralDialog(FormDialog):
    def __init__(
        self,
        services: AppServices,
        direction: Direction = Direction.UP,
        patient: PatientRow | None = None,
        draft: ReferralRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.direction = direction
        self.draft = draft
        self.saved: ReferralRow | None = None
        up = direction is Direction.UP
        self.setWindowTitle(
            self.tr("Upward referral slip") if up else self.tr("Downward referral slip")
        )
        fit_to_screen(self, 760, 820)
        self.errors = FieldErrors()
        form = QFormLayout()
        self.form = form

        self.picker = PatientPicker(services)
        self.picker.setObjectName("patient_id")
        self._row(form, "patient_id", self.tr("Patient *"), self.picker)
        destinations = services.referrals.destinations()
        self.institution = _combo(list(destinations), editable=True)
        self.department = _combo([], editable=True)
        self.to_doctor = QLineEdit()
        self.indication_boxes: dict[str, QCheckBox] = {}
        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, text in enumerate([*(UP_INDICATIONS if up else DOWN_INDICATIONS), OTHER]):
            box = QCheckBox(ui(text))
            self.indication_boxes[text] = box
            grid.addWidget(box, i, 0)
        self.indication_other = QLineEdit()
        self.indication_other.setPlaceholderText(self.tr("Required when Other is ticked"))
        self.patient_type = _choice(["", *PATIENT_TYPES])
        self.payment_type = QComboBox()
        self.payment_type.addItem(self.tr("(as registered)"), "")
        for code, label in PAYMENT_TYPES.items():
            if code not in PAYMENT_LEGACY:
                self.payment_type.addItem(ui(label), code)
        self.referring_doctor = QLineEdit()
        self.referring_phone = QLineEdit()
        actor = services.ctx.actor
        if up:
            self.institution.currentTextChanged.connect(
                lambda inst: self._departments(destinations.get(inst, []))
            )
            self._departments(destinations.get(self.institution.currentText(), []))
            self.impression = QLineEdit()
            self.present_illness = _text_box(80)
            self.past_history = _text_box()
            self.treatment = _text_box()
            self.transport = _choice(["", *TRANSPORT])
            self.urgency = _choice(URGENCY)
            self.purpose = QLineEdit()
            self.cautions = QLineEdit()
            self.referring_doctor.setText(actor.display_name if actor else "")
            rows = [
                ("to_institution", self.tr("Receiving institution *"), self.institution),
                ("to_department", self.tr("Department *"), self.department),
                ("to_doctor", self.tr("Receiving doctor"), self.to_doctor),
                ("urgency", self.tr("Urgency"), self.urgency),
                ("indications", self.tr("Indications *"), grid_widget),
                ("indication_other", self.tr("Other indication"), self.indication_other),
                ("impression", self.tr("Working diagnosis *"), self.impression),
                ("present_illness", self.tr("Present illness / reason *"), self.present_illness),
                ("past_history", self.tr("Past history *"), self.past_history),
                ("treatment", self.tr("Treatment so far *"), self.treatment),
                ("patient_type", self.tr("Patient type"), self.patient_type),
                ("payment_type", self.tr("Payment type"), self.payment_type),
                ("transport", self.tr("Transport"), self.transport),
                ("purpose", self.tr("Purpose of referral"), self.purpose),
                ("cautions", self.tr("Precautions"), self.cautions),
                ("referring_doctor", self.tr("Referring doctor *"), self.referring_doctor),
                ("referring_phone", self.tr("Contact phone *"), self.referring_phone),
            ]
        else:
            self.from_institution = self.institution
            self.referred_on = QDateEdit(clinic_qdate(self.services))
            self.referred_on.setCalendarPopup(True)
            self.referred_on.setDisplayFormat("yyyy-MM-dd")
            self.diagnosis = QLineEdit()
            self.icd10 = QLineEdit()
            self.inpatient_no = QLineEdit()
            self.exam_results = _text_box()
            self.treatment_plan = _text_box(90)
            self.has_followup = QCheckBox(self.tr("Follow-up booked"))
            self.has_followup.setChecked(True)
            self.followup_date = QDateEdit(clinic_qdate(self.services).addDays(14))
            self.followup_date.setCalendarPopup(True)
            self.followup_date.setDisplayFormat("yyyy-MM-dd")
            self.has_followup.toggled.connect(self.followup_date.setEnabled)
            followup_row = QWidget()
            followup_row.setObjectName("followup_date")
            followup_layout = QHBoxLayout(followup_row)
            followup_layout.setContentsMargins(0, 0, 0, 0)
            followup_layout.addWidget(self.has_followup)
            followup_layout.addWidget(self.followup_date, 1)
            self.followup_method = _choice(["门诊复查", "家庭随访", "电话随访"], editable=True)
            self.outcome = _choice(["", *OUTCOMES])
            rows = [
                ("from_institution", self.tr("Referring hospital *"), self.institution),
                ("referred_on", self.tr("Date on the slip"), self.referred_on),
                ("referring_doctor", self.tr("County doctor *"), self.referring_doctor),
                ("referring_phone", self.tr("Contact phone"), self.referring_phone),
                ("indications", self.tr("Indications *"), grid_widget),
                ("indication_other", self.tr("Other indication"), self.indication_other),
                ("diagnosis", self.tr("Diagnosis *"), self.diagnosis),
                ("icd10", self.tr("ICD-10"), self.icd10),
                ("patient_type", self.tr("Patient type"), self.patient_type),
                ("inpatient_no", self.tr("Inpatient record no."), self.inpatient_no),
                ("exam_results", self.tr("Key findings *"), self.exam_results),
                ("treatment_plan", self.tr("Treatment, plan, rehab advice *"), self.treatment_plan),
                ("followup_date", self.tr("Follow-up date"), followup_row),
                ("followup_method", self.tr("Follow-up method"), self.followup_method),
                ("outcome", self.tr("Outcome"), self.outcome),
            ]
        for key, label, widget in rows:
            self._row(form, key, label, widget)

        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.addLayout(form)
        holder_layout.addStretch(1)  # spare height below the form, not inside a field
        scroll = scroll_body(holder)
        self.general_error = QLabel()
        self.general_error.setObjectName("generalError")
        self.general_error.setStyleSheet("color: #c0392b;")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        buttons = QDialogButtonBox()
        self.submit_button = QPushButton(
            self.tr("Submit and print (Ctrl+S)") if up else self.tr("Save (Ctrl+S)")
        )
        self.submit_button.setObjectName("submitReferral")
        buttons.addButton(self.submit_button, QDialogButtonBox.ButtonRole.AcceptRole)
        if up:
            self.draft_button = QPushButton(self.tr("Save draft"))
            self.draft_button.setObjectName("saveDraft")
            buttons.addButton(self.draft_button, QDialogButtonBox.ButtonRole.ActionRole)
            self.draft_button.clicked.connect(lambda: self.save(submit=False))
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Cancel"))
        self.submit_button.clicked.connect(lambda: self.save(submit=True))
        cancel.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save(submit=True))
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        if patient is not None:
            self.picker.set_patient(patient)
        if draft is not None:
            self._fill(draft)
        self.picker.search.setFocus()
        what = self.tr("The upward referral slip") if up else self.tr("The downward referral")
        if draft is not None:
            key = f"referral.{draft.id}"
        else:
            key = f"referral.{direction.value}.new" + (f".{patient.id}" if patient else "")
        self.guard_form(key, what)

    def _row(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> None:
        if not widget.objectName():
            widget.setObjectName(key)
        form.addRow(label, widget)
        form.addRow("", self.errors.add(key, widget))

    def _departments(self, depts: list[str]) -> None:
        current = self.department.currentText()
        self.department.clear()
        self.department.addItems(depts)
        if current:
            self.department.setCurrentText(current)

    def _fill(self, r: ReferralRow) -> None:
        self.picker.set_patient(self.services.patients.get(r.patient_id))
        self.institution.setCurrentText(r.to_institution)
        self.department.setCurrentText(r.to_department)
        self.to_doctor.setText(r.to_doctor)
        for text, box in self.indication_boxes.items():
            box.setChecked(text in r.indications)
        self.indication_other.setText(r.indication_other)
        self.impression.setText(r.impression)
        self.present_illness.setPlainText(r.present_illness)
        self.past_history.setPlainText(r.past_history)
        self.treatment.setPlainText(r.treatment)
        _choose(self.patient_type, r.patient_type)
        _choose(self.transport, r.transport)
        _choose(self.urgency, r.urgency)
        self.purpose.setText(r.purpose)
        self.cautions.setText(r.cautions)
        self.referring_doctor.setText(r.referring_doctor)
        self.referring_phone.setText(r.referring_phone)

    def collect(self) -> ReferralInput:
        p = self.picker.patient
        data = ReferralInput(
            direction=self.direction,
            patient_id=p.id if p else "",
            indications=[t for t, box in self.indication_boxes.items() if box.isChecked()],
            indication_other=self.indication_other.text(),
            patient_type=_chosen(self.patient_type),
            payment_type=self.payment_type.currentData() or "",
            referring_doctor=self.referring_doctor.text(),
            referring_phone=self.referring_phone.text(),
        )
        if self.direction is Direction.UP:
            data.to_institution = self.institution.currentText()
            data.to_department = self.department.currentText()
            data.to_doctor = self.to_doctor.text()
            data.impression = self.impression.text()
            data.present_illness = self.present_illness.toPlainText()
            data.past_history = self.past_history.toPlainText()
            data.treatment = self.treatment.toPlainText()
            data.transport = _chosen(self.transport)
            data.urgency = _chosen(self.urgency)
            data.purpose = self.purpose.text()
            data.cautions = self.cautions.text()
        else:
            data.from_institution = self.institution.currentText()
            data.referred_on = self.referred_on.date().toPython()  # type: ignore[assignment]
            data.diagnosis = self.diagnosis.text()
            data.icd10 = self.icd10.text()
            data.inpatient_no = self.inpatient_no.text()
            data.exam_results = self.exam_results.toPlainText()
            data.treatment_plan = self.treatment_plan.toPlainText()
            if self.has_followup.isChecked():
                followup: date = self.followup_date.date().toPython()  # type: ignore[assignment]
                data.followup_date = followup
            data.followup_method = _chosen(self.followup_method)
            data.outcome = _chosen(self.outcome)
        return data

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        """Enter moves to the next field, as on paper; it never saves a long form half
        filled (Ctrl+S saves)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def save(self, submit: bool = True) -> None:
        svc = self.services.referrals
        try:
            data = self.collect()
            if self.direction is Direction.DOWN:
                self.saved = svc.enter_downward(data)
            elif self.draft is not None:
                self.saved = svc.update_draft(self.draft.id, data, submit=submit)
            else:
                self.saved = svc.create_upward(data, submit=submit)
        except ValidationError as exc:
            self.show_first_error(self.errors.show(exc.errors, self.general_error))
            return
        except PermissionDenied as exc:
            self.general_error.setText(ui_error(exc))
            self.general_error.show()
            return
        if self.direction is Direction.DOWN:
            what = self.tr("downward referral %1")
        elif submit:
            what = self.tr("upward referral %1")
        else:
            what = self.tr("draft upward referral %1")
        notify_saved(self, what.replace("%1", self.saved.number or self.saved.patient_name))
        self.accept()

    def save_changes(self) -> None:
        """保存 when closing a changed form: an upward slip is kept as a draft (not sent)."""
        self.save(submit=self.direction is Direction.DOWN)
