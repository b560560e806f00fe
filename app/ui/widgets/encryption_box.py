"""设置 → 数据加密 (administrators): whether the data on this PC is encrypted, and turning it
on (the database converted to an encrypted copy, a backup first; ClinicLink then closes and
the next login opens the encrypted data). The first-run setup offers the same choice."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.roles import Perm, allowed
from app.services import encryption
from app.services.bundle import AppServices


class EnableEncryptionDialog(QDialog):
    """What turning encryption on does, and the administrator's password to wrap the key."""

    def __init__(self, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enableEncryptionDialog")
        self.setWindowTitle(self.tr("Turn on encryption"))
        self.setMinimumWidth(480)
        text = QLabel(
            self.tr(
                "The database, its journal and every backup from now on are encrypted (AES-256, "
                "SQLCipher). Each user's password opens them; a recovery key is shown once for "
                "you to print. First a backup is taken; the data is written to a new encrypted "
                "file, checked record by record, and only then put in place of the old one. "
                "ClinicLink closes when it is done; start it again and log in."
            )
        )
        text.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Your password (%1)").replace("%1", username), self.password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #c0392b;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Encrypt"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.password.setFocus()


class EncryptionBox(QGroupBox):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("encryptionBox")
        self.setTitle(self.tr("Encryption at rest"))
        self.services = services
        self.status = QLabel()
        self.status.setObjectName("encryptionStatus")
        self.status.setWordWrap(True)
        self.turn_on = QPushButton(self.tr("Turn on encryption…"))
        self.turn_on.setObjectName("turnOnEncryption")
        self.message = QLabel()
        self.message.setObjectName("encryptionMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addWidget(self.turn_on)
        row.addWidget(self.message, 1)
        layout.addLayout(row)
        self.turn_on.clicked.connect(self.ask)
        self.dialog: EnableEncryptionDialog | None = None
        self.recovery_dialog: QDialog | None = None
        self.show_status()

    def show_status(self) -> None:
        on = encryption.is_on(self.services.data_dir)
        if on:
            self.status.setText(
                self.tr(
                    "The database, its journal and its backups on this PC are encrypted. A "
                    "user's password opens them; the recovery key opens them if every "
                    "password is lost. Exported PDF and Excel files are not encrypted."
                )
            )
            self.status.setStyleSheet("color: #1e8449;")
        else:
            self.status.setText(
                self.tr(
                    "Not encrypted: whoever takes this PC, its disk or a copy of the database "
                    "or a backup can read every record."
                )
            )
            self.status.setStyleSheet("color: #c0392b;")
        actor = self.services.ctx.actor
        admin = bool(actor and allowed(actor.role, Perm.USER_MANAGE))
        self.turn_on.setVisible(not on)
        self.turn_on.setEnabled(admin)

    def ask(self) -> None:
        actor = self.services.ctx.actor
        if actor is None:
            return
        self.dialog = EnableEncryptionDialog(actor.username, self)
        self.dialog.accepted.connect(lambda: self.start(actor.username))
        self.dialog.open()

    def start(self, username: str) -> None:
        assert self.dialog is not None
        password = self.dialog.password.text()
        self.turn_on.setEnabled(False)
        self.message.setStyleSheet("color: #666;")
        self.message.setText(self.tr("Backing up and encrypting… (do not switch the PC off)"))
        self._close_database()
        from app.ui.tasks import TaskRunner

        self.tasks = TaskRunner(self)
        data_dir = self.services.data_dir
        self.tasks.run(
            lambda: encryption.enable(data_dir, username, password), self.done, self.failed
        )

    def _close_database(self) -> None:
        """Stop syncing and close every connection before the file is replaced."""
        window = self.window()
        sync = getattr(window, "sync", None)
        if sync is not None:
            sync.stop()
        tasks = getattr(window, "tasks", None)
        if tasks is not None:
            tasks.wait(60_000)
        self.services.ctx.dispose()

    def failed(self, exc: Exception) -> None:
        self.services.ctx.reopen()
        if not isinstance(exc, encryption.EncryptionError):
            raise exc
        self.message.setStyleSheet("color: #c0392b;")
        self.message.setText(str(exc))
        self.turn_on.setEnabled(True)
        sync = getattr(self.window(), "sync", None)
        if sync is not None:
            sync.start()

    def done(self, result: encryption.EnableResult) -> None:
        from app.ui.dialogs.recovery_key_dialog import RecoveryKeyDialog

        self.services.ctx.reopen()  # until ClinicLink closes, work goes to the encrypted file
        self.message.setStyleSheet("color: #1e8449;")
        self.message.setText(self.tr("Encrypted."))
        dialog = RecoveryKeyDialog(
            result.recovery_key,
            without_key=result.without_key,
            plain_backups=result.plain_backups,
            data_dir=self.services.data_dir,
            parent=self,
        )
        self.recovery_dialog = dialog
        dialog.accepted.connect(self.close_app)
        dialog.open()

    def close_app(self) -> None:
        QMessageBox.information(
            self,
            self.tr("Encryption at rest"),
            self.tr("ClinicLink will now close; start it again and log in."),
        )
        app = QApplication.instance()
        if app is not None:
            app.quit()
