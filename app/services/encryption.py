"""Encryption at rest: turning it on, opening an encrypted database, the per-user key wraps.

No Qt here. Kept light at import (no SQLAlchemy): the login window calls ``unlock`` before any
service is open.

- ``is_on(data_dir)``: the database file is encrypted and its key file is beside it.
- ``unlock(data_dir, username, password)``: the data key from the key file with what the user
  typed; on success it is kept in this process's memory (``app/db/sqlconn.py``) and every
  connection, engine and backup uses it. A wrong password or an unknown user: False, and the
  attempt is noted in ``login-failures.json`` (user name and time only). Those attempts are
  counted toward the account's lock-out as soon as the database is open (the next successful
  unlock replays them into the users table: ``UserService.count_failed_logins``); meanwhile
  five of them in fifteen minutes refuse that user name without trying, like a locked account.
- ``enable(data_dir, username, password)``: a backup first, then the encrypted copy written,
  checked record by record, the key file saved, and the copy renamed over the plain file.
  Returns the recovery key, shown once.
- ``KeyWraps``: what the user service calls when a password is set, reset or an account
  deactivated (see ``app/db/keyfile.py`` for the order that survives a crash).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from app.db import keyfile, sqlconn
from app.db.keyfile import KeyFile, KeyFileError
from app.db.paths import db_path

FAILURES_FILE = "login-failures.json"
# The same numbers as the users table's lock-out (app/services/users.py).
LOCK_AFTER = 5
LOCK_MINUTES = 15

__all__ = ["EnableResult", "KeyFileError", "KeyWraps", "enable", "is_on", "unlock"]


class EncryptionError(Exception):
    """Encryption could not be turned on; the database is as it was (the message says why)."""


def is_on(data_dir: Path) -> bool:
    return keyfile.enabled(data_dir) and sqlconn.is_encrypted_file(db_path(data_dir))


def unlocked() -> bool:
    return sqlconn.active_key() is not None


def needs_key(data_dir: Path) -> bool:
    """The database is encrypted and this process does not hold its key (or holds another)."""
    return is_on(data_dir) and not sqlconn.readable(db_path(data_dir))


def clinic_name(data_dir: Path) -> str | None:
    """The clinic's name for the login window, from the key file (the database is closed)."""
    try:
        return KeyFile.load(data_dir).clinic_name or None
    except KeyFileError:
        return None


def lock() -> None:
    """Forget the data key (tests; a process about to exit)."""
    sqlconn.set_active_key(None)


# -- failed attempts before the database is open --------------------------------------------
def _failures_path(data_dir: Path) -> Path:
    return Path(data_dir) / FAILURES_FILE


def pending_failures(data_dir: Path) -> list[tuple[str, datetime]]:
    try:
        raw = json.loads(_failures_path(data_dir).read_text(encoding="utf-8"))
        return [(str(u), datetime.fromisoformat(str(at))) for u, at in raw]
    except (OSError, ValueError, TypeError):
        return []


def _note_failure(data_dir: Path, username: str, now: datetime) -> None:
    entries = pending_failures(data_dir)[-200:]
    entries.append((username.strip()[:40], now))
    path = _failures_path(data_dir)
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(OSError):  # a full disk: the lock-out only weakens
        tmp.write_text(
            json.dumps([(u, at.isoformat()) for u, at in entries], ensure_ascii=False),
            encoding="utf-8",
        )
        os.replace(tmp, path)


def clear_failures(data_dir: Path) -> None:
    with contextlib.suppress(OSError):
        _failures_path(data_dir).unlink(missing_ok=True)


def minutes_locked(data_dir: Path, username: str, now: datetime) -> int:
    """Minutes left when this user name has had LOCK_AFTER failures in LOCK_MINUTES (0: not)."""
    since = now - timedelta(minutes=LOCK_MINUTES)
    recent = sorted(
        at for u, at in pending_failures(data_dir) if u == username.strip() and at > since
    )
    if len(recent) < LOCK_AFTER:
        return 0
    until = recent[LOCK_AFTER - 1] + timedelta(minutes=LOCK_MINUTES)
    return max(1, int((until - now).total_seconds() + 59) // 60)


def _utcnow() -> datetime:
    from datetime import UTC

    return datetime.now(UTC).replace(tzinfo=None)


def unlock(data_dir: Path, username: str, password: str, now: datetime | None = None) -> bool:
    """Open the encrypted database with a user's password (see the module doc)."""
    now = now or _utcnow()
    kf = KeyFile.load(data_dir)
    key = kf.unlock_user(username, password)
    if key is None:
        _note_failure(data_dir, username, now)
        return False
    return _use(data_dir, key)


def unlock_recovery(data_dir: Path, recovery_key: str) -> bool:
    key = KeyFile.load(data_dir).unlock_recovery(recovery_key)
    return key is not None and _use(data_dir, key)


def _use(data_dir: Path, key: bytes) -> bool:
    sqlconn.set_active_key(key)
    if not sqlconn.readable(db_path(data_dir)):
        sqlconn.set_active_key(None)
        raise KeyFileError(
            f"密钥文件 {keyfile.key_path(data_dir)} 与数据库不匹配（密钥打开了，但数据库读不出）。"
            "请勿删除任何文件，请联系技术支持。"
        )
    return True


# -- turning it on ---------------------------------------------------------------------------
@dataclass
class EnableResult:
    recovery_key: str
    safety_backup: Path | None  # None once removed (an encrypted backup replaced it)
    without_key: list[str] = field(default_factory=list)  # other users: no wrap yet
    plain_backups: list[Path] = field(default_factory=list)  # backups left unencrypted
    encrypted_backup: Path | None = None


def _admin_check(path: Path, username: str, password: str) -> tuple[str, list[str]]:
    """The admin's password against the users table; returns (clinic name, other users)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    conn = sqlconn.connect(path, readonly=True, key=None)
    try:
        row = conn.execute(
            "SELECT password_hash, role, active FROM users WHERE username=?", (username.strip(),)
        ).fetchone()
        others = [
            r[0]
            for r in conn.execute(
                "SELECT username FROM users WHERE active=1 AND username<>? ORDER BY username",
                (username.strip(),),
            )
        ]
        clinic = conn.execute("SELECT name FROM clinic LIMIT 1").fetchone()
    finally:
        conn.close()
    ok = False
    if row is not None and row[2] and row[1] == "admin":
        try:
            ok = bool(PasswordHasher().verify(row[0], password))
        except (VerificationError, InvalidHashError):
            ok = False
    if not ok:
        raise EncryptionError("管理员用户名或密码不正确，未加密")
    return (clinic[0] if clinic else ""), others


def enable(data_dir: Path, username: str, password: str) -> EnableResult:
    """Encrypt the plain database in ``data_dir`` (closed by the caller). See the module doc.

    Order: check the admin's password; a verified backup; the encrypted copy written and
    compared row by row; the key file saved; the copy renamed over the plain file; a first
    encrypted backup, after which the plain safety backup is deleted. Interrupted before the
    rename, the plain database is untouched (a key file without an encrypted database is
    ignored and rewritten by the next attempt)."""
    from app.db import encrypt, guard
    from app.db.backup import BackupFailed, backup, backup_dir
    from app.db.migrate import refusal

    data_dir = Path(data_dir)
    path = db_path(data_dir)
    if not path.exists() or path.stat().st_size == 0:
        raise EncryptionError("还没有数据库，请先完成首次设置")
    if sqlconn.is_encrypted_file(path):
        raise EncryptionError("数据库已经加密")
    if not sqlconn.cipher_available():
        raise EncryptionError("本程序缺少 SQLCipher 组件（sqlcipher3），无法加密")
    sqlconn.set_active_key(None)
    refused = refusal(data_dir, full=True)
    if refused is not None:
        raise EncryptionError(f"数据库检查未通过，未加密：{refused}")
    name, others = _admin_check(path, username, password)
    try:
        safety = backup(path, backup_dir(data_dir), "before-encrypt")
    except BackupFailed as exc:
        raise EncryptionError(f"加密前的备份没有写成，未加密：{exc}") from exc
    data_key = keyfile.new_data_key()
    recovery = keyfile.new_recovery_key()
    kf = KeyFile(clinic_name=name)
    kf.add_user(data_key, username, password)
    kf.set_recovery(data_key, recovery)
    try:
        tmp = encrypt.write_encrypted_copy(path, data_key)
    except encrypt.EncryptFailed as exc:
        raise EncryptionError(f"{exc}。数据库未改动。") from exc
    try:
        kf.save(data_dir)  # the key before the file that needs it
        encrypt.swap_in(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if not sqlconn.is_encrypted_file(path):
            with contextlib.suppress(OSError):
                keyfile.key_path(data_dir).unlink()
        raise EncryptionError(f"无法完成加密（{exc.strerror or exc}），数据库未改动。") from exc
    sqlconn.set_active_key(data_key)
    clear_failures(data_dir)
    base = data_dir / "restore-base.db"  # a restore's copy for the next sync (app/db/restore.py)
    if base.exists() and not sqlconn.is_encrypted_file(base):
        try:
            encrypt.encrypt_file(base, data_key)
        except encrypt.EncryptFailed:
            base.unlink(missing_ok=True)  # only a merge base: better gone than in clear
    guard.reset_mark(path)
    result = EnableResult(recovery, safety, others)
    from app.services.backups import BackupService

    service = BackupService(data_dir)
    with contextlib.suppress(BackupFailed):
        result.encrypted_backup = service.daily(force=True)
    if result.encrypted_backup is not None and safety is not None:
        # The plain safety copy guarded the conversion; now that the encrypted file is in
        # place and an encrypted backup verified, it would only leave the records in clear.
        for p in (safety, safety.with_name(safety.name + ".json")):
            with contextlib.suppress(OSError):
                p.unlink(missing_ok=True)
        result.safety_backup = None
    result.plain_backups = [
        b.path for b in service.backups() if not sqlconn.is_encrypted_file(b.path)
    ]
    return result


def remove_plain_backups(data_dir: Path) -> list[Path]:
    """Delete the backups taken before encryption (they hold the records in plain text)."""
    from app.services.backups import BackupService

    removed = []
    for b in BackupService(data_dir).backups():
        if not sqlconn.is_encrypted_file(b.path):
            for p in (b.path, b.path.with_name(b.path.name + ".json")):
                with contextlib.suppress(OSError):
                    p.unlink(missing_ok=True)
            removed.append(b.path)
    return removed


# -- the user service's side -----------------------------------------------------------------
class KeyWraps:
    """The key file of the open, encrypted database (None from ``for_database`` otherwise)."""

    def __init__(self, data_dir: Path, key: bytes) -> None:
        self.data_dir = Path(data_dir)
        self.key = key

    @classmethod
    def for_database(cls, database: str | None) -> KeyWraps | None:
        if not database or database.startswith("file:") or database == ":memory:":
            return None
        path = Path(database)
        key = sqlconn.active_key()
        if key is None or not keyfile.enabled(path.parent) or not sqlconn.is_encrypted_file(path):
            return None
        return cls(path.parent, key)

    def add(self, username: str, password: str) -> str:
        kf = KeyFile.load(self.data_dir)
        wrap_id = kf.add_user(self.key, username, password)
        kf.save(self.data_dir)
        return wrap_id

    def keep_only(self, username: str, wrap_id: str) -> None:
        kf = KeyFile.load(self.data_dir)
        kf.keep_only(username, wrap_id)
        kf.save(self.data_dir)

    def drop(self, username: str, wrap_id: str | None = None) -> None:
        kf = KeyFile.load(self.data_dir)
        kf.drop(username, wrap_id)
        kf.save(self.data_dir)

    def has(self, username: str) -> bool:
        return KeyFile.load(self.data_dir).has_user(username)

    def set_clinic_name(self, name: str) -> None:
        kf = KeyFile.load(self.data_dir)
        kf.clinic_name = name
        kf.save(self.data_dir)
