"""Training and counterpart support (培训 · 进修 · 对口支援): activity types,
lifecycle, attendance, credit rules, and the consortium's yearly figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from app.domain.errors import FieldError, ValidationError

ACTIVITY_TYPES = [
    "讲座/业务培训",
    "教学查房",
    "手术示教",
    "病例讨论(疑难/死亡)",
    "会诊",
    "门诊带教/坐诊",
    "技能操作培训",
    "远程培训",
    "义诊",
]
(
    LECTURE,
    ROUNDS,
    SURGERY_DEMO,
    CASE_DISCUSSION,
    CONSULTATION,
    CLINIC_TEACHING,
    SKILLS,
    REMOTE,
    FREE_CLINIC,
) = ACTIVITY_TYPES
# Types that count as a training course (培训班) in the consortium figures.
COURSE_TYPES = {LECTURE, SKILLS, REMOTE}
TEACHING_TYPES = {ROUNDS, SURGERY_DEMO, CLINIC_TEACHING, CASE_DISCUSSION, CONSULTATION}


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    SHEET_PRINTED = "sheet_printed"
    ATTENDANCE_ENTERED = "attendance_entered"
    CLOSED = "closed"


STATUS_NAMES = {
    ActivityStatus.PLANNED: "计划中",
    ActivityStatus.SHEET_PRINTED: "已打印签到表",
    ActivityStatus.ATTENDANCE_ENTERED: "已录入签到",
    ActivityStatus.CLOSED: "已结束",
}


class Attendance(StrEnum):
    PRESENT = "present"
    LATE = "late"
    LEAVE = "leave"
    ABSENT = "absent"


ATTENDANCE_NAMES = {
    Attendance.PRESENT: "出席",
    Attendance.LATE: "迟到",
    Attendance.LEAVE: "请假",
    Attendance.ABSENT: "缺席",
}
ATTENDED = {Attendance.PRESENT, Attendance.LATE}  # earn hours and credits
CREDIT_CLASSES = ["I类", "II类", "无"]
PRACTICE_CATEGORIES = [
    "临床",
    "中医",
    "口腔",
    "公共卫生",
    "护理",
    "药学",
    "医技",
    "乡村医生",
    "其他",
]
SUPPORT_COUNTS = {
    "outpatient_visits": "门诊诊疗人次",
    "operations": "手术台次",
    "teaching_rounds": "教学查房次数",
    "surgery_demos": "手术示教台次",
    "consultations": "会诊/疑难病例讨论次数",
    "lectures": "讲座场次",
    "trainees": "培训人次",
    "mentees": "带教人数",
    "new_techniques": "新技术新项目数",
}


@dataclass(frozen=True)
class CreditRules:
    """The yearly continuing-education requirement (provinces differ: every value comes from
    the clinic's settings). Health professionals with a 中级 or higher title need ``total``
    credits, of which I类 at least ``class_i_min`` and counted up to ``class_i_max``, II类 at
    least ``class_ii_min`` and counted up to ``class_ii_max``; credits beyond a class's cap
    count for nothing (an I类 surplus never makes up missing II类). 初级 staff and 乡村医生 are
    held to yearly training hours instead; 0 hours means no requirement."""

    total: float = 25.0
    class_i_min: float = 5.0
    class_i_max: float = 10.0
    class_ii_min: float = 15.0
    class_ii_max: float = 20.0
    hours_per_credit: float = 3.0  # national and provincial projects: 1 学分 per 3 hours
    secondment_months: int = 6  # full-time 进修 of this many months in the year meets it
    junior_hours: float = 24.0  # 初级 staff: training hours a year
    village_hours: float = 80.0  # 乡村医生: training hours a year


class Requirement(StrEnum):
    CREDITS = "credits"  # 中级及以上职称的卫生技术人员: 学分
    JUNIOR = "junior"  # 初级职称: yearly hours
    VILLAGE = "village"  # 乡村医生: yearly hours
    NONE = "none"  # no health-professional title recorded


REQUIREMENT_NAMES = {
    Requirement.CREDITS: "中级及以上（学分）",
    Requirement.JUNIOR: "初级（学时）",
    Requirement.VILLAGE: "乡村医生（学时）",
    Requirement.NONE: "未登记卫生专业技术职称",
}
# Words of the title field that place a person; checked in this order (主治医师 before 医师).
_INTERMEDIATE_OR_HIGHER = ("主任", "主治", "主管", "中级", "副高", "正高", "高级")
_JUNIOR = ("医师", "医士", "护师", "护士", "药师", "药士", "技师", "技士", "初级")


def requirement_for(title: str, category: str = "", village_doctor: bool = False) -> Requirement:
    """Which rule a staff member is held to, from the roster's 职称/岗位 and 执业类别."""
    if village_doctor or category == "乡村医生" or "乡村医生" in title:
        return Requirement.VILLAGE
    if any(w in title for w in _INTERMEDIATE_OR_HIGHER):
        return Requirement.CREDITS
    if any(w in title for w in _JUNIOR):
        return Requirement.JUNIOR
    return Requirement.NONE


def activity_credits(
    credit_class: str, hours: float, credits: float, stated: bool, rules: CreditRules
) -> float:
    """Credits an attendee earns: the activity's own award when it states one, else 1 学分
    per ``hours_per_credit`` hours (2 decimals; 2.9 h at 3 h a credit is 0.97, not 1)."""
    if credit_class not in ("I类", "II类"):
        return 0.0
    if stated:
        return credits
    return round(hours / rules.hours_per_credit, 2)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(d.day, last))


def months_between(start: date, end: date) -> float:
    """Calendar months from ``start`` to ``end`` inclusive: 04-01..06-30 is 3, 01-01..06-29 is
    5.97 (29 of June's 30 days)."""
    if end < start:
        return 0.0
    stop = end + timedelta(days=1)
    months = (stop.year - start.year) * 12 + stop.month - start.month
    if _add_months(start, months) > stop:
        months -= 1
    anchor = _add_months(start, months)
    step = (_add_months(start, months + 1) - anchor).days
    return months + (stop - anchor).days / step


def secondment_months_in(start: date, end: date, year: int) -> float:
    """The months of a 进修 that fall in ``year``."""
    lo, hi = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
    return months_between(lo, hi) if lo <= hi else 0.0


@dataclass
class ActivityInput:
    activity_type: str = LECTURE
    day: date | None = None
    start: time | None = None
    end: time | None = None
    hours: float = 0.0
    topic: str = ""
    place: str = ""
    lecturer: str = ""
    lecturer_unit: str = ""
    lecturer_title: str = ""
    organiser: str = ""
    credit_class: str = "无"
    credits: float = 0.0
    assessment: str = ""
    recorder: str = ""
    notes: str = ""
    course: str = ""  # the 培训班 it belongs to; "" = a stand-alone session
    credits_stated: bool = False  # the project states its own award (else: from the hours)


def duration_hours(start: time, end: time) -> float:
    delta = datetime.combine(date.min, end) - datetime.combine(date.min, start)
    return delta.total_seconds() / 3600


def validate_activity(a: ActivityInput) -> None:
    e: list[FieldError] = []
    if not a.topic.strip():
        e.append(FieldError("topic", "required", "请填写主题/内容"))
    if a.activity_type not in ACTIVITY_TYPES:
        e.append(FieldError("activity_type", "unknown", "请选择活动类型"))
    if a.day is None:
        e.append(FieldError("day", "required", "请填写日期"))
    if a.start is None or a.end is None:
        e.append(FieldError("end", "required", "请填写起止时间"))
    elif a.end <= a.start:
        e.append(FieldError("end", "before_start", "结束时间必须晚于开始时间"))
    else:
        length = duration_hours(a.start, a.end)
        if a.hours <= 0 or a.hours > length + 0.01 or a.hours < length - 1.0:
            e.append(
                FieldError(
                    "hours",
                    "mismatch",
                    f"学时与起止时间不符（{a.start:%H:%M}–{a.end:%H:%M} 约 {length:g} 小时）",
                )
            )
    if a.credit_class not in CREDIT_CLASSES:
        e.append(FieldError("credit_class", "unknown", "学分类别应为 I类、II类 或 无"))
    if a.credits < 0:
        e.append(FieldError("credits", "negative", "学分不能为负数"))
    elif a.credit_class == "无" and a.credits > 0:
        e.append(FieldError("credits", "no_class", "学分类别为“无”时学分应为 0"))
    if e:
        raise ValidationError(e)


def validate_counts(counts: dict[str, int]) -> None:
    errors = [
        FieldError(k, "negative", f"{SUPPORT_COUNTS.get(k, k)}不能为负数")
        for k, v in counts.items()
        if v < 0
    ]
    if errors:
        raise ValidationError(errors)


@dataclass
class PersonYear:
    """One staff member's year: hours and credits by class (人次 = ``sessions``), against the
    rule they are held to."""

    staff_id: str
    name: str
    hours: float = 0.0
    credits: dict[str, float] = field(default_factory=lambda: {"I类": 0.0, "II类": 0.0})
    sessions: int = 0
    requirement: Requirement = Requirement.CREDITS
    secondment_months: float = 0.0  # full-time 进修 in the year

    def shortfall(self, rules: CreditRules) -> dict[str, float]:
        """What is still missing: per class and, beyond the class minimums, in total (学分);
        or 学时 for those held to hours. Empty when the year is met (a full-time 进修 of
        ``secondment_months`` or more meets it whatever the credits)."""
        if self.requirement is Requirement.NONE:
            return {}
        if self.secondment_months >= rules.secondment_months:
            return {}
        if self.requirement in (Requirement.JUNIOR, Requirement.VILLAGE):
            need = (
                rules.junior_hours
                if self.requirement is Requirement.JUNIOR
                else rules.village_hours
            )
            return {"学时": round(need - self.hours, 2)} if self.hours < need else {}
        i, ii = self.credits["I类"], self.credits["II类"]
        miss_i = max(0.0, rules.class_i_min - i)
        miss_ii = max(0.0, rules.class_ii_min - ii)
        counted = min(i, rules.class_i_max) + min(ii, rules.class_ii_max)
        miss_total = max(0.0, rules.total - counted - miss_i - miss_ii)
        out = {"I类": miss_i, "II类": miss_ii, "合计": miss_total}
        return {k: round(v, 2) for k, v in out.items() if round(v, 2) > 0}

    def status_text(self, rules: CreditRules) -> str:
        """How the year stands, as the lists and the report print it."""
        if self.requirement is Requirement.NONE:
            return "职称未登记，无年度要求"
        if self.secondment_months >= rules.secondment_months:
            return f"进修{self.secondment_months:.1f}个月，视为达标"
        short = self.shortfall(rules)
        if not short:
            return "已达标"
        names = {"I类": "I类缺", "II类": "II类缺", "合计": "另缺", "学时": "学时缺"}
        return "、".join(f"{names[k]}{v:g}" for k, v in short.items())


@dataclass(frozen=True)
class AttendedSession:
    staff_id: str
    name: str
    hours: float
    credit_class: str
    credits: float


def person_totals(sessions: list[AttendedSession]) -> dict[str, PersonYear]:
    out: dict[str, PersonYear] = {}
    for s in sessions:
        p = out.setdefault(s.staff_id, PersonYear(s.staff_id, s.name))
        p.hours += s.hours
        p.sessions += 1
        if s.credit_class in p.credits:
            p.credits[s.credit_class] += s.credits
    return out


@dataclass(frozen=True)
class SummaryFigures:
    """The consortium's yearly (or quarterly) counterpart-support figures."""

    teaching_person_times: int  # 帮扶带教人次
    ward_rounds: int  # 教学查房次
    surgery_demos: int  # 手术示教台次
    consultations: int  # 会诊及疑难病例讨论次
    lectures: int  # 学术讲座场
    courses: int  # 培训班期
    training_person_times: int  # 业务培训人次
    secondments: int  # 接收进修人次
    new_techniques: int  # 新技术新项目项
    training_people: int = 0  # 业务培训人数 (人: each person once, however many sessions)
    mentees: int = 0  # 带教人数 (人, from the stationings; never added to 人次)
    outpatient_visits: int = 0  # 门诊诊疗人次 by stationed doctors
    operations: int = 0  # 手术台次 by stationed doctors

    LABELS = (
        ("teaching_person_times", "帮扶带教人次"),
        ("ward_rounds", "教学查房次"),
        ("surgery_demos", "手术示教台次"),
        ("consultations", "会诊及疑难病例讨论次"),
        ("lectures", "学术讲座场"),
        ("courses", "培训班期"),
        ("training_person_times", "业务培训人次"),
        ("secondments", "接收进修人次"),
        ("new_techniques", "新技术新项目项"),
        ("training_people", "业务培训人数（人）"),
        ("mentees", "带教人数（人）"),
        ("outpatient_visits", "门诊诊疗人次"),
        ("operations", "手术台次"),
    )

    def rows(self) -> list[tuple[str, int]]:
        return [(label, getattr(self, key)) for key, label in self.LABELS]


def period_bounds(year: int, quarter: int | None) -> tuple[date, date]:
    """[start, end) of a year or one of its quarters."""
    if quarter is None:
        return date(year, 1, 1), date(year + 1, 1, 1)
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1-4")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


def _half_up(x: float) -> int:
    return int(x + 0.5)


def prorate(count: int, start: date, end: date, period_start: date, period_end: date) -> int:
    """The share of a stationing's ``count`` (over ``start``..``end`` inclusive) that falls in
    [period_start, period_end), by days. Rounded on the running total, so the quarters of a
    stationing always add up to its whole count."""
    days = (end - start).days + 1
    if days <= 0 or count == 0:
        return 0

    def upto(day: date) -> int:  # the count of the days before ``day``
        inside = min(max((day - start).days, 0), days)
        return _half_up(count * inside / days)

    return upto(period_end) - upto(period_start)


def courses_starting(first_days: dict[str, date], start: date, end: date) -> int:
    """培训班期: each 培训班 counts once, in the period of its first session."""
    return sum(1 for d in first_days.values() if start <= d < end)
