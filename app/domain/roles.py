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


# --- the county referral office (the hub's web pages, ``county/office``) --------------------
# Declared here beside the clinic's roles; what each may do to a record type is in the
# record-type registry (``county_perms``), which the office pages and the hub's write rules
# read.


class OfficeRole(StrEnum):
    OFFICE = "office"  # 转诊办: every referral and clinic
    DEPARTMENT = "department"  # 科室医生: their department's referrals only
    ADMIN = "admin"  # 医共体管理员: figures, accounts, clinics, the audit trail; no slips


OFFICE_ROLE_NAMES = {
    OfficeRole.OFFICE: "转诊办",
    OfficeRole.DEPARTMENT: "科室医生",
    OfficeRole.ADMIN: "医共体管理员",
}


class OfficePerm(StrEnum):
    REFERRALS = "referrals"  # see slips (a department doctor: their department's only)
    ANSWER = "answer"  # receive / reject / arrived (接收, 回执, 到院)
    WRITE_DOWN = "write_down"  # write a 回转单 (下转)
    PRINT = "print"
    CLINICS = "clinics"  # each clinic's sync health
    FIGURES = "figures"  # the consortium view and its export
    ACCOUNTS = "accounts"
    AUDIT = "audit"


OFFICE_MATRIX: dict[OfficeRole, frozenset[OfficePerm]] = {
    OfficeRole.OFFICE: frozenset(
        {
            OfficePerm.REFERRALS,
            OfficePerm.ANSWER,
            OfficePerm.WRITE_DOWN,
            OfficePerm.PRINT,
            OfficePerm.CLINICS,
            OfficePerm.FIGURES,
        }
    ),
    OfficeRole.DEPARTMENT: frozenset(
        {OfficePerm.REFERRALS, OfficePerm.ANSWER, OfficePerm.WRITE_DOWN, OfficePerm.PRINT}
    ),
    OfficeRole.ADMIN: frozenset(
        {OfficePerm.FIGURES, OfficePerm.ACCOUNTS, OfficePerm.CLINICS, OfficePerm.AUDIT}
    ),
}


def office_allowed(role: OfficeRole | str, perm: OfficePerm) -> bool:
    return perm in OFFICE_MATRIX.get(OfficeRole(role), frozenset())
