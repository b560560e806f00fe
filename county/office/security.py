"""Office sign-in plumbing: server-side sessions (each owned by one named account), CSRF
tokens, and which address a request comes from.

Why server-side sessions: the hub has no signing-key setting to keep, and a row per session
lets a password reset or a disabled account sign that account's browsers out at once.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from county.db import utcnow
from county.office.accounts import Staff, staff_of
from county.office.accounts_tables import OfficeUser
from county.office.tables import OfficeSession

SESSION_COOKIE = "cliniclink_office"
LOGIN_CSRF_COOKIE = "cliniclink_office_login"
SESSION_HOURS = 12  # one working day; then sign in again


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(s: Session, user_id: int) -> str:
    """A new session of an account; returns the cookie value (never stored as such)."""
    now = utcnow()
    s.execute(delete(OfficeSession).where(OfficeSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    s.add(
        OfficeSession(
            token_hash=_sha256(token),
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
            user_id=user_id,
        )
    )
    return token


def session_of(s: Session, token: str | None) -> tuple[str, Staff] | None:
    """(CSRF token, account) of a live session of an active account, else None."""
    if not token or len(token) > 100:
        return None
    row = s.scalar(select(OfficeSession).where(OfficeSession.token_hash == _sha256(token)))
    if row is None or row.expires_at < utcnow() or row.user_id is None:
        return None
    user = s.get(OfficeUser, row.user_id)
    if user is None or not user.active:
        return None
    return row.csrf, staff_of(user)


def close_session(s: Session, token: str | None) -> None:
    if token:
        s.execute(delete(OfficeSession).where(OfficeSession.token_hash == _sha256(token)))


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def parse_proxies(values: Iterable[str]) -> frozenset[str]:
    """The addresses whose X-Forwarded-For the hub believes (``serve --trusted-proxy``)."""
    out = set()
    for v in values:
        try:
            out.add(str(ipaddress.ip_address(v.strip())))
        except ValueError as e:
            raise ValueError(f"--trusted-proxy 不是 IP 地址：{v}") from e
    return frozenset(out)


def client_address(peer: str, forwarded_for: str | None, trusted: frozenset[str]) -> str:
    """The address a request comes from. X-Forwarded-For is read only when the peer is a proxy
    the admin named, and then from the right: the first address not itself a trusted proxy
    (anything to its left was written by the client and proves nothing)."""
    if peer not in trusted or not forwarded_for:
        return peer
    for part in reversed(forwarded_for.split(",")):
        candidate = part.strip()
        try:
            candidate = str(ipaddress.ip_address(candidate))
        except ValueError:
            return peer
        if candidate not in trusted:
            return candidate
    return peer
