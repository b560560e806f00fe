"""Login: username and password, with the clinic's name so staff know where they are."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:  # kept out of start-up: the login window shows before SQLAlchemy loads
    from app.services.bundle import AppServices
    from app.services.context import Actor


class LoginDialog(QDialog):
    def __init__(
        self,
        services: AppServices | None,
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
        self.login_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.status = QLabel()
        self.status.setObjectName("loginStatus")
        self.status.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(clinic)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        (self.password if last_username else self.username).setFocus()
        if services is None:
            # The window shows at once; the database check finishes while the user types.
            self.login_button.setEnabled(False)
            self.status.setText(self.tr("Checking the database…"))

    def set_services(self, services: AppServices) -> None:
        self.services = services
        self.login_button.setEnabled(True)
        self.status.clear()

    def submit(self) -> None:
        if self.services is None:
            return
        from app.services.users import LoginFailed

        try:
            self.actor = self.services.users.login(self.username.text(), self.password.text())
        except LoginFailed:
            self.message.setText(self.tr("Wrong username or password"))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()
