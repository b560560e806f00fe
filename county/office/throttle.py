"""The office login throttle, kept in the database so every hub process shares it.

An attempt is counted *before* its password is checked: the count and the new attempt row are
one serialised transaction (SQLite's BEGIN IMMEDIATE; a transaction-level advisory lock on
PostgreSQL), so thirty wrong passwords sent at once reserve at most ``limit`` checks and the
rest are refused without hashing. A successful sign-in removes its own attempt.

Three counters: per address (a guesser at one PC), per account (a guesser at one name from
many addresses), and a slower global one (many addresses and names): a locked-out address
does not lock out the office everywhere. Argon2 needs ~64 MB per check, so each process also
runs at most ``HASH_SLOTS`` checks at a time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select, text
from sqlalchemy.orm import Session

from county.office.accounts_tables import LoginAttempt

LOCK_KEY = 0x434C4B32  # "CLK2": advisory lock of the throttle's count-and-reserve
HASH_SLOTS = 2
HASH_WAIT_S = 20.0


@dataclass(frozen=True)
class Limits:
    window: timedelta = timedelta(minutes=10)
    per_address: int = 10
    per_account: int = 10
    overall: int = 100  # across every address and account in the window


class Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def reserve(s: Session, address: str, account: str, now: datetime, limits: Limits) -> int:
    """Count the recent attempts and, under the limits, record this one; returns its row id.
    Raises Refused (Chinese message) when a limit is reached. Run inside a write transaction."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    since = now - limits.window
    s.execute(delete(LoginAttempt).where(LoginAttempt.at < since))

    def count(*where: ColumnElement[bool]) -> int:
        q = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since, *where)
        return int(s.scalar(q) or 0)

    minutes = int(limits.window.total_seconds() // 60)
    if count(LoginAttempt.address == address) >= limits.per_address:
        raise Refused(f"本机登录失败次数过多，请 {minutes} 分钟后再试。")
    if count(LoginAttempt.account == account) >= limits.per_account:
        raise Refused(f"此账号登录失败次数过多，请 {minutes} 分钟后再试，或请管理员重设密码。")
    if count() >= limits.overall:
        raise Refused(f"登录尝试过多，已暂停登录，请 {minutes} 分钟后再试。")
    row = LoginAttempt(at=now, address=address, account=account)
    s.add(row)
    s.flush()
    return row.pk


def succeeded(s: Session, attempt: int, address: str, account: str) -> None:
    """The right password: this attempt and this address's earlier ones at the account go."""
    s.execute(delete(LoginAttempt).where(LoginAttempt.pk == attempt))
    s.execute(
        delete(LoginAttempt).where(LoginAttempt.address == address, LoginAttempt.account == account)
    )


class HashSlots:
    """At most ``n`` password hashes at a time in this process (memory stays bounded)."""

    def __init__(self, n: int = HASH_SLOTS) -> None:
        self._sem = threading.BoundedSemaphore(n)

    def acquire(self, timeout: float = HASH_WAIT_S) -> bool:
        return self._sem.acquire(timeout=timeout)

    def release(self) -> None:
        self._sem.release()
