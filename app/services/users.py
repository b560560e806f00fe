"""Users, first-run setup, login, and the clinic's own identity."""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from app.db.models import Clinic, User
from app.domain.errors import FieldError, ValidationError
from app.domain.roles import Perm, Role
from app.services.context import Actor, Changes, ServiceContext
from app.services.recording import audit

_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,40}$")
_CLINIC_CODE = re.compile(r"^[A-Za-z0-9]{2,20}$")
PASSWORD_MIN = 6


class LoginFailed(Exception):
    """Wrong username or password (deliberately not saying which)."""

    def __init__(self) -> None:
        super().__init__("用户名或密码错误")


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


def _to_user(u: User) -> UserRow:
    return UserRow(u.id, u.username, u.display_name, Role(u.role), u.phone, u.active)


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


class UserService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

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
        username = username.strip()
        with self.ctx.session() as s:
            u = s.scalar(select(User).where(User.username == username))
            ok = False
            if u is not None and u.active:
                try:
                    ok = self.ctx.password_hasher.verify(u.password_hash, password)
                except (VerificationError, InvalidHashError):
                    ok = False
            if not ok:
                audit(
                    s,
                    self.ctx,
                    "login_failed",
                    "user",
                    u.id if u else "",
                    {"username": username[:40]},
                    username=username[:40],
                    user_id=u.id if u else None,
                )
            else:
                assert u is not None
                if self.ctx.password_hasher.check_needs_rehash(u.password_hash):
                    u.password_hash = self.ctx.password_hasher.hash(password)
                u.last_login_at = self.ctx.clock()
                audit(s, self.ctx, "login", "user", u.id, username=u.username, user_id=u.id)
                actor = Actor(u.id, u.username, u.display_name, Role(u.role))
        if not ok:
            raise LoginFailed()
        self.ctx.actor = actor
        return actor

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
        self.ctx.notify(Changes("user", frozenset({row.id}), "edit"))
        return row

    def change_password(self, user_id: str, new_password: str) -> None:
        actor = self.ctx.actor
        if actor is None or actor.user_id != user_id:
            self.ctx.require(Perm.USER_MANAGE)
        if len(new_password) < PASSWORD_MIN:
            raise ValidationError(
                [FieldError("password", "too_short", f"密码至少{PASSWORD_MIN}位")]
            )
        with self.ctx.session() as s:
            u = s.get(User, user_id)
            if u is None:
                raise ValidationError([FieldError("username", "missing", "用户不存在")])
            u.password_hash = self.ctx.password_hasher.hash(new_password)
            u.updated_at = self.ctx.clock()
            audit(s, self.ctx, "edit", "user", u.id, {"fields": ["password"]})
