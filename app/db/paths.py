"""Where the database lives in a data directory (no SQLAlchemy import: used at start-up)."""

from __future__ import annotations

from pathlib import Path

DB_FILENAME = "cliniclink.db"


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILENAME
