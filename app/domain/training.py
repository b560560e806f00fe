"""Training and counterpart support (培训 · 进修 · 对口支援): activity types,
lifecycle, attendance, credit rules, and the consortium's yearly figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
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
    """Continuing-education requirement per year (provinces differ: configurable)."""

    class_i_min: float = 10.0
    class_ii_min: float = 15.0
    hours_per_credit_national: float = 3.0  # national projects: 1 学分 per 3 h attended

    @property
    def total(self) -> float:
        return self.class_i_min + self.class_ii_min


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
    """One staff member's year: hours and credits by class, against the requirement."""

    staff_id: str
    name: str
    hours: float = 0.0
    credits: dict[str, float] = field(default_factory=lambda: {"I类": 0.0, "II类": 0.0})
    sessions: int = 0

    def shortfall(self, rules: CreditRules) -> dict[str, float]:
        """Credits still missing per class (I类 and II类 are not interchangeable)."""
        need = {"I类": rules.class_i_min, "II类": rules.class_ii_min}
        return {k: round(v - self.credits[k], 2) for k, v in need.items() if self.credits[k] < v}


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
