"""The recovery key, shown once when encryption is turned on: copy it, print it, keep it.

It opens the encrypted data if every password is lost
(``python -m app --data-dir DIR recover-key --admin NAME``). ClinicLink never shows it again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class RecoveryKeyDialog(QDialog):
    def __init__(
        self,
        recovery_key: str,
        *,
        without_key: list[str] | None = None,
        plain_backups: list[Path] | None = None,
        data_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryKeyDialog")
        self.setWindowTitle(self.tr("Encryption is on — recovery key"))
        self.setMinimumWidth(560)
        self.recovery_key = recovery_key
        self.data_dir = data_dir
        self.plain_backups = list(plain_backups or [])
        intro = QLabel(
            self.tr(
                "The data on this PC is now encrypted. Each user's password opens it. This "
                "recovery key opens it if every password is lost. It is shown only this once: "
                "print it or write it down, and keep it locked away, not on this PC."
            )
        )
        intro.setWordWrap(True)
        self.key = QLineEdit(recovery_key)
        self.key.setObjectName("recoveryKey")
        self.key.setReadOnly(True)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(15)
        font.setBold(True)
        self.key.setFont(font)
        self.key.setMinimumHeight(40)
        # The whole key in view (a cut-off first group would be copied out by hand wrongly).
        self.key.setMinimumWidth(self.key.fontMetrics().horizontalAdvance(recovery_key) + 28)
        self.key.setCursorPosition(0)
        copy = QPushButton(self.tr("Copy"))
        copy.setObjectName("copyRecoveryKey")
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.setObjectName("printRecoveryKey")
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(copy)
        row.addWidget(self.print_button)
        how = QLabel(
            self.tr(
                "To use it: python -m app --data-dir DATA recover-key --admin ADMIN (asks for "
                "the key and a new password for that administrator)."
            )
        )
        how.setWordWrap(True)
        how.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(how)
        if without_key:
            others = QLabel(
                self.tr(
                    "Not yet able to open the data with their own password: %1. Each of them "
                    "logs in once on this PC while ClinicLink is open (after you log out), or "
                    "you reset their password."
                ).replace("%1", "、".join(without_key))
            )
            others.setObjectName("withoutKey")
            others.setWordWrap(True)
            layout.addWidget(others)
        self.backups_note = QLabel()
        self.backups_note.setObjectName("plainBackups")
        self.backups_note.setWordWrap(True)
        self.backups_note.setStyleSheet("color: #c0392b;")
        self.remove_backups = QPushButton(self.tr("Delete the unencrypted backups"))
        self.remove_backups.setObjectName("removePlainBackups")
        if self.plain_backups:
            self.backups_note.setText(
                self.tr(
                    "%1 backup(s) taken before encryption are not encrypted (the newest in "
                    "%2). Delete them once you are sure the encrypted data opens."
                )
                .replace("%1", str(len(self.plain_backups)))
                .replace("%2", str(self.plain_backups[0].parent))
            )
            layout.addWidget(self.backups_note)
            layout.addWidget(self.remove_backups)
        self.kept = QCheckBox(self.tr("I have printed or written down the recovery key"))
        self.kept.setObjectName("recoveryKept")
        layout.addWidget(self.kept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        layout.addWidget(buttons)
        self.kept.toggled.connect(self.ok.setEnabled)
        buttons.accepted.connect(self.accept)
        copy.clicked.connect(self.copy)
        self.print_button.clicked.connect(self.print_key)
        self.remove_backups.clicked.connect(self.delete_plain_backups)

    def reject(self) -> None:
        """Esc or the window's close button do nothing until the key is confirmed kept: the
        key is never shown again."""
        if self.kept.isChecked():
            self.accept()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.recovery_key)

    def document(self) -> QTextDocument:
        doc = QTextDocument()
        title = self.tr("ClinicLink recovery key")
        where = str(self.data_dir or "")
        doc.setHtml(
            f"<h2>{title}</h2><p style='font-size:20pt; font-family:monospace'>"
            f"<b>{self.recovery_key}</b></p><p>{where}</p><p>"
            + self.tr("Keep this page locked away. It opens the clinic's data without a password.")
            + "</p>"
        )
        return doc

    def print_key(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.document().print_(printer)

    def delete_plain_backups(self) -> None:
        if self.data_dir is None:
            return
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            self.tr("Delete %1 unencrypted backup(s)? The encrypted backups stay.").replace(
                "%1", str(len(self.plain_backups))
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        from app.services.encryption import remove_plain_backups

        removed = remove_plain_backups(self.data_dir)
        self.backups_note.setText(
            self.tr("Deleted %1 unencrypted backup(s).").replace("%1", str(len(removed)))
        )
        self.backups_note.setStyleSheet("color: #1e8449;")
        self.remove_backups.setEnabled(False)
