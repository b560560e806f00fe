"""Change one's own password: from the account menu, or forced after an admin's reset."""

from __future__ import annotations

from PySide6.QtWidgets import (
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


class ChangePasswordDialog(QDialog):
    """``forced``: the user logged in with a temporary password and must choose their own
    before going on (the login that just happened checked the temporary one)."""

    def __init__(
        self, services: AppServices, *, forced: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.forced = forced
        self.setWindowTitle(self.tr("Change password"))
        self.setMinimumWidth(380)
        self.errors = FieldErrors()
        self.current = self._password("current_password")
        self.new = self._password("new_password")
        self.repeat = self._password("repeat_password")
        note = QLabel(
            self.tr(
                "Your password was reset by an administrator. Choose your own password to go on."
            )
            if forced
            else self.tr("Choose a new password of at least 6 characters.")
        )
        note.setWordWrap(True)
        note.setObjectName("passwordNote")
        form = QFormLayout()
        if not forced:
            form.addRow(self.tr("Current password"), self.current)
            form.addRow("", self.errors.add("current_password", self.current))
        form.addRow(self.tr("New password"), self.new)
        form.addRow("", self.errors.add("new_password", self.new))
        form.addRow(self.tr("New password again"), self.repeat)
        form.addRow("", self.errors.add("repeat_password", self.repeat))
        self.general = QLabel()
        self.general.setStyleSheet("color: #c0392b;")
        self.general.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Change password"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr("Log out") if forced else self.tr("Cancel")
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        (self.new if forced else self.current).setFocus()

    def _password(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def submit(self) -> None:
        self.errors.clear()
        if self.new.text() != self.repeat.text():
            self.errors.show(
                [FieldError("repeat_password", "mismatch", self.tr("The two passwords differ"))]
            )
            self.repeat.selectAll()
            self.repeat.setFocus()
            return
        try:
            self.services.users.change_own_password(
                None if self.forced else self.current.text(), self.new.text()
            )
        except ValidationError as exc:
            first = self.errors.show(exc.errors, self.general)
            if first is not None:
                first.setFocus()
            return
        self.accept()
