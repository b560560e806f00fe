"""Referrals (双向转诊): write, submit, track, acknowledge, print."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import registry
from app.db.models import Clinic, Patient
from app.db.referral_models import Referral, ReferralDestination, ReferralEvent
from app.domain import clinic_clock
from app.domain import referral as rules
from app.domain import referral_feedback as feedback
from app.domain.errors import FieldError, NotFound, PermissionDenied, ValidationError
from app.domain.idcard import age_on
from app.domain.referral import Direction, ReferralInput, Side, Status
from app.domain.referral_feedback import FeedbackInput
from app.domain.roles import Perm
from app.services import followup_hooks
from app.services.context import Changes, ServiceContext
from app.services.patients import search_condition
from app.services.recording import audit, record_write

if TYPE_CHECKING:
    from app.domain.slip import SlipData

RECORD_TYPE = "referral"
EVENT_TYPE = "referral_event"
PAGE = 100

DEFAULT_DEPARTMENTS = [
    "急诊科",
    "心血管内科",
    "神经内科",
    "呼吸内科",
    "消化内科",
    "内分泌科",
    "普外科",
    "骨科",
    "神经外科",
    "泌尿外科",
    "妇产科",
    "儿科",
    "肿瘤科",
    "眼科",
    "耳鼻喉科",
    "康复医学科",
]


@dataclass(frozen=True)
class ReferralRow:
    id: str
    number: str
    direction: str
    status: str
    urgency: str
    patient_id: str
    patient_name: str
    patient_sex: str
    patient_age: int
    patient_id_number: str
    patient_record_number: str
    patient_address: str
    patient_phone: str
    from_institution: str
    to_institution: str
    to_department: str
    to_doctor: str
    indications: list[str]
    indication_other: str
    impression: str
    present_illness: str
    past_history: str
    treatment: str
    patient_type: str
    payment_type: str
    transport: str
    purpose: str
    cautions: str
    referring_doctor: str
    referring_phone: str
    referred_at: datetime | None
    diagnosis: str
    icd10: str
    inpatient_no: str
    exam_results: str
    treatment_plan: str
    followup_date: date | None
    followup_method: str
    outcome: str
    received_at: datetime | None
    receiving_doctor: str
    rejected_reason: str
    arrived_at: datetime | None
    county_note: str
    acknowledged_at: datetime | None
    clinic_arrived_at: datetime | None
    completed_at: datetime | None
    cancel_reason: str
    print_count: int
    sync_state: str
    version: int
    created_at: datetime
    updated_at: datetime
    overdue: bool = False
    appointment_at: datetime | None = None  # the county's booking (预约到诊时间), UTC
    rejected_at: datetime | None = None
    clinic_code: str = ""  # who wrote it: this clinic, or the county's marker
    # 回执 the clinic recorded (phone / paper), clinic-owned
    feedback_method: str = ""
    feedback_by: str = ""
    feedback_at: datetime | None = None
    feedback_result: str = ""
    feedback_reason: str = ""
    feedback_arrived_at: datetime | None = None
    not_arrived: bool = False  # received N+ days ago, no arrival known (settings)

    @property
    def status_name(self) -> str:
        return rules.STATUS_NAMES[Status(self.status)]

    @property
    def direction_name(self) -> str:
        return rules.DIRECTION_NAMES[Direction(self.direction)]


@dataclass(frozen=True)
class ReferralEventRow:
    from_status: str
    to_status: str
    side: str
    actor: str
    at: datetime
    reason: str
    kind: str = "status"  # status / feedback (回执) / outcome (上转结果追踪)


@dataclass(frozen=True)
class ReferralFilter:
    direction: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    destination: str | None = None  # institution
    doctor: str | None = None  # referring doctor
    patient_query: str = ""
    overdue_only: bool = False
    unsynced_only: bool = False
    not_arrived_only: bool = False  # 已接收未到诊 (received N+ days ago, no arrival)


_ROW_FIELDS = [f.name for f in fields(ReferralRow) if f.name not in ("overdue", "not_arrived")]
SORTS = {
    "referred_at": Referral.referred_at,
    "number": Referral.number,
    "patient": Referral.patient_name,
    "status": Referral.status,
    "destination": Referral.to_institution,
    "doctor": Referral.referring_doctor,
    "direction": Referral.direction,
}


def _row(
    r: Referral, now: datetime, not_arrived_days: int = feedback.NOT_ARRIVED_DAYS
) -> ReferralRow:
    values: dict[str, Any] = {k: getattr(r, k) for k in _ROW_FIELDS}
    values["indications"] = json.loads(r.indications or "[]")
    direction, status = Direction(r.direction), Status(r.status)
    values["overdue"] = feedback.no_answer_overdue(
        direction, status, r.referred_at, r.feedback_result, now
    )
    values["not_arrived"] = feedback.received_not_arrived(
        direction,
        status,
        r.received_at,
        r.feedback_result,
        r.feedback_at,
        r.arrived_at,
        r.feedback_arrived_at,
        now,
        not_arrived_days,
    )
    return ReferralRow(**values)


class ReferralService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def not_arrived_days(self) -> int:
        """N of the 已接收未到诊 flag, from the clinic's settings."""
        from app.services.referral_feedback import not_arrived_days

        return not_arrived_days(self.ctx)

    def record_feedback(self, referral_id: str, data: FeedbackInput) -> ReferralRow:
        """Record a 回执 the clinic got by phone or on paper (see referral_feedback)."""
        from app.services.referral_feedback import record_feedback

        return record_feedback(self, referral_id, data)

    # -- reading -------------------------------------------------------------------------
    def get(self, referral_id: str) -> ReferralRow:
        self.ctx.require_action(RECORD_TYPE, "view")
        with self.ctx.reader() as s:
            r = s.get(Referral, referral_id)
            if r is None:
                raise NotFound(referral_id)
            return _row(r, self.ctx.clock(), self.not_arrived_days())

    def by_number(self, number: str) -> ReferralRow:
        self.ctx.require_action(RECORD_TYPE, "view")
        with self.ctx.reader() as s:
            r = s.scalar(select(Referral).where(Referral.number == number.strip()))
            if r is None:
                raise NotFound(number)
            return _row(r, self.ctx.clock(), self.not_arrived_days())

    def history(self, referral_id: str) -> list[ReferralEventRow]:
        self.ctx.require_action(RECORD_TYPE, "view")
        with self.ctx.reader() as s:
            events = s.scalars(
                select(ReferralEvent)
                .where(ReferralEvent.referral_id == referral_id)
                .order_by(ReferralEvent.at, ReferralEvent.created_at)
            )
            return [
                ReferralEventRow(
                    e.from_status, e.to_status, e.side, e.actor, e.at, e.reason, e.kind
                )
                for e in events
            ]

    def _filtered(self, f: ReferralFilter) -> Any:
        stmt = select(Referral).where(Referral.deleted.is_(False))
        if f.direction:
            stmt = stmt.where(Referral.direction == f.direction)
        if f.status:
            stmt = stmt.where(Referral.status == f.status)
        # The filter's dates are clinic dates; referred_at is stored in UTC.
        tz = self.ctx.timezone
        if f.date_from:
            stmt = stmt.where(Referral.referred_at >= clinic_clock.day_start_utc(f.date_from, tz))
        if f.date_to:
            end = clinic_clock.day_start_utc(f.date_to + timedelta(days=1), tz)
            stmt = stmt.where(Referral.referred_at < end)
        if f.destination:
            stmt = stmt.where(Referral.to_institution == f.destination)
        if f.doctor:
            stmt = stmt.where(Referral.referring_doctor == f.doctor)
        if f.patient_query.strip():
            cond = search_condition(f.patient_query)
            if cond is not None:
                stmt = stmt.where(Referral.patient_id.in_(select(Patient.id).where(cond)))
        if f.overdue_only:
            limit = self.ctx.clock() - timedelta(days=rules.FEEDBACK_DAYS)
            stmt = stmt.where(
                Referral.direction == Direction.UP.value,
                Referral.status == Status.PENDING.value,
                Referral.feedback_result == "",  # a 回执 recorded by the clinic answers it
                Referral.referred_at <= limit,
            )
        if f.not_arrived_only:
            stmt = stmt.where(*not_arrived_condition(self.ctx.clock(), self.not_arrived_days()))
        if f.unsynced_only:
            stmt = stmt.where(Referral.sync_state != "synced")
        return stmt

    def search(
        self,
        f: ReferralFilter | None = None,
        *,
        offset: int = 0,
        limit: int = PAGE,
        sort: str = "referred_at",
        descending: bool = True,
    ) -> list[ReferralRow]:
        self.ctx.require_action(RECORD_TYPE, "view")
        cols: list[Any] = [SORTS.get(sort, Referral.referred_at)]
        if sort == "number":
            # By clinic and day (the number without its sequence), then the sequence as a
            # number: a day's sequence grows past 999, and …-999 comes before …-1000 (as
            # text it would not), and a busy day's …-1000 before the next day's …-001.
            day = func.rtrim(Referral.number, "0123456789")
            cols = [day, func.length(Referral.number), Referral.number]
        cols.append(Referral.id)
        order = [c.desc() if descending else c.asc() for c in cols]
        stmt = self._filtered(f or ReferralFilter()).order_by(*order).offset(offset).limit(limit)
        now, days = self.ctx.clock(), self.not_arrived_days()
        with self.ctx.reader() as s:
            return [_row(r, now, days) for r in s.scalars(stmt)]

    def count(self, f: ReferralFilter | None = None) -> int:
        self.ctx.require_action(RECORD_TYPE, "view")
        sub = self._filtered(f or ReferralFilter()).subquery()
        with self.ctx.reader() as s:
            return int(s.scalar(select(func.count()).select_from(sub)) or 0)

    def timeline(self, patient_id: str) -> list[ReferralRow]:
        """Every referral of a patient, newest first (the follow-up area adds its visits)."""
        self.ctx.require_action(RECORD_TYPE, "view")
        stmt = (
            select(Referral)
            .where(Referral.patient_id == patient_id, Referral.deleted.is_(False))
            .order_by(Referral.referred_at.desc(), Referral.created_at.desc())
        )
        now, days = self.ctx.clock(), self.not_arrived_days()
        with self.ctx.reader() as s:
            return [_row(r, now, days) for r in s.scalars(stmt)]

    def referring_doctors(self) -> list[str]:
        """Names on the list's doctor filter (the clinic's own referring doctors)."""
        self.ctx.require_action(RECORD_TYPE, "view")
        with self.ctx.reader() as s:
            return list(
                s.scalars(
                    select(Referral.referring_doctor)
                    .where(
                        Referral.direction == Direction.UP.value, Referral.referring_doctor != ""
                    )
                    .distinct()
                    .order_by(Referral.referring_doctor)
                )
            )

    # -- destinations --------------------------------------------------------------------
    def destinations(self) -> dict[str, list[str]]:
        """Institution → departments, in order; seeded from the clinic's county hospital."""
        with self.ctx.reader() as s:
            rows = s.execute(
                select(ReferralDestination.institution, ReferralDestination.department).order_by(
                    ReferralDestination.sort, ReferralDestination.department
                )
            ).all()
            if not rows:
                hospital = s.scalar(select(Clinic.county_hospital).limit(1)) or ""
                return {hospital: list(DEFAULT_DEPARTMENTS)} if hospital else {}
        out: dict[str, list[str]] = {}
        for inst, dept in rows:
            out.setdefault(inst, []).append(dept)
        return out

    def set_destinations(self, table: dict[str, list[str]]) -> None:
        self.ctx.require(Perm.REFERRAL_DESTINATIONS)
        with self.ctx.session() as s:
            s.query(ReferralDestination).delete()
            for i, (inst, depts) in enumerate(table.items()):
                unique = dict.fromkeys(d.strip() for d in depts if d.strip())
                for j, dept in enumerate(unique):
                    # The order the admin typed is the order the slip offers.
                    s.add(
                        ReferralDestination(
                            institution=inst.strip(), department=dept, sort=i * 1000 + j
                        )
                    )
            audit(s, self.ctx, "edit", "referral_destinations", "", {"institutions": list(table)})

    # -- writing -------------------------------------------------------------------------
    def _next_number(self, s: Session, day: date) -> str:
        """The day's next 转诊单号. The sequence is compared as a number, not as text: after
        …-999 comes …-1000, which sorts before …-999 as a string."""
        prefix = rules.number_prefix(self.ctx.clinic_code, day)
        numbers = s.scalars(
            select(Referral.number).where(
                Referral.number >= prefix, Referral.number < prefix + "\uffff"
            )
        )
        seq = max((rules.number_sequence(n, prefix) for n in numbers), default=0) + 1
        return rules.make_number(self.ctx.clinic_code, day, seq)

    def _patient(self, s: Session, patient_id: str) -> Patient:
        p = s.get(Patient, patient_id) if patient_id else None
        if p is None:
            raise ValidationError([FieldError("patient_id", "required", "请选择患者")])
        if p.deleted:
            raise ValidationError(
                [FieldError("patient_id", "voided", f"{p.name}的档案已作废，不能开具转诊单")]
            )
        return p

    def _event(
        self,
        s: Session,
        r: Referral,
        frm: str,
        to: Status,
        side: Side,
        reason: str,
        actor: str | None = None,
    ) -> None:
        ev = ReferralEvent(
            referral_id=r.id,
            from_status=frm,
            to_status=to.value,
            side=side.value,
            actor=actor or (self.ctx.actor.display_name if self.ctx.actor else ""),
            at=self.ctx.clock(),
            reason=reason.strip()[:500],
        )
        record_write(s, self.ctx, ev, EVENT_TYPE, "create", {"referral": r.number}, new=True)

    def _apply(self, r: Referral, p: Patient, data: ReferralInput) -> None:
        r.patient_id = p.id
        r.patient_name = p.name
        r.patient_sex = p.sex
        today = data.referred_on or self.ctx.today()
        r.patient_age = age_on(p.birth_date, today)
        r.patient_id_number = p.id_number or ""
        r.patient_record_number = p.record_number
        r.patient_address = p.address or p.village
        r.patient_phone = p.phone
        for key in registry.entry(RECORD_TYPE).form_fields:
            if key in ("direction", "indications"):  # fixed by the action; JSON below
                continue
            value = getattr(data, key)
            setattr(r, key, value.strip() if isinstance(value, str) else value)
        r.indications = json.dumps(data.indications, ensure_ascii=False)
        if not r.payment_type:
            r.payment_type = p.payment_type

    def create_upward(self, data: ReferralInput, *, submit: bool = True) -> ReferralRow:
        """A 转出单: saved as a draft, or submitted (待接收) once every required field is there."""
        self.ctx.require_action(RECORD_TYPE, "create")
        if submit:
            self.ctx.require_action(RECORD_TYPE, "submit")
        data.direction = Direction.UP
        if submit:
            rules.validate(data, self.ctx.today())
        with self.ctx.session() as s:
            p = self._patient(s, data.patient_id)
            r = Referral(
                direction=Direction.UP.value,
                status=Status.DRAFT.value,
                print_count=0,
                created_by=self.ctx.actor.username if self.ctx.actor else "",
            )
            self._apply(r, p, data)
            r.from_institution = self._clinic_name(s)
            r.number = self._next_number(s, self.ctx.today())
            record_write(s, self.ctx, r, RECORD_TYPE, "create", {"number": r.number}, new=True)
            self._event(s, r, "", Status.DRAFT, Side.CLINIC, "")
            if submit:
                self._move(s, r, Status.PENDING, Side.CLINIC, "")
            self._hook(s, r)
            row = _row(r, self.ctx.clock(), self.not_arrived_days())
        self.ctx.notify(Changes(RECORD_TYPE, frozenset({row.id}), "create"))
        return row

    def update_draft(
        self, referral_id: str, data: ReferralInput, *, submit: bool = False
    ) -> ReferralRow:
        self.ctx.require_action(RECORD_TYPE, "edit")
        if submit:
            self.ctx.require_action(RECORD_TYPE, "submit")
        data.direction = Direction.UP
        if submit:
            rules.validate(data, self.ctx.today())
        with self.ctx.session() as s:
            r = self._load(s, referral_id)
            if r.status != Status.DRAFT.value:
                raise ValidationError(
                    [FieldError("status", "not_draft", "已提交的转诊单不能修改，请取消后重新开具")]
                )
            p = self._patient(s, data.patient_id)
            self._apply(r, p, data)
            record_write(s, self.ctx, r, RECORD_TYPE, "edit", {"number": r.number})
            if submit:
                self._move(s, r, Status.PENDING, Side.CLINIC, "")
                self._hook(s, r)
            row = _row(r, self.ctx.clock(), self.not_arrived_days())
        self.ctx.notify(Changes(RECORD_TYPE, frozenset({row.id}), "edit"))
        return row

    def enter_downward(self, data: ReferralInput) -> ReferralRow:
        """A 回转单 received on paper, entered at the clinic (待接收 until acknowledged)."""
        self.ctx.require_action(RECORD_TYPE, "create")
        data.direction = Direction.DOWN
        rules.validate(data, self.ctx.today())
        with self.ctx.session() as s:
            p = self._patient(s, data.patient_id)
            r = Referral(
                direction=Direction.DOWN.value,
                status=Status.PENDING.value,
                print_count=0,
                created_by=self.ctx.actor.username if self.ctx.actor else "",
            )
            self._apply(r, p, data)
            r.to_institution = self._clinic_name(s)
            day = data.referred_on or self.ctx.today()
            # The paper slip's date is a clinic date: stored as that day's local midnight (UTC).
            r.referred_at = clinic_clock.day_start_utc(day, self.ctx.timezone)
            r.number = self._next_number(s, self.ctx.today())
            record_write(s, self.ctx, r, RECORD_TYPE, "create", {"number": r.number}, new=True)
            self._event(s, r, "", Status.PENDING, Side.COUNTY, "纸质回转单录入")
            self._hook(s, r)
            row = _row(r, self.ctx.clock(), self.not_arrived_days())
        self.ctx.notify(Changes(RECORD_TYPE, frozenset({row.id}), "create"))
        return row

    def transition(
        self, referral_id: str, target: Status, reason: str = "", *, side: Side = Side.CLINIC
    ) -> ReferralRow:
        """Move a referral along the status machine; the clinic side is the default.

        County-side moves (received, rejected, arrived of an upward referral) come in by sync
        (``side=Side.COUNTY``) and are not offered in the clinic's UI.
        """
        self.ctx.require_action(RECORD_TYPE, status_action(target))
        with self.ctx.session() as s:
            r = self._load(s, referral_id)
            if target is Status.PENDING:
                # Submitting a draft: the slip must be complete, its resident still on file.
                rules.validate(self._as_input(r), self.ctx.today())
                self._patient(s, r.patient_id)
            self._move(s, r, target, side, reason)
            record_write(
                s,
                self.ctx,
                r,
                RECORD_TYPE,
                "status",
                {"number": r.number, "to": target.value, "reason": reason.strip()},
            )
            if target is Status.PENDING:
                self._hook(s, r)
            row = _row(r, self.ctx.clock(), self.not_arrived_days())
        self.ctx.notify(Changes(RECORD_TYPE, frozenset({row.id}), "edit"))
        return row

    def _move(self, s: Session, r: Referral, target: Status, side: Side, reason: str) -> None:
        current = Status(r.status)
        try:
            rules.check_transition(Direction(r.direction), current, target, side, reason)
        except rules.TransitionRefused as exc:
            raise ValidationError([FieldError("status", "refused", exc.message)]) from None
        now = self.ctx.clock()
        r.status = target.value
        if target is Status.PENDING and r.referred_at is None:
            r.referred_at = now
        elif target is Status.CANCELLED:
            r.cancel_reason = reason.strip()[:500]
        elif target is Status.COMPLETED:
            r.completed_at = now
        elif r.direction == Direction.DOWN.value and target is Status.RECEIVED:
            r.acknowledged_at = now
        elif r.direction == Direction.DOWN.value and target is Status.ARRIVED:
            r.clinic_arrived_at = now
        elif r.direction == Direction.DOWN.value and target is Status.REJECTED:
            r.cancel_reason = reason.strip()[:500]
        self._event(s, r, current.value, target, side, reason)

    def _load(self, s: Session, referral_id: str) -> Referral:
        r = s.get(Referral, referral_id)
        if r is None or r.deleted:
            raise NotFound(referral_id)
        return r

    @staticmethod
    def _clinic_name(s: Session) -> str:
        return s.scalar(select(Clinic.name).limit(1)) or ""

    @staticmethod
    def _as_input(r: Referral) -> ReferralInput:
        data = ReferralInput(direction=Direction(r.direction), patient_id=r.patient_id)
        for f in fields(ReferralInput):
            if f.name in ("direction", "patient_id", "indications", "referred_on"):
                continue
            setattr(data, f.name, getattr(r, f.name))
        data.indications = json.loads(r.indications or "[]")
        return data

    def _hook(self, s: Session, r: Referral) -> None:
        """Follow-up plans that referrals create, in the referral's transaction."""
        followup_hooks.on_referral_saved(s, self.ctx, r)

    # -- printing ------------------------------------------------------------------------
    def slip(self, referral_id: str, *, record_print: bool = True) -> tuple[ReferralRow, bool]:
        """The slip's data for printing; the second and later prints are marked 补打 and audited."""
        actor = self.ctx.require_action(RECORD_TYPE, "print")
        with self.ctx.session() as s:
            r = self._load(s, referral_id)
            if r.status == Status.DRAFT.value:
                raise ValidationError(
                    [FieldError("status", "draft", "草稿不能打印，请先提交转诊单")]
                )
            reprint = r.print_count > 0
            if record_print:
                # Print count is local bookkeeping: not a synced change of the slip.
                r.print_count += 1
                audit(
                    s,
                    self.ctx,
                    "reprint" if reprint else "print",
                    RECORD_TYPE,
                    r.id,
                    {"number": r.number, "by": actor.username},
                )
            row = _row(r, self.ctx.clock(), self.not_arrived_days())
        return row, reprint

    def slip_pdf(self, referral_id: str, page: str = "A4") -> tuple[bytes, ReferralRow, bool]:
        """Record a print (补打 from the second on) and render it: (pdf, row, reprint)."""
        from app.reports.referral_slip import referral_slip_pdf

        row, reprint = self.slip(referral_id)
        local_now = self.ctx.now_local() if reprint else None
        data = slip_data(row, reprint, local_now, self.ctx.timezone, self.ctx.clinic_code)
        return referral_slip_pdf(data, page), row, reprint

    def preview_pdf(self, referral_id: str, page: str = "A4") -> bytes:
        """The slip as it would print now (补打 if printed before), without recording a print."""
        from app.reports.referral_slip import referral_slip_pdf

        row, _ = self.slip(referral_id, record_print=False)
        reprint = row.print_count > 0
        local_now = self.ctx.now_local() if reprint else None
        return referral_slip_pdf(
            slip_data(row, reprint, local_now, self.ctx.timezone, self.ctx.clinic_code), page
        )

    def clinic_header(self) -> tuple[str, str]:
        with self.ctx.reader() as s:
            c = s.scalar(select(Clinic).limit(1))
            if c is None:
                raise PermissionDenied("本机尚未完成初始设置")
            return c.name, c.county_hospital


# The registry's action (and so the permission) a clinic-side status move is: a downward
# referral's receipt and arrival are its acknowledgement.
STATUS_ACTIONS = {
    Status.CANCELLED: "cancel",
    Status.PENDING: "submit",
    Status.COMPLETED: "complete",
}


def status_action(target: Status) -> str:
    return STATUS_ACTIONS.get(target, "ack")


def slip_data(
    row: ReferralRow,
    reprint: bool,
    printed_at: datetime | None = None,
    timezone: str = clinic_clock.DEFAULT_TIMEZONE,
    clinic_code: str = "",
) -> SlipData:
    """What the printed slip shows, from a referral row (plain data for app.reports), by the
    mapping the county office prints by too (``app.domain.slip``).

    ``printed_at`` is already clinic-local; the slip's date is the clinic date of referred_at.
    """
    from app.domain.slip import slip_data as slip_of

    up = row.direction == Direction.UP.value
    return slip_of(
        {f.name: getattr(row, f.name) for f in fields(row)},
        timezone=timezone,
        reprint=reprint,
        printed_at=printed_at,
        # A 回转单 this clinic wrote itself was typed in from the county's paper slip.
        transcribed=not up and bool(clinic_code) and row.clinic_code == clinic_code,
    )


def not_arrived_condition(now: datetime, days: int) -> list[Any]:
    """SQL for feedback.received_not_arrived (the same rule as the list's flag)."""
    from sqlalchemy import and_, or_

    limit = now - timedelta(days=days)
    return [
        Referral.direction == Direction.UP.value,
        Referral.status.in_([Status.PENDING.value, Status.RECEIVED.value]),
        Referral.arrived_at.is_(None),
        Referral.feedback_arrived_at.is_(None),
        or_(
            Referral.received_at <= limit,
            and_(
                Referral.received_at.is_(None),
                Referral.feedback_result == "received",
                Referral.feedback_at <= limit,
            ),
        ),
    ]
