"""What the office pages read: upward referrals (filtered, paged), one referral with its
history, and each clinic's sync health.

A referral's status as the county sees it is derived from the county's answers with the same
rule the workstation uses (``status_after_answers``): the hub's copy of ``status`` is the
clinic's, as last uploaded, and does not move when the county answers.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, false, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from app.domain.codes import SEX
from app.domain.referral import STATUS_NAMES, Direction, Status, status_after_answers
from county.db import COUNTY, HubClinic, HubRecord, RefusedWrite
from county.office.timefmt import day_start_utc, iso, local, parse_stored

PAGE_SIZE = 50
LISTED_STATUSES = [s for s in Status if s is not Status.DRAFT]
BAD = "(数据有误)"  # shown for a stored value the pages cannot read
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def readable(data: object) -> dict[str, Any]:
    """A stored record's fields as the pages may show them: a value of a shape no field has
    (a list, an object, a number that is not finite, text with control characters), as an
    older hub may have stored it, becomes "(数据有误)" instead of failing the page."""
    if not isinstance(data, dict):
        return {}
    out: dict[str, Any] = {}
    for k, v in data.items():
        if (
            isinstance(v, list | dict)
            or (isinstance(v, float) and not math.isfinite(v))
            or (isinstance(v, str) and CONTROL.search(v))
        ):
            out[str(k)] = BAD
        else:
            out[str(k)] = v
    return out


def page_number(text: str) -> int:
    """A page number from the query string; anything else (or absurdly long) is page 1."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else 1


class _FieldText(FunctionElement[str]):
    """A record's field as text in SQL. On SQLite, NULL for a row whose stored JSON SQLite
    cannot parse (NaN written by an older hub): ``json_extract`` would fail the whole query,
    and with it the page for every clinic."""

    type = String()
    inherit_cache = False  # the key is not a bound parameter; compiled per use

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__()


@compiles(_FieldText)
def _field_text(element: _FieldText, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(HubRecord.data[element.key].as_string(), **kw))


@compiles(_FieldText, "sqlite")
def _field_text_sqlite(element: _FieldText, compiler: Any, **kw: Any) -> str:
    expr = case(
        (func.json_valid(HubRecord.data) == 1, HubRecord.data[element.key].as_string()), else_=None
    )
    return str(compiler.process(expr, **kw))


def _text(key: str) -> ColumnElement[Any]:
    return _FieldText(key)


def _present(key: str) -> ColumnElement[bool]:
    return func.coalesce(_text(key), "") != ""


def _submitted() -> ColumnElement[Any]:
    return func.coalesce(_text("referred_at"), _text("created_at"), "")


def county_status(data: dict[str, Any]) -> Status:
    """The status of an upward referral once the county's answers stored on it are applied."""
    try:
        direction = Direction(str(data.get("direction") or ""))
        current = Status(str(data.get("status") or ""))
    except ValueError:
        return Status.PENDING
    return status_after_answers(
        direction,
        current,
        received=bool(data.get("received_at")),
        rejected=bool(data.get("rejected_reason")),
        arrived=bool(data.get("arrived_at")),
    )


def status_condition(target: Status) -> ColumnElement[bool]:
    """SQL for "the derived status is ``target``", built by asking the domain rule about every
    combination of (stored status, received, rejected, arrived), so it cannot drift from it."""
    terms: list[ColumnElement[bool]] = []
    for current in Status:
        for rec, rej, arr in itertools.product((False, True), repeat=3):
            got = status_after_answers(
                Direction.UP, current, received=rec, rejected=rej, arrived=arr
            )
            if got is target:
                terms.append(
                    and_(
                        _text("status") == current.value,
                        _present("received_at") if rec else ~_present("received_at"),
                        _present("rejected_reason") if rej else ~_present("rejected_reason"),
                        _present("arrived_at") if arr else ~_present("arrived_at"),
                    )
                )
    return or_(*terms) if terms else false()


@dataclass
class ReferralFilter:
    clinic: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    page: int = 1
    department: str | None = None  # a 科室医生 sees only the referrals to their department


@dataclass
class ReferralRow:
    id: str
    number: str
    clinic_code: str
    clinic_name: str
    patient_name: str
    patient_sex: str
    patient_age: Any
    impression: str
    urgency: str
    status: str
    status_name: str
    submitted: str


@dataclass
class ReferralPage:
    rows: list[ReferralRow]
    total: int
    page: int
    pages: int


@dataclass
class ClinicHealth:
    code: str
    name: str
    active: bool
    last_seen: str
    records: int
    refused: int
    latest_refusals: list[tuple[str, str, str]] = field(default_factory=list)  # at, type, reason


def clinic_names(s: Session) -> dict[str, str]:
    return {
        code: name
        for code, name in s.execute(select(HubClinic.code, HubClinic.name).order_by(HubClinic.code))
    }


def sex_name(code: object) -> str:
    return SEX.get(str(code or ""), str(code or ""))


def _upward() -> list[ColumnElement[bool]]:
    return [
        HubRecord.type == "referral",
        HubRecord.deleted.is_(False),
        HubRecord.owner != COUNTY,
        _text("direction") == Direction.UP.value,
        _text("status") != Status.DRAFT.value,
    ]


def list_upward(s: Session, f: ReferralFilter) -> ReferralPage:
    where = _upward()
    if f.department is not None:
        where.append(_text("to_department") == f.department)
    if f.clinic:
        where.append(HubRecord.clinic_code == f.clinic)
    if f.status:
        where.append(status_condition(Status(f.status)))
    if f.date_from is not None:
        where.append(_submitted() >= iso(day_start_utc(f.date_from)))
    if f.date_to is not None:
        where.append(_submitted() < iso(day_start_utc(f.date_to + timedelta(days=1))))
    q = CONTROL.sub("", f.q).strip()
    if q:
        where.append(
            or_(
                _text("patient_name").contains(q, autoescape=True),
                _text("number").contains(q, autoescape=True),
            )
        )
    total = s.scalar(select(func.count()).select_from(HubRecord).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, f.page), pages)
    recs = s.scalars(
        select(HubRecord)
        .where(*where)
        .order_by(_submitted().desc(), HubRecord.pk.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    names = clinic_names(s)
    rows = []
    for r in recs:
        d = readable(r.data)
        st = county_status(d)
        rows.append(
            ReferralRow(
                id=r.id,
                number=str(d.get("number") or ""),
                clinic_code=r.clinic_code,
                clinic_name=names.get(r.clinic_code, r.clinic_code),
                patient_name=str(d.get("patient_name") or ""),
                patient_sex=sex_name(d.get("patient_sex")),
                patient_age=d.get("patient_age", ""),
                impression=str(d.get("impression") or ""),
                urgency=str(d.get("urgency") or ""),
                status=st.value,
                status_name=STATUS_NAMES[st],
                submitted=local(d.get("referred_at") or d.get("created_at")),
            )
        )
    return ReferralPage(rows=rows, total=total, page=page, pages=pages)


def parse_time(value: object) -> datetime | None:
    """A stored naive-UTC time (ISO text) or None."""
    return parse_stored(value)


def get_referral(s: Session, referral_id: str) -> HubRecord | None:
    return s.scalar(
        select(HubRecord).where(HubRecord.type == "referral", HubRecord.id == referral_id)
    )


def referral_history(s: Session, referral_id: str) -> list[dict[str, Any]]:
    """The clinic's status changes of a referral (its uploaded ``referral_event`` records)."""
    recs = s.scalars(
        select(HubRecord).where(
            HubRecord.type == "referral_event",
            HubRecord.deleted.is_(False),
            _text("referral_id") == referral_id,
        )
    ).all()
    events = [readable(r.data) for r in recs]
    events.sort(key=lambda d: str(d.get("at") or ""))
    return events


def clinic_health(s: Session, latest: int = 3) -> list[ClinicHealth]:
    records: dict[str, int] = {
        owner: n
        for owner, n in s.execute(select(HubRecord.owner, func.count()).group_by(HubRecord.owner))
    }
    refused: dict[str, int] = {
        code: n
        for code, n in s.execute(
            select(RefusedWrite.clinic_code, func.count()).group_by(RefusedWrite.clinic_code)
        )
    }
    out = []
    for c in s.scalars(select(HubClinic).order_by(HubClinic.code)).all():
        reasons = s.execute(
            select(RefusedWrite.at, RefusedWrite.type, RefusedWrite.reason)
            .where(RefusedWrite.clinic_code == c.code)
            .order_by(RefusedWrite.pk.desc())
            .limit(latest)
        ).all()
        out.append(
            ClinicHealth(
                code=c.code,
                name=c.name,
                active=c.active,
                last_seen=local(c.last_seen_at),
                records=records.get(c.code, 0),
                refused=refused.get(c.code, 0),
                latest_refusals=[(local(at), t, reason) for at, t, reason in reasons],
            )
        )
    return out
