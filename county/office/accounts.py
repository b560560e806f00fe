"""Named office accounts and what each role may do.

Roles: 转诊办 (the referral office: every referral and clinic), 科室医生 (a county department's
doctor: that department's referrals only, answers them and writes their 回转单), 医共体管理员
(the consortium's administrator: figures, accounts, clinics, the audit trail; no slips).
Passwords are argon2id. An account made or reset without a given password gets a temporary
one, printed once, that must be changed at the first sign-in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import registry
from app.domain.roles import (
    OFFICE_MATRIX,
    OFFICE_ROLE_NAMES,
    OfficePerm,
    OfficeRole,
    office_allowed,
)
from county.office.accounts_tables import OfficeUser
from county.office.tables import OfficeSession

MIN_PASSWORD_LENGTH = 8
NAME_LIMIT = 50
TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or off paper

_hasher = PasswordHasher()


# The roles and their permissions are declared beside the clinic's (``app.domain.roles``);
# what each may do to a record (view, 接收, 回执, 下转, print) is the record-type registry's
# ``county_perms``.
Role = OfficeRole
ROLE_NAMES = OFFICE_ROLE_NAMES
Perm = OfficePerm
PERMS = OFFICE_MATRIX


@dataclass(frozen=True)
class Staff:
    """The signed-in account, as a request sees it."""

    id: int
    name: str
    role: Role
    department: str
    must_change: bool = False

    def can(self, perm: Perm) -> bool:
        return office_allowed(self.role, perm)

    def may(self, record_type: str, action: str) -> bool:
        """Whether this account may do ``action`` to ``record_type``, by the registry."""
        return registry.office_may(self.role, record_type, action)

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]

    @property
    def scoped(self) -> bool:
        """True when the account sees only its own department's referrals."""
        return self.role is Role.DEPARTMENT


def staff_of(u: OfficeUser) -> Staff:
    return Staff(u.id, u.name, Role(u.role), u.department, u.must_change)


def temporary_password() -> str:
    return "".join(secrets.choice(TEMP_ALPHABET) for _ in range(12))


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    return (hasher or _hasher).hash(password)


def verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _sign_out(s: Session, user_id: int) -> None:
    s.execute(delete(OfficeSession).where(OfficeSession.user_id == user_id))


def by_name(s: Session, name: str) -> OfficeUser | None:
    return s.scalar(select(OfficeUser).where(OfficeUser.name == name.strip()))


def add_user(
    s: Session,
    name: str,
    role: str,
    department: str = "",
    password: str | None = None,
    hasher: PasswordHasher | None = None,
) -> str | None:
    """Create an account; returns the temporary password (None when ``password`` was given)."""
    name, department = name.strip(), department.strip()
    if not name or len(name) > NAME_LIMIT:
        raise ValueError(f"用户名不能为空，最多 {NAME_LIMIT} 字")
    try:
        r = Role(role)
    except ValueError:
        raise ValueError(
            "角色应为 office（转诊办）、department（科室医生）或 admin（医共体管理员）"
        ) from None
    if r is Role.DEPARTMENT and not department:
        raise ValueError("科室医生须指定科室（--department，例如 心血管内科）")
    if r is not Role.DEPARTMENT and department:
        raise ValueError("只有科室医生（department）需要指定科室")
    if len(department) > 50:
        raise ValueError("科室名称最多 50 字")
    if by_name(s, name) is not None:
        raise ValueError(f"用户 {name} 已存在；要重设密码请用 reset-password")
    temp = None if password is not None else temporary_password()
    s.add(
        OfficeUser(
            name=name,
            role=r.value,
            department=department,
            password_hash=hash_password(password if password is not None else temp or "", hasher),
            must_change=password is None,
            active=True,
        )
    )
    s.flush()
    return temp


def reset_password(
    s: Session, name: str, password: str | None = None, hasher: PasswordHasher | None = None
) -> str | None:
    """New password (temporary unless given), the account re-enabled, its browsers signed out."""
    u = by_name(s, name)
    if u is None:
        raise KeyError(name)
    temp = None if password is not None else temporary_password()
    u.password_hash = hash_password(password if password is not None else temp or "", hasher)
    u.must_change = password is None
    u.active = True
    _sign_out(s, u.id)
    return temp


def disable(s: Session, name: str) -> None:
    u = by_name(s, name)
    if u is None:
        raise KeyError(name)
    u.active = False
    _sign_out(s, u.id)


def change_password(
    s: Session, user_id: int, new: str, hasher: PasswordHasher | None = None
) -> None:
    u = s.get(OfficeUser, user_id)
    if u is None:
        raise KeyError(user_id)
    digest = hash_password(new, hasher)
    u.password_hash, u.must_change = digest, False
