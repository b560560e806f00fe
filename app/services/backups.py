"""Backups and restore for the UI (no Qt here; the UI runs these off the GUI thread).

Works on a data directory, not on open services: restore must run with the database closed,
and the damaged-database message offers it before any service could open.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.config import Settings
from app.db.backup import (
    BackupFailed,
    BackupInfo,
    Unsent,
    daily_backup,
    list_backups,
    read_info,
    unsent_dropped,
)
from app.db.paths import db_path
from app.db.restore import RestoreRefused, RestoreResult, restore_backup, verify_backup

STATUS_FILE = "backup-status.json"
__all__ = ["BackupFailed", "BackupService", "Preview", "RestoreRefused", "RestoreResult"]


@dataclass
class Preview:
    info: BackupInfo
    unsent: list[Unsent]
    current_readable: bool


class BackupService:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)

    def settings(self) -> Settings:
        return Settings.load(self.data_dir)

    def folder(self) -> Path:
        configured = self.settings().backup_folder
        return Path(configured) if configured else self.data_dir / "backups"

    def set_folder(self, folder: str, keep: int) -> None:
        s = Settings.load(self.data_dir)
        s.backup_folder = folder.strip()
        s.backup_keep = max(1, min(365, keep))
        s.save(self.data_dir)

    def daily(self, *, force: bool = False) -> Path | None:
        """The automatic backup (first start of the day; ``force`` on close). Its outcome is
        noted (``last_status``) so 设置 can say when the last one failed (a USB drive not
        plugged in, a full disk)."""
        path = db_path(self.data_dir)
        if not path.exists():
            return None
        try:
            made = daily_backup(path, self.folder(), self.settings().backup_keep, force=force)
        except BackupFailed as exc:
            self._note({"ok": False, "error": str(exc)})
            raise
        if made is not None:
            self._note({"ok": True, "path": str(made)})
        return made

    def _note(self, status: dict[str, object]) -> None:
        status["at"] = datetime.now().isoformat(timespec="seconds")
        with contextlib.suppress(OSError):  # a full disk: the failure is in the log
            (self.data_dir / STATUS_FILE).write_text(
                json.dumps(status, ensure_ascii=False), encoding="utf-8"
            )

    def last_status(self) -> dict[str, object] | None:
        """The last automatic or manual backup's outcome: ok, at, path or error."""
        try:
            raw = json.loads((self.data_dir / STATUS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return raw if isinstance(raw, dict) else None

    def backups(self) -> list[BackupInfo]:
        """Backups in the configured folder and in the data directory's, newest first."""
        seen: dict[Path, BackupInfo] = {}
        for folder in (self.folder(), self.data_dir / "backups"):
            for b in list_backups(folder):
                seen.setdefault(b.path.resolve(), b)
        return sorted(
            seen.values(),
            key=lambda b: b.created_at.timestamp() if b.created_at else 0,
            reverse=True,
        )

    def preview(self, file: Path) -> Preview:
        """What ``file`` holds and the records not yet uploaded that restoring it would drop.
        Raises RestoreRefused if it cannot be restored here."""
        info = verify_backup(file, self.data_dir)
        current = db_path(self.data_dir)
        readable = current.exists() and current.stat().st_size > 0
        unsent = unsent_dropped(current, Path(file)) if readable else []
        return Preview(info, unsent, readable)

    def restore(self, file: Path) -> RestoreResult:
        return restore_backup(self.data_dir, Path(file))

    @staticmethod
    def info(file: Path) -> BackupInfo:
        return read_info(Path(file))
