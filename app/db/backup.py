"""Backups with the SQLite online backup API (never a file copy of a live database)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


def backup_dir(data_dir: Path) -> Path:
    d = Path(data_dir) / "backups"
    d.mkdir(parents=True, exist_ok=True)
    return d


def backup(db_file: Path, dest_dir: Path, label: str) -> Path:
    """Copy ``db_file`` consistently into ``dest_dir``; returns the backup's path."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = dest_dir / f"cliniclink-{stamp}-{label}.db"
    src = sqlite3.connect(str(db_file))
    try:
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return dest


def restore(backup_file: Path, db_file: Path) -> None:
    """Overwrite ``db_file`` with the contents of ``backup_file`` (through the backup API)."""
    src = sqlite3.connect(str(backup_file))
    try:
        dst = sqlite3.connect(str(db_file))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
