"""Follow-ups (随访): plans, visits on the national forms, worklists, contacts, compliance."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.db.followup_models import ContactAttempt, FollowUpPlan, FollowUpVisit
from app.db.models import Patient
from app.domain import followup as rules
from app.domain.errors import FieldError, NotFound, ValidationError
from app.domain.followup import Classification, Intervals, PlanKind, PlanStatus, VisitInput
from app.domain.roles import Perm
from app.services.context import Changes, ServiceContext
from app.services.followup_intervals import load_intervals, save_intervals
from app.services.recording import record_write

PLAN, VISIT, CONTACT = "followup_plan", "followup_visit", "followup_contact"


@dataclass(frozen=True)
class PlanRow:
    id: str
    patient_id: str
    kind: str
    doctor: str
    start_date: date
    next_due_date: date
    status: str
    referral_id: str
    last_classification: str

    @property
    def kind_name(self) -> str:
        return rules.PLAN_KIND_NAMES[PlanKind(self.kind)]


@dataclass(frozen=True)
class VisitResult:
    visit_id: str
    classification: Classification
    suggested: Classification
    next_due: date
    warnings: list[str]
    emergency: list[str]  # reasons to refer at once (prompt a prefilled upward referral)
    referral_advised: bool  # two consecutive 控制不满意, or a complication


@dataclass(frozen=True)
class PatientVisit:
    """One visit as the patient's timeline shows it."""

    visit_id: str
    plan_id: str
    kind: str
    visit_date: date
    method: str
    classification: str
    sbp: int | None
    dbp: int | None
    fasting_glucose: float | None
    emergency: bool
    doctor: str
    outcome: str

    @property
    def kind_name(self) -> str:
        return rules.PLAN_KIND_NAMES[PlanKind(self.kind)]

    @property
    def method_name(self) -> str:
        return rules.METHODS.get(self.method, "")

    @property
    def class_name(self) -> str:
        return rules.CLASS_NAMES[Classification(self.classification)] if self.classification else ""


@dataclass(frozen=True)
class ComplianceRow:
    """A chronic patient short of four face-to-face visits in the year."""

    plan_id: str
    patient_id: str
    name: str
    village: str
    phone: str
    kind: str
    doctor: str
    face_to_face: int


@dataclass(frozen=True)
class WorkItem:
    plan_id: str
    patient_id: str
    name: str
    phone: str
    village: str
    kind: str
    doctor: str
    due: date
    days_overdue: int
    last_contact: str
    remind_on: date | None

    @property
    def contact_text(self) -> str:
        """The last contact as the list and the phone list show it (稍后提醒 with its day)."""
        if self.remind_on:
            return f"{self.last_contact} {self.remind_on:%m-%d}"
        return self.last_contact


def _plan_row(p: FollowUpPlan) -> PlanRow:
    return PlanRow(
        p.id,
        p.patient_id,
        p.kind,
        p.doctor,
        p.start_date,
        p.next_due_date,
        p.status,
        p.referral_id,
        p.last_classification,
    )


def plan_fields(
    patient_id: str, kind: PlanKind, start: date, due: date, doctor: str = "", referral_id: str = ""
) -> dict[str, Any]:
    """The content of a new plan (``add_plan``; the bulk pull writes the same row)."""
    return {
        "patient_id": patient_id,
        "kind": kind.value,
        "doctor": doctor,
        "start_date": start,
        "next_due_date": due,
        "status": PlanStatus.ACTIVE.value,
        "referral_id": referral_id,
        "last_classification": "",
        "note": "",
    }


def add_plan(
    s: Session,
    ctx: ServiceContext,
    patient_id: str,
    kind: PlanKind,
    start: date,
    due: date,
    doctor: str = "",
    referral_id: str = "",
) -> FollowUpPlan:
    """Create a plan in the caller's transaction (used by the service and by referral hooks)."""
    plan = FollowUpPlan(**plan_fields(patient_id, kind, start, due, doctor, referral_id))
    record_write(s, ctx, plan, PLAN, "create", {"kind": kind.value}, new=True)
    return plan


def visit_fields(
    plan_id: str, patient_id: str, kind: PlanKind, v: VisitInput, intervals: Intervals
) -> tuple[dict[str, Any], Classification, Classification, list[str]]:
    """What a visit is stored as: the classification (the doctor's override or the
    suggested one), the next due date by the rules, the form. Returns the content, the
    chosen and the suggested classification and the emergency reasons (``record_visit``;
    the demo's bulk seeding writes the same rows)."""
    assert v.visit_date is not None
    suggested = rules.suggest_classification(kind, v)
    chosen = Classification(v.classification_override) if v.classification_override else suggested
    emergency = rules.emergency_reasons(kind, v)
    if kind in rules.CHRONIC:
        due = rules.next_due(v.visit_date, chosen, intervals, bool(emergency))
        if v.next_date and v.next_date < due:
            due = v.next_date  # the doctor may book earlier than the rule
    else:
        due = v.next_date or v.visit_date + timedelta(days=intervals.rehab_default)
    content = {
        "plan_id": plan_id,
        "patient_id": patient_id,
        "visit_date": v.visit_date,
        "method": v.method,
        "classification": chosen.value if kind in rules.CHRONIC else "",
        "suggested_classification": suggested.value if kind in rules.CHRONIC else "",
        "sbp": v.sbp,
        "dbp": v.dbp,
        "fasting_glucose": v.fasting_glucose,
        "emergency": bool(emergency),
        "next_date": due,
        "doctor": v.doctor,
        "form": json.dumps(asdict(v), ensure_ascii=False, default=str),
    }
    return content, chosen, suggested, emergency


def plan_after_visit(
    kind: PlanKind, v: VisitInput, chosen: Classification, due: date
) -> dict[str, Any]:
    """How a visit changes its plan: next due date, last classification, ended by outcome."""
    changes: dict[str, Any] = {"next_due_date": due}
    if kind in rules.CHRONIC:
        changes["last_classification"] = chosen.value
    if kind in (PlanKind.REHAB, PlanKind.OUTCOME) and v.outcome in ("死亡",):
        changes["status"] = PlanStatus.DEAD.value
    elif kind is PlanKind.OUTCOME and v.outcome:
        changes["status"] = PlanStatus.ENDED.value  # the outcome is known
    return changes


def _worklist_where(
    which: str, today: date, doctor: str | None, village: str | None
) -> list[ColumnElement[bool]]:
    """The plans a worklist holds (``worklist`` and ``worklist_count`` alike): active, of a
    patient not deleted, due as ``which`` says, of the doctor and village asked for."""
    due = FollowUpPlan.next_due_date
    where = [
        FollowUpPlan.status == PlanStatus.ACTIVE.value,
        FollowUpPlan.deleted.is_(False),
        Patient.deleted.is_(False),
    ]
    if which != "all":
        where.append(
            {
                "today": due == today,
                "week": (due >= today) & (due < today + timedelta(days=7)),
                "overdue": due < today,
            }[which]
        )
    if doctor:
        where.append(FollowUpPlan.doctor == doctor)
    if village:
        where.append(Patient.village == village)
    return where


class FollowUpService:
    def __init__(
        self,
        ctx: ServiceContext,
        intervals: Intervals | None = None,
        data_dir: Path | None = None,
    ) -> None:
        self.ctx = ctx
        self.intervals = intervals or Intervals()
        self.data_dir = data_dir

    @classmethod
    def for_data_dir(cls, ctx: ServiceContext, data_dir: Path) -> FollowUpService:
        """The service with the clinic's own intervals from settings.toml."""
        return cls(ctx, load_intervals(Path(data_dir)), Path(data_dir))

    def set_intervals(
        self, controlled: int, uncontrolled: int, referral: int, rehab: int | None = None
    ) -> Intervals:
        """Administrators: store the province's intervals; visits recorded from now on use
        them (plans already scheduled keep their due dates)."""
        self.ctx.require(Perm.SETTINGS_EDIT)
        if self.data_dir is None:
            raise RuntimeError("FollowUpService has no data directory to save settings in")
        saved = save_intervals(self.data_dir, controlled, uncontrolled, referral, rehab)
        self.intervals = replace(
            self.intervals,
            satisfied=saved.satisfied,
            unsatisfied=saved.unsatisfied,
            after_emergency_referral=saved.after_emergency_referral,
            rehab_default=saved.rehab_default,
        )
        return self.intervals

    # -- plans ---------------------------------------------------------------------------
    def create_plan(
        self,
        patient_id: str,
        kind: PlanKind,
        start: date | None = None,
        doctor: str = "",
        first_due: date | None = None,
    ) -> PlanRow:
        self.ctx.require(Perm.FOLLOWUP_RECORD)
        start = start or self.ctx.today()
        rules.validate_plan(start, first_due or start, self.ctx.today())
        with self.ctx.session() as s:
            p = s.get(Patient, patient_id)
            if p is None or p.deleted:
                raise ValidationError([FieldError("patient_id", "required", "请选择患者")])
            if kind in rules.CHRONIC and s.scalar(  # one active plan per chronic disease
                select(FollowUpPlan.id).where(
                    FollowUpPlan.patient_id == patient_id,
                    FollowUpPlan.kind == kind.value,
                    FollowUpPlan.status == PlanStatus.ACTIVE.value,
                    FollowUpPlan.deleted.is_(False),
                )
            ):
                name = rules.PLAN_KIND_NAMES[kind]
                raise ValidationError(
                    [FieldError("kind", "duplicate", f"{p.name}已有进行中的{name}随访计划")]
                )
            plan = add_plan(s, self.ctx, patient_id, kind, start, first_due or start, doctor)
            row = _plan_row(plan)
        self.ctx.notify(Changes(PLAN, frozenset({row.id}), "create"))
        return row

    def plans(self, patient_id: str) -> list[PlanRow]:
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        with self.ctx.reader() as s:
            return [
                _plan_row(p)
                for p in s.scalars(
                    select(FollowUpPlan)
                    .where(FollowUpPlan.patient_id == patient_id, FollowUpPlan.deleted.is_(False))
                    .order_by(FollowUpPlan.start_date.desc())
                )
            ]

    def plan(self, plan_id: str) -> tuple[PlanRow, str]:
        """One plan and its patient's name (the visit dialog's header)."""
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        with self.ctx.reader() as s:
            p = self._plan(s, plan_id)
            patient = s.get(Patient, p.patient_id)
            return _plan_row(p), patient.name if patient else ""

    def doctors(self) -> list[str]:
        """Responsible doctors of active plans (the worklist filter)."""
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        with self.ctx.reader() as s:
            return [
                d
                for d in s.scalars(
                    select(FollowUpPlan.doctor)
                    .where(
                        FollowUpPlan.status == PlanStatus.ACTIVE.value, FollowUpPlan.doctor != ""
                    )
                    .distinct()
                    .order_by(FollowUpPlan.doctor)
                )
            ]

    def set_status(self, plan_id: str, status: PlanStatus, note: str = "") -> PlanRow:
        """End a plan (已结束 / 失访 with the reason / 死亡 with date and cause) or reopen it."""
        self.ctx.require(Perm.FOLLOWUP_RECORD)
        rules.validate_end(status, note)
        with self.ctx.session() as s:
            plan = self._plan(s, plan_id)
            plan.status = status.value
            plan.note = note.strip()[:500]
            record_write(s, self.ctx, plan, PLAN, "status", {"to": status.value})
            row = _plan_row(plan)
        self.ctx.notify(Changes(PLAN, frozenset({row.id}), "edit"))
        return row

    # -- visits --------------------------------------------------------------------------
    def record_visit(self, plan_id: str, v: VisitInput) -> VisitResult:
        """Save a visit and move the plan's next due date, in one transaction."""
        self.ctx.require(Perm.FOLLOWUP_RECORD)
        with self.ctx.session() as s:
            plan = self._plan(s, plan_id)
            kind = PlanKind(plan.kind)
            warnings = rules.validate_visit(kind, v, plan.start_date, self.ctx.today())
            previous = [
                Classification(c)
                for c in s.scalars(
                    select(FollowUpVisit.classification)
                    .where(
                        FollowUpVisit.plan_id == plan.id,
                        FollowUpVisit.deleted.is_(False),
                        FollowUpVisit.classification != "",
                    )
                    .order_by(FollowUpVisit.visit_date)
                )
            ]
            content, chosen, suggested, emergency = visit_fields(
                plan.id, plan.patient_id, kind, v, self.intervals
            )
            due = content["next_date"]
            visit = FollowUpVisit(**content)
            detail: dict[str, Any] = {"plan": plan.id}
            if v.classification_override and chosen is not suggested:
                detail["override"] = {"suggested": suggested.value, "chosen": chosen.value}
            record_write(s, self.ctx, visit, VISIT, "create", detail, new=True)
            for column, value in plan_after_visit(kind, v, chosen, due).items():
                setattr(plan, column, value)
            record_write(s, self.ctx, plan, PLAN, "edit", {"next_due": due})
            result = VisitResult(
                visit.id,
                chosen,
                suggested,
                due,
                warnings,
                emergency,
                kind in rules.CHRONIC and rules.referral_advised(previous, chosen),
            )
        self.ctx.notify(Changes(VISIT, frozenset({result.visit_id, plan_id}), "create"))
        return result

    def visits_for_patient(self, patient_id: str) -> list[PatientVisit]:
        """Every follow-up visit of one patient, on any plan, newest first (the timeline)."""
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        with self.ctx.reader() as s:
            rows = s.execute(
                select(FollowUpVisit, FollowUpPlan.kind)
                .join(FollowUpPlan, FollowUpPlan.id == FollowUpVisit.plan_id)
                .where(
                    FollowUpVisit.patient_id == patient_id,
                    FollowUpVisit.deleted.is_(False),
                    FollowUpPlan.deleted.is_(False),
                )
                .order_by(FollowUpVisit.visit_date.desc(), FollowUpVisit.created_at.desc())
            ).all()
            return [
                PatientVisit(
                    v.id,
                    v.plan_id,
                    kind,
                    v.visit_date,
                    v.method,
                    v.classification,
                    v.sbp,
                    v.dbp,
                    v.fasting_glucose,
                    v.emergency,
                    v.doctor,
                    str(json.loads(v.form).get("outcome") or ""),
                )
                for v, kind in rows
            ]

    def visit_years(self, plan_id: str) -> list[int]:
        """Years with visits on this plan, newest first (the printed form's year choice)."""
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        with self.ctx.reader() as s:
            days = s.scalars(
                select(FollowUpVisit.visit_date).where(
                    FollowUpVisit.plan_id == plan_id, FollowUpVisit.deleted.is_(False)
                )
            )
            return sorted({d.year for d in days}, reverse=True)

    def visits(self, plan_id: str) -> list[dict[str, Any]]:
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        with self.ctx.reader() as s:
            return [
                {
                    "id": x.id,
                    "visit_date": x.visit_date,
                    "method": x.method,
                    "classification": x.classification,
                    "emergency": x.emergency,
                    "next_date": x.next_date,
                    "form": json.loads(x.form),
                }
                for x in s.scalars(
                    select(FollowUpVisit)
                    .where(FollowUpVisit.plan_id == plan_id, FollowUpVisit.deleted.is_(False))
                    .order_by(FollowUpVisit.visit_date)
                )
            ]

    # -- worklists -----------------------------------------------------------------------
    def worklist(
        self,
        which: str = "overdue",
        *,
        doctor: str | None = None,
        village: str | None = None,
        today: date | None = None,
        limit: int = 500,
    ) -> list[WorkItem]:
        """``today`` (due today), ``week`` (due in the next 7 days), ``overdue``, or ``all``
        active plans (to find one to end)."""
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        today = today or self.ctx.today()
        last_contact = (
            select(ContactAttempt.plan_id, func.max(ContactAttempt.created_at).label("at"))
            .where(ContactAttempt.deleted.is_(False))
            .group_by(ContactAttempt.plan_id)
            .subquery()
        )
        stmt = (
            select(
                FollowUpPlan,
                Patient.name,
                Patient.phone,
                Patient.village,
                ContactAttempt.outcome,
                ContactAttempt.remind_on,
            )
            .join(Patient, Patient.id == FollowUpPlan.patient_id)
            .outerjoin(last_contact, last_contact.c.plan_id == FollowUpPlan.id)
            .outerjoin(
                ContactAttempt,
                (ContactAttempt.plan_id == FollowUpPlan.id)
                & (ContactAttempt.created_at == last_contact.c.at),
            )
            .where(*_worklist_where(which, today, doctor, village))
            .order_by(FollowUpPlan.next_due_date, Patient.village, Patient.name)
            .limit(limit)
        )
        with self.ctx.reader() as s:
            return [
                WorkItem(
                    p.id,
                    p.patient_id,
                    name,
                    phone,
                    vil,
                    p.kind,
                    p.doctor,
                    p.next_due_date,
                    max((today - p.next_due_date).days, 0),
                    rules.CONTACT_OUTCOMES.get(outcome or "", ""),
                    remind_on,
                )
                for p, name, phone, vil, outcome, remind_on in s.execute(stmt)
            ]

    def worklist_count(
        self,
        which: str = "overdue",
        *,
        doctor: str | None = None,
        village: str | None = None,
        today: date | None = None,
    ) -> int:
        """How many patients the worklist holds in all (``worklist`` returns the first page),
        so the page can say "共 N 人" truthfully."""
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        today = today or self.ctx.today()
        stmt = (
            select(func.count())
            .select_from(FollowUpPlan)
            .join(Patient, Patient.id == FollowUpPlan.patient_id)
            .where(*_worklist_where(which, today, doctor, village))
        )
        with self.ctx.reader() as s:
            return int(s.scalar(stmt) or 0)

    def record_contact(
        self, plan_id: str, outcome: str, remind_on: date | None = None, note: str = ""
    ) -> None:
        self.ctx.require(Perm.FOLLOWUP_CONTACT)
        if outcome not in rules.CONTACT_OUTCOMES:
            raise ValidationError([FieldError("outcome", "unknown", "请选择联系结果")])
        if outcome == "remind" and (remind_on is None or remind_on < self.ctx.today()):
            raise ValidationError(
                [FieldError("remind_on", "required", "请填写今天或以后的提醒日期")]
            )
        with self.ctx.session() as s:
            plan = self._plan(s, plan_id)
            c = ContactAttempt(
                plan_id=plan.id,
                outcome=outcome,
                remind_on=remind_on,
                note=note.strip()[:200],
                by=self.ctx.actor.display_name if self.ctx.actor else "",
            )
            record_write(s, self.ctx, c, CONTACT, "create", {"outcome": outcome}, new=True)
        self.ctx.notify(Changes(CONTACT, frozenset({plan_id}), "create"))

    # -- annual compliance ---------------------------------------------------------------
    def compliance(self, year: int) -> list[ComplianceRow]:
        """Chronic patients (active plans started before the year ended) with fewer than four
        face-to-face visits in ``year``, fewest first."""
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
        visits = (
            select(FollowUpVisit.plan_id, func.count().label("n"))
            .where(
                FollowUpVisit.deleted.is_(False),
                FollowUpVisit.visit_date >= start,
                FollowUpVisit.visit_date < end,
                FollowUpVisit.method.in_(sorted(rules.FACE_TO_FACE)),
            )
            .group_by(FollowUpVisit.plan_id)
            .subquery()
        )
        stmt = (
            select(
                FollowUpPlan.id,
                FollowUpPlan.patient_id,
                Patient.name,
                Patient.village,
                Patient.phone,
                FollowUpPlan.kind,
                FollowUpPlan.doctor,
                func.coalesce(visits.c.n, 0),
            )
            .join(Patient, Patient.id == FollowUpPlan.patient_id)
            .outerjoin(visits, visits.c.plan_id == FollowUpPlan.id)
            .where(
                FollowUpPlan.kind.in_([k.value for k in rules.CHRONIC]),
                FollowUpPlan.status == PlanStatus.ACTIVE.value,
                FollowUpPlan.deleted.is_(False),
                Patient.deleted.is_(False),
                FollowUpPlan.start_date < end,
                func.coalesce(visits.c.n, 0) < 4,
            )
            .order_by(func.coalesce(visits.c.n, 0), Patient.village, Patient.name)
        )
        with self.ctx.reader() as s:
            return [
                ComplianceRow(plan_id, pid, name, village, phone, kind, doctor, int(n))
                for plan_id, pid, name, village, phone, kind, doctor, n in s.execute(stmt)
            ]

    def control_rates(self, year: int) -> dict[str, tuple[int, int]]:
        """Per chronic disease: (patients whose last visit of the year was 控制满意, patients
        visited in the year)."""
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
        with self.ctx.reader() as s:
            rows = s.execute(
                select(
                    FollowUpPlan.kind,
                    FollowUpVisit.plan_id,
                    FollowUpVisit.visit_date,
                    FollowUpVisit.classification,
                )
                .join(FollowUpPlan, FollowUpPlan.id == FollowUpVisit.plan_id)
                .where(
                    FollowUpVisit.deleted.is_(False),
                    FollowUpVisit.visit_date >= start,
                    FollowUpVisit.visit_date < end,
                    FollowUpPlan.kind.in_([k.value for k in rules.CHRONIC]),
                )
                .order_by(FollowUpVisit.visit_date)
            ).all()
        last: dict[str, tuple[str, str]] = {}
        for kind, plan_id, _d, cls in rows:
            last[plan_id] = (kind, cls)
        out = {k.value: (0, 0) for k in rules.CHRONIC}
        for kind, cls in last.values():
            good, total = out[kind]
            out[kind] = (good + (cls == Classification.SATISFIED.value), total + 1)
        return out

    @staticmethod
    def _plan(s: Session, plan_id: str) -> FollowUpPlan:
        p = s.get(FollowUpPlan, plan_id)
        if p is None or p.deleted:
            raise NotFound(plan_id)
        return p
