"""The audit trail: every view of a patient's slip and every action, with who, when, which
record and from where; and the admin's search over it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from county.db import utcnow
from county.office.accounts import Staff
from county.office.accounts_tables import AuditEntry
from county.office.timefmt import day_start_utc

ACTION_NAMES = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "password": "修改密码",
    "list": "查看转诊列表",
    "view": "查看转诊单",
    "down_form": "打开回转单表单（带出患者信息）",
    "print": "打印转诊单",
    "receive": "接收",
    "reject": "拒绝",
    "arrive": "标记到院",
    "send_down": "下发回转单",
    "figures": "查看医共体统计",
    "export": "导出医共体统计",
    "clinics": "查看卫生院同步情况",
    "audit": "查询操作记录",
    "accounts": "查看账号",
    "add_user": "开设账号",
    "reset_password": "重设密码",
    "disable": "停用账号",
    "denied": "无权访问（已拒绝）",
    "set_hospital": "设置县医院名称",
}
PAGE_SIZE = 100
COMMAND_LINE = "（服务器命令行）"  # who, for what an admin did with python -m county


def record(
    s: Session,
    who: Staff | None,
    action: str,
    address: str,
    *,
    record_type: str = "",
    record_id: str = "",
    number: str = "",
    detail: str = "",
    name: str = "",
) -> None:
    s.add(
        AuditEntry(
            at=utcnow(),
            user_name=(who.name if who else name)[:50],
            role=who.role.value if who else "",
            department=who.department if who else "",
            action=action,
            record_type=record_type,
            record_id=record_id[:64],
            record_number=number[:40],
            address=address[:64],
            detail=detail[:500],
        )
    )


@dataclass
class AuditQuery:
    user: str = ""
    action: str = ""
    record: str = ""  # a record id or a slip number
    address: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


@dataclass
class AuditPage:
    rows: list[AuditEntry]
    total: int
    page: int
    pages: int


def search(s: Session, q: AuditQuery) -> AuditPage:
    where = []
    if q.user:
        where.append(AuditEntry.user_name == q.user)
    if q.action:
        where.append(AuditEntry.action == q.action)
    if q.record:
        where.append(
            (AuditEntry.record_id == q.record)
            | (AuditEntry.record_number == q.record)
            | AuditEntry.detail.contains(q.record, autoescape=True)  # a 回转单 names its 上转单
        )
    if q.address:
        where.append(AuditEntry.address == q.address)
    if q.date_from:
        where.append(AuditEntry.at >= day_start_utc(q.date_from))
    if q.date_to:
        where.append(AuditEntry.at < day_start_utc(q.date_to + timedelta(days=1)))
    total = int(s.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, q.page), pages)
    rows = list(
        s.scalars(
            select(AuditEntry)
            .where(*where)
            .order_by(AuditEntry.pk.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    return AuditPage(rows, total, page, pages)
