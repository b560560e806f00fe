"""The demo's records in bulk: the same seeding scripts, written in one transaction.

``BulkSeed`` stands in for the services the demo scripts call (``patients``, ``training``,
``followups``) with the same method signatures. Each call validates and builds its rows with
the functions the services use (``patient_columns``, ``plan_fields``, ``visit_fields``,
``activity_fields`` ...) and stamps them through ``BulkRecorder`` exactly as ``record_write``
does (versions, outbox rows, audit rows); nothing touches the database until ``write``,
which inserts every table with one executemany. Writing ~2,000 records one transaction each
took 8–18 s on a clinic PC; in bulk it takes a fraction of a second.

The few calls that change records already written by the services, or that are rare
(contacts, a plan's end, 进修 and 对口支援), are replayed through the real services after
the bulk write, so their logic is not repeated here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from app.db.base import Base
from app.domain import followup as fu_rules
from app.domain import patient as patient_rules
from app.domain import training as training_rules
from app.domain.followup import Classification, PlanKind, PlanStatus, VisitInput
from app.domain.patient import PatientInput
from app.domain.training import ActivityInput, ActivityStatus, Attendance
from app.services.bundle import AppServices
from app.services.followups import (
    PLAN,
    VISIT,
    PlanRow,
    plan_after_visit,
    plan_fields,
    visit_fields,
)
from app.services.patients import RECORD_TYPE as PATIENT
from app.services.patients import PatientRow, patient_columns
from app.services.recording import BulkRecorder
from app.services.training import (
    ACTIVITY,
    ATTENDANCE,
    activity_fields,
    check_attendance,
    staff_fields,
)

# Parents before children (foreign keys are checked per statement).
TABLE_ORDER = [
    "patients",
    "staff",
    "training_activities",
    "training_attendance",
    "followup_plans",
    "followup_visits",
]


class _Record:
    """What the scripts read back from a created record: its id (and for rows, the row)."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.id: str = row["id"]
        self.row = row


class _Patients:
    def __init__(self, seed: BulkSeed) -> None:
        self.seed = seed
        self.by_id_number: dict[str, list[str]] = {}

    def create(self, data: PatientInput, *, allow_duplicate: bool = False) -> PatientRow:
        clean = patient_rules.validate(data, self.seed.ctx.today())
        dup = self.by_id_number.get(clean.id_number, []) if clean.id_number else []
        if dup and not allow_duplicate:
            raise ValueError(f"duplicate ID number {clean.id_number}")
        detail = {"duplicate_of": list(dup)} if dup else {}
        row = self.seed.recorder.new(
            "patients", PATIENT, {**patient_columns(clean), "void_reason": ""}, "create", detail
        )
        if clean.id_number:
            self.by_id_number.setdefault(clean.id_number, []).append(row["id"])
        self.seed.patients_written.append(row)
        return _patient_row(row)

    def search(
        self,
        query: str = "",
        *,
        offset: int = 0,
        limit: int = 100,
        sort: str = "birth_date",
        descending: bool = False,
        include_voided: bool = False,
    ) -> list[PatientRow]:
        """All residents collected so far, by ``sort`` (the scripts ask for everyone)."""
        assert query == "" and not include_voided
        rows = sorted(
            self.seed.patients_written,
            key=lambda r: (r[sort], r["id"]),
            reverse=descending,
        )
        return [_patient_row(r) for r in rows[offset : offset + limit]]


def _patient_row(row: dict[str, Any]) -> PatientRow:
    values: dict[str, Any] = {f.name: row.get(f.name) for f in fields(PatientRow)}
    values["id_number"] = values["id_number"] or ""
    return PatientRow(**values)


class _FollowUps:
    def __init__(self, seed: BulkSeed) -> None:
        self.seed = seed
        self.real = seed.services.followups
        self.intervals = self.real.intervals
        # each plan's classifications so far, by visit date (two 控制不满意 advise a referral)
        self._classes: dict[str, list[tuple[date, Classification]]] = {}

    def create_plan(
        self,
        patient_id: str,
        kind: PlanKind,
        start: date | None = None,
        doctor: str = "",
        first_due: date | None = None,
    ) -> PlanRow:
        today = self.seed.ctx.today()
        start = start or today
        fu_rules.validate_plan(start, first_due or start, today)
        key = (patient_id, kind.value)
        if kind in fu_rules.CHRONIC and key in self.seed.active_chronic:
            raise ValueError(f"{patient_id} already has an active {kind.value} plan")
        content = plan_fields(patient_id, kind, start, first_due or start, doctor)
        row = self.seed.recorder.new(
            "followup_plans", PLAN, content, "create", {"kind": kind.value}
        )
        if kind in fu_rules.CHRONIC:
            self.seed.active_chronic.add(key)
        return PlanRow(
            row["id"],
            patient_id,
            row["kind"],
            doctor,
            start,
            row["next_due_date"],
            row["status"],
            row["referral_id"],
            row["last_classification"],
        )

    def record_visit(self, plan_id: str, v: VisitInput) -> None:
        rec = self.seed.recorder
        plan = rec.row(plan_id)
        kind = PlanKind(plan["kind"])
        fu_rules.validate_visit(kind, v, plan["start_date"], self.seed.ctx.today())
        history = self._classes.setdefault(plan_id, [])
        patient = rec.row(plan["patient_id"])
        content, chosen, suggested, _emergency, _advice = visit_fields(
            plan_id,
            plan["patient_id"],
            kind,
            v,
            self.intervals,
            self.real.targets,
            [c for _d, c in sorted(history, key=lambda x: x[0])],
            patient.get("birth_date"),
        )
        if content["classification"]:
            history.append((content["visit_date"], chosen))
        detail: dict[str, Any] = {"plan": plan_id}
        if v.classification_override and chosen is not suggested:
            detail["override"] = {"suggested": suggested.value, "chosen": chosen.value}
        rec.new("followup_visits", VISIT, content, "create", detail)
        due = content["next_date"]
        rec.edit(PLAN, plan_id, plan_after_visit(kind, v, chosen, due), "edit", {"next_due": due})

    def record_contact(
        self, plan_id: str, outcome: str, remind_on: date | None = None, note: str = ""
    ) -> None:
        self.seed.later(lambda: self.real.record_contact(plan_id, outcome, remind_on, note))

    def set_status(self, plan_id: str, status: PlanStatus, note: str = "") -> None:
        self.seed.later(lambda: self.real.set_status(plan_id, status, note))


class _Training:
    def __init__(self, seed: BulkSeed) -> None:
        self.seed = seed
        self.real = seed.services.training

    def add_staff(
        self,
        name: str,
        department: str = "",
        title: str = "",
        category: str = "",
        village_doctor: bool = False,
    ) -> _Record:
        content = staff_fields(name, department, title, category, village_doctor)
        row = self.seed.recorder.new("staff", "staff", content, "create", {"name": content["name"]})
        return _Record(row)

    def staff_left(self, staff_id: str, left_on: date) -> None:
        self.seed.recorder.edit(
            "staff", staff_id, {"active": False, "left_on": left_on}, "edit", {"left_on": left_on}
        )

    def plan_activity(self, data: ActivityInput) -> _Record:
        training_rules.validate_activity(data)
        content = {"status": ActivityStatus.PLANNED.value, **activity_fields(data)}
        row = self.seed.recorder.new(
            "training_activities", ACTIVITY, content, "create", {"topic": content["topic"]}
        )
        return _Record(row)

    def record_attendance(
        self,
        activity_id: str,
        marks: dict[str, Attendance],
        signed_in: dict[str, datetime] | None = None,
    ) -> None:
        rec = self.seed.recorder
        a = rec.row(activity_id)
        check_attendance([_Staff(rec.row(sid)) for sid in marks], a["day"])
        signed_in = signed_in or {}
        for staff_id, mark in marks.items():
            content = {
                "activity_id": activity_id,
                "staff_id": staff_id,
                "status": Attendance(mark).value,
                "signed_in_at": signed_in.get(staff_id),
            }
            rec.new("training_attendance", ATTENDANCE, content, "create", {"activity": a["id"]})
        if a["status"] in (ActivityStatus.PLANNED.value, ActivityStatus.SHEET_PRINTED.value):
            to = ActivityStatus.ATTENDANCE_ENTERED.value
            rec.edit(ACTIVITY, activity_id, {"status": to}, "status", {"to": to})

    def close_activity(self, activity_id: str) -> None:
        to = ActivityStatus.CLOSED.value
        self.seed.recorder.edit(ACTIVITY, activity_id, {"status": to}, "status", {"to": to})

    def add_secondment(self, *args: Any, **kw: Any) -> None:
        self.seed.later(lambda: self.real.add_secondment(*args, **kw))

    def add_stationing(self, *args: Any, **kw: Any) -> None:
        self.seed.later(lambda: self.real.add_stationing(*args, **kw))


class _Staff:
    """A collected roster row as ``check_attendance`` reads it."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.name: str = row["name"]
        self.left_on: date | None = row.get("left_on")


class BulkSeed:
    """Stands in for ``AppServices`` in the demo scripts; ``write`` stores what they did."""

    def __init__(self, services: AppServices) -> None:
        self.services = services
        self.ctx = services.ctx
        self.recorder = BulkRecorder(services.ctx)
        self.patients_written: list[dict[str, Any]] = []
        self.active_chronic: set[tuple[str, str]] = set()
        self._later: list[Callable[[], object]] = []
        self.patients = _Patients(self)
        self.followups = _FollowUps(self)
        self.training = _Training(self)

    def later(self, call: Callable[[], object]) -> None:
        self._later.append(call)

    def write(self) -> None:
        """One transaction for everything collected, then the replayed service calls."""
        assert set(TABLE_ORDER) <= set(Base.metadata.tables)
        with self.ctx.session() as s:
            self.recorder.write(s, TABLE_ORDER)
        for call in self._later:
            call()
        self._later.clear()
