"""A commit counter kept outside the database, to notice committed writes that went missing.

Every write a user makes adds an audit row, so the highest ``audit_log.id`` counts them. After
each write transaction the workstation notes it in ``cliniclink.db.mark`` beside the database
(written after the commit, so the mark is never ahead of what was committed). At open, a
database whose counter is below the mark has lost committed writes: its ``-wal`` file was
deleted or damaged (SQLite silently ignores a bad WAL), or an older copy of the file was put
in its place. That is said, and the file is not written to; restoring a backup resets the
mark and brings back from the hub what this clinic had already uploaded.

No SQLAlchemy here (start-up path).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.db import sqlconn

MARK_SUFFIX = ".mark"


def mark_path(db_file: Path) -> Path:
    return Path(str(db_file) + MARK_SUFFIX)


def db_counter(db_file: Path) -> int | None:
    """The database's write counter (highest audit row id), read-only; None if unreadable."""
    try:
        conn = sqlconn.connect(db_file, readonly=True)
        try:
            row = conn.execute("SELECT max(id) FROM audit_log").fetchone()
        finally:
            conn.close()
    except sqlconn.Error:
        return None
    return int(row[0] or 0) if row else 0


def read_mark(db_file: Path) -> int | None:
    try:
        raw = json.loads(mark_path(db_file).read_text(encoding="utf-8"))
        return int(raw["audit_max"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_mark(db_file: Path, counter: int) -> None:
    """Note ``counter`` (best effort: a mark that lags behind only weakens the check)."""
    path = mark_path(db_file)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps({"audit_max": counter}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def behind(db_file: Path) -> tuple[int, int] | None:
    """(marked, found) when the database holds fewer writes than were committed to it."""
    marked = read_mark(db_file)
    if marked is None:
        return None
    found = db_counter(db_file)
    if found is None or found >= marked:
        return None
    return marked, found


def reset_mark(db_file: Path) -> None:
    """After a restore (or a new database): the mark follows the file as it now is."""
    found = db_counter(db_file)
    if found is None:
        mark_path(db_file).unlink(missing_ok=True)
    else:
        write_mark(db_file, found)
