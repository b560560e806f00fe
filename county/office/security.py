"""Office sign-in: the argon2id password, server-side sessions, CSRF tokens, a login throttle.

Why server-side sessions: the hub has no signing-key setting to keep, and a row per session
lets a password change sign every browser out at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from county.db import utcnow
from county.office.tables import OfficePassword, OfficeSession

SESSION_COOKIE = "cliniclink_office"
LOGIN_CSRF_COOKIE = "cliniclink_office_login"
SESSION_HOURS = 12  # one working day; then sign in again
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def set_password(s: Session, password: str, hasher: PasswordHasher | None = None) -> None:
    """Store (or replace) the office password and sign every open session out."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    digest = (hasher or _hasher).hash(password)
    row = s.get(OfficePassword, 1)
    if row is None:
        s.add(OfficePassword(id=1, password_hash=digest, updated_at=utcnow()))
    else:
        row.password_hash, row.updated_at = digest, utcnow()
    s.execute(delete(OfficeSession))


def password_is_set(s: Session) -> bool:
    return s.get(OfficePassword, 1) is not None


def stored_hash(s: Session) -> str | None:
    row = s.get(OfficePassword, 1)
    return row.password_hash if row is not None else None


def verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def open_session(s: Session) -> str:
    """A new session; returns the cookie value (never stored as such)."""
    now = utcnow()
    s.execute(delete(OfficeSession).where(OfficeSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    s.add(OfficeSession(token_hash=_sha256(token), csrf=secrets.token_urlsafe(32),
                        created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS)))
    return token


def session_csrf(s: Session, token: str | None) -> str | None:
    """The CSRF token of a live session, or None when the cookie is missing/unknown/expired."""
    if not token or len(token) > 100:
        return None
    row = s.scalar(select(OfficeSession).where(OfficeSession.token_hash == _sha256(token)))
    if row is None or row.expires_at < utcnow():
        return None
    return row.csrf


def close_session(s: Session, token: str | None) -> None:
    if token:
        s.execute(delete(OfficeSession).where(OfficeSession.token_hash == _sha256(token)))


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


class LoginThrottle:
    """Too many wrong passwords from one address in a window -> refuse for a while.

    In memory, per process: enough to make guessing slow; a restart forgets it."""

    def __init__(self, limit: int = 10, window_s: float = 600.0) -> None:
        self.limit, self.window_s = limit, window_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(key, []) if now - t < self.window_s]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def failed(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._failures[key] = [*self._recent(key, now), now]

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
