"""统计: the clinic's figures for a month, a quarter or a year, computed once, here.

The 统计 page, the monthly / quarterly / annual report (PDF and .xlsx), the ``report``
command, the 随访 page's 年度达标 tab and the tests all call :class:`StatsService`; nothing
else counts these figures. Every figure carries its definition (``DEFINITIONS``), printed
under it wherever it is shown; a rate whose denominator is 0 carries the reason instead of a
number.

Dates: a period is a range of the clinic's local (Beijing) dates. Visit, activity and
stationing dates are local already; referral times are stored in UTC and are compared with
the period's local midnights moved to UTC (``utc_bounds``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.db.followup_models import FollowUpPlan, FollowUpVisit
from app.db.models import Clinic, Patient
from app.db.referral_models import Referral, ReferralEvent
from app.db.training_models import (
    Secondment,
    Staff,
    SupportStationing,
    TrainingActivity,
    TrainingAttendance,
)
from app.domain import followup as fu
from app.domain import training as tr
from app.domain.followup import PlanKind, PlanStatus
from app.domain.idcard import age_on
from app.domain.periods import Period, split_by_days
from app.domain.referral import FEEDBACK_DAYS, OTHER, Direction, Status
from app.domain.roles import Perm
from app.services.context import ServiceContext

# The clinic's zone. Storage is UTC; every period is in local dates. (When the clinic's own
# zone becomes a setting, read it here: this is the only place the offset is used.)
CLINIC_UTC_OFFSET = timedelta(hours=8)

ONE_DAY = timedelta(days=1)
REQUIRED_VISITS_A_YEAR = 4
# Hypertension 达标 (the 第三版 targets): below 140/90, and below 150/90 from 65 years on.
# Kept local until app/domain/followup.py offers the configurable target check; switch
# ``bp_on_target`` to it then.
HTN_TARGET = (140, 90)
HTN_ELDERLY_AGE = 65
HTN_ELDERLY_TARGET = (150, 90)
DM_FPG_TARGET = 7.0  # fasting glucose below 7.0 mmol/L (glucose only)

STANDARD_RULE = (
    "规范管理判定：本年度内面对面随访（门诊、家庭；电话不计）次数不少于应随访次数。"
    "应随访次数 = 4 × 本年度内在管天数 ÷ 全年天数，四舍五入，至少 1 次、至多 4 次；"
    "年中纳入管理的从纳入之日起算，年中结案、死亡或失访的算到其记录之日"
    "（例：11 月中旬纳入的患者当年应随访 1 次，7 月 1 日纳入的应随访 2 次）。"
    "月报、季报为本年截至期末的累计数。"
)

DEFINITIONS: dict[str, str] = {
    "up": "上转人次：期内提交的上转单数（按转出时间，北京时间；不含草稿、已取消和作废的）。",
    "down": "下转人次：期内的下转（回转）单数（不含已取消和作废的）。",
    "by_department": "按接收科室：期内上转单按县级医院接收科室计数。",
    "by_indication": "按上转指征：期内上转单按所勾选的指征计数，一单勾选多项时每项各计一次。",
    "feedback": (
        "上转反馈率 = 转出后 14 天内收到县级医院答复（接收、拒绝或到诊）或本院登记回执的"
        "上转单数 ÷ 期内上转单数；尚在 14 天内且未答复的不计入分母，单列为“等待中”。"
    ),
    "not_arrived": "已接收未到诊：期内上转单中县级医院已接收、至今未登记到诊的单数。",
    "visits_done": "已随访：期内随访记录次数（各类随访计划；括号内为面对面随访次数）。",
    "visits_due": (
        "应随访：下次随访日期落在期内的次数（以每次随访记录的下次随访日期计），"
        "加上期内新建随访计划的首次随访。"
    ),
    "overdue": "当前逾期：今天仍在进行、下次随访日期已过的随访计划数（与随访工作表“逾期”一致）。",
    "lost": "失访：期内被标记为失访的随访计划所涉患者人数。",
    "managed": (
        "年内已管理人数：本年度截至期末处于管理中的患者人数（含年中纳入、结案、死亡、失访的）。"
    ),
    "standard": (
        "规范管理率 = 按照规范要求进行健康管理的患者人数 ÷ 年内已管理的患者人数 × 100%。"
        + STANDARD_RULE
    ),
    "control_htn": (
        "血压控制率 = 年内最近一次随访血压达标人数 ÷ 年内已管理的高血压患者人数 × 100%。"
        "分母为全部管理患者（含未随访者）；失访者计为未达标。达标：收缩压<140 且舒张压<90 mmHg，"
        "65 岁及以上<150/90 mmHg。"
    ),
    "control_dm": (
        "血糖控制率 = 年内最近一次随访空腹血糖达标人数 ÷ 年内已管理的2型糖尿病患者人数 × 100%。"
        "分母为全部管理患者（含未随访者）；失访者计为未达标。达标：空腹血糖<7.0 mmol/L。"
    ),
    "courses": "培训班期数：期内举办的培训班（讲座/业务培训、技能操作培训、远程培训）期数。",
    "training_times": "培训人次：期内培训班出席（含迟到）人次；同一人参加多期各计一次。",
    "training_people": "培训人数：期内参加过培训班的不同人员数（一人参加多期计 1 人）。",
    "hours": "学时：期内全部培训活动的学时合计；参训学时为每位出席者学时之和。",
    "credits": "学分：期内出席者获得的学分合计（I类、II类分列，不互相替代）。",
    "teaching_times": (
        "帮扶带教人次：期内教学查房、手术示教、门诊带教、病例讨论、会诊等带教活动的出席人次"
        "（不加驻点医生登记的带教人数：人与人次不相加）。"
    ),
    "rounds": "指导查房次数：期内教学查房活动次数，加驻点医生登记的教学查房次数（按天数分摊）。",
    "secondments": "接收进修人次：期内开始的进修登记数。",
    "outpatient": (
        "驻点医生门诊诊疗人次：对口支援记录的门诊诊疗人次；一段驻点跨越多个统计期的，"
        "按落在各期的天数分摊。"
    ),
    "operations": "驻点医生手术台次：对口支援记录的手术台次，跨期的按天数分摊。",
    "short": "学分未达标：本年度学分尚未达到继续医学教育要求的在岗人员（按培训模块的规则）。",
}


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's local midnights as naive UTC datetimes (how referral times are stored)."""
    start = datetime.combine(period.start, datetime.min.time()) - CLINIC_UTC_OFFSET
    end = datetime.combine(period.end, datetime.min.time()) - CLINIC_UTC_OFFSET
    return start, end


def local_date(utc: datetime) -> date:
    return (utc + CLINIC_UTC_OFFSET).date()


def bp_on_target(sbp: int | None, dbp: int | None, age: int | None) -> bool:
    """血压达标 (see HTN_TARGET above)."""
    if sbp is None or dbp is None:
        return False
    s_max, d_max = HTN_ELDERLY_TARGET if age is not None and age >= HTN_ELDERLY_AGE else HTN_TARGET
    return sbp < s_max and dbp < d_max


def fpg_on_target(fpg: float | None) -> bool:
    return fpg is not None and fpg < DM_FPG_TARGET


def required_visits(days_managed: int, days_in_year: int) -> int:
    """Face-to-face visits due for ``days_managed`` days of management in the year (rule in
    STANDARD_RULE): 4 × days / days-in-year, rounded half up, at least 1, at most 4."""
    if days_managed <= 0:
        return 0
    n = (2 * REQUIRED_VISITS_A_YEAR * days_managed + days_in_year) // (2 * days_in_year)
    return max(1, min(REQUIRED_VISITS_A_YEAR, n))


# -- results ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rate:
    """numerator / denominator; when the denominator is 0 there is no rate, only ``reason``."""

    key: str
    numerator: int
    denominator: int
    reason: str = ""

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def text(self) -> str:
        v = self.value
        return "—" if v is None else f"{v * 100:.1f}%"

    @property
    def fraction(self) -> str:
        return f"{self.numerator}/{self.denominator}"


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM
    a: int
    b: int


@dataclass(frozen=True)
class ReferralFigures:
    up: int
    down: int
    by_month: list[MonthRow]  # a = 上转, b = 下转
    by_department: list[tuple[str, int]]
    by_indication: list[tuple[str, int]]
    feedback: Rate
    feedback_waiting: int
    not_arrived: int

    @property
    def empty(self) -> bool:
        return self.up == 0 and self.down == 0


@dataclass(frozen=True)
class Standing:
    """One managed patient's year for one disease: what the 考核 figures are made of."""

    patient_id: str
    plan_id: str  # the current plan (to record a visit on)
    name: str
    village: str
    phone: str
    kind: str
    doctor: str
    enrolled: date
    days_managed: int
    required: int
    face_to_face: int
    last_visit: date | None
    last_reading: str
    on_target: bool
    lost: bool

    @property
    def standard(self) -> bool:
        return self.face_to_face >= self.required

    @property
    def controlled(self) -> bool:
        return self.on_target and not self.lost


@dataclass(frozen=True)
class DiseaseFigures:
    kind: str
    managed: int
    standard: Rate
    control: Rate
    lost: int
    not_visited: int


@dataclass(frozen=True)
class FollowUpFigures:
    visits_done: int
    face_to_face: int
    visits_due: int
    overdue_now: int
    lost: int
    by_month: list[MonthRow]  # a = done, b = due
    htn: DiseaseFigures
    dm: DiseaseFigures
    rule: str = STANDARD_RULE

    @property
    def empty(self) -> bool:
        return (
            self.visits_done == 0
            and self.visits_due == 0
            and self.htn.managed == 0
            and self.dm.managed == 0
        )


@dataclass(frozen=True)
class ShortOfCredits:
    name: str
    hours: float
    class_i: float
    class_ii: float
    missing: str


@dataclass(frozen=True)
class TrainingFigures:
    courses: int
    training_times: int
    training_people: int
    activity_hours: float
    attendee_hours: float
    credits_i: float
    credits_ii: float
    teaching_times: int
    rounds: int
    secondments: int
    outpatient: int
    operations: int
    by_month: list[MonthRow]  # a = 培训班期数, b = 培训人次
    short: list[ShortOfCredits]

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.courses,
                self.training_times,
                self.activity_hours,
                self.teaching_times,
                self.rounds,
                self.secondments,
                self.outpatient,
                self.operations,
            )
        )


@dataclass(frozen=True)
class ClinicFigures:
    clinic: str
    period: Period
    computed_at: datetime  # naive UTC
    referrals: ReferralFigures | None  # None: the user may not see this area
    followups: FollowUpFigures | None
    training: TrainingFigures | None
    earlier: ClinicFigures | None = None  # the same period a year earlier

    @property
    def empty(self) -> bool:
        return all(x is None or x.empty for x in (self.referrals, self.followups, self.training))


@dataclass(frozen=True)
class DrillList:
    """The records behind one number, as the list a click on it opens."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    ids: list[str] = field(default_factory=list)


# -- the referral rows every referral figure is made of --------------------------------------
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
    feedback_at: datetime | None  # the earliest answer the clinic knows of


def _answer_times(row: Any) -> Iterable[datetime | None]:
    """Every time at which the clinic learnt an answer to an upward referral: the county's
    receipt, arrival, or the county's status change (received / rejected / arrived) in the
    history. A clinic-recorded 回执 adds its time here (one line) and counts the same way."""
    return (row.received_at, row.arrived_at, row.county_answer_at)


class StatsService:
    def __init__(
        self,
        ctx: ServiceContext,
        *,
        overdue_count: Callable[[date], int] | None = None,
        credit_shortfalls: Callable[[int], list[ShortOfCredits]] | None = None,
    ) -> None:
        """``overdue_count`` and ``credit_shortfalls`` come from the follow-up and training
        services (the worklist's own count, the training area's credit rules), so those two
        figures are never counted a second way here."""
        self.ctx = ctx
        self._overdue_count = overdue_count
        self._credit_shortfalls = credit_shortfalls

    # -- the one entry point ---------------------------------------------------------------
    def figures(self, period: Period, *, with_earlier: bool = True) -> ClinicFigures:
        actor = self.ctx.require(Perm.PATIENT_VIEW)
        from app.domain.roles import allowed

        def may(p: Perm) -> bool:
            return allowed(actor.role, p)

        now = self.ctx.clock()
        earlier = self.figures(period.year_earlier(), with_earlier=False) if with_earlier else None
        return ClinicFigures(
            clinic=self._clinic_name(),
            period=period,
            computed_at=now,
            referrals=self.referral_figures(period) if may(Perm.REFERRAL_VIEW) else None,
            followups=self.followup_figures(period) if may(Perm.FOLLOWUP_VIEW) else None,
            training=self.training_figures(period) if may(Perm.TRAINING_VIEW) else None,
            earlier=earlier,
        )

    def _clinic_name(self) -> str:
        with self.ctx.reader() as s:
            return s.scalar(select(Clinic.name).limit(1)) or ""

    # -- referrals -------------------------------------------------------------------------
    def _referrals(self, period: Period) -> list[_Ref]:
        start, end = utc_bounds(period)
        county_answer = (
            select(ReferralEvent.referral_id, func.min(ReferralEvent.at).label("at"))
            .where(
                ReferralEvent.side == "county",
                ReferralEvent.to_status.in_(
                    [Status.RECEIVED.value, Status.REJECTED.value, Status.ARRIVED.value]
                ),
            )
            .group_by(ReferralEvent.referral_id)
            .subquery()
        )
        stmt = (
            select(
                Referral.id,
                Referral.number,
                Referral.direction,
                Referral.status,
                Referral.referred_at,
                Referral.patient_name,
                Referral.to_department,
                Referral.indications,
                Referral.received_at,
                Referral.arrived_at,
                Referral.rejected_reason,
                Referral.updated_at,
                county_answer.c.at.label("county_answer_at"),
            )
            .outerjoin(county_answer, county_answer.c.referral_id == Referral.id)
            .where(
                Referral.deleted.is_(False),
                Referral.referred_at >= start,
                Referral.referred_at < end,
                Referral.status.notin_([Status.DRAFT.value, Status.CANCELLED.value]),
            )
            .order_by(Referral.referred_at, Referral.number)
        )
        out = []
        with self.ctx.reader() as s:
            for row in s.execute(stmt):
                times = [t for t in _answer_times(row) if t is not None]
                if row.rejected_reason and not times:
                    times.append(row.updated_at)  # refused, time unknown: when it reached us
                out.append(
                    _Ref(
                        row.id,
                        row.number,
                        row.direction,
                        row.status,
                        row.referred_at,
                        row.patient_name,
                        row.to_department or "（未填）",
                        _indication_labels(row.indications),
                        min(times) if times else None,
                    )
                )
        return out

    def _feedback_state(self, r: _Ref, now: datetime) -> str:
        """ "in_time", "late" (no answer within 14 days) or "waiting" (still inside them)."""
        limit = r.referred_at + timedelta(days=FEEDBACK_DAYS)
        if r.feedback_at is not None and r.feedback_at <= limit:
            return "in_time"
        return "late" if now >= limit else "waiting"

    def referral_figures(self, period: Period) -> ReferralFigures:
        self.ctx.require(Perm.REFERRAL_VIEW)
        refs = self._referrals(period)
        now = self.ctx.clock()
        up = [r for r in refs if r.direction == Direction.UP.value]
        down = [r for r in refs if r.direction == Direction.DOWN.value]
        months = {m.code: [0, 0] for m in period.months()}
        for r in refs:
            key = local_date(r.referred_at).strftime("%Y-%m")
            if key in months:
                months[key][0 if r.direction == Direction.UP.value else 1] += 1
        states = Counter(self._feedback_state(r, now) for r in up)
        decided = states["in_time"] + states["late"]
        reason = (
            "期内没有上转单"
            if not up
            else "期内上转单均在 14 天内且尚未答复"
            if not decided
            else ""
        )
        indications: Counter[str] = Counter()
        for r in up:
            indications.update(r.indications or ["（未勾选）"])
        return ReferralFigures(
            up=len(up),
            down=len(down),
            by_month=[MonthRow(k, a, b) for k, (a, b) in months.items()],
            by_department=Counter(r.department for r in up).most_common(),
            by_indication=indications.most_common(),
            feedback=Rate("feedback", states["in_time"], decided, reason),
            feedback_waiting=states["waiting"],
            not_arrived=sum(1 for r in up if r.status == Status.RECEIVED.value),
        )

    # -- follow-ups ------------------------------------------------------------------------
    def standings(self, period: Period, kind: PlanKind | None = None) -> list[Standing]:
        """Every patient managed for hypertension or diabetes in the period's year up to the
        period's end, with what the 规范管理 and 控制 figures need (the 考核 of the year)."""
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        year_start = date(period.year, 1, 1)
        window_end = period.end
        days_in_year = (date(period.year + 1, 1, 1) - year_start).days
        kinds = [kind.value] if kind else [PlanKind.HYPERTENSION.value, PlanKind.DIABETES.value]
        with self.ctx.reader() as s:
            plans = s.execute(
                select(
                    FollowUpPlan.id,
                    FollowUpPlan.patient_id,
                    FollowUpPlan.kind,
                    FollowUpPlan.doctor,
                    FollowUpPlan.start_date,
                    FollowUpPlan.status,
                    FollowUpPlan.updated_at,
                    Patient.name,
                    Patient.village,
                    Patient.phone,
                    Patient.birth_date,
                )
                .join(Patient, Patient.id == FollowUpPlan.patient_id)
                .where(
                    FollowUpPlan.deleted.is_(False),
                    Patient.deleted.is_(False),
                    FollowUpPlan.kind.in_(kinds),
                    FollowUpPlan.start_date < window_end,
                )
            ).all()
            # a plan that ended (结案 / 死亡 / 失访) before the year began is not managed in it;
            # its end is the day it was so marked (its last change)
            managed = []
            for p in plans:
                ended_on = None if p.status == PlanStatus.ACTIVE.value else local_date(p.updated_at)
                if ended_on is not None and ended_on >= window_end:
                    ended_on = None  # still under management in the window
                if ended_on is not None and ended_on < year_start:
                    continue
                managed.append((p, ended_on))
            ids = [p.id for p, _e in managed]
            visits: dict[str, list[Any]] = defaultdict(list)
            for chunk in _chunks(ids, 900):
                for v in s.execute(
                    select(
                        FollowUpVisit.plan_id,
                        FollowUpVisit.visit_date,
                        FollowUpVisit.method,
                        FollowUpVisit.sbp,
                        FollowUpVisit.dbp,
                        FollowUpVisit.fasting_glucose,
                    )
                    .where(
                        FollowUpVisit.deleted.is_(False),
                        FollowUpVisit.plan_id.in_(chunk),
                        FollowUpVisit.visit_date >= year_start,
                        FollowUpVisit.visit_date < window_end,
                    )
                    .order_by(FollowUpVisit.visit_date, FollowUpVisit.created_at)
                ):
                    visits[v.plan_id].append(v)
        by_person: dict[tuple[str, str], list[tuple[Any, date | None]]] = defaultdict(list)
        for p, ended_on in managed:
            by_person[(p.patient_id, p.kind)].append((p, ended_on))
        out = []
        for (patient_id, k), group in by_person.items():
            group.sort(key=lambda pe: (pe[0].start_date, pe[0].updated_at))
            current, current_end = group[-1]
            first = min(pe[0].start_date for pe in group)
            open_ = any(e is None for _p, e in group)
            last_end = None if open_ else max(e for _p, e in group if e is not None)
            span_start = max(first, year_start)
            # the day a plan was ended still counts as a day of management
            span_end = window_end if last_end is None else min(window_end, last_end + ONE_DAY)
            days = max(0, (span_end - span_start).days)
            pv = sorted(
                (v for p, _e in group for v in visits.get(p.id, [])), key=lambda v: v.visit_date
            )
            f2f = sum(1 for v in pv if v.method in fu.FACE_TO_FACE)
            reading, on_target, last_day = "", False, None
            for v in reversed(pv):
                if k == PlanKind.HYPERTENSION.value and v.sbp is not None and v.dbp is not None:
                    age = age_on(current.birth_date, v.visit_date) if current.birth_date else None
                    reading, on_target = f"{v.sbp}/{v.dbp} mmHg", bp_on_target(v.sbp, v.dbp, age)
                    last_day = v.visit_date
                    break
                if k == PlanKind.DIABETES.value and v.fasting_glucose is not None:
                    reading = f"{v.fasting_glucose:g} mmol/L"
                    on_target, last_day = fpg_on_target(v.fasting_glucose), v.visit_date
                    break
            lost = current.status == PlanStatus.LOST.value and current_end is not None
            out.append(
                Standing(
                    patient_id,
                    current.id,
                    current.name,
                    current.village,
                    current.phone,
                    k,
                    current.doctor,
                    first,
                    days,
                    required_visits(days, days_in_year),
                    f2f,
                    last_day,
                    reading,
                    on_target,
                    lost,
                )
            )
        out.sort(key=lambda x: (x.kind, x.face_to_face - x.required, x.village, x.name))
        return out

    def disease_figures(self, standings: list[Standing], kind: PlanKind) -> DiseaseFigures:
        mine = [x for x in standings if x.kind == kind.value]
        reason = "" if mine else f"本年截至期末没有管理中的{fu.PLAN_KIND_NAMES[kind]}患者"
        return DiseaseFigures(
            kind.value,
            len(mine),
            Rate("standard", sum(1 for x in mine if x.standard), len(mine), reason),
            Rate(
                "control_htn" if kind is PlanKind.HYPERTENSION else "control_dm",
                sum(1 for x in mine if x.controlled),
                len(mine),
                reason,
            ),
            sum(1 for x in mine if x.lost),
            sum(1 for x in mine if x.last_visit is None),
        )

    def compliance(self, period: Period) -> list[Standing]:
        """Managed patients short of the face-to-face visits due (the 年度达标 list)."""
        return [x for x in self.standings(period) if not x.standard]

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

    def _due_dates(self, period: Period) -> list[date]:
        with self.ctx.reader() as s:
            after_visits = s.scalars(
                select(FollowUpVisit.next_date)
                .join(FollowUpPlan, FollowUpPlan.id == FollowUpVisit.plan_id)
                .join(Patient, Patient.id == FollowUpVisit.patient_id)
                .where(
                    FollowUpVisit.deleted.is_(False),
                    FollowUpPlan.deleted.is_(False),
                    Patient.deleted.is_(False),
                    FollowUpVisit.next_date >= period.start,
                    FollowUpVisit.next_date < period.end,
                )
            ).all()
            first = s.scalars(
                select(FollowUpPlan.start_date)
                .join(Patient, Patient.id == FollowUpPlan.patient_id)
                .where(
                    FollowUpPlan.deleted.is_(False),
                    Patient.deleted.is_(False),
                    FollowUpPlan.start_date >= period.start,
                    FollowUpPlan.start_date < period.end,
                )
            ).all()
        return [d for d in after_visits if d is not None] + list(first)

    def _lost(self, period: Period) -> list[Any]:
        start, end = utc_bounds(period)
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
                    .where(
                        FollowUpPlan.deleted.is_(False),
                        Patient.deleted.is_(False),
                        FollowUpPlan.status == PlanStatus.LOST.value,
                        FollowUpPlan.updated_at >= start,
                        FollowUpPlan.updated_at < end,
                    )
                    .order_by(FollowUpPlan.updated_at)
                )
            )

    def followup_figures(self, period: Period) -> FollowUpFigures:
        self.ctx.require(Perm.FOLLOWUP_VIEW)
        visits = self._visits(period)
        dues = self._due_dates(period)
        months = {m.code: [0, 0] for m in period.months()}
        for v in visits:
            months[v.visit_date.strftime("%Y-%m")][0] += 1
        for d in dues:
            months[d.strftime("%Y-%m")][1] += 1
        standings = self.standings(period)
        overdue = self._overdue_count(self.ctx.today()) if self._overdue_count else 0
        return FollowUpFigures(
            visits_done=len(visits),
            face_to_face=sum(1 for v in visits if v.method in fu.FACE_TO_FACE),
            visits_due=len(dues),
            overdue_now=overdue,
            lost=len({x.patient_id for x in self._lost(period)}),
            by_month=[MonthRow(k, a, b) for k, (a, b) in months.items()],
            htn=self.disease_figures(standings, PlanKind.HYPERTENSION),
            dm=self.disease_figures(standings, PlanKind.DIABETES),
        )

    # -- training and support ----------------------------------------------------------------
    def _activities(self, period: Period) -> tuple[list[Any], list[Any]]:
        with self.ctx.reader() as s:
            acts = list(
                s.execute(
                    select(
                        TrainingActivity.id,
                        TrainingActivity.activity_type,
                        TrainingActivity.day,
                        TrainingActivity.hours,
                        TrainingActivity.topic,
                        TrainingActivity.lecturer,
                        TrainingActivity.credit_class,
                        TrainingActivity.credits,
                    )
                    .where(
                        TrainingActivity.deleted.is_(False),
                        TrainingActivity.day >= period.start,
                        TrainingActivity.day < period.end,
                    )
                    .order_by(TrainingActivity.day, TrainingActivity.start)
                )
            )
            att = list(
                s.execute(
                    select(TrainingAttendance.activity_id, TrainingAttendance.staff_id)
                    .join(TrainingActivity, TrainingActivity.id == TrainingAttendance.activity_id)
                    .join(Staff, Staff.id == TrainingAttendance.staff_id)
                    .where(
                        TrainingAttendance.deleted.is_(False),
                        TrainingActivity.deleted.is_(False),
                        Staff.deleted.is_(False),
                        TrainingAttendance.status.in_([a.value for a in tr.ATTENDED]),
                        TrainingActivity.day >= period.start,
                        TrainingActivity.day < period.end,
                    )
                )
            )
        return acts, att

    def _stationings(self, period: Period) -> list[Any]:
        with self.ctx.reader() as s:
            return list(
                s.execute(
                    select(SupportStationing).where(
                        SupportStationing.deleted.is_(False),
                        SupportStationing.start_on < period.end,
                        SupportStationing.end_on >= period.start,
                    )
                ).scalars()
            )

    def training_figures(self, period: Period) -> TrainingFigures:
        self.ctx.require(Perm.TRAINING_VIEW)
        acts, att = self._activities(period)
        kind = {a.id: a.activity_type for a in acts}
        by_id = {a.id: a for a in acts}
        course_att = [x for x in att if kind.get(x.activity_id) in tr.COURSE_TYPES]
        teaching_att = [x for x in att if kind.get(x.activity_id) in tr.TEACHING_TYPES]
        credits = {"I类": 0.0, "II类": 0.0}
        for x in att:
            a = by_id[x.activity_id]
            if a.credit_class in credits:
                credits[a.credit_class] += a.credits
        stationed = self._stationings(period)

        def share(attr: str) -> int:
            return sum(
                split_by_days(getattr(st, attr), st.start_on, st.end_on, period.start, period.end)
                for st in stationed
            )

        with self.ctx.reader() as s:
            secondments = int(
                s.scalar(
                    select(func.count())
                    .select_from(Secondment)
                    .join(Staff, Staff.id == Secondment.staff_id)
                    .where(
                        Secondment.deleted.is_(False),
                        Staff.deleted.is_(False),
                        Secondment.start_on >= period.start,
                        Secondment.start_on < period.end,
                    )
                )
                or 0
            )
        months = {m.code: [0, 0] for m in period.months()}
        for a in acts:
            if a.activity_type in tr.COURSE_TYPES:
                months[a.day.strftime("%Y-%m")][0] += 1
        for x in course_att:
            months[by_id[x.activity_id].day.strftime("%Y-%m")][1] += 1
        return TrainingFigures(
            courses=sum(1 for a in acts if a.activity_type in tr.COURSE_TYPES),
            training_times=len(course_att),
            training_people=len({x.staff_id for x in course_att}),
            activity_hours=round(sum(a.hours for a in acts), 2),
            attendee_hours=round(sum(by_id[x.activity_id].hours for x in att), 2),
            credits_i=round(credits["I类"], 2),
            credits_ii=round(credits["II类"], 2),
            teaching_times=len(teaching_att),
            rounds=sum(1 for a in acts if a.activity_type == tr.ROUNDS) + share("teaching_rounds"),
            secondments=secondments,
            outpatient=share("outpatient_visits"),
            operations=share("operations"),
            by_month=[MonthRow(k, a, b) for k, (a, b) in months.items()],
            short=self._credit_shortfalls(period.year) if self._credit_shortfalls else [],
        )

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
        self.ctx.require(Perm.REFERRAL_VIEW)
        refs = self._referrals(period)
        now = self.ctx.clock()
        up = [r for r in refs if r.direction == Direction.UP.value]
        what = key.split(".", 1)[1]
        title = period.label
        if what in ("up", "down"):
            chosen = up if what == "up" else [r for r in refs if r.direction == "down"]
            if facet:
                chosen = [r for r in chosen if local_date(r.referred_at).strftime("%Y-%m") == facet]
            title = f"{facet or period.label} {'上转' if what == 'up' else '下转'}"
        elif what == "department":
            chosen = [r for r in up if r.department == facet]
            title = f"{period.label} 上转 · {facet}"
        elif what == "indication":
            chosen = [r for r in up if facet in (r.indications or ["（未勾选）"])]
            title = f"{period.label} 上转指征 · {facet}"
        elif what == "no_feedback":
            chosen = [r for r in up if self._feedback_state(r, now) == "late"]
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
                    f"{r.referred_at + CLINIC_UTC_OFFSET:%Y-%m-%d %H:%M}",
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
        self.ctx.require(Perm.FOLLOWUP_VIEW)
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
        if what == "lost":
            lost = self._lost(period)
            return DrillList(
                f"{period.label} 失访（{len({x.patient_id for x in lost})} 人）",
                ["标记日期", "患者", "村", "类别", "失访原因"],
                [
                    [
                        f"{local_date(x.updated_at):%Y-%m-%d}",
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
            rows = self.standings(period, kind)
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
        self.ctx.require(Perm.TRAINING_VIEW)
        what = key.split(".", 1)[1]
        acts, att = self._activities(period)
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


def _indication_labels(raw: str) -> list[str]:
    try:
        values = json.loads(raw or "[]")
    except ValueError:
        return []
    return [OTHER if str(v).startswith(OTHER) else str(v) for v in values if str(v).strip()]


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


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
