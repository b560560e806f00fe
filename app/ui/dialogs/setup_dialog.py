"""First-run setup: the clinic's identity and the first administrator account."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import FieldError, ValidationError
from app.services.bundle import AppServices
from app.ui.widgets.form_errors import FieldErrors


class SetupDialog(QDialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("ClinicLink — first-run setup"))
        self.setMinimumWidth(460)
        intro = QLabel(
            self.tr(
                "Welcome. Enter this clinic's details and create the first administrator "
                "account. You can add doctors and nurses later under Settings."
            )
        )
        intro.setWordWrap(True)
        self.clinic_name = QLineEdit()
        self.clinic_name.setPlaceholderText(self.tr("e.g. Taohua Township Health Centre"))
        self.clinic_code = QLineEdit()
        self.clinic_code.setPlaceholderText(self.tr("code assigned by the county, letters/digits"))
        self.county_hospital = QLineEdit()
        self.admin_username = QLineEdit("admin")
        self.admin_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)

        self.errors = FieldErrors()
        form = QFormLayout()
        rows: list[tuple[str, str, QLineEdit]] = [
            ("clinic_name", self.tr("Clinic name"), self.clinic_name),
            ("clinic_code", self.tr("Clinic code"), self.clinic_code),
            ("county_hospital", self.tr("County hospital"), self.county_hospital),
            ("username", self.tr("Administrator username"), self.admin_username),
            ("display_name", self.tr("Administrator name"), self.admin_name),
            ("password", self.tr("Password"), self.password),
            ("password2", self.tr("Repeat password"), self.password2),
        ]
        for key, label, widget in rows:
            widget.setObjectName(key)
            form.addRow(label, widget)
            form.addRow("", self.errors.add(key, widget))
        self.encrypt = QCheckBox(
            self.tr("Encrypt the data on this PC (can also be turned on later in Settings)")
        )
        self.encrypt.setObjectName("encrypt")
        self.encrypt_note = QLabel(
            self.tr(
                "Each user's password opens the encrypted data; a recovery key is shown once "
                "for you to print. Exported PDF and Excel files are not encrypted."
            )
        )
        self.encrypt_note.setWordWrap(True)
        self.encrypt_note.setStyleSheet("color: #666;")
        self.general_error = QLabel()
        self.general_error.setStyleSheet("color: #c0392b;")
        self.general_error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Finish setup"))
        buttons.accepted.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.encrypt)
        layout.addWidget(self.encrypt_note)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.clinic_name.setFocus()

    def submit(self) -> None:
        if self.password.text() != self.password2.text():
            self.errors.show([FieldError("password2", "mismatch", self.tr("The passwords differ"))])
            self.password2.setFocus()
            return
        try:
            self.services.users.setup(
                clinic_code=self.clinic_code.text(),
                clinic_name=self.clinic_name.text(),
                county_hospital=self.county_hospital.text(),
                admin_username=self.admin_username.text(),
                admin_display_name=self.admin_name.text(),
                admin_password=self.password.text(),
            )
        except ValidationError as exc:
            first = self.errors.show(exc.errors, self.general_error)
            if first:
                first.setFocus()
            return
        self.accept()
