"""统计 figures as plain data: what the 统计 page, the reports and the command line show.

The figures are counted by app/services/stats.py; this module holds their shapes, the
definitions printed under each one, and the 考核 rules they apply (达标 targets, the visits
due for part of a year), so the reports can take them without touching the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from app.domain import clinic_clock
from app.domain.periods import Period

# Storage is UTC; every period is in the clinic's local dates (app/domain/clinic_clock.py,
# the zone of the clinic's settings).
NO_DATA = "无数据"

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
    timezone: str = clinic_clock.DEFAULT_TIMEZONE  # the clinic's, for the times shown

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


# -- one list of figures for the page, the PDF and the spreadsheet ---------------------------
@dataclass(frozen=True)
class FigureRow:
    """One line of a report section: a count, an amount or a rate, this period and the same
    period a year earlier, its definition, and the list a click on it opens."""

    key: str  # DEFINITIONS key
    label: str
    unit: str  # 人次, 人, 次, 期, 小时, 分, %
    value: int | float | Rate
    earlier: int | float | Rate | None
    drill: str = ""  # StatsService.drill key; "" = no list behind it
    facet: str = ""
    comparable: bool = True  # False: a figure of today (overdue now), no year-earlier value

    @property
    def definition(self) -> str:
        return DEFINITIONS.get(self.key, "")

    def text(self, value: int | float | Rate | None = None) -> str:
        v = self.value if value is None else value
        if isinstance(v, Rate):
            if v.value is None:
                return f"—（{v.reason}）" if v.reason else "—"
            return f"{v.text}（{v.fraction}）"
        if isinstance(v, float):
            return f"{v:g}"
        return str(v)

    @property
    def earlier_text(self) -> str:
        """The year-earlier value; 无数据 when that period holds no records of the area."""
        if not self.comparable:
            return "—"
        return NO_DATA if self.earlier is None else self.text(self.earlier)


def _pick(earlier: object | None, path: str) -> int | float | Rate | None:
    obj = earlier
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj  # type: ignore[return-value]


def _earlier(f: ClinicFigures, area: str) -> Any:
    """The year-earlier figures of an area, or None when that period has no records of it."""
    section = getattr(f.earlier, area, None) if f.earlier else None
    return None if section is None or section.empty else section


def referral_rows(f: ClinicFigures) -> list[FigureRow]:
    r, e = f.referrals, _earlier(f, "referrals")
    if r is None:
        return []
    return [
        FigureRow("up", "上转人次", "人次", r.up, _pick(e, "up"), "referrals.up"),
        FigureRow("down", "下转人次", "人次", r.down, _pick(e, "down"), "referrals.down"),
        FigureRow(
            "feedback", "上转反馈率", "%", r.feedback, _pick(e, "feedback"), "referrals.no_feedback"
        ),
        FigureRow(
            "feedback", "等待答复（14 天内）", "人次", r.feedback_waiting, None, comparable=False
        ),
        FigureRow(
            "not_arrived",
            "已接收未到诊",
            "人次",
            r.not_arrived,
            _pick(e, "not_arrived"),
            "referrals.not_arrived",
        ),
    ]


def followup_rows(f: ClinicFigures) -> list[FigureRow]:
    x, e = f.followups, _earlier(f, "followups")
    if x is None:
        return []
    rows = [
        FigureRow(
            "visits_done",
            "已随访",
            "次",
            x.visits_done,
            _pick(e, "visits_done"),
            "followups.visits",
        ),
        FigureRow("visits_done", "其中面对面随访", "次", x.face_to_face, _pick(e, "face_to_face")),
        FigureRow("visits_due", "应随访", "次", x.visits_due, _pick(e, "visits_due")),
        FigureRow(
            "overdue", "当前逾期", "人", x.overdue_now, None, "followups.overdue", comparable=False
        ),
        FigureRow("lost", "失访", "人", x.lost, _pick(e, "lost"), "followups.lost"),
    ]
    for d, name in ((x.htn, "高血压"), (x.dm, "2型糖尿病")):
        attr = "htn" if d is x.htn else "dm"
        control = "control_htn" if attr == "htn" else "control_dm"
        rows += [
            FigureRow(
                "managed",
                f"{name}年内已管理",
                "人",
                d.managed,
                _pick(e, f"{attr}.managed"),
                "followups.managed",
                d.kind,
            ),
            FigureRow(
                "standard",
                f"{name}规范管理率",
                "%",
                d.standard,
                _pick(e, f"{attr}.standard"),
                "followups.not_standard",
                d.kind,
            ),
            FigureRow(
                control,
                f"{name}{'血压' if attr == 'htn' else '血糖'}控制率",
                "%",
                d.control,
                _pick(e, f"{attr}.control"),
                "followups.not_controlled",
                d.kind,
            ),
        ]
    return rows


def training_rows(f: ClinicFigures) -> list[FigureRow]:
    t, e = f.training, _earlier(f, "training")
    if t is None:
        return []

    def row(key: str, label: str, unit: str, attr: str, drill: str = "") -> FigureRow:
        return FigureRow(key, label, unit, getattr(t, attr), _pick(e, attr), drill)

    return [
        row("courses", "培训班期数", "期", "courses", "training.courses"),
        row("training_times", "培训人次", "人次", "training_times", "training.courses"),
        row("training_people", "培训人数", "人", "training_people", "training.courses"),
        row("hours", "活动学时", "小时", "activity_hours", "training.all"),
        row("hours", "参训学时", "小时", "attendee_hours"),
        row("credits", "授予I类学分", "分", "credits_i"),
        row("credits", "授予II类学分", "分", "credits_ii"),
        row("teaching_times", "帮扶带教人次", "人次", "teaching_times", "training.teaching"),
        row("rounds", "指导查房次数", "次", "rounds", "training.rounds"),
        row("secondments", "接收进修人次", "人次", "secondments"),
        row("outpatient", "驻点医生门诊诊疗人次", "人次", "outpatient"),
        row("operations", "驻点医生手术台次", "台次", "operations"),
    ]


def local_time_text(utc: datetime, tz: str = clinic_clock.DEFAULT_TIMEZONE) -> str:
    """A stored (UTC) time as the clinic reads it."""
    return f"{clinic_clock.to_local(utc, tz):%Y-%m-%d %H:%M}"
