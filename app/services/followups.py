"""Follow-ups (随访): plans, visits on the national forms, worklists, contacts."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app import registry
from app.db.followup_models import ContactAttempt, FollowUpPlan, FollowUpVisit
from app.db.models import Patient
from app.domain import followup as rules
from app.domain.errors import FieldError, NotFound, ValidationError
from app.domain.followup import Classification, Intervals, PlanKind, PlanStatus, VisitInput
from app.domain.followup_criteria import ControlTargets
from app.domain.idcard import age_on
from app.domain.roles import Perm
from app.services.context import Changes, ServiceContext
from app.services.followup_intervals import (
    load_intervals,
    load_targets,
    save_intervals,
    save_targets,
)
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
    referral_advised: bool  # two consecutive 控制不满意, a hard adverse reaction, a complication
    referral_reasons: tuple[str, ...] = ()  # why a referral is advised (the prompt shows them)


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
    plan_id: str,
    patient_id: str,
    kind: PlanKind,
    v: VisitInput,
    intervals: Intervals,
    targets: ControlTargets,
    previous: list[Classification],
    birth_date: date | None,
) -> tuple[dict[str, Any], Classification, Classification, list[str], list[str]]:
    """What a visit is stored as: the patient's age on the visit day (the elderly target),
    the classification (the doctor's override or the suggested one), the next due date by the
    rules, the form. Returns the content, the chosen and the suggested classification, the
    emergency reasons and the referral advice (``previous``: the plan's earlier
    classifications, oldest first). ``record_visit`` and the demo's bulk seeding both use it."""
    day = v.visit_date
    assert day is not None
    if birth_date:
        v = replace(v, age=age_on(birth_date, day))
    suggested = rules.suggest_classification(kind, v, targets)
    chosen = Classification(v.classification_override) if v.classification_override else suggested
    emergency = rules.emergency_reasons(kind, v, targets)
    advice = rules.referral_reasons(previous, chosen, v) if kind in rules.CHRONIC else []
    if kind in rules.CHRONIC:
        due = rules.next_due(day, chosen, intervals, bool(emergency or advice))
        if v.next_date and v.next_date < due:
            due = v.next_date  # the doctor may book earlier than the rule
    else:
        due = v.next_date or day + timedelta(days=intervals.rehab_default)
    # The visit's own columns its form shows (the registry's ``form_fields``), as typed but
    # for the two worked out here; a column named there that the form does not have fails.
    worked_out = {"classification": chosen.value if kind in rules.CHRONIC else "", "next_date": due}
    content = {
        "plan_id": plan_id,
        "patient_id": patient_id,
        **{
            name: worked_out[name] if name in worked_out else getattr(v, name)
            for name in registry.entry(VISIT).form_fields
        },
        "suggested_classification": suggested.value if kind in rules.CHRONIC else "",
        "emergency": bool(emergency),
        "form": json.dumps(asdict(v), ensure_ascii=False, default=str),
    }
    return content, chosen, suggested, emergency, advice


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
    if village:  # part of the name, so the list narrows as the village is typed
        where.append(Patient.village.contains(village, autoescape=True))
    return where


class FollowUpService:
    def __init__(
        self,
        ctx: ServiceContext,
        intervals: Intervals | None = None,
        data_dir: Path | None = None,
        targets: ControlTargets | None = None,
    ) -> None:
        self.ctx = ctx
        self.intervals = intervals or Intervals()
        self.data_dir = data_dir
        self.targets = targets or ControlTargets()

    @classmethod
    def for_data_dir(cls, ctx: ServiceContext, data_dir: Path) -> FollowUpService:
        """The service with the clinic's own intervals and control targets from settings.toml."""
        d = Path(data_dir)
        return cls(ctx, load_intervals(d), d, load_targets(d))

    def set_targets(self, targets: ControlTargets) -> ControlTargets:
        """Administrators: store the province's control targets and pregnancy glucose cut-off;
        visits recorded from now on are classified by them."""
        self.ctx.require(Perm.SETTINGS_EDIT)
        if self.data_dir is None:
            raise RuntimeError("FollowUpService has no data directory to save settings in")
        self.targets = save_targets(self.data_dir, targets)
        return self.targets

    def patient_age(self, patient_id: str, on: date) -> int | None:
        """Completed years on ``on`` (the HTN target depends on it)."""
        with self.ctx.reader() as s:
            p = s.get(Patient, patient_id)
            return age_on(p.birth_date, on) if p is not None and p.birth_date else None

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
        self.ctx.require_action(PLAN, "create")
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
        self.ctx.require_action(PLAN, "view")
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
        self.ctx.require_action(PLAN, "view")
        with self.ctx.reader() as s:
            p = self._plan(s, plan_id)
            patient = s.get(Patient, p.patient_id)
            return _plan_row(p), patient.name if patient else ""

    def plan_ending(self, plan_id: str) -> tuple[str, str, date] | None:
        """(status, note, the Beijing date it was recorded) of a plan ended as 失访 or 死亡; None
        for any other plan. The printed form states it on its 随访日期 row."""
        self.ctx.require_action(PLAN, "view")
        with self.ctx.reader() as s:
            p = self._plan(s, plan_id)
            if p.status not in (PlanStatus.LOST.value, PlanStatus.DEAD.value):
                return None
            at = p.updated_at
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            when = at.astimezone(ZoneInfo("Asia/Shanghai")).date()
            stated = re.search(r"(\d{4})-(\d{2})-(\d{2})", p.note)
            if p.status == PlanStatus.DEAD.value and stated:  # the date of death, when given
                with contextlib.suppress(ValueError):  # not a real date: keep when it was recorded
                    when = date(*(int(x) for x in stated.groups()))
            return p.status, p.note, when

    def doctors(self) -> list[str]:
        """Responsible doctors of active plans (the worklist filter)."""
        self.ctx.require_action(PLAN, "view")
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
        self.ctx.require_action(PLAN, "status")
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
        self.ctx.require_action(VISIT, "create")
        with self.ctx.session() as s:
            plan = self._plan(s, plan_id)
            kind = PlanKind(plan.kind)
            warnings = rules.validate_visit(kind, v, plan.start_date, self.ctx.today())
            assert v.visit_date is not None
            patient = s.get(Patient, plan.patient_id)
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
            content, chosen, suggested, emergency, advice = visit_fields(
                plan.id,
                plan.patient_id,
                kind,
                v,
                self.intervals,
                self.targets,
                previous,
                patient.birth_date if patient is not None else None,
            )
            due = content["next_date"]
            visit = FollowUpVisit(**content)
            detail: dict[str, Any] = {"plan": plan.id}
            if v.classification_override and chosen is not suggested:
                detail["override"] = {"suggested": suggested.value, "chosen": chosen.value}
            record_write(s, self.ctx, visit, VISIT, "create", detail, new=True)
            for column, value in plan_after_visit(kind, v, chosen, due).items():
                setattr(plan, column, value)
            if kind is PlanKind.OUTCOME and plan.referral_id:
                # The check's result goes on the referral's own history, too.
                from app.services.referral_feedback import note_outcome_check

                note_outcome_check(s, self.ctx, plan.referral_id, v.outcome, v)
            record_write(s, self.ctx, plan, PLAN, "edit", {"next_due": due})
            result = VisitResult(
                visit.id,
                chosen,
                suggested,
                due,
                warnings,
                emergency,
                bool(advice),
                tuple(advice),
            )
        self.ctx.notify(Changes(VISIT, frozenset({result.visit_id, plan_id}), "create"))
        return result

    def visits_for_patient(self, patient_id: str) -> list[PatientVisit]:
        """Every follow-up visit of one patient, on any plan, newest first (the timeline)."""
        self.ctx.require_action(PLAN, "view")
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
        self.ctx.require_action(PLAN, "view")
        with self.ctx.reader() as s:
            days = s.scalars(
                select(FollowUpVisit.visit_date).where(
                    FollowUpVisit.plan_id == plan_id, FollowUpVisit.deleted.is_(False)
                )
            )
            return sorted({d.year for d in days}, reverse=True)

    def visits(self, plan_id: str) -> list[dict[str, Any]]:
        self.ctx.require_action(PLAN, "view")
        with self.ctx.reader() as s:
            return [
                {
                    "id": x.id,
                    **{name: getattr(x, name) for name in registry.entry(VISIT).form_fields},
                    "emergency": x.emergency,
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
        self.ctx.require_action(PLAN, "view")
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
        self.ctx.require_action(PLAN, "view")
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
        self.ctx.require_action(CONTACT, "create")
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

    # The annual 考核 figures (规范管理率, 控制率) and the list of patients short of visits
    # are counted once, by app/services/stats.py (StatsService.standings / compliance).

    @staticmethod
    def _plan(s: Session, plan_id: str) -> FollowUpPlan:
        p = s.get(FollowUpPlan, plan_id)
        if p is None or p.deleted:
            raise NotFound(plan_id)
        return p
