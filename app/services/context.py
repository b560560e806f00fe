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
from app.domain import clinic_clock
from app.domain.errors import ClinicNotSetUp, DatabaseBusy, PermissionDenied
from app.domain.roles import PERM_NAMES, ROLE_NAMES, Perm, Role, allowed
from app.registry import label as type_label
from app.registry import permission


@dataclass(frozen=True)
class Actor:
    user_id: str
    username: str
    display_name: str
    role: Role

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


def may(role: Role | str | None, record_type: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` on ``record_type``, by the record-type registry (the
    pages enable their buttons by this, the same rule ``require_action`` enforces)."""
    perm = permission(record_type, action)
    if not role or perm is None:
        return False
    return allowed(Role(role), perm)


@dataclass(frozen=True)
class Changes:
    """What one write changed: record types and ids. Pages refresh only what concerns them."""

    record_type: str
    ids: frozenset[str] = frozenset()
    action: str = ""


def clinic_password_hasher() -> PasswordHasher:
    """argon2id at 19 MiB, 2 passes, 1 lane: one of OWASP's equivalent argon2id settings
    (Password Storage Cheat Sheet). The library's default (64 MiB, 3 passes) made every login
    raise the workstation's peak memory by 64 MiB on PCs with 2–4 GB; hashes made with it
    still verify and are rehashed at the next login (UserService.login)."""
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


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
    # tests pass a cheaper one
    password_hasher: PasswordHasher = field(default_factory=lambda: clinic_password_hasher())
    _clinic_code: str | None = None
    # The clinic's time zone (settings.toml ``clinic_timezone``): every date the clinic sees,
    # prints or numbers by is a date in this zone, whatever zone the PC is set to.
    timezone: str = clinic_clock.DEFAULT_TIMEZONE
    # The write counter kept beside the database (app/db/guard.py), noted after each commit.
    mark_file: Path | None = None
    _marked: int = -1
    # Write transactions: attempts at taking the write lock, each waiting the busy timeout.
    busy_attempts: int = 3

    @classmethod
    def open(cls, data_dir: Path, **kw: object) -> ServiceContext:
        """Connect to an already migrated database in ``data_dir``."""
        if "timezone" not in kw:
            from app.config import Settings

            kw["timezone"] = Settings.load(Path(data_dir)).clinic_timezone
        path = db_path(Path(data_dir))
        kw.setdefault("mark_file", path)
        return cls(engine=make_engine(path), **kw)  # type: ignore[arg-type]

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
        if self.mark_file is not None:
            self._note_commit()

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

    def _note_commit(self) -> None:
        """After a commit: note the database's write counter outside it (never ahead of it)."""
        from app.db.guard import write_mark

        with self.engine.connect() as conn:
            counter = int(conn.exec_driver_sql("SELECT max(id) FROM audit_log").scalar() or 0)
        if counter != self._marked:
            assert self.mark_file is not None
            write_mark(self.mark_file, counter)
            self._marked = counter

    @contextmanager
    def reader(self) -> Iterator[Session]:
        with self._sessions() as s:
            yield s

    def now_local(self) -> datetime:
        """The clinic's wall-clock time now (naive), from the injected UTC clock."""
        return clinic_clock.to_local(self.clock(), self.timezone)

    def today(self) -> date:
        """The clinic's calendar date now: the one date every clinic-day rule uses."""
        return self.now_local().date()

    def local(self, utc: datetime) -> datetime:
        """A stored (naive UTC) moment as the clinic's local time, for display and printing."""
        return clinic_clock.to_local(utc, self.timezone)

    def local_date(self, utc: datetime) -> date:
        return clinic_clock.local_date(utc, self.timezone)

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

    def require_action(self, record_type: str, action: str) -> Actor:
        """The acting user, if their role holds the permission the record-type registry
        declares for ``action`` on ``record_type`` (``app/registry.py``: ``perms``); an
        action the registry declares no permission for is refused to everyone."""
        perm = permission(record_type, action)
        if perm is None:
            if self.actor is None:
                raise PermissionDenied("请先登录")
            raise PermissionDenied(f"{type_label(record_type)}的此项操作未设权限，请联系管理员")
        return self.require(perm)

    def notify(self, changes: Changes) -> None:
        for listener in list(self.listeners):
            listener(changes)

    def dispose(self) -> None:
        self.engine.dispose()

    def reopen(self) -> None:
        """Connect afresh to the same file after it was replaced (encrypted in place): the
        services keep working on the new file, never on the old one still open."""
        database = self.engine.url.database
        self.engine.dispose()
        self.engine = make_engine(Path(str(database)))
        self.__post_init__()
