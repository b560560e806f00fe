"""Training records: roster, activities and attendance, 进修, 对口支援, yearly totals."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.training_models import (
    Secondment,
    Staff,
    SupportStationing,
    TrainingActivity,
    TrainingAttendance,
)
from app.domain import training as rules
from app.domain.errors import FieldError, NotFound, ValidationError
from app.domain.periods import Period, PeriodKind
from app.domain.roles import Perm
from app.domain.training import (
    ATTENDED,
    ActivityInput,
    ActivityStatus,
    Attendance,
    AttendedSession,
    CreditRules,
    PersonYear,
    SummaryFigures,
)
from app.services.context import Changes, ServiceContext
from app.services.recording import record_write
from app.services.training_counts import training_figures

ACTIVITY = "training_activity"
ATTENDANCE = "training_attendance"
STAFF, SECONDMENT, STATIONING = "staff", "secondment", "support_stationing"


@dataclass(frozen=True)
class StaffRow:
    id: str
    name: str
    department: str
    title: str
    category: str
    village_doctor: bool
    active: bool
    left_on: date | None


@dataclass(frozen=True)
class ActivityRow:
    id: str
    activity_type: str
    day: date
    start: time
    end: time
    hours: float
    topic: str
    place: str
    lecturer: str
    lecturer_unit: str
    lecturer_title: str
    organiser: str
    credit_class: str
    credits: float
    assessment: str
    recorder: str
    notes: str
    status: str
    sync_state: str
    attended: int = 0
    course: str = ""
    credits_stated: bool = False

    @property
    def status_name(self) -> str:
        return rules.STATUS_NAMES[ActivityStatus(self.status)]


@dataclass(frozen=True)
class AttendanceLine:
    staff_id: str
    name: str
    department: str
    title: str
    status: str  # "" when not entered yet
    signed_in_at: datetime | None


@dataclass(frozen=True)
class SecondmentRow:
    id: str
    staff_id: str
    staff_name: str
    host_hospital: str
    host_department: str
    speciality: str
    start_on: date
    end_on: date
    tutor: str
    appraisal: str

    @property
    def months(self) -> float:
        """期限(月), both ends included: 04-01..06-30 is 3 months (one decimal)."""
        return round(rules.months_between(self.start_on, self.end_on), 1)


def _staff_row(s: Staff) -> StaffRow:
    return StaffRow(
        s.id, s.name, s.department, s.title, s.category, s.village_doctor, s.active, s.left_on
    )


_ACTIVITY_FIELDS = [f.name for f in fields(ActivityRow) if f.name != "attended"]


def _activity_row(a: TrainingActivity, attended: int = 0) -> ActivityRow:
    return ActivityRow(**{k: getattr(a, k) for k in _ACTIVITY_FIELDS}, attended=attended)


class TrainingService:
    def __init__(
        self, ctx: ServiceContext, rules_: CreditRules | None = None, data_dir: Path | None = None
    ) -> None:
        self.ctx = ctx
        self.rules = rules_ or CreditRules()
        self.data_dir = data_dir

    @classmethod
    def for_data_dir(cls, ctx: ServiceContext, data_dir: Path) -> TrainingService:
        """The service with the province's credit rules from settings.toml."""
        from app.services.credit_rules import load_credit_rules

        return cls(ctx, load_credit_rules(Path(data_dir)), Path(data_dir))

    def set_rules(self, new: CreditRules) -> CreditRules:
        """Administrators: store the province's credit rules (settings.toml); the totals and
        the report use them from now on."""
        from app.services.credit_rules import save_credit_rules

        self.ctx.require(Perm.SETTINGS_EDIT)
        if self.data_dir is None:
            raise RuntimeError("TrainingService has no data directory to save settings in")
        self.rules = save_credit_rules(self.data_dir, new)
        return self.rules

    def credits_of(self, a: ActivityRow) -> float:
        """What one attendee of ``a`` earns (its own award, or from the hours)."""
        return rules.activity_credits(
            a.credit_class, a.hours, a.credits, a.credits_stated, self.rules
        )

    # -- roster --------------------------------------------------------------------------
    def roster(self, include_left: bool = False) -> list[StaffRow]:
        self.ctx.require_action(STAFF, "view")
        stmt = select(Staff).where(Staff.deleted.is_(False))
        if not include_left:
            stmt = stmt.where(Staff.active.is_(True))
        with self.ctx.reader() as s:
            return [_staff_row(x) for x in s.scalars(stmt.order_by(Staff.department, Staff.name))]

    def add_staff(
        self,
        name: str,
        department: str = "",
        title: str = "",
        category: str = "",
        village_doctor: bool = False,
    ) -> StaffRow:
        self.ctx.require_action(STAFF, "create")
        content = staff_fields(name, department, title, category, village_doctor)
        with self.ctx.session() as s:
            st = Staff(**content)
            record_write(s, self.ctx, st, STAFF, "create", {"name": st.name}, new=True)
            row = _staff_row(st)
        self.ctx.notify(Changes(STAFF, frozenset({row.id}), "create"))
        return row

    def staff_left(self, staff_id: str, left_on: date) -> StaffRow:
        self.ctx.require_action(STAFF, "edit")
        with self.ctx.session() as s:
            st = s.get(Staff, staff_id)
            if st is None:
                raise NotFound(staff_id)
            st.active = False
            st.left_on = left_on
            record_write(s, self.ctx, st, STAFF, "edit", {"left_on": left_on})
            row = _staff_row(st)
        self.ctx.notify(Changes(STAFF, frozenset({row.id}), "edit"))
        return row

    # -- activities ----------------------------------------------------------------------
    def activities(
        self,
        year: int | None = None,
        activity_type: str | None = None,
    ) -> list[ActivityRow]:
        self.ctx.require_action(ACTIVITY, "view")
        attended = (
            select(TrainingAttendance.activity_id, func.count().label("n"))
            .where(
                TrainingAttendance.deleted.is_(False),
                TrainingAttendance.status.in_([a.value for a in ATTENDED]),
            )
            .group_by(TrainingAttendance.activity_id)
            .subquery()
        )
        stmt = (
            select(TrainingActivity, func.coalesce(attended.c.n, 0))
            .outerjoin(attended, attended.c.activity_id == TrainingActivity.id)
            .where(TrainingActivity.deleted.is_(False))
        )
        if year is not None:
            start, end = rules.period_bounds(year, None)
            stmt = stmt.where(TrainingActivity.day >= start, TrainingActivity.day < end)
        if activity_type:
            stmt = stmt.where(TrainingActivity.activity_type == activity_type)
        stmt = stmt.order_by(TrainingActivity.day.desc(), TrainingActivity.start.desc())
        with self.ctx.reader() as s:
            return [_activity_row(a, int(n)) for a, n in s.execute(stmt)]

    def get_activity(self, activity_id: str) -> ActivityRow:
        self.ctx.require_action(ACTIVITY, "view")
        with self.ctx.reader() as s:
            a = s.get(TrainingActivity, activity_id)
            if a is None or a.deleted:
                raise NotFound(activity_id)
            return _activity_row(a)

    def plan_activity(self, data: ActivityInput) -> ActivityRow:
        self.ctx.require_action(ACTIVITY, "create")
        rules.validate_activity(data)
        with self.ctx.session() as s:
            a = TrainingActivity(status=ActivityStatus.PLANNED.value)
            self._apply(a, data)
            record_write(s, self.ctx, a, ACTIVITY, "create", {"topic": a.topic}, new=True)
            row = _activity_row(a)
        self.ctx.notify(Changes(ACTIVITY, frozenset({row.id}), "create"))
        return row

    def update_activity(self, activity_id: str, data: ActivityInput) -> ActivityRow:
        self.ctx.require_action(ACTIVITY, "edit")
        rules.validate_activity(data)
        with self.ctx.session() as s:
            a = self._activity(s, activity_id)
            self._apply(a, data)
            record_write(s, self.ctx, a, ACTIVITY, "edit", {"topic": a.topic})
            row = _activity_row(a)
        self.ctx.notify(Changes(ACTIVITY, frozenset({row.id}), "edit"))
        return row

    def void_activity(self, activity_id: str) -> None:
        """Void (tombstone) an activity and its attendance; nothing is erased."""
        self.ctx.require_action(ACTIVITY, "void")
        with self.ctx.session() as s:
            a = self._activity(s, activity_id)
            a.deleted = True
            record_write(s, self.ctx, a, ACTIVITY, "void", {"topic": a.topic})
            for att in s.scalars(
                select(TrainingAttendance).where(
                    TrainingAttendance.activity_id == a.id, TrainingAttendance.deleted.is_(False)
                )
            ):
                att.deleted = True
                record_write(s, self.ctx, att, ATTENDANCE, "void", {"activity": a.id})
        self.ctx.notify(Changes(ACTIVITY, frozenset({activity_id}), "void"))

    def has_attendance(self, activity_id: str) -> bool:
        with self.ctx.reader() as s:
            return bool(
                s.scalar(
                    select(func.count())
                    .select_from(TrainingAttendance)
                    .where(
                        TrainingAttendance.activity_id == activity_id,
                        TrainingAttendance.deleted.is_(False),
                    )
                )
            )

    def sheet_printed(self, activity_id: str) -> ActivityRow:
        return self._set_status(activity_id, ActivityStatus.SHEET_PRINTED, only_from_planned=True)

    def close_activity(self, activity_id: str) -> ActivityRow:
        return self._set_status(activity_id, ActivityStatus.CLOSED)

    def _set_status(
        self, activity_id: str, status: ActivityStatus, only_from_planned: bool = False
    ) -> ActivityRow:
        self.ctx.require_action(ACTIVITY, "status")
        with self.ctx.session() as s:
            a = self._activity(s, activity_id)
            if not only_from_planned or a.status == ActivityStatus.PLANNED.value:
                a.status = status.value
                record_write(s, self.ctx, a, ACTIVITY, "status", {"to": status.value})
            row = _activity_row(a)
        self.ctx.notify(Changes(ACTIVITY, frozenset({row.id}), "edit"))
        return row

    # -- attendance ----------------------------------------------------------------------
    def sheet(self, activity_id: str) -> list[AttendanceLine]:
        """The roster as it stood on the day, with whatever attendance is entered."""
        self.ctx.require_action(ACTIVITY, "view")
        with self.ctx.reader() as s:
            a = self._activity(s, activity_id)
            entered = {
                att.staff_id: att
                for att in s.scalars(
                    select(TrainingAttendance).where(
                        TrainingAttendance.activity_id == a.id,
                        TrainingAttendance.deleted.is_(False),
                    )
                )
            }
            people = s.scalars(
                select(Staff).where(Staff.deleted.is_(False)).order_by(Staff.department, Staff.name)
            )
            lines = []
            for st in people:
                on_roster = st.left_on is None or st.left_on > a.day
                if not on_roster and st.id not in entered:
                    continue
                att = entered.get(st.id)
                lines.append(
                    AttendanceLine(
                        st.id,
                        st.name,
                        st.department,
                        st.title,
                        att.status if att else "",
                        att.signed_in_at if att else None,
                    )
                )
            return lines

    def record_attendance(
        self,
        activity_id: str,
        marks: dict[str, Attendance],
        signed_in: dict[str, datetime] | None = None,
    ) -> ActivityRow:
        """Enter or correct attendance (usually after the event, from the paper sheet)."""
        self.ctx.require_action(ATTENDANCE, "edit")
        signed_in = signed_in or {}
        with self.ctx.session() as s:
            a = self._activity(s, activity_id)
            check_attendance([s.get(Staff, staff_id) for staff_id in marks], a.day)
            existing = {
                att.staff_id: att
                for att in s.scalars(
                    select(TrainingAttendance).where(TrainingAttendance.activity_id == a.id)
                )
            }
            for staff_id, mark in marks.items():
                att = existing.get(staff_id)
                when = signed_in.get(staff_id)
                if att is None:
                    att = TrainingAttendance(
                        activity_id=a.id,
                        staff_id=staff_id,
                        status=Attendance(mark).value,
                        signed_in_at=when,
                    )
                    record_write(
                        s, self.ctx, att, ATTENDANCE, "create", {"activity": a.id}, new=True
                    )
                elif att.status != mark or att.deleted or (when and att.signed_in_at != when):
                    att.status = Attendance(mark).value
                    att.deleted = False
                    att.signed_in_at = when or att.signed_in_at
                    record_write(s, self.ctx, att, ATTENDANCE, "edit", {"activity": a.id})
            if a.status in (ActivityStatus.PLANNED.value, ActivityStatus.SHEET_PRINTED.value):
                a.status = ActivityStatus.ATTENDANCE_ENTERED.value
                record_write(s, self.ctx, a, ACTIVITY, "status", {"to": a.status})
            row = _activity_row(a)
        self.ctx.notify(Changes(ACTIVITY, frozenset({row.id}), "attendance"))
        return row

    # -- 进修 and 对口支援 -----------------------------------------------------------------
    def add_secondment(
        self,
        staff_id: str,
        host_hospital: str,
        start_on: date,
        end_on: date,
        host_department: str = "",
        speciality: str = "",
        tutor: str = "",
        appraisal: str = "",
    ) -> SecondmentRow:
        self.ctx.require_action(SECONDMENT, "create")
        e = []
        if not host_hospital.strip():
            e.append(FieldError("host_hospital", "required", "请填写接收医院"))
        if end_on < start_on:
            e.append(FieldError("end_on", "before_start", "结束日期不能早于开始日期"))
        if e:
            raise ValidationError(e)
        with self.ctx.session() as s:
            st = s.get(Staff, staff_id)
            if st is None:
                raise ValidationError([FieldError("staff", "missing", "请选择进修人员")])
            sec = Secondment(
                staff_id=staff_id,
                host_hospital=host_hospital.strip(),
                host_department=host_department,
                speciality=speciality,
                start_on=start_on,
                end_on=end_on,
                tutor=tutor,
                appraisal=appraisal,
            )
            record_write(s, self.ctx, sec, SECONDMENT, "create", {"staff": st.name}, new=True)
            row = SecondmentRow(
                sec.id,
                st.id,
                st.name,
                sec.host_hospital,
                sec.host_department,
                sec.speciality,
                start_on,
                end_on,
                tutor,
                appraisal,
            )
        self.ctx.notify(Changes(SECONDMENT, frozenset({row.id}), "create"))
        return row

    def secondments(self) -> list[SecondmentRow]:
        self.ctx.require_action(SECONDMENT, "view")
        with self.ctx.reader() as s:
            rows = s.execute(
                select(Secondment, Staff.name)
                .join(Staff, Staff.id == Secondment.staff_id)
                .where(Secondment.deleted.is_(False))
                .order_by(Secondment.start_on.desc())
            )
            return [
                SecondmentRow(
                    x.id,
                    x.staff_id,
                    name,
                    x.host_hospital,
                    x.host_department,
                    x.speciality,
                    x.start_on,
                    x.end_on,
                    x.tutor,
                    x.appraisal,
                )
                for x, name in rows
            ]

    def add_stationing(
        self,
        doctor: str,
        sending_unit: str,
        start_on: date,
        end_on: date,
        counts: dict[str, int],
        doctor_title: str = "",
        speciality: str = "",
    ) -> str:
        self.ctx.require_action(STATIONING, "create")
        e = []
        if not doctor.strip():
            e.append(FieldError("doctor", "required", "请填写支援人员"))
        if end_on < start_on:
            e.append(FieldError("end_on", "before_start", "结束日期不能早于开始日期"))
        unknown = set(counts) - set(rules.SUPPORT_COUNTS)
        if unknown:
            e.append(FieldError("counts", "unknown", f"未知的统计项：{'、'.join(sorted(unknown))}"))
        if e:
            raise ValidationError(e)
        rules.validate_counts(counts)
        with self.ctx.session() as s:
            st = SupportStationing(
                doctor=doctor.strip(),
                doctor_title=doctor_title,
                speciality=speciality,
                sending_unit=sending_unit.strip(),
                start_on=start_on,
                end_on=end_on,
                **{k: int(counts.get(k, 0)) for k in rules.SUPPORT_COUNTS},
            )
            record_write(s, self.ctx, st, STATIONING, "create", {"doctor": st.doctor}, new=True)
            sid = st.id
        self.ctx.notify(Changes(STATIONING, frozenset({sid}), "create"))
        return sid

    def stationings(self) -> list[dict[str, Any]]:
        self.ctx.require_action(STATIONING, "view")
        with self.ctx.reader() as s:
            return [
                {
                    "id": x.id,
                    "doctor": x.doctor,
                    "doctor_title": x.doctor_title,
                    "speciality": x.speciality,
                    "sending_unit": x.sending_unit,
                    "start_on": x.start_on,
                    "end_on": x.end_on,
                    **{k: getattr(x, k) for k in rules.SUPPORT_COUNTS},
                }
                for x in s.scalars(
                    select(SupportStationing)
                    .where(SupportStationing.deleted.is_(False))
                    .order_by(SupportStationing.start_on.desc())
                )
            ]

    # -- totals --------------------------------------------------------------------------
    def person_year(self, year: int) -> list[PersonYear]:
        """Every active staff member's year (also those with nothing yet), fewest credits first:
        hours, credits by class (the activity's own award or 1 per 3 hours), 人次, the rule
        they are held to and their full-time 进修 months in the year."""
        self.ctx.require_action(ACTIVITY, "view")
        start, end = rules.period_bounds(year, None)
        with self.ctx.reader() as s:
            rows = s.execute(
                select(
                    Staff.id,
                    Staff.name,
                    TrainingActivity.hours,
                    TrainingActivity.credit_class,
                    TrainingActivity.credits,
                    TrainingActivity.credits_stated,
                )
                .join(TrainingAttendance, TrainingAttendance.staff_id == Staff.id)
                .join(TrainingActivity, TrainingActivity.id == TrainingAttendance.activity_id)
                .where(
                    TrainingActivity.deleted.is_(False),
                    TrainingAttendance.deleted.is_(False),
                    TrainingAttendance.status.in_([a.value for a in ATTENDED]),
                    TrainingActivity.day >= start,
                    TrainingActivity.day < end,
                )
            ).all()
            staff = s.execute(
                select(
                    Staff.id, Staff.name, Staff.title, Staff.category, Staff.village_doctor
                ).where(
                    Staff.deleted.is_(False), (Staff.left_on.is_(None)) | (Staff.left_on >= start)
                )
            ).all()
            secondments = s.execute(
                select(Secondment.staff_id, Secondment.start_on, Secondment.end_on).where(
                    Secondment.deleted.is_(False),
                    Secondment.start_on < end,
                    Secondment.end_on >= start,
                )
            ).all()
        sessions = [
            AttendedSession(
                sid,
                name,
                hours,
                cls,
                rules.activity_credits(cls, hours, credits, stated, self.rules),
            )
            for sid, name, hours, cls, credits, stated in rows
        ]
        totals = rules.person_totals(sessions)
        for sid, name, title, category, village in staff:
            p = totals.setdefault(sid, PersonYear(sid, name))
            p.requirement = rules.requirement_for(title, category, village)
        for sid, s_on, e_on in secondments:
            if sid in totals:
                totals[sid].secondment_months += rules.secondment_months_in(s_on, e_on, year)
        return sorted(totals.values(), key=lambda p: (p.credits["I类"] + p.credits["II类"], p.name))

    def by_type(self, year: int) -> dict[str, tuple[int, int, float]]:
        """Per activity type: (sessions, attendances, hours)."""
        self.ctx.require_action(ACTIVITY, "view")
        out = {t: (0, 0, 0.0) for t in rules.ACTIVITY_TYPES}
        for a in self.activities(year):
            n, people, hours = out[a.activity_type]
            out[a.activity_type] = (n + 1, people + a.attended, hours + a.hours)
        return out

    def summary(self, year: int, quarter: int | None = None) -> SummaryFigures:
        """The consortium's counterpart-support figures for a year or a quarter. 人次 and 人
        stay apart; a stationing counts in each period by the days that fall in it; a 培训班
        counts once, in the period of its first session. The figures the 统计 page shows too
        (attendance, rounds, secondments, the stationed doctors' work) are its own, counted
        once by app/services/training_counts.py; this adds the ones only this summary has."""
        self.ctx.require_action(ACTIVITY, "view")
        start, end = rules.period_bounds(year, quarter)
        period = (
            Period(PeriodKind.YEAR, year)
            if quarter is None
            else Period(PeriodKind.QUARTER, year, quarter)
        )
        shared = training_figures(self.ctx, period, [])
        with self.ctx.reader() as s:
            acts = s.execute(
                select(TrainingActivity.activity_type, TrainingActivity.course).where(
                    TrainingActivity.deleted.is_(False),
                    TrainingActivity.day >= start,
                    TrainingActivity.day < end,
                )
            ).all()
            first_days = dict(
                s.execute(
                    select(TrainingActivity.course, func.min(TrainingActivity.day))
                    .where(TrainingActivity.deleted.is_(False), TrainingActivity.course != "")
                    .group_by(TrainingActivity.course)
                ).all()
            )
            stationings = s.scalars(
                select(SupportStationing).where(
                    SupportStationing.deleted.is_(False),
                    SupportStationing.start_on < end,
                    SupportStationing.end_on >= start,
                )
            ).all()
            station = {
                k: sum(
                    rules.prorate(getattr(x, k), x.start_on, x.end_on, start, end)
                    for x in stationings
                )
                for k in ONLY_IN_SUMMARY
            }
        kinds = [t for t, _c in acts]
        standalone_lectures = sum(1 for t, c in acts if t == rules.LECTURE and not c)
        return SummaryFigures(
            teaching_person_times=shared.teaching_times,
            ward_rounds=shared.rounds,
            surgery_demos=kinds.count(rules.SURGERY_DEMO) + station["surgery_demos"],
            consultations=kinds.count(rules.CONSULTATION)
            + kinds.count(rules.CASE_DISCUSSION)
            + station["consultations"],
            lectures=standalone_lectures + station["lectures"],
            courses=rules.courses_starting(first_days, start, end),
            # 业务培训人次: the courses' attendances and the trainees a stationed doctor trained
            training_person_times=shared.training_times + station["trainees"],
            secondments=shared.secondments,
            new_techniques=station["new_techniques"],
            training_people=shared.training_people,
            mentees=station["mentees"],
            outpatient_visits=shared.outpatient,
            operations=shared.operations,
        )

    # -- paperwork -----------------------------------------------------------------------
    def _clinic_name(self) -> str:
        from app.db.models import Clinic

        with self.ctx.reader() as s:
            return s.scalar(select(Clinic.name).limit(1)) or ""

    def signin_sheet_pdf(self, activity_id: str) -> bytes:
        """The sign-in sheet with the roster of the day; marks the sheet as printed."""
        from app.reports.training_forms import SheetActivity, SheetPerson, signin_sheet_pdf

        a = self.get_activity(activity_id)
        people = [SheetPerson(p.name, p.department, p.title) for p in self.sheet(activity_id)]
        pdf = signin_sheet_pdf(
            SheetActivity(
                self._clinic_name(),
                a.activity_type,
                a.topic,
                a.day,
                a.start,
                a.end,
                a.hours,
                a.place,
                a.lecturer,
                a.lecturer_unit,
                a.lecturer_title,
                a.organiser,
                a.credit_class,
                a.credits,
            ),
            people,
        )
        self.sheet_printed(activity_id)
        return pdf

    def summary_report(self, year: int, quarter: int | None = None) -> Any:
        from app.reports.training_forms import SummaryReport

        figures = self.summary(year, quarter)
        people = []
        for p in self.person_year(year):
            text = p.status_text(self.rules)
            people.append((p.name, round(p.hours, 1), p.credits["I类"], p.credits["II类"], text))
        period = f"{year}年" + (f"第{quarter}季度" if quarter else "")
        return SummaryReport(
            clinic=self._clinic_name(),
            period=period,
            figures=figures.rows(),
            by_type=[
                (t, n, people_, round(h, 1)) for t, (n, people_, h) in self.by_type(year).items()
            ],
            people=people,
            requirement=requirement_text(self.rules),
        )

    def summary_pdf(self, year: int, quarter: int | None = None) -> bytes:
        from app.reports.training_forms import summary_pdf

        return summary_pdf(self.summary_report(year, quarter))

    def summary_xlsx(self, year: int, quarter: int | None = None) -> bytes:
        from app.reports.training_forms import summary_xlsx

        return summary_xlsx(self.summary_report(year, quarter))

    # -- helpers -------------------------------------------------------------------------
    @staticmethod
    def _activity(s: Session, activity_id: str) -> TrainingActivity:
        a = s.get(TrainingActivity, activity_id)
        if a is None or a.deleted:
            raise NotFound(activity_id)
        return a

    @staticmethod
    def _apply(a: TrainingActivity, d: ActivityInput) -> None:
        for column, value in activity_fields(d).items():
            setattr(a, column, value)


# what a stationing reports that only the training summary counts (the rest: training_counts)
ONLY_IN_SUMMARY = (
    "surgery_demos",
    "consultations",
    "lectures",
    "trainees",
    "new_techniques",
    "mentees",
)


def activity_fields(d: ActivityInput) -> dict[str, Any]:
    """What an activity's form is stored as (texts trimmed); bulk seeding writes the same."""
    out = {}
    for f in fields(ActivityInput):
        value = getattr(d, f.name)
        out[f.name] = value.strip() if isinstance(value, str) else value
    return out


def staff_fields(
    name: str, department: str, title: str, category: str, village_doctor: bool
) -> dict[str, Any]:
    """A new roster entry as stored (texts trimmed, active); the name is required."""
    if not name.strip():
        raise ValidationError([FieldError("name", "required", "姓名不能为空")])
    return {
        "name": name.strip(),
        "department": department.strip(),
        "title": title.strip(),
        "category": category.strip(),
        "village_doctor": village_doctor,
        "active": True,
    }


def check_attendance(people: list[Any], day: date) -> None:
    """Attendance can be entered only for people on the roster who had not left by ``day``
    (``people``: the roster entries marked, None where there is none)."""
    errors = []
    for st in people:
        if st is None:
            errors.append(FieldError("staff", "missing", "名册中没有此人"))
        elif st.left_on is not None and st.left_on <= day:
            errors.append(
                FieldError(
                    "staff", "left", f"{st.name}已于{st.left_on:%Y-%m-%d}离职，不能登记本次签到"
                )
            )
    if errors:
        raise ValidationError(errors)


def requirement_text(r: CreditRules) -> str:
    """The yearly rule in one line, as the report prints it."""
    return (
        f"年度要求：中级及以上职称 {r.total:g} 学分，其中 I类 {r.class_i_min:g}–{r.class_i_max:g}、"
        f"II类 {r.class_ii_min:g}–{r.class_ii_max:g}（超出上限的学分不计，I类不能替代 II类）；"
        f"学分按每 {r.hours_per_credit:g} 学时 1 学分计（项目自定学分的从其规定）；"
        f"全脱产进修满 {r.secondment_months} 个月视为达标；"
        f"初级职称 {r.junior_hours:g} 学时，乡村医生 {r.village_hours:g} 学时"
    )
