"""Login: username and password, with the clinic's name so staff know where they are."""

from __future__ import annotations

from collections.abc import Callable
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
        *,
        unlock: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        # An encrypted database still closed: the typed password opens it first (the
        # workstation unwraps the key, checks the database, then this dialog logs in).
        self.unlock = unlock
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
        if services is None and unlock is not None:
            self.status.setText(
                self.tr("The data on this PC is encrypted: your password opens it.")
            )
        elif services is None:
            # The window shows at once; the database check finishes while the user types.
            self.login_button.setEnabled(False)
            self.status.setText(self.tr("Checking the database…"))

    def set_services(self, services: AppServices) -> None:
        self.services = services
        self.login_button.setEnabled(True)
        self.status.clear()

    def submit(self) -> None:
        if self.services is None:
            if self.unlock is not None and self.login_button.isEnabled():
                self.message.clear()
                self.login_button.setEnabled(False)
                self.status.setText(self.tr("Opening the encrypted database…"))
                self.unlock(self.username.text(), self.password.text())
            return
        from app.services.users import AccountLocked, LoginFailed

        try:
            self.actor = self.services.users.login(self.username.text(), self.password.text())
        except AccountLocked as locked:
            self.show_locked(locked.minutes_left)
            return
        except LoginFailed:
            self.show_wrong()
            return
        if self.services.users.must_change_password:
            self.ask_new_password()
            return
        self.accept()

    def show_locked(self, minutes: int) -> None:
        self.message.setText(
            self.tr(
                "Too many wrong passwords: this account is locked. Try again in {minutes} "
                "minute(s), or ask an administrator to reset the password."
            ).format(minutes=minutes)
        )
        self.password.clear()
        self.password.setFocus()

    def show_wrong(self) -> None:
        self.message.setText(self.tr("Wrong username or password"))
        self.password.selectAll()
        self.password.setFocus()

    def unlock_refused(self, minutes: int) -> None:
        """The key file did not open with what was typed (or the name is locked out)."""
        self.login_button.setEnabled(True)
        self.status.setText(self.tr("The data on this PC is encrypted: your password opens it."))
        if minutes:
            self.show_locked(minutes)
        else:
            self.show_wrong()

    def ask_new_password(self) -> None:
        """A temporary password from an admin: the user picks their own before going on;
        cancelling logs them out again."""
        from app.ui.dialogs.password_dialog import ChangePasswordDialog

        assert self.services is not None
        services = self.services
        self.password_dialog = ChangePasswordDialog(services, forced=True, parent=self)
        self.password_dialog.accepted.connect(self.accept)

        def back_out() -> None:
            services.users.logout()
            self.actor = None
            self.password.clear()
            self.message.setText(self.tr("Choose a new password to log in"))
            self.password.setFocus()

        self.password_dialog.rejected.connect(back_out)
        self.password_dialog.open()
