"""What every service needs: the database, the clinic, who is acting, the clock, listeners."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.db.engine import db_path, make_engine, make_sessionmaker, write_engine
from app.db.models import Clinic
from app.domain.errors import ClinicNotSetUp, DatabaseBusy, PermissionDenied
from app.domain.roles import PERM_NAMES, ROLE_NAMES, Perm, Role, allowed


@dataclass(frozen=True)
class Actor:
    user_id: str
    username: str
    display_name: str
    role: Role

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


@dataclass(frozen=True)
class Changes:
    """What one write changed: record types and ids. Pages refresh only what concerns them."""

    record_type: str
    ids: frozenset[str] = frozenset()
    action: str = ""


def _is_busy(e: OperationalError) -> bool:
    text = str(e.orig).lower()
    return "locked" in text or "busy" in text


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class ServiceContext:
    engine: Engine
    clock: Callable[[], datetime] = _utcnow  # naive UTC
    actor: Actor | None = None
    listeners: list[Callable[[Changes], None]] = field(default_factory=list)
    # argon2id with the library's recommended parameters; tests pass a cheaper one.
    password_hasher: PasswordHasher = field(default_factory=PasswordHasher)
    _clinic_code: str | None = None
    # Write transactions: attempts at taking the write lock, each waiting the busy timeout.
    busy_attempts: int = 3

    @classmethod
    def open(cls, data_dir: Path, **kw: object) -> ServiceContext:
        """Connect to an already migrated database in ``data_dir``."""
        return cls(engine=make_engine(db_path(Path(data_dir))), **kw)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        self._sessions = make_sessionmaker(self.engine)
        self._writers = make_sessionmaker(write_engine(self.engine))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write session in one transaction: committed on success, rolled back on any error.

        The transaction begins ``IMMEDIATE`` (the write lock first, then reads), so a save
        never fails because another connection committed between its read and its write.
        If the lock stays held past a few waits, :class:`DatabaseBusy` (nothing written)."""
        with self._writers() as s:
            self._take_write_lock(s)
            try:
                yield s
            except BaseException:
                s.rollback()
                raise
            s.commit()

    def _take_write_lock(self, s: Session) -> None:
        for attempt in range(max(1, self.busy_attempts)):
            try:
                s.connection()  # begins the transaction: BEGIN IMMEDIATE
                return
            except OperationalError as e:
                s.rollback()
                if not _is_busy(e):
                    raise
                if attempt == max(1, self.busy_attempts) - 1:
                    raise DatabaseBusy() from e
                time.sleep(0.05 * (attempt + 1))

    @contextmanager
    def reader(self) -> Iterator[Session]:
        with self._sessions() as s:
            yield s

    def today(self) -> date:
        # Dates the user sees are local (China) dates.
        return datetime.now().date() if self.clock is _utcnow else self.clock().date()

    @property
    def clinic_code(self) -> str:
        if self._clinic_code is None:
            with self.reader() as s:
                code = s.scalar(select(Clinic.code).limit(1))
            if code is None:
                raise ClinicNotSetUp()
            self._clinic_code = code
        return self._clinic_code

    def require(self, perm: Perm) -> Actor:
        if self.actor is None:
            raise PermissionDenied("请先登录")
        if not allowed(self.actor.role, perm):
            raise PermissionDenied(f"{self.actor.role_name}无权{PERM_NAMES[perm]}，请联系管理员")
        return self.actor

    def notify(self, changes: Changes) -> None:
        for listener in list(self.listeners):
            listener(changes)

    def dispose(self) -> None:
        self.engine.dispose()
