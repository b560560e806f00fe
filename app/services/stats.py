"""统计: the clinic's figures for a month, a quarter or a year, computed once, here.

The 统计 page, the monthly / quarterly / annual report (PDF and .xlsx), the ``report``
command, the 随访 page's 年度达标 tab and the tests all call :class:`StatsService`; nothing
else counts these figures. Every figure carries its definition (``DEFINITIONS``), printed
under it wherever it is shown; a rate whose denominator is 0 carries the reason instead of a
number.

Dates: a period is a range of the clinic's local dates (the clinic clock: Beijing time
unless the clinic's settings name another zone). Visit, activity and stationing dates are
local already; referral times are stored in UTC and are compared with the period's local
midnights moved to UTC (``utc_bounds``).

Speed: the figures of a closed period are kept (``stats_cache``) until a record they are
counted from changes; the report saved from the page takes the figures on screen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.db.followup_models import FollowUpPlan, FollowUpVisit
from app.db.models import Clinic, Patient
from app.domain import clinic_clock
from app.domain import followup as fu
from app.domain import training as tr
from app.domain.errors import PermissionDenied
from app.domain.followup import PlanKind, PlanStatus
from app.domain.followup_criteria import ControlTargets
from app.domain.periods import Period
from app.domain.periods import year as year_period
from app.domain.referral import FEEDBACK_DAYS, Direction, Status
from app.domain.stats import (
    ClinicFigures,
    DiseaseFigures,
    DrillList,
    FollowUpFigures,
    MonthRow,
    Rate,
    ReferralFigures,
    ShortOfCredits,
    Standing,
    TrainingFigures,
)
from app.services.context import ServiceContext
from app.services.context import may as can
from app.services.stats_cache import ClosedPeriodFigures
from app.services.stats_kaohe import kaohe_rows
from app.services.stats_referrals import (
    UNTICKED,
    department,
    in_first_seen_order,
    indication_labels,
    referral_groups,
    referral_rows,
    tally,
)
from app.services.stats_tally import KaoheTally
from app.services.training_counts import period_activities, training_figures


def utc_bounds(period: Period, tz: str) -> tuple[datetime, datetime]:
    """The period's local midnights (the clinic's zone) as naive UTC datetimes (how referral
    and last-change times are stored)."""
    return clinic_clock.day_start_utc(period.start, tz), clinic_clock.day_start_utc(period.end, tz)


# -- the referral rows behind a referral figure ------------------------------------------------
@dataclass(frozen=True)
class _Ref:
    id: str
    number: str
    direction: str
    status: str
    referred_at: datetime
    patient: str
    department: str
    indications: list[str]
    feedback: str | None  # in_time / late / waiting (upward only)
    month: str | None  # YYYY-MM, local


class StatsService:
    def __init__(
        self,
        ctx: ServiceContext,
        *,
        overdue_count: Callable[[date], int] | None = None,
        overdue_list: Callable[[date], list[Any]] | None = None,
        credit_shortfalls: Callable[[int], list[ShortOfCredits]] | None = None,
        targets: Callable[[], ControlTargets] | None = None,
    ) -> None:
        """``overdue_count`` and ``credit_shortfalls`` come from the follow-up and training
        services (the worklist's own count, the training area's credit rules), so those two
        figures are never counted a second way here."""
        self.ctx = ctx
        self._overdue_count = overdue_count
        self._overdue_list = overdue_list
        self._credit_shortfalls = credit_shortfalls
        # The province's control targets (设置), as the follow-up service classifies visits.
        self._targets = targets or ControlTargets
        # figures of closed periods, kept until a record they are counted from changes
        self.closed = ClosedPeriodFigures(ctx)
        # each managed patient's 考核 verdicts, brought up to date resident by resident
        self.tally = KaoheTally(ctx)

    # -- the one entry point ---------------------------------------------------------------
    def figures(self, period: Period, *, with_earlier: bool = True) -> ClinicFigures:
        actor = self.ctx.require_action("patient", "view")

        def may(record_type: str) -> bool:
            return can(actor.role, record_type, "view")

        now = self.ctx.clock()
        if with_earlier:
            # the year before on a second thread: SQLite counts without holding the GIL, so
            # on two cores a report counting both years for the first time takes the time of one
            with ThreadPoolExecutor(1, thread_name_prefix="stats-earlier") as pool:
                before = pool.submit(self.figures, period.year_earlier(), with_earlier=False)
                own = self.figures(period, with_earlier=False)
                return replace(own, earlier=before.result())
        # the follow-ups (the 考核, most of the work) on a second thread while this one counts
        # the referrals, the training and today's overdue count: as above, SQLite counts
        # them at once (app/db/sqlite_setup.py)
        with ThreadPoolExecutor(1, thread_name_prefix="stats-followups") as pool:
            counting = pool.submit(self._followups, period) if may("followup_visit") else None
            overdue = self._overdue_now() if counting else 0
            referrals = self.referral_figures(period) if may("referral") else None
            training = self.training_figures(period) if may("training_activity") else None
            followups = replace(counting.result(), overdue_now=overdue) if counting else None
            return ClinicFigures(
                clinic=self._clinic_name(),
                period=period,
                computed_at=now,
                referrals=referrals,
                followups=followups,
                training=training,
                earlier=None,
                timezone=self.ctx.timezone,
            )

    def prepare(self) -> None:
        """Count this year's and last year's figures ahead of the 统计 page (which opens on
        this year beside the year before), so that they are kept when it asks for them.
        Nothing for a user who may not see the 统计 figures."""
        this_year = year_period(self.ctx.today().year)
        try:
            for p in (this_year, this_year.year_earlier()):
                self.figures(p, with_earlier=False)
        except PermissionDenied:
            return

    def report(self, period: Period, fmt: str, shown: ClinicFigures | None = None) -> bytes:
        """The month's, quarter's or year's report as ``pdf`` or ``xlsx`` bytes.

        ``shown``: the figures the 统计 page has on screen. When they are this period's, with
        the year before, and hold exactly the areas this user may see, the report is written
        from them (it says when they were computed) instead of counting them again."""
        from app.reports.stats_report import report_pdf, report_xlsx

        figures = shown if shown is not None and self._reusable(shown, period) else None
        if figures is None:
            figures = self.figures(period)
        if fmt == "pdf":
            return report_pdf(figures)
        if fmt == "xlsx":
            return report_xlsx(figures)
        raise ValueError(f"unknown report format {fmt!r}")

    def _reusable(self, f: ClinicFigures, period: Period) -> bool:
        role = self.ctx.require_action("patient", "view").role
        areas = ("referral", "followup_visit", "training_activity")
        present = (f.referrals is not None, f.followups is not None, f.training is not None)
        return (
            f.period == period
            and f.earlier is not None
            and f.timezone == self.ctx.timezone
            and present == tuple(can(role, t, "view") for t in areas)
        )

    def _clinic_name(self) -> str:
        with self.ctx.reader() as s:
            return s.scalar(select(Clinic.name).limit(1)) or ""

    # -- referrals -------------------------------------------------------------------------
    def _referrals(self, period: Period) -> list[_Ref]:
        """The referrals the figures count, in list order (app/services/stats_referrals.py)."""
        with self.ctx.reader() as s:
            rows = referral_rows(s, period, self.ctx.clock(), self.ctx.timezone)
        return [
            _Ref(
                r.id,
                r.number,
                r.direction,
                r.status,
                _when(r.referred_at),
                r.patient_name,
                department(r.to_department),
                indication_labels(r.indications),
                r.feedback,
                r.month,
            )
            for r in rows
        ]

    def referral_figures(self, period: Period) -> ReferralFigures:
        self.ctx.require_action("referral", "view")
        tz = self.ctx.timezone
        # closed: every referral of the period is past its 14 days, so its answer state no
        # longer moves with the clock
        answers_due = clinic_clock.day_start_utc(period.end, tz) + timedelta(days=FEEDBACK_DAYS)
        if self.ctx.clock() >= answers_due:
            key = ("referrals", period, tz)
            return self.closed.get(
                "referrals",
                period.year,
                key,
                lambda: self._count_referrals(period),
                stored_as=ReferralFigures,
            )
        return self._count_referrals(period)

    def _count_referrals(self, period: Period) -> ReferralFigures:
        with self.ctx.reader() as s:
            groups = referral_groups(s, period, self.ctx.clock(), self.ctx.timezone)
        months = {m.code: [0, 0] for m in period.months()}
        up = down = not_arrived = 0
        states: Counter[str] = Counter()
        for direction, month, _dept, _ind, status, feedback, n, _first in groups:
            if direction == Direction.UP.value:
                up += n
                states[feedback] += n
                not_arrived += n if status == Status.RECEIVED.value else 0
            elif direction == Direction.DOWN.value:
                down += n
            if month in months:
                months[month][0 if direction == Direction.UP.value else 1] += n
        dept, dept_first, ind, ind_first = tally(groups)
        decided = states["in_time"] + states["late"]
        reason = (
            "期内没有上转单"
            if not up
            else "期内上转单均在 14 天内且尚未答复"
            if not decided
            else ""
        )
        return ReferralFigures(
            up=up,
            down=down,
            by_month=[MonthRow(k, a, b) for k, (a, b) in months.items()],
            by_department=in_first_seen_order(dept, dept_first),
            by_indication=in_first_seen_order(ind, ind_first),
            feedback=Rate("feedback", states["in_time"], decided, reason),
            feedback_waiting=states["waiting"],
            not_arrived=not_arrived,
        )

    # -- follow-ups ------------------------------------------------------------------------
    def standings(self, period: Period, kind: PlanKind | None = None) -> list[Standing]:
        """Every patient managed for hypertension or diabetes in the period's year up to the
        period's end, with what the 规范管理 and 控制 figures need (the 考核 of the year;
        counted by app/services/stats_kaohe.py)."""
        self.ctx.require_action("followup_visit", "view")
        with self.ctx.reader() as s:
            rows = kaohe_rows(s, period, _kinds(kind), self._targets(), self.ctx.timezone)
        out = []
        for r in rows:
            (
                pid,
                plan_id,
                name,
                village,
                phone,
                k,
                doctor,
                enrolled,
                days,
                required,
                f2f,
                key,
                sbp,
                dbp,
                fpg,
                on_target,
                lost,
            ) = r
            if key is None:
                reading = ""
            elif k == PlanKind.HYPERTENSION.value:
                reading = f"{sbp}/{dbp} mmHg"
            else:
                reading = f"{fpg:g} mmol/L"
            out.append(
                Standing(
                    pid,
                    plan_id,
                    name,
                    village,
                    phone,
                    k,
                    doctor,
                    date.fromisoformat(enrolled),
                    int(days),
                    int(required),
                    int(f2f),
                    date.fromisoformat(key[:10]) if key else None,
                    reading,
                    bool(on_target),
                    bool(lost),
                )
            )
        return out

    def kaohe(
        self, period: Period, targets: ControlTargets | None = None
    ) -> dict[str, DiseaseFigures]:
        """规范管理率 and 控制率 per disease, counted in the database (the dashboard's path;
        the same rows ``standings`` lists)."""
        self.ctx.require_action("followup_visit", "view")
        chosen = targets or self._targets()
        counts = self.tally.counts(period, _kinds(None), chosen, self.ctx.timezone)
        out = {}
        for kind in (PlanKind.HYPERTENSION, PlanKind.DIABETES):
            managed, standard, controlled, lost, unvisited = counts.get(kind.value, (0,) * 5)
            out[kind.value] = _disease(kind, managed, standard, controlled, lost, unvisited)
        return out

    def disease_figures(self, standings: list[Standing], kind: PlanKind) -> DiseaseFigures:
        """The figures of one disease from a list of standings (the 年度达标 tab)."""
        mine = [x for x in standings if x.kind == kind.value]
        return _disease(
            kind,
            len(mine),
            sum(1 for x in mine if x.standard),
            sum(1 for x in mine if x.controlled),
            sum(1 for x in mine if x.lost),
            sum(1 for x in mine if x.last_visit is None),
        )

    def compliance(self, period: Period) -> list[Standing]:
        """Managed patients short of the face-to-face visits due (the 年度达标 list), the
        furthest behind first."""
        return _in_list_order([x for x in self.standings(period) if not x.standard])

    def _visits(self, period: Period) -> list[Any]:
        with self.ctx.reader() as s:
            return list(
                s.execute(
                    select(
                        FollowUpVisit.id,
                        FollowUpVisit.visit_date,
                        FollowUpVisit.method,
                        FollowUpPlan.kind,
                        Patient.name,
                        FollowUpVisit.doctor,
                    )
                    .join(FollowUpPlan, FollowUpPlan.id == FollowUpVisit.plan_id)
                    .join(Patient, Patient.id == FollowUpVisit.patient_id)
                    .where(
                        FollowUpVisit.deleted.is_(False),
                        FollowUpPlan.deleted.is_(False),
                        Patient.deleted.is_(False),
                        FollowUpVisit.visit_date >= period.start,
                        FollowUpVisit.visit_date < period.end,
                    )
                    .order_by(FollowUpVisit.visit_date, Patient.name)
                )
            )

    def _monthly_visits(self, period: Period) -> dict[str, tuple[int, int]]:
        """Per month (YYYY-MM): visits recorded, of them face to face."""
        with self.ctx.reader() as s:
            return _visits_per_month(s, period)

    def _monthly_due(self, period: Period) -> Counter[str]:
        """Per month: next-visit dates set at visits, and first visits of new plans."""
        with self.ctx.reader() as s:
            return _due_per_month(s, period)

    def _lost_where(self, period: Period) -> list[Any]:
        start, end = utc_bounds(period, self.ctx.timezone)
        return [
            FollowUpPlan.deleted.is_(False),
            Patient.deleted.is_(False),
            FollowUpPlan.status == PlanStatus.LOST.value,
            FollowUpPlan.updated_at >= start,
            FollowUpPlan.updated_at < end,
        ]

    def _lost(self, period: Period) -> list[Any]:
        with self.ctx.reader() as s:
            return list(
                s.execute(
                    select(
                        FollowUpPlan.id,
                        FollowUpPlan.patient_id,
                        FollowUpPlan.kind,
                        FollowUpPlan.note,
                        FollowUpPlan.updated_at,
                        Patient.name,
                        Patient.village,
                    )
                    .join(Patient, Patient.id == FollowUpPlan.patient_id)
                    .where(*self._lost_where(period))
                    .order_by(FollowUpPlan.updated_at)
                )
            )

    def _lost_count(self, period: Period) -> int:
        """失访: the residents in ``_lost`` (counted in SQLite, no row built)."""
        stmt = (
            select(func.count(func.distinct(FollowUpPlan.patient_id)))
            .join(Patient, Patient.id == FollowUpPlan.patient_id)
            .where(*self._lost_where(period))
        )
        with self.ctx.reader() as s:
            return int(s.scalar(stmt) or 0)

    def followup_figures(self, period: Period) -> FollowUpFigures:
        return replace(self._followups(period), overdue_now=self._overdue_now())

    def _overdue_now(self) -> int:
        """The worklist's overdue count: a figure of today, never kept."""
        self.ctx.require_action("followup_visit", "view")
        return self._overdue_count(self.ctx.today()) if self._overdue_count else 0

    def _followups(self, period: Period) -> FollowUpFigures:
        """The period's follow-up figures but the overdue count (kept while it is closed)."""
        self.ctx.require_action("followup_visit", "view")
        if self.ctx.today() >= period.end:  # closed: none of its figures moves with the clock
            targets = self._targets()
            key = ("followups", period, self.ctx.timezone, targets)
            kept = self.closed.get(
                "followups",
                period.year,
                key,
                lambda: self._count_followups(period, targets),
                stored_as=FollowUpFigures,
            )
        else:
            kept = self._count_followups(period, self._targets())
        return kept

    def _count_followups(self, period: Period, targets: ControlTargets) -> FollowUpFigures:
        # the 考核 (most of the work) on its own thread while this one counts the rest
        with ThreadPoolExecutor(1, thread_name_prefix="stats-kaohe") as pool:
            counting = pool.submit(self.kaohe, period, targets)
            visits = self._monthly_visits(period)
            dues = self._monthly_due(period)
            lost = self._lost_count(period)
            kaohe = counting.result()
        months = [m.code for m in period.months()]
        return FollowUpFigures(
            visits_done=sum(n for n, _f in visits.values()),
            face_to_face=sum(f for _n, f in visits.values()),
            visits_due=sum(dues.values()),
            overdue_now=0,
            lost=lost,
            by_month=[MonthRow(m, visits.get(m, (0, 0))[0], dues.get(m, 0)) for m in months],
            htn=kaohe[PlanKind.HYPERTENSION.value],
            dm=kaohe[PlanKind.DIABETES.value],
        )

    # -- training and support ----------------------------------------------------------------
    def training_figures(self, period: Period) -> TrainingFigures:
        self.ctx.require_action("training_activity", "view")
        short = self._credit_shortfalls(period.year) if self._credit_shortfalls else []
        return training_figures(self.ctx, period, short)

    # -- the records behind a number ---------------------------------------------------------
    def drill(self, key: str, period: Period, facet: str = "") -> DrillList:
        """The list a click on figure ``key`` opens (``facet``: a month ``YYYY-MM``, a
        department, an indication or a disease kind). Its length is the figure."""
        if key.startswith("referrals."):
            return self._drill_referrals(key, period, facet)
        if key.startswith("followups."):
            return self._drill_followups(key, period, facet)
        if key.startswith("training."):
            return self._drill_training(key, period, facet)
        raise KeyError(key)

    def _drill_referrals(self, key: str, period: Period, facet: str) -> DrillList:
        self.ctx.require_action("referral", "view")
        refs = self._referrals(period)
        up = [r for r in refs if r.direction == Direction.UP.value]
        what = key.split(".", 1)[1]
        title = period.label
        if what in ("up", "down"):
            chosen = up if what == "up" else [r for r in refs if r.direction == "down"]
            if facet:
                chosen = [r for r in chosen if r.month == facet]
            title = f"{facet or period.label} {'上转' if what == 'up' else '下转'}"
        elif what == "department":
            chosen = [r for r in up if r.department == facet]
            title = f"{period.label} 上转 · {facet}"
        elif what == "indication":
            chosen = [r for r in up if facet in (r.indications or [UNTICKED])]
            title = f"{period.label} 上转指征 · {facet}"
        elif what == "no_feedback":
            chosen = [r for r in up if r.feedback == "late"]
            title = f"{period.label} 上转 14 天内未获答复"
        elif what == "not_arrived":
            chosen = [r for r in up if r.status == Status.RECEIVED.value]
            title = f"{period.label} 已接收未到诊"
        else:
            raise KeyError(key)
        from app.domain.referral import STATUS_NAMES

        return DrillList(
            f"{title}（{len(chosen)}）",
            ["转诊单号", "转出时间", "方向", "患者", "接收科室", "状态"],
            [
                [
                    r.number,
                    f"{self.ctx.local(r.referred_at):%Y-%m-%d %H:%M}",
                    "上转" if r.direction == "up" else "下转",
                    r.patient,
                    r.department if r.direction == "up" else "",
                    STATUS_NAMES[Status(r.status)],
                ]
                for r in chosen
            ],
            [r.id for r in chosen],
        )

    def _drill_followups(self, key: str, period: Period, facet: str) -> DrillList:
        self.ctx.require_action("followup_visit", "view")
        what = key.split(".", 1)[1]
        names = {k.value: n for k, n in fu.PLAN_KIND_NAMES.items()}
        if what == "visits":
            rows = [
                v for v in self._visits(period) if not facet or f"{v.visit_date:%Y-%m}" == facet
            ]
            return DrillList(
                f"{facet or period.label} 随访记录（{len(rows)}）",
                ["随访日期", "患者", "类别", "方式", "随访医生"],
                [
                    [
                        f"{v.visit_date:%Y-%m-%d}",
                        v.name,
                        names.get(v.kind, v.kind),
                        fu.METHODS.get(v.method, ""),
                        v.doctor,
                    ]
                    for v in rows
                ],
                [v.id for v in rows],
            )
        if what == "overdue":  # the worklist's own 逾期 list, every row of it
            items = self._overdue_list(self.ctx.today()) if self._overdue_list else []
            return DrillList(
                f"当前逾期（{len(items)}）",
                ["患者", "村", "电话", "类别", "责任医生", "应随访日期", "逾期天数"],
                [
                    [
                        w.name,
                        w.village,
                        w.phone,
                        names.get(w.kind, w.kind),
                        w.doctor,
                        f"{w.due:%Y-%m-%d}",
                        str(w.days_overdue),
                    ]
                    for w in items
                ],
                [w.plan_id for w in items],
            )
        if what == "lost":
            lost = self._lost(period)
            return DrillList(
                f"{period.label} 失访（{len({x.patient_id for x in lost})} 人）",
                ["标记日期", "患者", "村", "类别", "失访原因"],
                [
                    [
                        f"{self.ctx.local_date(x.updated_at):%Y-%m-%d}",
                        x.name,
                        x.village,
                        names.get(x.kind, x.kind),
                        x.note,
                    ]
                    for x in lost
                ],
                [x.id for x in lost],
            )
        if what in ("managed", "not_standard", "not_controlled"):
            kind = PlanKind(facet)
            rows = _in_list_order(self.standings(period, kind))
            if what == "not_standard":
                rows = [x for x in rows if not x.standard]
            elif what == "not_controlled":
                rows = [x for x in rows if not x.controlled]
            label = {
                "managed": "年内已管理",
                "not_standard": "未规范管理",
                "not_controlled": "未达标",
            }
            return DrillList(
                f"{period.year}年 {fu.PLAN_KIND_NAMES[kind]} {label[what]}（{len(rows)} 人）",
                ["患者", "村", "电话", "纳入日期", "面访/应访", "最近一次", "达标", "失访"],
                [
                    [
                        x.name,
                        x.village,
                        x.phone,
                        f"{x.enrolled:%Y-%m-%d}",
                        f"{x.face_to_face}/{x.required}",
                        f"{x.last_visit:%m-%d} {x.last_reading}" if x.last_visit else "无随访",
                        "是" if x.controlled else "否",
                        "是" if x.lost else "",
                    ]
                    for x in rows
                ],
                [x.plan_id for x in rows],
            )
        raise KeyError(key)

    def _drill_training(self, key: str, period: Period, facet: str) -> DrillList:
        self.ctx.require_action("training_activity", "view")
        what = key.split(".", 1)[1]
        acts, att = period_activities(self.ctx, period)
        groups: dict[str, Callable[[str], bool]] = {
            "courses": lambda t: t in tr.COURSE_TYPES,
            "teaching": lambda t: t in tr.TEACHING_TYPES,
            "rounds": lambda t: t == tr.ROUNDS,
            "all": lambda t: True,
        }
        if what not in groups:
            raise KeyError(key)
        chosen = [
            a
            for a in acts
            if groups[what](a.activity_type) and (not facet or f"{a.day:%Y-%m}" == facet)
        ]
        present = Counter(x.activity_id for x in att)
        title = {
            "courses": "培训班",
            "teaching": "带教活动",
            "rounds": "教学查房",
            "all": "培训活动",
        }
        return DrillList(
            f"{facet or period.label} {title[what]}（{len(chosen)}）",
            ["日期", "类型", "主题", "主讲/带教", "学时", "出席人次"],
            [
                [
                    f"{a.day:%Y-%m-%d}",
                    a.activity_type,
                    a.topic,
                    a.lecturer,
                    f"{a.hours:g}",
                    str(present.get(a.id, 0)),
                ]
                for a in chosen
            ],
            [a.id for a in chosen],
        )


def _when(stored: str | datetime) -> datetime:
    return stored if isinstance(stored, datetime) else datetime.fromisoformat(stored)


def _kinds(kind: PlanKind | None) -> list[str]:
    return [kind.value] if kind else [PlanKind.HYPERTENSION.value, PlanKind.DIABETES.value]


def _disease(
    kind: PlanKind, managed: int, standard: int, controlled: int, lost: int, unvisited: int
) -> DiseaseFigures:
    reason = "" if managed else f"本年截至期末没有管理中的{fu.PLAN_KIND_NAMES[kind]}患者"
    control = "control_htn" if kind is PlanKind.HYPERTENSION else "control_dm"
    return DiseaseFigures(
        kind.value,
        managed,
        Rate("standard", standard, managed, reason),
        Rate(control, controlled, managed, reason),
        lost,
        unvisited,
    )


def _in_list_order(rows: list[Standing]) -> list[Standing]:
    return sorted(rows, key=lambda x: (x.kind, x.face_to_face - x.required, x.village, x.name))


def credit_shortfalls_from(training: Any) -> Callable[[int], list[ShortOfCredits]]:
    """Who is short of credits in a year, as the training area decides it (its credit rules,
    its per-person totals): this figure is not counted a second way here."""

    def shortfalls(year: int) -> list[ShortOfCredits]:
        out = []
        for p in training.person_year(year):
            missing = p.shortfall(training.rules)
            if missing:
                text = "、".join(f"{k}缺{v:g}" for k, v in missing.items())
                out.append(
                    ShortOfCredits(
                        p.name,
                        round(p.hours, 1),
                        p.credits.get("I类", 0.0),
                        p.credits.get("II类", 0.0),
                        text,
                    )
                )
        return out

    return shortfalls


# -- follow-up visits done and due per month ---------------------------------------------
# Follow-up visits done and due per month, counted over indexes alone (the 统计 figures' hot
# path: the open current year is counted on every view of the page).
#
# A year holds ~90,000 visits. Grouping them by month in one statement sorted them all into a
# temporary B-tree, and checking each against "plans voided, or of a voided resident" read every
# plan for every statement (~0.1 s of CPU a year in all). Instead:
#
# - each month is one range count over an index that is ordered by the date counted already
#   (``ix_followup_visits_window`` for visit dates, ``ix_followup_visits_next`` for next-visit
#   dates, ``ix_followup_plans_start_month`` for plan starts): no sorting, no table row read;
# - what falls on a voided plan or on a plan of a voided resident is counted the same way and
#   taken off. Those plans are few and are found through the partial indexes of voided plans
#   and voided residents (0020b), not by reading every plan.
#
# The figures are those of "every visit (plan start) of the month whose plan is neither voided
# nor a voided resident's", as before; ``tests/services/test_stats.py`` checks them against
# plain SQL, voided plans and residents included.
#
# (Kept in this module: its source is part of the fingerprint under which stored figures
# are kept, app/services/stats_cache.py.)

_FACE = ", ".join(f"'{m}'" for m in sorted(fu.FACE_TO_FACE))

# Plans voided, or of a voided resident (the partial indexes of 0020b find both).
VOIDED = """voided(id) AS (
  SELECT id FROM followup_plans WHERE deleted = 1
  UNION
  SELECT id FROM followup_plans WHERE patient_id IN (SELECT id FROM patients WHERE deleted = 1)
)"""


def _bounds(period: Period) -> tuple[list[str], dict[str, str]]:
    """The month codes and their local date bounds :d0 .. :dN (month i is [di, di+1))."""
    months = period.months()
    days: list[date] = [m.start for m in months] + [period.end]
    return [m.code for m in months], {f"d{i}": f"{d:%Y-%m-%d}" for i, d in enumerate(days)}


def _which_month(column: str, n: int) -> str:
    """The index (0..n-1) of the month ``column`` falls in, by the same bounds."""
    cases = " ".join(f"WHEN {column} < :d{i + 1} THEN {i}" for i in range(n))
    return f"CASE {cases} END"


def _per_month(arm: str, n: int) -> str:
    """One range count per month (each reads its index range and nothing else)."""
    return "\nUNION ALL\n".join(arm.format(i=i, j=i + 1) for i in range(n))


def _visits_per_month(s: Session, period: Period) -> dict[str, tuple[int, int]]:
    """Per month (YYYY-MM) with visits: visits recorded, of them face to face."""
    codes, params = _bounds(period)
    face = f"count(*) FILTER (WHERE method IN ({_FACE}))"
    every = _per_month(
        f"SELECT {{i}}, count(*), {face} FROM followup_visits"
        " WHERE deleted = 0 AND visit_date >= :d{i} AND visit_date < :d{j}",
        len(codes),
    )
    counts = {i: [n, f] for i, n, f in s.execute(text(every), params)}
    # the few visits of voided plans, through the plans' own visit index
    void = (
        f"WITH {VOIDED}\n"
        f"SELECT {_which_month('v.visit_date', len(codes))} AS i, count(*), {face}"
        " FROM followup_visits v INDEXED BY ix_followup_visits_plan"
        " WHERE v.plan_id IN (SELECT id FROM voided) AND v.deleted = 0"
        f" AND v.visit_date >= :d0 AND v.visit_date < :d{len(codes)} GROUP BY i"
    )
    for i, n, f in s.execute(text(void), params):
        counts[i][0] -= n
        counts[i][1] -= f
    return {codes[i]: (n, f) for i, (n, f) in counts.items() if n}


def _due_per_month(s: Session, period: Period) -> Counter[str]:
    """Per month: next-visit dates set at visits, and first visits of new plans."""
    codes, params = _bounds(period)
    n = len(codes)
    params.update({f"m{i}": code for i, code in enumerate(codes)})
    due = _per_month(
        "SELECT {i}, count(*) FROM followup_visits"
        " WHERE deleted = 0 AND next_date >= :d{i} AND next_date < :d{j}",
        n,
    )
    # a plan's start month read from the expression index (0020b), never the plans table
    starts = _per_month(
        "SELECT {i}, count(*) FROM followup_plans WHERE substr(start_date, 1, 7) = :m{i}", n
    )
    void_due = (
        f"WITH {VOIDED}\n"
        f"SELECT {_which_month('v.next_date', n)} AS i, count(*)"
        " FROM followup_visits v INDEXED BY ix_followup_visits_plan"
        " WHERE v.plan_id IN (SELECT id FROM voided) AND v.deleted = 0"
        f" AND v.next_date >= :d0 AND v.next_date < :d{n} GROUP BY i"
    )
    void_starts = (
        f"WITH {VOIDED}\n"
        # voided first (CROSS JOIN keeps that order): a few plans by id, not the year's plans
        "SELECT substr(p.start_date, 1, 7), count(*) FROM voided CROSS JOIN followup_plans p"
        " WHERE p.id = voided.id"
        f" AND substr(p.start_date, 1, 7) IN ({', '.join(f':m{i}' for i in range(n))})"
        " GROUP BY 1"
    )
    out: Counter[str] = Counter()
    for i, k in s.execute(text(due), params):
        out[codes[i]] += k
    for i, k in s.execute(text(starts), params):
        out[codes[i]] += k
    for i, k in s.execute(text(void_due), params):
        out[codes[i]] -= k
    for code, k in s.execute(text(void_starts), params):
        out[code] -= k
    return +out  # months with something due only, as a grouped count gives them
