"""The consortium view: per clinic and month the figures of ``app.domain.consortium`` over
what the clinics pushed, each clinic's sync health beside them, and the .xlsx export."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.domain.consortium import COLUMNS, ClinicMonth, Figures, Synced, share_text
from county.db import HubClinic, HubRecord, RefusedWrite
from county.office.timefmt import day_start_utc, iso, local

TYPES = ("referral", "training_activity", "training_attendance", "secondment", "support_stationing")


@dataclass
class ClinicSync:
    code: str
    name: str
    last_sync: str
    refused: int
    version: str


@dataclass
class Consortium:
    year: int
    rows: list[ClinicMonth]
    totals: ClinicMonth
    names: dict[str, str]
    clinics: list[ClinicSync]


def _total(rows: list[ClinicMonth], year: int) -> ClinicMonth:
    t = ClinicMonth("", str(year))
    for r in rows:
        for key in (
            "up",
            "down",
            "answerable",
            "answered_in_time",
            "awaiting_arrival",
            "courses",
            "trained_times",
            "teaching_times",
            "ward_rounds",
            "secondment_times",
            "support_times",
        ):
            setattr(t, key, getattr(t, key) + getattr(r, key))
        # people are counted once a year per clinic, never as a sum of months
        t.trainees |= {f"{r.clinic}/{p}" for p in r.trainees}
        t.seconded |= {f"{r.clinic}/{p}" for p in r.seconded}
        t.supporters |= set(r.supporters)
    return t


def _year_rows(s: Session, year: int, clinic: str) -> list[Synced]:
    """The year's records only, narrowed in SQL (ISO text compares in time order): referrals
    sent in the year (Beijing), activities held in it and the attendance at them, secondments
    and stationings starting in it."""
    day_from, day_to = f"{year}-01-01", f"{year + 1}-01-01"
    utc_from = iso(day_start_utc(date(year, 1, 1)))
    utc_to = iso(day_start_utc(date(year + 1, 1, 1)))

    def text_of(key: str) -> Any:
        return HubRecord.data[key].as_string()

    sent = func.coalesce(text_of("referred_at"), text_of("created_at"), "")
    activity = and_(
        HubRecord.type == "training_activity", text_of("day") >= day_from, text_of("day") < day_to
    )
    activity_ids = select(HubRecord.id).where(activity, HubRecord.deleted.is_(False))
    if clinic:
        activity_ids = activity_ids.where(HubRecord.clinic_code == clinic)
    wanted = or_(
        and_(HubRecord.type == "referral", sent >= utc_from, sent < utc_to),
        activity,
        and_(
            HubRecord.type == "training_attendance",
            text_of("activity_id").in_(activity_ids.scalar_subquery()),
        ),
        and_(
            HubRecord.type.in_(("secondment", "support_stationing")),
            text_of("start_on") >= day_from,
            text_of("start_on") < day_to,
        ),
    )
    q = select(HubRecord.type, HubRecord.id, HubRecord.clinic_code, HubRecord.data).where(
        HubRecord.type.in_(TYPES), HubRecord.deleted.is_(False), wanted
    )
    if clinic:
        q = q.where(HubRecord.clinic_code == clinic)
    return [
        Synced(t, i, c, False, data if isinstance(data, dict) else {})
        for t, i, c, data in s.execute(q)
    ]


def consortium(s: Session, year: int, now_utc: datetime, clinic: str = "") -> Consortium:
    months = {f"{year}-{m:02d}" for m in range(1, 13)}
    figures = Figures(now_utc, months)
    figures.add_all(_year_rows(s, year, clinic))
    rows = figures.rows()
    refused = dict(
        s.execute(
            select(RefusedWrite.clinic_code, func.count()).group_by(RefusedWrite.clinic_code)
        ).all()
    )
    clinics = [
        ClinicSync(
            c.code,
            c.name,
            local(c.last_seen_at),
            int(refused.get(c.code, 0)),
            c.client_version or "",
        )
        for c in s.scalars(select(HubClinic).order_by(HubClinic.code))
    ]
    names = {c.code: c.name for c in clinics}
    return Consortium(year, rows, _total(rows, year), names, clinics)


def cell_text(row: ClinicMonth, key: str) -> str:
    if key == "answered_share":
        return share_text(row.answered_share)
    return str(row.value(key))


def xlsx(c: Consortium) -> bytes:
    """The same table as the page: one row per clinic and month, then the year's total."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"{c.year}年"
    header = ["卫生院代码", "卫生院", "月份", *[label for _k, label in COLUMNS]]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)

    def values(r: ClinicMonth) -> list[object]:
        out: list[object] = []
        for key, _label in COLUMNS:
            if key == "answered_share":
                share = r.answered_share
                out.append(round(share, 4) if share is not None else None)
            else:
                out.append(r.value(key))
        return out

    for r in c.rows:
        ws.append([r.clinic, c.names.get(r.clinic, r.clinic), r.month, *values(r)])
    ws.append(["", "合计", f"{c.year}年", *values(c.totals)])
    share_col = 4 + [k for k, _ in COLUMNS].index("answered_share")
    for row in ws.iter_rows(min_row=2, min_col=share_col, max_col=share_col):
        for cell in row:
            cell.number_format = "0%"
    ws.column_dimensions["B"].width = 22
    sync = wb.create_sheet("卫生院同步")
    sync.append(["卫生院代码", "卫生院", "最近同步", "被拒绝的写入", "工作站版本"])
    for cl in c.clinics:
        sync.append([cl.code, cl.name, cl.last_sync, cl.refused, cl.version])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
