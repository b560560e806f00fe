"""Turn a plain database file into an encrypted one, never in place (no SQLAlchemy).

The plain file is checkpointed (its ``-wal`` folded in), exported with SQLCipher's
``sqlcipher_export`` into a new file under a temporary name, and the new file is checked:
``integrity_check``, and every table compared row by row with the original. Only then is it
renamed over the original (one ``os.replace``: a crash leaves either the old plain file or
the new encrypted one, never half of each). A failure removes the temporary file and leaves
the original as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from pathlib import Path

from app.db import sqlconn

TMP_SUFFIX = ".encrypting"


class EncryptFailed(Exception):
    """The encrypted copy could not be written or did not match; the original is unchanged."""


def _digest(conn: object, table: str) -> tuple[int, str]:
    h = hashlib.sha256()
    n = 0
    for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):  # type: ignore[attr-defined]
        h.update(repr(tuple(row)).encode("utf-8"))
        n += 1
    return n, h.hexdigest()


def _tables(conn: object) -> list[str]:
    rows = conn.execute(  # type: ignore[attr-defined]
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [r[0] for r in rows]


def same_rows(plain: Path, encrypted: Path, key: bytes) -> list[str]:
    """Tables whose rows differ between the two files (empty: every record is there)."""
    a = sqlite3.connect(f"file:{plain}?mode=ro", uri=True)
    b = sqlconn.connect(encrypted, readonly=True, key=key)
    try:
        ta, tb = _tables(a), _tables(b)
        if ta != tb:
            return sorted(set(ta) ^ set(tb)) or ["(tables)"]
        return [t for t in ta if _digest(a, t) != _digest(b, t)]
    finally:
        a.close()
        b.close()


def export_encrypted(plain: Path, dest: Path, key: bytes) -> None:
    """Write ``plain``'s content to the new encrypted file ``dest`` and check it."""
    from sqlcipher3 import dbapi2 as cipher

    dest.unlink(missing_ok=True)
    src = cipher.connect(str(plain))
    try:
        version = src.execute("PRAGMA user_version").fetchone()[0]
        src.execute("ATTACH DATABASE ? AS enc KEY ?", (str(dest), f"x'{key.hex()}'"))
        src.execute("SELECT sqlcipher_export('enc')")
        src.execute(f"PRAGMA enc.user_version = {int(version)}")
        src.commit()
        src.execute("DETACH DATABASE enc")
    finally:
        src.close()
    conn = sqlconn.connect(dest, key=key)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()
    if problems != ["ok"]:
        raise EncryptFailed(f"加密后的副本检查未通过：{'; '.join(problems[:2])}")
    differ = same_rows(plain, dest, key)
    if differ:
        raise EncryptFailed(f"加密后的副本与原数据库不一致（表 {'、'.join(differ[:5])}）")
    fd = os.open(dest, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def checkpoint(db_file: Path) -> None:
    """Fold the ``-wal`` into the file and empty it (nobody else may have it open)."""
    conn = sqlite3.connect(str(db_file))
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        conn.close()
    if busy:
        raise EncryptFailed("数据库正在被使用（请先关闭其他打开它的程序），未加密")


def remove_sidecars(db_file: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(db_file) + suffix).unlink(missing_ok=True)


def write_encrypted_copy(db_file: Path, key: bytes) -> Path:
    """Step one: the checked encrypted copy beside ``db_file``; returns its path."""
    tmp = db_file.with_name(db_file.name + TMP_SUFFIX)
    lock: sqlite3.Connection | None = None
    try:
        checkpoint(db_file)
        # Hold the write lock while the copy is made and checked: a write from elsewhere
        # waits (and fails as "busy") instead of landing in the file about to be replaced.
        lock = sqlite3.connect(str(db_file), isolation_level=None, timeout=0.5)
        lock.execute("BEGIN IMMEDIATE")
        export_encrypted(db_file, tmp, key)
    except EncryptFailed:
        remove_sidecars(tmp)
        tmp.unlink(missing_ok=True)
        raise
    except sqlconn.IO_ERRORS as exc:
        remove_sidecars(tmp)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise EncryptFailed(f"无法写出加密的数据库：{exc}") from exc
    finally:
        if lock is not None:
            lock.close()  # before the rename: Windows cannot replace an open file
    remove_sidecars(tmp)
    return tmp


def swap_in(tmp: Path, db_file: Path) -> None:
    """Step two: the encrypted copy replaces the plain file in one rename. The plain file's
    ``-wal`` is empty after the checkpoint, so removing it first loses nothing; if it is not
    empty, something wrote after the copy was made, and nothing is replaced."""
    wal = Path(str(db_file) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        tmp.unlink(missing_ok=True)
        raise OSError(16, "数据库在加密期间被写入，请关闭其他程序后重试")
    remove_sidecars(db_file)
    os.replace(tmp, db_file)


def encrypt_file(db_file: Path, key: bytes) -> None:
    """Both steps, for a file nothing else knows about yet (a restore's temporary file)."""
    swap_in(write_encrypted_copy(db_file, key), db_file)
