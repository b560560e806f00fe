"""Users, first-run setup, login, and the clinic's own identity."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from app.db.models import Clinic, User
from app.domain.errors import FieldError, ValidationError
from app.domain.roles import Perm, Role
from app.services.context import Actor, Changes, ServiceContext
from app.services.encryption import KeyWraps
from app.services.recording import audit

_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,40}$")
_CLINIC_CODE = re.compile(r"^[A-Za-z0-9]{2,20}$")
PASSWORD_MIN = 6
# A shared clinic PC: this many wrong passwords in a row lock the account for LOCK_MINUTES.
LOCK_AFTER = 5
LOCK_MINUTES = 15
# Temporary passwords an admin reads out or writes down: no 0/O, 1/l/I.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class LoginFailed(Exception):
    """Wrong username or password (deliberately not saying which)."""

    def __init__(self) -> None:
        super().__init__("用户名或密码错误")


class AccountLocked(LoginFailed):
    """Too many wrong passwords: the account is locked until ``until`` (UTC)."""

    def __init__(self, until: datetime, now: datetime) -> None:
        Exception.__init__(self, "账号已锁定")
        self.until = until
        # Whole minutes left, rounded up: "1 分钟" rather than "0 分钟" in the last seconds.
        self.minutes_left = max(1, -(-int((until - now).total_seconds()) // 60))


@dataclass(frozen=True)
class ClinicInfo:
    code: str
    name: str
    county_hospital: str


@dataclass(frozen=True)
class UserRow:
    id: str
    username: str
    display_name: str
    role: Role
    phone: str
    active: bool
    locked_until: datetime | None = None
    must_change_password: bool = False


def _to_user(u: User) -> UserRow:
    return UserRow(
        u.id,
        u.username,
        u.display_name,
        Role(u.role),
        u.phone,
        u.active,
        u.locked_until,
        bool(u.must_change_password),
    )


def _check_account(
    username: str, display_name: str, password: str, errors: list[FieldError]
) -> None:
    if not _USERNAME.match(username):
        errors.append(
            FieldError("username", "format", "用户名须为2-40位字母、数字、下划线、点或连字符")
        )
    if not display_name.strip():
        errors.append(FieldError("display_name", "required", "姓名不能为空"))
    if len(password) < PASSWORD_MIN:
        errors.append(FieldError("password", "too_short", f"密码至少{PASSWORD_MIN}位"))


def _check_new_password(password: str, field: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise ValidationError([FieldError(field, "too_short", f"密码至少{PASSWORD_MIN}位")])


class UserService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        # Set by login(): the account's password was reset by an admin and must be changed.
        self.must_change_password = False

    # -- clinic and first run -----------------------------------------------------------
    def clinic(self) -> ClinicInfo | None:
        with self.ctx.reader() as s:
            c = s.scalar(select(Clinic).limit(1))
            return ClinicInfo(c.code, c.name, c.county_hospital) if c else None

    def needs_setup(self) -> bool:
        return self.clinic() is None

    def setup(
        self,
        *,
        clinic_code: str,
        clinic_name: str,
        county_hospital: str,
        admin_username: str,
        admin_display_name: str,
        admin_password: str,
    ) -> ClinicInfo:
        """First-run setup: the clinic's identity and the first admin account."""
        errors: list[FieldError] = []
        code = clinic_code.strip().upper()
        if not _CLINIC_CODE.match(code):
            errors.append(FieldError("clinic_code", "format", "机构编码须为2-20位字母或数字"))
        if not clinic_name.strip():
            errors.append(FieldError("clinic_name", "required", "机构名称不能为空"))
        if not county_hospital.strip():
            errors.append(FieldError("county_hospital", "required", "县级医院名称不能为空"))
        _check_account(admin_username.strip(), admin_display_name, admin_password, errors)
        if errors:
            raise ValidationError(errors)
        with self.ctx.session() as s:
            if s.scalar(select(func.count()).select_from(Clinic)):
                raise ValidationError([FieldError("clinic_code", "exists", "本机已完成初始设置")])
            s.add(
                Clinic(
                    code=code,
                    name=clinic_name.strip(),
                    county_hospital=county_hospital.strip(),
                    created_at=self.ctx.clock(),
                )
            )
            u = User(
                username=admin_username.strip(),
                display_name=admin_display_name.strip(),
                role=Role.ADMIN.value,
                password_hash=self.ctx.password_hasher.hash(admin_password),
                phone="",
                active=True,
                created_at=self.ctx.clock(),
                updated_at=self.ctx.clock(),
            )
            s.add(u)
            s.flush()
            audit(
                s,
                self.ctx,
                "setup",
                "clinic",
                code,
                {"admin": u.username},
                username=u.username,
                user_id=u.id,
            )
        self.ctx._clinic_code = code
        return ClinicInfo(code, clinic_name.strip(), county_hospital.strip())

    # -- login ---------------------------------------------------------------------------
    def login(self, username: str, password: str) -> Actor:
        """Check the password; five wrong in a row lock the account for fifteen minutes.

        The counter lives in the database, so closing the program does not reset it. A locked
        account is refused before its password is checked, so guessing on goes nowhere.
        """
        username = username.strip()
        now = self.ctx.clock()
        locked: AccountLocked | None = None
        with self.ctx.session() as s:
            u = s.scalar(select(User).where(User.username == username))
            ok = False
            if u is not None and u.locked_until is not None and u.locked_until > now:
                locked = AccountLocked(u.locked_until, now)
            elif u is not None and u.active:
                ok = self._verifies(u.password_hash, password)
            if not ok:
                locked = self._count_failure(s, u, username, now, locked)
            else:
                assert u is not None
                if self.ctx.password_hasher.check_needs_rehash(u.password_hash):
                    u.password_hash = self.ctx.password_hasher.hash(password)
                u.last_login_at = now
                u.failed_logins = 0
                u.locked_until = None
                audit(s, self.ctx, "login", "user", u.id, username=u.username, user_id=u.id)
                actor = Actor(u.id, u.username, u.display_name, Role(u.role))
                must_change = bool(u.must_change_password)
        if locked is not None:
            raise locked
        if not ok:
            raise LoginFailed()
        self.ctx.actor = actor
        self.must_change_password = must_change
        wraps = self._wraps()
        if wraps is not None and not wraps.has(actor.username):
            # Encryption was turned on after this account's password was set (or it was
            # reactivated): its login opens the database from now on.
            wraps.add(actor.username, password)
        return actor

    def _count_failure(
        self, s: Any, u: User | None, username: str, now: datetime, locked: AccountLocked | None
    ) -> AccountLocked | None:
        """A wrong password: counted, the account locked at LOCK_AFTER, audited."""
        details: dict[str, object] = {"username": username[:40]}
        if u is not None and locked is None:
            u.failed_logins = (u.failed_logins or 0) + 1
            if u.failed_logins >= LOCK_AFTER:
                u.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                u.failed_logins = 0
                details["locked_minutes"] = LOCK_MINUTES
                locked = AccountLocked(u.locked_until, now)
        audit(
            s,
            self.ctx,
            "login_locked" if locked is not None else "login_failed",
            "user",
            u.id if u else "",
            details,
            username=username[:40],
            user_id=u.id if u else None,
        )
        return locked

    def count_failed_logins(self, attempts: list[tuple[str, datetime]]) -> None:
        """Wrong passwords typed while an encrypted database was still closed (the key file
        refused them: app/services/encryption.py), counted now as if typed at the login."""
        if not attempts:
            return
        with self.ctx.session() as s:
            for username, at in sorted(attempts, key=lambda a: a[1]):
                username = username.strip()
                u = s.scalar(select(User).where(User.username == username))
                locked = None
                if u is not None and u.locked_until is not None and u.locked_until > at:
                    locked = AccountLocked(u.locked_until, at)
                self._count_failure(s, u, username, at, locked)

    def _wraps(self) -> KeyWraps | None:
        """The key file's wraps when this database is encrypted (None when it is plain)."""
        return KeyWraps.for_database(self.ctx.engine.url.database)

    @contextmanager
    def _rewrap(self, username: str, password: str) -> Iterator[None]:
        """A new key wrap for ``username`` around a password change: added before the
        database commits it, the old ones removed after, the new one removed on failure."""
        wraps = self._wraps()
        wrap_id = wraps.add(username, password) if wraps is not None else None
        try:
            yield
        except BaseException:
            if wraps is not None and wrap_id is not None:
                wraps.drop(username, wrap_id)
            raise
        if wraps is not None and wrap_id is not None:
            wraps.keep_only(username, wrap_id)

    def _verifies(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self.ctx.password_hasher.verify(password_hash, password))
        except (VerificationError, InvalidHashError):
            return False

    def unlock_screen(self, password: str) -> None:
        """The same user continues after the idle lock: their password, counted like a login."""
        actor = self.ctx.actor
        if actor is None:
            raise LoginFailed()
        self.login(actor.username, password)

    def logout(self) -> None:
        if self.ctx.actor is not None:
            with self.ctx.session() as s:
                audit(s, self.ctx, "logout", "user", self.ctx.actor.user_id)
        self.ctx.actor = None

    # -- accounts (admin only) -----------------------------------------------------------
    def list_users(self) -> list[UserRow]:
        self.ctx.require(Perm.USER_MANAGE)
        with self.ctx.reader() as s:
            return [_to_user(u) for u in s.scalars(select(User).order_by(User.username))]

    def create_user(
        self, username: str, display_name: str, role: Role, password: str, phone: str = ""
    ) -> UserRow:
        self.ctx.require(Perm.USER_MANAGE)
        errors: list[FieldError] = []
        _check_account(username.strip(), display_name, password, errors)
        if errors:
            raise ValidationError(errors)
        with self.ctx.session() as s:
            if s.scalar(select(User.id).where(User.username == username.strip())):
                raise ValidationError([FieldError("username", "exists", "用户名已存在")])
        with self._rewrap(username, password), self.ctx.session() as s:
            if s.scalar(select(User.id).where(User.username == username.strip())):
                raise ValidationError([FieldError("username", "exists", "用户名已存在")])
            u = User(
                username=username.strip(),
                display_name=display_name.strip(),
                role=Role(role).value,
                password_hash=self.ctx.password_hasher.hash(password),
                phone=phone.strip(),
                active=True,
                created_at=self.ctx.clock(),
                updated_at=self.ctx.clock(),
            )
            s.add(u)
            s.flush()
            audit(s, self.ctx, "create", "user", u.id, {"username": u.username, "role": u.role})
            row = _to_user(u)
        self.ctx.notify(Changes("user", frozenset({row.id}), "create"))
        return row

    def set_active(self, user_id: str, active: bool) -> UserRow:
        self.ctx.require(Perm.USER_MANAGE)
        with self.ctx.session() as s:
            u = s.get(User, user_id)
            if u is None:
                raise ValidationError([FieldError("username", "missing", "用户不存在")])
            if self.ctx.actor and u.id == self.ctx.actor.user_id and not active:
                raise ValidationError([FieldError("username", "self", "不能停用自己的账号")])
            u.active = active
            u.updated_at = self.ctx.clock()
            audit(s, self.ctx, "edit" if active else "void", "user", u.id, {"active": active})
            row = _to_user(u)
        wraps = self._wraps()
        if wraps is not None and not active:
            wraps.drop(row.username)  # their password no longer opens the database
        self.ctx.notify(Changes("user", frozenset({row.id}), "edit"))
        return row

    def change_password(self, user_id: str, new_password: str) -> None:
        """Set a password: one's own, or (admin) another user's, who must change it next login."""
        actor = self.ctx.actor
        own = actor is not None and actor.user_id == user_id
        if not own:
            self.ctx.require(Perm.USER_MANAGE)
        _check_new_password(new_password, "password")
        with self.ctx.reader() as r:
            target = r.get(User, user_id)
            if target is None:
                raise ValidationError([FieldError("username", "missing", "用户不存在")])
            name = target.username
        with self._rewrap(name, new_password), self.ctx.session() as s:
            u = s.get(User, user_id)
            if u is None:
                raise ValidationError([FieldError("username", "missing", "用户不存在")])
            u.password_hash = self.ctx.password_hasher.hash(new_password)
            u.must_change_password = not own
            u.updated_at = self.ctx.clock()
            audit(s, self.ctx, "edit", "user", u.id, {"fields": ["password"]})
        if own:
            self.must_change_password = False

    def change_own_password(self, current: str | None, new_password: str) -> None:
        """The logged-in user changes their password.

        ``current`` is the password now in force; it may be left out only right after a login
        with a temporary password (that login has just checked it).
        """
        actor = self.ctx.actor
        if actor is None:
            raise LoginFailed()
        errors: list[FieldError] = []
        if current is None and not self.must_change_password:
            errors.append(FieldError("current_password", "required", "请输入当前密码"))
        try:
            _check_new_password(new_password, "new_password")
        except ValidationError as exc:
            errors.extend(exc.errors)
        with self._rewrap(actor.username, new_password), self.ctx.session() as s:
            u = s.get(User, actor.user_id)
            if u is None:
                raise ValidationError([FieldError("username", "missing", "用户不存在")])
            if current is not None and not self._verifies(u.password_hash, current):
                errors.append(FieldError("current_password", "wrong", "当前密码不正确"))
            if not errors and self._verifies(u.password_hash, new_password):
                errors.append(FieldError("new_password", "unchanged", "新密码不能与当前密码相同"))
            if errors:
                raise ValidationError(errors)
            u.password_hash = self.ctx.password_hasher.hash(new_password)
            u.must_change_password = False
            u.updated_at = self.ctx.clock()
            audit(s, self.ctx, "change_password", "user", u.id)
        self.must_change_password = False

    def reset_password(self, user_id: str) -> str:
        """Admin: a temporary password (returned once, never stored in clear) that the user
        must change at the next login; also lifts a lock-out."""
        self.ctx.require(Perm.USER_MANAGE)
        temp = "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(8))
        with self.ctx.reader() as r:
            target = r.get(User, user_id)
            if target is None:
                raise ValidationError([FieldError("username", "missing", "用户不存在")])
            name = target.username
        with self._rewrap(name, temp), self.ctx.session() as s:
            u = s.get(User, user_id)
            if u is None:
                raise ValidationError([FieldError("username", "missing", "用户不存在")])
            u.password_hash = self.ctx.password_hasher.hash(temp)
            u.must_change_password = True
            u.failed_logins = 0
            u.locked_until = None
            u.updated_at = self.ctx.clock()
            audit(s, self.ctx, "reset_password", "user", u.id, {"username": u.username})
        self.ctx.notify(Changes("user", frozenset({user_id}), "edit"))
        return temp

    def recover_admin(self, username: str, new_password: str) -> None:
        """Every password lost: after the recovery key opened the database (no one is logged
        in), an administrator account gets a new password and may log in again."""
        _check_new_password(new_password, "password")
        with self.ctx.reader() as r:
            target = r.scalar(select(User).where(User.username == username.strip()))
            if target is None or target.role != Role.ADMIN.value:
                raise ValidationError(
                    [FieldError("username", "missing", f"没有管理员账号 {username.strip()}")]
                )
            name = target.username
        with self._rewrap(name, new_password), self.ctx.session() as s:
            u = s.scalar(select(User).where(User.username == name))
            assert u is not None
            u.password_hash = self.ctx.password_hasher.hash(new_password)
            u.must_change_password = False
            u.failed_logins = 0
            u.locked_until = None
            u.active = True
            u.updated_at = self.ctx.clock()
            audit(
                s,
                self.ctx,
                "recover_key",
                "user",
                u.id,
                {"username": name},
                username=name,
                user_id=u.id,
            )

    def update_clinic(self, name: str, county_hospital: str) -> ClinicInfo:
        """Admin: correct the clinic's name or its county hospital. The clinic code stays: it
        is how the county hub knows this clinic."""
        self.ctx.require(Perm.USER_MANAGE)
        errors: list[FieldError] = []
        if not name.strip():
            errors.append(FieldError("clinic_name", "required", "机构名称不能为空"))
        elif len(name.strip()) > 100:
            errors.append(FieldError("clinic_name", "too_long", "机构名称不能超过100个字"))
        if not county_hospital.strip():
            errors.append(FieldError("county_hospital", "required", "县级医院名称不能为空"))
        elif len(county_hospital.strip()) > 100:
            errors.append(FieldError("county_hospital", "too_long", "县级医院名称不能超过100个字"))
        if errors:
            raise ValidationError(errors)
        with self.ctx.session() as s:
            c = s.scalar(select(Clinic).limit(1))
            if c is None:
                raise ValidationError(
                    [FieldError("clinic_name", "missing", "本机尚未完成初始设置")]
                )
            before = {"name": c.name, "county_hospital": c.county_hospital}
            c.name = name.strip()
            c.county_hospital = county_hospital.strip()
            after = {"name": c.name, "county_hospital": c.county_hospital}
            audit(s, self.ctx, "edit", "clinic", c.code, {"before": before, "after": after})
            info = ClinicInfo(c.code, c.name, c.county_hospital)
        wraps = self._wraps()
        if wraps is not None:
            wraps.set_clinic_name(info.name)  # the login window's title, before the key
        self.ctx.notify(Changes("clinic", frozenset({info.code}), "edit"))
        return info
