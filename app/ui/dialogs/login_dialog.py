"""Login: username and password, with the clinic's name so staff know where they are."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.bundle import AppServices
from app.services.context import Actor
from app.services.users import LoginFailed


class LoginDialog(QDialog):
    def __init__(
        self,
        services: AppServices,
        clinic_name: str,
        last_username: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("ClinicLink — log in"))
        self.setMinimumWidth(380)
        title = QLabel(self.tr("ClinicLink Primary Care Workstation"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet("font-size: 18px; font-weight: bold; padding: 6px;")
        clinic = QLabel(clinic_name)
        clinic.setObjectName("clinicName")
        clinic.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit(last_username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("loginMessage")
        self.message.setStyleSheet("color: #c0392b;")
        form = QFormLayout()
        form.addRow(self.tr("Username"), self.username)
        form.addRow(self.tr("Password"), self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log in"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Exit"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(clinic)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password if last_username else self.username).setFocus()

    def submit(self) -> None:
        try:
            self.actor = self.services.users.login(self.username.text(), self.password.text())
        except LoginFailed:
            self.message.setText(self.tr("Wrong username or password"))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()
