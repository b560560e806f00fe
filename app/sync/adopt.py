"""Type-specific steps when a pull brings a record the county wrote.

A downward referral (回转单) arrives with the patient as printed on the slip. It is attached to
the clinic's own resident: the one it was referred up as (same id), else the one with the same
ID number, else a new resident made from the slip (a clinic record, queued for upload like any
other). Once stored it starts its 下转康复 follow-up plan, exactly as a paper slip entered at
the clinic does.

A pull page of new downward referrals is stored by ``ReferralPage``: the page's residents, plans
and outbox rows are read with one query each, and the referrals, their plans, outbox and audit
rows are written with one multi-row INSERT per table — the same rows ``receive_referral`` writes
one by one. Anything unusual (a resident to create from the slip, an ID number two residents
share, an outbox row already there, an upward or voided referral) it declines, and the engine
stores that record with ``receive_referral``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db.base import new_id
from app.db.followup_models import FollowUpPlan
from app.db.models import AuditLog, Outbox, Patient
from app.db.referral_models import Referral
from app.domain import patient as patient_rules
from app.domain.errors import ValidationError
from app.domain.followup import PlanKind
from app.services import followup_hooks
from app.services.context import ServiceContext
from app.services.followup_intervals import intervals_for
from app.services.followups import plan_fields
from app.services.patients import RECORD_TYPE as PATIENT_TYPE
from app.services.patients import fill_patient
from app.services.recording import audit_values, chain_audit, outbox_values, record_write


def _patient_for(s: Session, ctx: ServiceContext, r: Any) -> str:
    if r.patient_id:
        p = s.get(Patient, r.patient_id)
        if p is not None and not p.deleted:
            return str(p.id)
    if r.patient_id_number:
        found = s.scalar(
            select(Patient.id)
            .where(Patient.id_number == r.patient_id_number, Patient.deleted.is_(False))
            .limit(1)
        )
        if found:
            return str(found)
    today = ctx.today()
    born = date(max(1900, today.year - int(r.patient_age or 0)), 1, 1)
    data = patient_rules.PatientInput(
        name=r.patient_name or "（未具名）",
        sex=r.patient_sex or "0",
        id_number=r.patient_id_number or "",
        phone=r.patient_phone or "",
        address=r.patient_address or "",
        record_number=r.patient_record_number or "",
        notes=f"由县医院回转单 {r.number} 建档",
    )
    if not data.id_number:
        data.birth_date = born
    try:
        clean = patient_rules.validate(data, today)
    except ValidationError as e:
        # The county's copy of the ID number or phone may not pass our checks: drop what is
        # wrong, keep the resident (name, sex, age) and the note; never lose the referral.
        bad = e.fields()
        if bad & {"id_number", "birth_date", "sex"}:
            data.id_number, data.birth_date = "", born
            data.sex = data.sex if data.sex in ("1", "2") else "0"
        for key in bad & {"phone", "address", "record_number", "name"}:
            setattr(data, key, "（未具名）" if key == "name" else "")
        clean = patient_rules.validate(data, today)
    p = Patient()
    fill_patient(p, clean)
    record_write(s, ctx, p, PATIENT_TYPE, "create", {"from_referral": r.number}, new=True)
    return str(p.id)


def receive_referral(s: Session, ctx: ServiceContext, r: Any) -> None:
    """Store a referral the county wrote: attach it to a local resident, start its plan."""
    sent_patient = r.patient_id
    r.patient_id = _patient_for(s, ctx, r)
    r.print_count = 0
    s.add(r)
    s.flush()
    if r.patient_id != sent_patient:
        # Which resident the slip belongs to is the clinic's answer (a clinic field): send it.
        record_write(s, ctx, r, "referral", "attach_patient", {"number": r.number})
    followup_hooks.on_referral_saved(s, ctx, r)


class ReferralPage:
    """New county-authored referrals of one pull page, stored in bulk.

    ``rows`` are the column values the engine would give each new record (as ``_apply_change``
    sets them before ``receive_referral``); they are only read here, to preload. ``take(row)``
    queues a referral whose outcome the preloaded state decides (or declines it, changing
    nothing); ``write()`` inserts everything queued. Rows and their order are those the
    per-record path writes: per referral, its attachment (referral outbox + audit) and then
    its plan (plan, outbox, audit).
    """

    def __init__(self, s: Session, ctx: ServiceContext, rows: list[dict[str, Any]]) -> None:
        self.s, self.ctx = s, ctx
        self._starts_plan: tuple[str, ...] = followup_hooks.STARTS_PLAN
        self._rehab_dates = followup_hooks.rehab_dates
        self._intervals = intervals_for(ctx)  # settings.toml, read once per page
        self._today = ctx.today()
        ids = [r["id"] for r in rows]
        pids = list({r["patient_id"] for r in rows if r.get("patient_id")})
        pt: Any = Patient.__table__
        self.live: set[str] = set()
        self.by_number: dict[str, list[str]] = defaultdict(list)
        if pids:
            self.live = set(
                s.scalars(select(pt.c.id).where(pt.c.id.in_(pids), pt.c.deleted.is_(False)))
            )
        numbers = list(  # only where the id did not find the resident
            {
                r["patient_id_number"]
                for r in rows
                if r.get("patient_id_number") and r.get("patient_id") not in self.live
            }
        )
        if numbers:
            for pid, number in s.execute(
                select(pt.c.id, pt.c.id_number).where(
                    pt.c.id_number.in_(numbers), pt.c.deleted.is_(False)
                )
            ):
                self.by_number[number].append(pid)
        self.planned: set[str] = set()
        self.queued_ids: set[str] = set()
        self.in_outbox: set[str] = set()
        if ids:
            fp: Any = FollowUpPlan.__table__
            self.planned = set(s.scalars(select(fp.c.referral_id).where(fp.c.referral_id.in_(ids))))
            ob: Any = Outbox.__table__
            self.in_outbox = set(
                s.scalars(
                    select(ob.c.record_id).where(
                        ob.c.record_type == "referral", ob.c.record_id.in_(ids)
                    )
                )
            )
        self.referrals: list[dict[str, Any]] = []
        self.plans: list[dict[str, Any]] = []
        self.outbox: list[dict[str, Any]] = []
        self.audit: list[dict[str, Any]] = []

    def _patient(self, row: dict[str, Any]) -> str | None:
        """``_patient_for``'s answer from the preloaded residents; None: not decided here."""
        if row.get("patient_id") in self.live:
            return str(row["patient_id"])
        number = row.get("patient_id_number")
        if number:
            found = self.by_number.get(number, [])
            if len(found) == 1:  # several: _patient_for's pick is the database's
                return found[0]
        return None

    def take(self, row: dict[str, Any]) -> bool:
        rid = row["id"]
        if (
            row["direction"] != "down"
            or row["deleted"]
            or rid in self.queued_ids
            or rid in self.in_outbox
        ):
            return False
        pid = self._patient(row)
        if pid is None:
            return False
        r = dict(row)
        r["print_count"] = 0
        now = r["updated_at"]
        if pid != row["patient_id"]:
            # record_write(..., "attach_patient"): the clinic's answer goes up
            r["patient_id"] = pid
            r["version"] += 1
            r["sync_state"], r["sync_error"] = "pending", None
            self.outbox.append(outbox_values("referral", rid, r["version"], now))
            detail = {"number": r["number"]}
            self.audit.append(
                audit_values(self.ctx, now, "attach_patient", "referral", rid, detail)
            )
        self.referrals.append(r)
        self.queued_ids.add(rid)
        if r["status"] in self._starts_plan and rid not in self.planned:
            # on_referral_saved -> add_plan(REHAB)
            start, due = self._rehab_dates(
                _Dates(r), self._intervals, self._today, self.ctx.timezone
            )
            plan_id = new_id()
            self.plans.append(
                {
                    "id": plan_id,
                    "clinic_code": self.ctx.clinic_code,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "deleted": False,
                    "sync_state": "pending",
                    "sync_error": None,
                    "interval_days": None,
                    **plan_fields(pid, PlanKind.REHAB, start, due, referral_id=rid),
                }
            )
            self.planned.add(rid)
            self.outbox.append(outbox_values("followup_plan", plan_id, 1, now))
            self.audit.append(
                audit_values(
                    self.ctx,
                    now,
                    "create",
                    "followup_plan",
                    plan_id,
                    {"kind": PlanKind.REHAB.value},
                )
            )
        return True

    @property
    def pending(self) -> bool:
        return bool(self.referrals or self.plans or self.outbox or self.audit)

    def write(self) -> None:
        """Insert what is queued (before the engine stores anything one by one)."""
        for table, rows in (
            (Referral.__table__, self.referrals),
            (FollowUpPlan.__table__, self.plans),
            (Outbox.__table__, self.outbox),
            (AuditLog.__table__, self.audit),
        ):
            if rows:
                if table is AuditLog.__table__:
                    chain_audit(self.s, rows)  # each row takes the hash of the one before
                insert_many(self.s, table, rows)
                rows.clear()


@cache
def _driver_insert(
    table: Any, keys: tuple[str, ...], dialect: Any
) -> tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]], tuple[tuple[int, Any], ...]] | None:
    """The INSERT of ``keys`` into ``table`` as the driver takes it, a function that picks a
    row's values in the statement's order, and (position, bind processor) for each column
    whose type SQLAlchemy converts (e.g. SQLite's DATETIME storage format). None if the
    driver's parameters are not positional ``?`` (then ``insert_many`` lets SQLAlchemy)."""
    if dialect.paramstyle != "qmark" or not keys:
        return None
    compiled: Any = insert(table).compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup)
    pick = itemgetter(*order)
    if len(order) == 1:
        return compiled.string, lambda row: (pick(row),), ()
    procs = tuple(
        (i, p)
        for i, k in enumerate(order)
        if (p := table.columns[k].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    return compiled.string, pick, procs


def insert_many(s: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany INSERT of ``rows`` (all with the same keys) in the session's
    transaction. Same values as ``s.execute(insert(table), rows)``, without SQLAlchemy's
    per-row parameter handling (a third of the time of a bulk pull)."""
    conn = s.connection()
    keys = tuple(rows[0])
    plan = _driver_insert(table, keys, conn.dialect)
    if plan is None or any(r.keys() != rows[0].keys() for r in rows):
        s.execute(insert(table), rows)
        return
    sql, pick, procs = plan
    params: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(pick(row))
        for i, p in procs:
            if values[i] is not None:  # every processor maps None to None
                values[i] = p(values[i])
        params.append(tuple(values))
    conn.exec_driver_sql(sql, params)


class _Dates:
    """The two attributes ``rehab_dates`` reads, from a row."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.referred_at = row["referred_at"]
        self.followup_date = row["followup_date"]
