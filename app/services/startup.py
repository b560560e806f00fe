"""Start-up steps for the UI and commands, kept light: no SQLAlchemy until services open.

``peek`` reads just enough (read-only, plain sqlite3) to show the first window at once;
``prepare`` checks and migrates the database (run in the background while the user types);
``open_services`` connects the services. Nothing is written before ``prepare`` has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.db import sqlconn
from app.db.migrate import DatabaseDamaged, MigrationFailed, OpenResult, open_database
from app.db.paths import db_path

if TYPE_CHECKING:
    from app.services.bundle import AppServices

__all__ = ["DatabaseDamaged", "MigrationFailed", "StartupPeek", "open_services", "peek", "prepare"]


@dataclass(frozen=True)
class StartupPeek:
    exists: bool
    clinic_name: str | None  # None: not set up yet (or unreadable; prepare will say why)


def peek(data_dir: Path) -> StartupPeek:
    path = db_path(data_dir)
    if not path.exists():
        return StartupPeek(False, None)
    if path.stat().st_size == 0:  # not a new install: prepare refuses it, naming the backups
        return StartupPeek(True, None)
    try:
        conn = sqlconn.connect(path, readonly=True)
        try:
            row = conn.execute("SELECT name FROM clinic LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlconn.DatabaseError:
        return StartupPeek(True, None)
    return StartupPeek(True, row[0] if row else None)


def prepare(data_dir: Path) -> OpenResult:
    """quick_check, backup and migrate. Raises DatabaseDamaged / MigrationFailed."""
    return open_database(data_dir)


def open_services(data_dir: Path) -> AppServices:
    from app.services.bundle import AppServices
    from app.services.context import ServiceContext

    return AppServices.create(ServiceContext.open(data_dir), data_dir)
