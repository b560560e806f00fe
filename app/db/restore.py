"""Restore a backup in place of the clinic's database, safely, and prepare the sync that
makes the clinic whole again.

Steps: the backup is checked (integrity_check, a ClinicLink database of this clinic, not from
a newer ClinicLink); the current database is backed up first (``before-restore``; if it is
too damaged for that, the file is moved aside, never deleted); the backup is written to a
temporary file through the backup API, checked, and renamed over the database (the old
``-wal``/``-shm`` removed first, so SQLite never applies them to the restored file); it is
upgraded if it is from an older version; the write counter mark follows the restored file.

A copy of the restored state is kept as ``restore-base.db`` and the database notes
``recover_from_hub``: the next sync first brings back from the hub every record of this clinic
the hub holds at a newer version (what was uploaded after the backup was taken), and merges
edits made since the restore above the hub's version (``app/sync/recover.py``).

The workstation must not have the database open (the UI closes its services first).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.db import guard, keyfile, sqlconn
from app.db.backup import (
    DISK_FULL_MESSAGE,
    BackupFailed,
    BackupInfo,
    backup,
    backup_dir,
    is_disk_full,
    read_info,
)
from app.db.encrypt import EncryptFailed, encrypt_file
from app.db.migrate import (
    check_file,
    current_revisions,
    open_database,
    script_heads,
    script_revisions,
)
from app.db.paths import db_path

RECOVER_KEY = "recover_from_hub"
BASE_FILE = "restore-base.db"


class RestoreRefused(Exception):
    """The backup cannot be restored (damaged, another clinic's, newer); nothing changed."""


@dataclass
class RestoreResult:
    info: BackupInfo
    safety_backup: Path | None
    moved_aside: Path | None


def clinic_code_of(path: Path) -> str | None:
    try:
        conn = sqlconn.connect(path, readonly=True)
        try:
            row = conn.execute("SELECT code FROM clinic LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlconn.Error:
        return None
    return str(row[0]) if row else None


def verify_backup(backup_file: Path, data_dir: Path) -> BackupInfo:
    """Check that ``backup_file`` can be restored here; raises RestoreRefused naming why."""
    backup_file = Path(backup_file)
    if not backup_file.is_file() or backup_file.stat().st_size == 0:
        raise RestoreRefused(f"备份文件 {backup_file} 不存在或是空的")
    problems = check_file(backup_file, full=True)
    if problems:
        raise RestoreRefused(f"备份文件 {backup_file} 已损坏，不能恢复：{'; '.join(problems[:2])}")
    code = clinic_code_of(backup_file)
    if code is None:
        raise RestoreRefused(f"文件 {backup_file} 不是 ClinicLink 的备份")
    unknown = current_revisions(backup_file) - script_revisions()
    if unknown:
        raise RestoreRefused(
            f"备份 {backup_file} 由较新版本的 ClinicLink 创建"
            f"（版本 {'、'.join(sorted(unknown))}），请先安装较新版本"
        )
    if current_revisions(backup_file) == script_heads():
        from app.db.consistency import structural_problems

        broken = structural_problems(backup_file)
        if broken:
            raise RestoreRefused(
                f"备份 {backup_file} 的一致性检查未通过，不能恢复：{'；'.join(broken[:2])}"
            )
    current = clinic_code_of(db_path(data_dir))
    if current is not None and current != code:
        raise RestoreRefused(f"备份属于卫生院 {code}，本机是卫生院 {current}，不能恢复到这里")
    return read_info(backup_file)


def _remove_sidecars(path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def restore_backup(data_dir: Path, backup_file: Path) -> RestoreResult:
    """Put ``backup_file`` in place of the database in ``data_dir`` (see the module doc)."""
    data_dir = Path(data_dir)
    path = db_path(data_dir)
    info = verify_backup(backup_file, data_dir)
    safety: Path | None = None
    aside: Path | None = None
    if path.exists() and path.stat().st_size > 0:
        try:
            safety = backup(path, backup_dir(data_dir), "before-restore")
        except BackupFailed as exc:
            if exc.disk_full:
                raise RestoreRefused(str(exc)) from exc
            safety = None  # the current file is too damaged to read: keep it as it is
    if safety is None and path.exists():
        aside = path.with_name(f"cliniclink-damaged-{datetime.now():%Y%m%d-%H%M%S}.db")
        os.replace(path, aside)
        for suffix in ("-wal", "-shm"):
            side = Path(str(path) + suffix)
            if side.exists():
                os.replace(side, Path(str(aside) + suffix))
    tmp = path.with_name(path.name + ".restoring")
    base = data_dir / BASE_FILE
    try:
        tmp.unlink(missing_ok=True)
        src = sqlconn.connect(backup_file, readonly=True)
        try:
            for target in (tmp, base):
                target.unlink(missing_ok=True)
                dst = sqlconn.connect(target, key=sqlconn.key_for(backup_file))
                try:
                    src.backup(dst)
                    dst.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dst.close()
        finally:
            src.close()
        if check_file(tmp, full=True):
            raise RestoreRefused(f"从 {backup_file} 写出的数据库检查未通过，未恢复")
        key = sqlconn.active_key()
        if key is not None and keyfile.enabled(data_dir) and not sqlconn.is_encrypted_file(tmp):
            # A backup from before encryption was turned on: restored encrypted, like the
            # database it replaces (and the copy kept for the next sync too).
            encrypt_file(tmp, key)
            encrypt_file(base, key)
        _remove_sidecars(path)
        os.replace(tmp, path)
    except EncryptFailed as exc:
        tmp.unlink(missing_ok=True)
        raise RestoreRefused(f"恢复失败：{exc}") from exc
    except sqlconn.IO_ERRORS as exc:
        tmp.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise RestoreRefused(DISK_FULL_MESSAGE.format(where=data_dir)) from exc
        raise RestoreRefused(f"恢复失败：{exc}") from exc
    guard.reset_mark(path)
    open_database(data_dir)  # an older backup is upgraded (backup first) like any database
    conn = sqlconn.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        with conn:
            conn.execute(
                "INSERT OR REPLACE INTO sync_meta (key, value) VALUES (?, ?)",
                (
                    RECOVER_KEY,
                    json.dumps(
                        {"base": BASE_FILE, "backup": str(backup_file), "at": info_time(info)}
                    ),
                ),
            )
    finally:
        conn.close()
    guard.reset_mark(path)
    return RestoreResult(info, safety, aside)


def info_time(info: BackupInfo) -> str:
    return info.created_at.isoformat(timespec="seconds") if info.created_at else ""
