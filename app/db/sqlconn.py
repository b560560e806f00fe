"""One way to open a ClinicLink SQLite file, plain or encrypted (no SQLAlchemy: start-up path).

A plain database (every database until the admin turns encryption on) is opened with the
standard library's ``sqlite3``, exactly as before. An encrypted one (SQLCipher 4, through the
``sqlcipher3`` binding) is recognised by its first bytes: a plain SQLite file starts with
``SQLite format 3``; an encrypted file starts with random salt. It is opened with the data key
the login unwrapped (``app/db/keyfile.py``), which lives only in this process's memory
(``set_active_key``). Without that key an encrypted file reads as "not a database", exactly
like a damaged one, and the callers that could meet one first ask for the key
(``app/services/encryption.py``).

The two modules raise different exception classes; ``Error``, ``DatabaseError`` and
``OperationalError`` here are tuples of both, for ``except`` clauses.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

_cipher: Any
try:  # the binding ships with the workstation; a source checkout without it stays plain
    from sqlcipher3 import dbapi2 as _cipher
except ImportError:  # pragma: no cover - pyproject requires it
    _cipher = None

SQLITE_MAGIC = b"SQLite format 3\x00"
KEY_BYTES = 32

if _cipher is not None:
    Error: tuple[type[Exception], ...] = (sqlite3.Error, _cipher.Error)
    DatabaseError: tuple[type[Exception], ...] = (sqlite3.DatabaseError, _cipher.DatabaseError)
    OperationalError: tuple[type[Exception], ...] = (
        sqlite3.OperationalError,
        _cipher.OperationalError,
    )
else:  # pragma: no cover
    Error = (sqlite3.Error,)
    DatabaseError = (sqlite3.DatabaseError,)
    OperationalError = (sqlite3.OperationalError,)

# A file could not be read or written: the OS's errors and both modules' database errors.
IO_ERRORS: tuple[type[Exception], ...] = (OSError, *Error)

_active_key: bytes | None = None


def set_active_key(key: bytes | None) -> None:
    """The data key this process opens encrypted files with (None: forget it)."""
    global _active_key
    if key is not None and len(key) != KEY_BYTES:
        raise ValueError("data key must be 32 bytes")
    _active_key = key


def active_key() -> bytes | None:
    return _active_key


def cipher_available() -> bool:
    return _cipher is not None


def is_encrypted_file(path: Path) -> bool:
    """A non-empty file whose header is not SQLite's: an encrypted database (or not a
    database at all; opening it with the key tells which)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return False
    return len(head) == 16 and head != SQLITE_MAGIC


def key_for(path: Path) -> bytes | None:
    """The key to open ``path`` with: the active key if the file is encrypted, else None."""
    if _active_key is not None and is_encrypted_file(Path(path)):
        return _active_key
    return None


def key_pragma(key: bytes) -> str:
    """SQLCipher's raw-key form (no passphrase derivation: the key is already random)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def sqlalchemy_password(key: bytes) -> str:
    """The same raw key as SQLAlchemy's pysqlcipher dialect passes it to ``PRAGMA key``."""
    return f"x'{key.hex()}'"


def connect(path: Path | str, *, readonly: bool = False, key: Any = "auto", **kw: Any) -> Any:
    """Open ``path``; ``key``: "auto" (the active key if the file is encrypted), None (plain)
    or the 32-byte key (for a new encrypted file)."""
    path = Path(path)
    if key == "auto":
        key = key_for(path)
    target = f"file:{path}?mode=ro" if readonly else str(path)
    if key is None:
        return sqlite3.connect(target, uri=readonly, **kw)
    if _cipher is None:  # pragma: no cover
        raise sqlite3.DatabaseError("SQLCipher is not installed")
    conn = _cipher.connect(target, uri=readonly, **kw)
    conn.execute(key_pragma(key))
    return conn


def readable(path: Path) -> bool:
    """Whether ``path`` opens with the key at hand (a wrong or missing key: False)."""
    try:
        conn = connect(path, readonly=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except Error:
        return False
    return True
