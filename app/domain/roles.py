"""Roles and the permission matrix, enforced by the services layer."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    DOCTOR = "doctor"
    NURSE = "nurse"


ROLE_NAMES = {Role.ADMIN: "管理员", Role.DOCTOR: "医生", Role.NURSE: "护士"}


class Perm(StrEnum):
    PATIENT_VIEW = "patient.view"
    PATIENT_CREATE = "patient.create"
    PATIENT_EDIT = "patient.edit"
    PATIENT_VOID = "patient.void"
    USER_MANAGE = "user.manage"
    SETTINGS_EDIT = "settings.edit"
    AUDIT_VIEW = "audit.view"


PERM_NAMES = {
    Perm.PATIENT_VIEW: "查看居民",
    Perm.PATIENT_CREATE: "登记居民",
    Perm.PATIENT_EDIT: "修改居民信息",
    Perm.PATIENT_VOID: "作废居民档案",
    Perm.USER_MANAGE: "管理用户",
    Perm.SETTINGS_EDIT: "修改系统设置",
    Perm.AUDIT_VIEW: "查看审计日志",
}

MATRIX: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.DOCTOR: frozenset(
        {Perm.PATIENT_VIEW, Perm.PATIENT_CREATE, Perm.PATIENT_EDIT, Perm.PATIENT_VOID}
    ),
    Role.NURSE: frozenset({Perm.PATIENT_VIEW, Perm.PATIENT_CREATE, Perm.PATIENT_EDIT}),
}


def allowed(role: Role | str, perm: Perm) -> bool:
    return perm in MATRIX.get(Role(role), frozenset())
