"""Who looked at, printed or exported what, and the administrator's search of the audit log.

Writes already leave audit rows (recording.audit); this adds the reads a county asks about
(viewing a resident's record, printing, exporting) and the search an administrator runs:
by user, by patient (their own record and the slips and visits about them) and by date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app import registry
from app.db.models import AuditLog, Patient
from app.domain import clinic_clock
from app.domain.roles import Perm
from app.services.context import ServiceContext
from app.services.recording import audit

# What the log names besides the synced record types (those by the registry's labels).
OTHER_RECORD_NAMES = {"user": "账号", "clinic": "本机构"}

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
    record_name: str = ""  # the record type in Chinese (the registry's label)


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int


def record_name(record_type: str) -> str:
    """A record type as the log shows it: the registry's label, or the log's own name."""
    if registry.get(record_type) is not None:
        return registry.label(record_type)
    return OTHER_RECORD_NAMES.get(record_type, record_type)


def _about_residents() -> list[registry.RecordType]:
    """The record types that concern a resident (their ``patient_field``)."""
    return [t for t in registry.TYPES if t.patient_field]


def _of_residents(t: registry.RecordType, who: Any) -> Any:
    """The ids of ``t``'s records about the residents ``who`` selects."""
    if t.patient_field == "id":
        return who
    model: Any = t.model
    return select(model.id).where(getattr(model, str(t.patient_field)).in_(who))


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
        # the clinic's days (its clock's zone), as the log stores UTC
        tz = self.ctx.timezone
        if date_from is not None:
            conds.append(AuditLog.at >= clinic_clock.day_start_utc(date_from, tz))
        if date_to is not None:
            conds.append(AuditLog.at < clinic_clock.day_start_utc(date_to + timedelta(days=1), tz))
        needle = patient.strip()
        if needle:
            who = select(Patient.id).where(
                or_(Patient.name.contains(needle), Patient.id_number.endswith(needle.upper()))
            )
            conds.append(
                or_(
                    *(
                        (AuditLog.record_type == t.name)
                        & AuditLog.record_id.in_(_of_residents(t, who))
                        for t in _about_residents()
                    )
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
                    at_local=self.ctx.local(log.at),
                    username=log.username,
                    action=log.action,
                    action_name=ACTION_NAMES.get(log.action, log.action),
                    record_type=log.record_type,
                    record_id=log.record_id,
                    patient_name=names.get((log.record_type, log.record_id), ""),
                    detail=_short(log.detail),
                    record_name=record_name(log.record_type),
                )
                for log in logs
            ]
        return AuditPage(rows, total)

    @staticmethod
    def _patient_names(s: Session, logs: list[AuditLog]) -> dict[tuple[str, str], str]:
        """The resident each row is about, where there is one (the record types with a
        ``patient_field`` in the registry)."""
        out: dict[tuple[str, str], str] = {}
        for t in _about_residents():
            ids = {log.record_id for log in logs if log.record_type == t.name}
            if not ids:
                continue
            model: Any = t.model
            query = select(model.id, Patient.name)
            if model is not Patient:
                query = query.join(Patient, Patient.id == getattr(model, str(t.patient_field)))
            for rid, name in s.execute(query.where(model.id.in_(ids))):
                out[(t.name, rid)] = name
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
