"""Who looked at, printed or exported what, and the administrator's search of the audit log.

Writes already leave audit rows (recording.audit); this adds the reads a county asks about
(viewing a resident's record, printing, exporting) and the search an administrator runs:
by user, by patient (their own record and the slips and visits about them) and by date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.followup_models import FollowUpPlan, FollowUpVisit
from app.db.models import AuditLog, Patient
from app.db.referral_models import Referral
from app.domain.roles import Perm
from app.services.context import ServiceContext
from app.services.recording import audit

# China keeps one offset all year; the log is stored in UTC and shown in the clinic's time.
CLINIC_TZ = timezone(timedelta(hours=8))

ACTION_NAMES = {
    "view": "查看",
    "print": "打印",
    "reprint": "补打",
    "export": "导出",
    "create": "新建",
    "edit": "修改",
    "void": "作废",
    "restore": "恢复",
    "login": "登录",
    "logout": "退出登录",
    "login_failed": "登录失败",
    "login_locked": "账号锁定",
    "change_password": "修改密码",
    "reset_password": "重置密码",
    "setup": "初始设置",
    "status": "状态变更",
    "sync_retry": "重新上传",
    "sync_pull_error": "县医院记录未能保存",
    "attach_patient": "关联居民",
}


@dataclass(frozen=True)
class AuditRow:
    at_local: datetime
    username: str
    action: str
    action_name: str
    record_type: str
    record_id: str
    patient_name: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int


def _utc(d: date) -> datetime:
    """Local midnight of ``d`` as naive UTC, as the log stores it."""
    return datetime.combine(d, time(0), CLINIC_TZ).astimezone(UTC).replace(tzinfo=None)


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def viewed(self, record_type: str, record_id: str) -> None:
        """A user opened a resident's record (or a slip, a visit) to read it."""
        with self.ctx.session() as s:
            audit(s, self.ctx, "view", record_type, record_id)

    def exported(
        self, kind: str, file_name: str, record_type: str = "", record_id: str = "", rows: int = 0
    ) -> None:
        """Patient data left the program as a file (PDF, spreadsheet)."""
        detail: dict[str, object] = {"kind": kind, "file": file_name}
        if rows:
            detail["rows"] = rows
        with self.ctx.session() as s:
            audit(s, self.ctx, "export", record_type, record_id, detail)

    def usernames(self) -> list[str]:
        self.ctx.require(Perm.USER_MANAGE)
        with self.ctx.reader() as s:
            return [
                u
                for u in s.scalars(select(AuditLog.username).distinct().order_by(AuditLog.username))
                if u
            ]

    def search(
        self,
        *,
        username: str = "",
        patient: str = "",
        date_from: date | None = None,
        date_to: date | None = None,
        action: str = "",
        limit: int = 500,
    ) -> AuditPage:
        """Newest first. ``patient`` matches a name or ID number (or its last digits)."""
        self.ctx.require(Perm.USER_MANAGE)
        conds = []
        if username:
            conds.append(AuditLog.username == username)
        if action:
            conds.append(AuditLog.action == action)
        if date_from is not None:
            conds.append(AuditLog.at >= _utc(date_from))
        if date_to is not None:
            conds.append(AuditLog.at < _utc(date_to + timedelta(days=1)))
        needle = patient.strip()
        if needle:
            who = select(Patient.id).where(
                or_(Patient.name.contains(needle), Patient.id_number.endswith(needle.upper()))
            )
            conds.append(
                or_(
                    (AuditLog.record_type == "patient") & AuditLog.record_id.in_(who),
                    (AuditLog.record_type == "referral")
                    & AuditLog.record_id.in_(
                        select(Referral.id).where(Referral.patient_id.in_(who))
                    ),
                    (AuditLog.record_type == "followup_visit")
                    & AuditLog.record_id.in_(
                        select(FollowUpVisit.id).where(FollowUpVisit.patient_id.in_(who))
                    ),
                    (AuditLog.record_type == "followup_plan")
                    & AuditLog.record_id.in_(
                        select(FollowUpPlan.id).where(FollowUpPlan.patient_id.in_(who))
                    ),
                )
            )
        with self.ctx.reader() as s:
            total = s.scalar(select(func.count()).select_from(AuditLog).where(*conds)) or 0
            found = s.execute(
                select(AuditLog).where(*conds).order_by(AuditLog.id.desc()).limit(limit)
            ).scalars()
            logs = list(found)
            names = self._patient_names(s, logs)
            rows = [
                AuditRow(
                    at_local=log.at.replace(tzinfo=UTC).astimezone(CLINIC_TZ).replace(tzinfo=None),
                    username=log.username,
                    action=log.action,
                    action_name=ACTION_NAMES.get(log.action, log.action),
                    record_type=log.record_type,
                    record_id=log.record_id,
                    patient_name=names.get((log.record_type, log.record_id), ""),
                    detail=_short(log.detail),
                )
                for log in logs
            ]
        return AuditPage(rows, total)

    @staticmethod
    def _patient_names(s: Session, logs: list[AuditLog]) -> dict[tuple[str, str], str]:
        """The resident each row is about, where there is one."""
        kinds = ("patient", "referral", "followup_visit", "followup_plan")
        ids = {t: {log.record_id for log in logs if log.record_type == t} for t in kinds}
        out: dict[tuple[str, str], str] = {}
        if ids["patient"]:
            for pid, name in s.execute(
                select(Patient.id, Patient.name).where(Patient.id.in_(ids["patient"]))
            ):
                out[("patient", pid)] = name
        for rtype, model in (
            ("referral", Referral),
            ("followup_visit", FollowUpVisit),
            ("followup_plan", FollowUpPlan),
        ):
            if ids[rtype]:
                for rid, name in s.execute(
                    select(model.id, Patient.name)
                    .join(Patient, Patient.id == model.patient_id)
                    .where(model.id.in_(ids[rtype]))
                ):
                    out[(rtype, rid)] = name
        return out


def _short(detail: str) -> str:
    """The detail as one readable line (field lists, reasons), at most 200 characters."""
    try:
        data = json.loads(detail) if detail else {}
    except ValueError:
        return detail[:200]
    if not isinstance(data, dict) or not data:
        return ""
    parts = []
    for k, v in data.items():
        text = "、".join(map(str, v)) if isinstance(v, list) else str(v)
        parts.append(f"{k}: {text}")
    return "；".join(parts)[:200]
