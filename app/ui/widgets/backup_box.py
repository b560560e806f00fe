"""设置 → 备份与恢复 (administrators): where the daily backup goes and how many days are kept,
a backup now, and a restore with its preview."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.domain.roles import Perm, allowed
from app.services.backups import BackupFailed, BackupService
from app.services.bundle import AppServices
from app.ui.dialogs.restore_dialog import fill
from app.ui.domain_text import ui_error


class BackupBox(QGroupBox):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Backups"))
        self.services = services
        self.backups = BackupService(services.data_dir)
        settings = self.backups.settings()
        self.folder = QLineEdit(settings.backup_folder)
        self.folder.setObjectName("backupFolder")
        self.folder.setPlaceholderText(str(services.data_dir / "backups"))
        browse = QPushButton(self.tr("Choose…"))
        self.keep = QSpinBox()
        self.keep.setObjectName("backupKeep")
        self.keep.setRange(1, 365)
        self.keep.setValue(settings.backup_keep)
        self.keep.setSuffix(self.tr(" days"))
        self.save = QPushButton(self.tr("Save"))
        self.now = QPushButton(self.tr("Back up now"))
        self.now.setObjectName("backupNow")
        self.restore = QPushButton(self.tr("Restore from a backup…"))
        self.restore.setObjectName("restoreBackup")
        self.message = QLabel()
        self.message.setObjectName("backupMessage")
        self.message.setWordWrap(True)
        grid = QGridLayout(self)
        grid.addWidget(QLabel(self.tr("Folder")), 0, 0)
        grid.addWidget(self.folder, 0, 1, 1, 3)
        grid.addWidget(browse, 0, 4)
        grid.addWidget(QLabel(self.tr("Keep")), 1, 0)
        grid.addWidget(self.keep, 1, 1)
        grid.addWidget(self.save, 1, 2)
        grid.addWidget(self.now, 2, 1)
        grid.addWidget(self.restore, 2, 2, 1, 2)
        grid.addWidget(self.message, 3, 0, 1, 5)
        grid.setColumnStretch(3, 1)
        browse.clicked.connect(self._browse)
        self.save.clicked.connect(self.store)
        self.now.clicked.connect(self.backup_now)
        self.restore.clicked.connect(self.open_restore)
        self.show_status()
        actor = services.ctx.actor
        admin = bool(actor and allowed(actor.role, Perm.USER_MANAGE))
        for w in (self.folder, browse, self.keep, self.save, self.now, self.restore):
            w.setEnabled(admin)

    def show_status(self) -> None:
        """The last backup's outcome: a failed automatic one in red (no drive, no space)."""
        status = self.backups.last_status()
        if not status:
            return
        at = str(status.get("at", "")).replace("T", " ")[:16]
        if status.get("ok"):
            self._say(fill(self.tr("Last backup %1: %2"), at, status.get("path", "")), True)
        else:
            self._say(
                fill(self.tr("The last backup (%1) failed: %2"), at, status.get("error", "")),
                False,
            )

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Backup folder"), self.folder.text())
        if path:
            self.folder.setText(path)

    def _say(self, text: str, ok: bool) -> None:
        self.message.setStyleSheet("color: #1e8449;" if ok else "color: #c0392b;")
        self.message.setText(text)

    def store(self) -> None:
        self.backups.set_folder(self.folder.text(), self.keep.value())
        self._say(self.tr("Saved"), True)

    def backup_now(self) -> None:
        self.store()
        try:
            path = self.backups.daily(force=True)
        except BackupFailed as exc:
            self._say(ui_error(exc), False)
            return
        self._say(fill(self.tr("Backed up: %1"), str(path)), True)

    def open_restore(self) -> None:
        from app.ui.dialogs.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.backups, self._close_database, self)
        dialog.exec()
        if dialog.restored:
            app = QApplication.instance()
            if app is not None:
                app.quit()

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
