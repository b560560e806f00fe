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
    REFERRAL_VIEW = "referral.view"
    REFERRAL_CREATE = "referral.create"  # write and submit a slip, enter a downward one
    REFERRAL_CANCEL = "referral.cancel"
    REFERRAL_ACK = "referral.ack"  # acknowledge receipt / arrival of a downward referral
    REFERRAL_PRINT = "referral.print"
    REFERRAL_DESTINATIONS = "referral.destinations"
    TRAINING_VIEW = "training.view"
    TRAINING_EDIT = "training.edit"  # activities, attendance, 进修, 对口支援
    STAFF_EDIT = "staff.edit"  # the roster
    FOLLOWUP_VIEW = "followup.view"
    FOLLOWUP_RECORD = "followup.record"  # plans and visit forms
    FOLLOWUP_CONTACT = "followup.contact"  # phone calls: booked / remind / unreachable


PERM_NAMES = {
    Perm.PATIENT_VIEW: "查看居民",
    Perm.PATIENT_CREATE: "登记居民",
    Perm.PATIENT_EDIT: "修改居民信息",
    Perm.PATIENT_VOID: "作废居民档案",
    Perm.USER_MANAGE: "管理用户",
    Perm.SETTINGS_EDIT: "修改系统设置",
    Perm.AUDIT_VIEW: "查看审计日志",
    Perm.REFERRAL_VIEW: "查看转诊单",
    Perm.REFERRAL_CREATE: "开具转诊单",
    Perm.REFERRAL_CANCEL: "取消转诊",
    Perm.REFERRAL_ACK: "确认下转接收和到诊",
    Perm.REFERRAL_PRINT: "打印转诊单",
    Perm.REFERRAL_DESTINATIONS: "维护转诊机构和科室",
    Perm.TRAINING_VIEW: "查看培训记录",
    Perm.TRAINING_EDIT: "登记培训活动和签到",
    Perm.STAFF_EDIT: "维护人员名册",
    Perm.FOLLOWUP_VIEW: "查看随访",
    Perm.FOLLOWUP_RECORD: "登记随访",
    Perm.FOLLOWUP_CONTACT: "登记随访联系结果",
}

MATRIX: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.DOCTOR: frozenset(
        {
            Perm.PATIENT_VIEW,
            Perm.PATIENT_CREATE,
            Perm.PATIENT_EDIT,
            Perm.PATIENT_VOID,
            Perm.REFERRAL_VIEW,
            Perm.REFERRAL_CREATE,
            Perm.REFERRAL_CANCEL,
            Perm.REFERRAL_ACK,
            Perm.REFERRAL_PRINT,
            Perm.TRAINING_VIEW,
            Perm.TRAINING_EDIT,
            Perm.FOLLOWUP_VIEW,
            Perm.FOLLOWUP_RECORD,
            Perm.FOLLOWUP_CONTACT,
        }
    ),
    Role.NURSE: frozenset(
        {
            Perm.PATIENT_VIEW,
            Perm.PATIENT_CREATE,
            Perm.PATIENT_EDIT,
            Perm.REFERRAL_VIEW,
            Perm.REFERRAL_ACK,
            Perm.REFERRAL_PRINT,
            Perm.TRAINING_VIEW,
            Perm.TRAINING_EDIT,
            Perm.FOLLOWUP_VIEW,
            Perm.FOLLOWUP_CONTACT,
        }
    ),
}


def allowed(role: Role | str, perm: Perm) -> bool:
    return perm in MATRIX.get(Role(role), frozenset())
