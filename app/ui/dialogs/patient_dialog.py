"""Register or edit a patient (居民): errors beside their fields, nothing typed is lost."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain import idcard
from app.domain.codes import PAYMENT_LEGACY, PAYMENT_TYPES, SEX, payment_label
from app.domain.errors import FieldError, PermissionDenied, ValidationError
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.services.patients import DuplicateIdNumber, PatientRow
from app.ui.domain_text import ui, ui_error
from app.ui.widgets.form_dialog import FormDialog
from app.ui.widgets.form_errors import FieldErrors
from app.ui.widgets.screen_fit import fit_to_screen, scroll_body
from app.ui.widgets.status_note import notify_saved


def parse_date(text: str) -> date | None:
    """Accept 1960-03-15, 1960/3/15, 1960.3.15 or 19600315; raise ValueError otherwise."""
    t = text.strip().replace("/", "-").replace(".", "-")
    if not t:
        return None
    if t.isdigit() and len(t) == 8:
        return date(int(t[:4]), int(t[4:6]), int(t[6:]))
    y, m, d = (int(x) for x in t.split("-"))
    return date(y, m, d)


class PatientDialog(FormDialog):
    def __init__(
        self,
        services: AppServices,
        patient: PatientRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.patient = patient
        self.saved: PatientRow | None = None
        self.setWindowTitle(self.tr("Edit patient") if patient else self.tr("Register patient"))
        self.setMinimumWidth(520)

        self.name = QLineEdit()
        self.sex = QComboBox()
        self.sex.addItem(self.tr("(from ID number)"), "")
        for code in ("1", "2", "0", "9"):
            self.sex.addItem(ui(SEX[code]), code)
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText(self.tr("e.g. 1960-03-15; blank to take it from the ID"))
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(22)
        self.id_number.setPlaceholderText(self.tr("18 digits (15-digit old numbers are upgraded)"))
        self.id_number.editingFinished.connect(self._derive_from_id)
        self.phone = QLineEdit()
        self.village = QLineEdit()
        self.address = QLineEdit()
        self.record_number = QLineEdit()
        self.payment_type = QComboBox()
        self.payment_type.addItem("", "")
        for code, label in PAYMENT_TYPES.items():
            if code not in PAYMENT_LEGACY:
                self.payment_type.addItem(ui(label), code)
        self.allergies = QPlainTextEdit()
        self.allergies.setFixedHeight(54)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(72)
        self.derived = QLabel()
        self.derived.setObjectName("derived")
        self.derived.setStyleSheet("color: #555;")

        self.errors = FieldErrors()
        form = QFormLayout()
        rows: list[tuple[str, str, QWidget]] = [
            ("name", self.tr("Name *"), self.name),
            ("id_number", self.tr("ID number"), self.id_number),
            ("sex", self.tr("Sex *"), self.sex),
            ("birth_date", self.tr("Date of birth *"), self.birth_date),
            ("phone", self.tr("Phone"), self.phone),
            ("village", self.tr("Village"), self.village),
            ("address", self.tr("Address"), self.address),
            ("record_number", self.tr("Health record no."), self.record_number),
            ("payment_type", self.tr("Payment type"), self.payment_type),
            ("allergies", self.tr("Allergies"), self.allergies),
            ("notes", self.tr("Notes"), self.notes),
        ]
        for key, label, widget in rows:
            widget.setObjectName(key)
            form.addRow(label, widget)
            form.addRow("", self.errors.add(key, widget))
            if key == "id_number":
                form.addRow("", self.derived)
        self.general_error = QLabel()
        self.general_error.setObjectName("generalError")
        self.general_error.setStyleSheet("color: #c0392b;")
        self.general_error.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save (Ctrl+S)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save())

        body = QWidget()
        body.setLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll_body(body), 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        if patient:
            self._fill(patient)
        self.name.setFocus()
        fit_to_screen(self, 560, 600)
        self.guard_form(
            f"patient.{patient.id}" if patient else "patient.new",
            self.tr("The patient record of %1").replace("%1", patient.name)
            if patient
            else self.tr("The new patient record"),
        )

    # -- form <-> data -------------------------------------------------------------------
    def _fill(self, p: PatientRow) -> None:
        self.name.setText(p.name)
        self.sex.setCurrentIndex(max(0, self.sex.findData(p.sex)))
        self.birth_date.setText(p.birth_date.isoformat())
        self.id_number.setText(p.id_number)
        self.phone.setText(p.phone)
        self.village.setText(p.village)
        self.address.setText(p.address)
        self.record_number.setText(p.record_number)
        if p.payment_type and self.payment_type.findData(p.payment_type) < 0:
            self.payment_type.addItem(ui(payment_label(p.payment_type)), p.payment_type)
        self.payment_type.setCurrentIndex(max(0, self.payment_type.findData(p.payment_type)))
        self.allergies.setPlainText(p.allergies)
        self.notes.setPlainText(p.notes)

    def _derive_from_id(self) -> None:
        text = self.id_number.text().strip()
        if not text:
            self.derived.clear()
            return
        try:
            info = idcard.parse(text, self.services.ctx.today())
        except idcard.IdCardError as exc:
            self.errors.show([FieldError("id_number", exc.code, exc.message)])
            self.derived.clear()
            return
        self.errors.clear()
        if info.number != text:
            self.id_number.setText(info.number)
        if not self.birth_date.text().strip():
            self.birth_date.setText(info.birth_date.isoformat())
        if not self.sex.currentData():
            self.sex.setCurrentIndex(self.sex.findData(info.sex))
        today = self.services.ctx.today()
        text = (
            self.tr("From the ID number: born %1, %2, age %3")
            .replace("%1", info.birth_date.isoformat())
            .replace("%2", ui(SEX[info.sex]))
            .replace("%3", str(idcard.age_on(info.birth_date, today)))
        )
        age = idcard.age_on(info.birth_date, today)
        if age > idcard.AGE_WARNING_ABOVE:
            # Accepted, but worth a second look: say so next to what was derived.
            text += "　" + self.tr("Age over %1: please check the date of birth").replace(
                "%1", str(idcard.AGE_WARNING_ABOVE)
            )
        self.derived.setText(text)

    def collect(self) -> PatientInput:
        try:
            born = parse_date(self.birth_date.text())
        except ValueError:
            raise ValidationError(
                [
                    FieldError(
                        "birth_date",
                        "format",
                        self.tr("Date of birth must be a real date such as 1960-03-15"),
                    )
                ]
            ) from None
        return PatientInput(
            name=self.name.text(),
            sex=self.sex.currentData() or "",
            birth_date=born,
            id_number=self.id_number.text(),
            phone=self.phone.text(),
            village=self.village.text(),
            address=self.address.text(),
            record_number=self.record_number.text(),
            payment_type=self.payment_type.currentData() or "",
            allergies=self.allergies.toPlainText(),
            notes=self.notes.toPlainText(),
        )

    # -- saving --------------------------------------------------------------------------
    def save(self, allow_duplicate: bool = False) -> None:
        patients = self.services.patients
        try:
            data = self.collect()
            if self.patient is None:
                self.saved = patients.create(data, allow_duplicate=allow_duplicate)
            else:
                self.saved = patients.update(
                    self.patient.id,
                    data,
                    expected_version=self.patient.version,
                    allow_duplicate=allow_duplicate,
                )
        except ValidationError as exc:
            self.show_first_error(self.errors.show(exc.errors, self.general_error))
            return
        except DuplicateIdNumber as exc:
            if self._confirm_duplicate(exc):
                self.save(allow_duplicate=True)
            return
        except PermissionDenied as exc:
            self.general_error.setText(ui_error(exc))
            self.general_error.show()
            return
        notify_saved(self, self.tr("patient %1").replace("%1", self.saved.name))
        self.accept()

    def save_changes(self) -> None:
        self.save()

    def _confirm_duplicate(self, exc: DuplicateIdNumber) -> bool:
        names = "、".join(f"{p.name}（{p.village or '-'}）" for p in exc.existing)
        answer = QMessageBox.question(
            self,
            self.tr("ID number already registered"),
            self.tr(
                "This ID number is already registered for: %1.\n"
                "Register another record with the same number anyway?"
            ).replace("%1", names),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
