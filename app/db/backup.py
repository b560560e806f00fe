"""Backups with the SQLite online backup API (never a file copy of a live database).

A backup is written under a temporary name (``….db.partial``), checked with
``integrity_check``, its record counts written to a manifest beside it (``….db.json``), and
only then renamed to its final name: a file named like a backup is always a good one. A
failure (a full disk, a removed USB drive) leaves no file behind and raises ``BackupFailed``
with a message for the user.

Daily backups (``label="daily"``) go to the folder set in 设置 (a USB drive, a network share;
default: ``backups`` in the data directory); one per day is kept (a later one the same day
replaces it) and the newest ``keep`` days. Backups taken before an upgrade or a restore stay
in the data directory's ``backups`` folder.

No SQLAlchemy here: this runs at start-up and from the command line.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.db import sqlconn

PARTIAL = ".partial"
MANIFEST = ".json"
DAILY = "daily"
_NAME = re.compile(r"^cliniclink-(\d{8})-(\d{6})-(\d{6})-([a-z-]+)\.db$")
# The tables a preview shows, in the order a clinic thinks of them.
COUNTED = (
    ("patients", "Residents"),
    ("referrals", "Referrals"),
    ("followup_plans", "Follow-up plans"),
    ("followup_visits", "Follow-up visits"),
    ("followup_contacts", "Follow-up contacts"),
    ("training_activities", "Training activities"),
    ("training_attendance", "Training attendance"),
    ("staff", "Staff"),
    ("users", "User accounts"),
    ("audit_log", "Audit entries"),
    ("outbox", "Not yet uploaded"),
)


class BackupFailed(Exception):
    """A backup could not be written or did not verify; nothing named like a backup is left."""

    def __init__(self, message: str, disk_full: bool = False) -> None:
        self.disk_full = disk_full
        super().__init__(message)


def is_disk_full(exc: BaseException) -> bool:
    """A full disk (or a file-size limit) as SQLite or the OS reports it."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            return True
        text = str(seen).lower()
        if "disk is full" in text or "database or disk is full" in text or "file too large" in text:
            return True
        orig = getattr(seen, "orig", None)
        seen = orig if isinstance(orig, BaseException) else (seen.__cause__ or seen.__context__)
    return False


DISK_FULL_MESSAGE = "磁盘空间不足：{where} 所在的磁盘已满。请清理磁盘或换一个有空间的位置后再试。"


def _low_space(folder: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(folder).free < (1 << 20)
    except OSError:
        return False


def backup_dir(data_dir: Path) -> Path:
    d = Path(data_dir) / "backups"
    d.mkdir(parents=True, exist_ok=True)
    return d


@dataclass
class BackupInfo:
    path: Path
    created_at: datetime | None
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    revisions: list[str] = field(default_factory=list)
    size: int = 0


def record_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    out: dict[str, int] = {}
    for name in sorted(tables):
        if name.startswith("sqlite_"):
            continue
        out[name] = int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
    return out


def _revisions(conn: sqlite3.Connection) -> list[str]:
    try:
        return sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
    except sqlconn.DatabaseError:
        return []


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink(missing_ok=True)


def backup(db_file: Path, dest_dir: Path, label: str, now: datetime | None = None) -> Path:
    """Copy ``db_file`` consistently into ``dest_dir``, verified; returns the backup's path.

    Raises ``BackupFailed`` (nothing left behind) if it cannot be written or does not verify.
    """
    now = now or datetime.now()
    dest_dir = Path(dest_dir)
    stamp = now.strftime("%Y%m%d-%H%M%S-%f")
    dest = dest_dir / f"cliniclink-{stamp}-{label}.db"
    tmp = dest.with_name(dest.name + PARTIAL)
    manifest = dest.with_name(dest.name + MANIFEST)
    mtmp = manifest.with_name(manifest.name + PARTIAL)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        _unlink_quietly(tmp)
        src = sqlconn.connect(db_file, readonly=True)
        try:
            # An encrypted database's backup is encrypted with the same data key.
            dst = sqlconn.connect(tmp, key=sqlconn.key_for(db_file))
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                problems = [r[0] for r in dst.execute("PRAGMA integrity_check").fetchall()]
                if problems != ["ok"]:
                    raise BackupFailed(
                        f"备份写入后检查未通过（{'; '.join(problems[:2])}），已删除这份备份。"
                    )
                counts = record_counts(dst)
                revisions = _revisions(dst)
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(tmp)
        info = {
            "created_at": now.isoformat(timespec="seconds"),
            "label": label,
            "counts": counts,
            "revisions": revisions,
            "integrity_check": "ok",
            "size": tmp.stat().st_size,
            "source": str(db_file),
            "encrypted": sqlconn.is_encrypted_file(tmp),
        }
        mtmp.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
        _fsync(mtmp)
        os.replace(tmp, dest)
        os.replace(mtmp, manifest)
    except BackupFailed:
        _unlink_quietly(tmp, mtmp, dest, manifest)
        raise
    except sqlconn.IO_ERRORS as exc:
        _unlink_quietly(tmp, mtmp, dest, manifest)
        if is_disk_full(exc) or _low_space(dest_dir):
            raise BackupFailed(DISK_FULL_MESSAGE.format(where=dest_dir), disk_full=True) from exc
        raise BackupFailed(f"无法把备份写到 {dest_dir}：{exc}") from exc
    return dest


def restore(backup_file: Path, db_file: Path) -> None:
    """Overwrite ``db_file`` with the contents of ``backup_file`` (through the backup API)."""
    src = sqlconn.connect(backup_file, readonly=True)
    try:
        dst = sqlconn.connect(db_file, key=sqlconn.key_for(backup_file))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _parse_name(path: Path) -> tuple[datetime, str] | None:
    m = _NAME.match(path.name)
    if not m:
        return None
    at = datetime.strptime(m.group(1) + m.group(2) + m.group(3), "%Y%m%d%H%M%S%f")
    return at, m.group(4)


def list_backups(folder: Path) -> list[BackupInfo]:
    """Finished backups in ``folder``, newest first (temporary files are not backups)."""
    out: list[BackupInfo] = []
    folder = Path(folder)
    if not folder.is_dir():
        return out
    for p in folder.glob("cliniclink-*.db"):
        parsed = _parse_name(p)
        if parsed is None:
            continue
        out.append(read_info(p, parsed))
    # The name breaks ties: the manifest keeps whole seconds, the name microseconds.
    out.sort(key=lambda b: (b.created_at or datetime.min, b.path.name), reverse=True)
    return out


def read_info(path: Path, parsed: tuple[datetime, str] | None = None) -> BackupInfo:
    """What a backup holds: its manifest if there is one, else read from the file."""
    path = Path(path)
    parsed = parsed or _parse_name(path)
    created, label = parsed if parsed else (None, "")
    manifest = path.with_name(path.name + MANIFEST)
    try:
        raw: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
        return BackupInfo(
            path,
            datetime.fromisoformat(raw["created_at"]),
            str(raw.get("label", label)),
            {str(k): int(v) for k, v in raw.get("counts", {}).items()},
            list(raw.get("revisions", [])),
            path.stat().st_size,
        )
    except (OSError, ValueError, KeyError, TypeError):
        pass
    if created is None:
        try:
            created = datetime.fromtimestamp(path.stat().st_mtime)
        except OSError:
            created = None
    info = BackupInfo(path, created, label)
    try:
        conn = sqlconn.connect(path, readonly=True)
        try:
            info.counts = record_counts(conn)
            info.revisions = _revisions(conn)
        finally:
            conn.close()
        info.size = path.stat().st_size
    except sqlconn.IO_ERRORS:
        pass
    return info


def daily_due(folder: Path, today: date | None = None) -> bool:
    today = today or datetime.now().date()
    return not any(
        b.label == DAILY and b.created_at and b.created_at.date() == today
        for b in list_backups(folder)
    )


def prune(folder: Path, keep: int) -> list[Path]:
    """Keep one daily backup per day (the newest) and the newest ``keep`` days."""
    removed: list[Path] = []
    days: set[date] = set()
    for b in list_backups(folder):  # newest first
        if b.label != DAILY or b.created_at is None:
            continue
        day = b.created_at.date()
        if day in days or len(days) >= keep:
            removed.append(b.path)
            _unlink_quietly(b.path, b.path.with_name(b.path.name + MANIFEST))
            continue
        days.add(day)
    return removed


def daily_backup(
    db_file: Path, folder: Path, keep: int, *, force: bool = False, now: datetime | None = None
) -> Path | None:
    """The automatic backup: at the first start of a day (``force`` on close); returns its
    path, or None when today's exists already."""
    now = now or datetime.now()
    if not force and not daily_due(folder, now.date()):
        return None
    path = backup(db_file, folder, DAILY, now)
    prune(folder, keep)
    return path


# --- restore ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unsent:
    """A record waiting for upload that a restore would drop (or take back to an older
    version)."""

    record_type: str
    record_id: str
    description: str


_DESCRIBE = {
    "patient": "SELECT name FROM patients WHERE id=?",
    "referral": "SELECT r.number || ' ' || coalesce(p.name, '') FROM referrals r "
    "LEFT JOIN patients p ON p.id=r.patient_id WHERE r.id=?",
    "followup_plan": "SELECT p.name FROM followup_plans f JOIN patients p ON p.id=f.patient_id "
    "WHERE f.id=?",
    "followup_visit": "SELECT p.name || ' ' || f.visit_date FROM followup_visits f "
    "JOIN patients p ON p.id=f.patient_id WHERE f.id=?",
    "followup_contact": "SELECT p.name FROM followup_contacts f "
    "JOIN patients p ON p.id=f.patient_id WHERE f.id=?",
}


def _describe(conn: sqlite3.Connection, record_type: str, record_id: str) -> str:
    sql = _DESCRIBE.get(record_type)
    if sql:
        try:
            row = conn.execute(sql, (record_id,)).fetchone()
            if row and row[0]:
                return str(row[0])
        except sqlconn.DatabaseError:
            pass
    return record_id


def _table_of(record_type: str) -> str | None:
    from app import registry

    t = registry.get(record_type)
    return None if t is None else t.table_name


def unsent_dropped(db_file: Path, backup_file: Path) -> list[Unsent]:
    """Records of the current database waiting for upload whose waiting version the backup
    does not hold: restoring it would lose them (they were never sent to the hub)."""
    out: list[Unsent] = []
    try:
        cur = sqlconn.connect(db_file, readonly=True)
    except sqlconn.Error:
        return out
    try:
        bk = sqlconn.connect(backup_file, readonly=True)
        try:
            try:
                rows = cur.execute(
                    "SELECT record_type, record_id, version FROM outbox ORDER BY id"
                ).fetchall()
            except sqlconn.DatabaseError:
                return out
            for rtype, rid, version in rows:
                table = _table_of(rtype)
                held = None
                if table is not None:
                    try:
                        held = bk.execute(
                            f'SELECT version FROM "{table}" WHERE id=?', (rid,)
                        ).fetchone()
                    except sqlconn.DatabaseError:
                        held = None
                if held is None or int(held[0]) < int(version):
                    out.append(Unsent(rtype, rid, _describe(cur, rtype, rid)))
        finally:
            bk.close()
    finally:
        cur.close()
    return out
