"""Two-way referral (双向转诊): directions, statuses, the status machine, indications, numbers,
and what a slip must contain before it can be submitted (the national template's fields)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum

from app.domain.errors import FieldError, ValidationError


class Direction(StrEnum):
    UP = "up"  # 上转 / 转出: clinic → county hospital
    DOWN = "down"  # 下转 / 回转: county hospital → clinic


class Status(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    RECEIVED = "received"
    REJECTED = "rejected"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Side(StrEnum):
    CLINIC = "clinic"
    COUNTY = "county"


DIRECTION_NAMES = {Direction.UP: "上转", Direction.DOWN: "下转"}
STATUS_NAMES = {
    Status.DRAFT: "草稿",
    Status.PENDING: "待接收",
    Status.RECEIVED: "已接收",
    Status.REJECTED: "已拒绝",
    Status.ARRIVED: "已到诊",
    Status.COMPLETED: "已完成",
    Status.CANCELLED: "已取消",
}

UP_INDICATIONS = [
    "临床各科急危重症，难以实施有效救治",
    "不能确诊的疑难复杂病例",
    "重大伤亡事件(含突发公共卫生事件)中处置能力受限",
    "诊治超出核准诊疗科目",
    "需上级机构进一步检查以明确诊断",
    "其他因技术、设备条件限制不能处置",
    "医共体共同商定的其他情形",
]
DOWN_INDICATIONS = [
    "急性期治疗后病情稳定，需继续康复治疗",
    "诊断明确、不需特殊治疗",
    "恶性肿瘤晚期非手术治疗和临终关怀",
    "需长期治疗的慢性病",
    "老年护理",
    "一般常见病、多发病",
    "病情稳定，患者或家属要求回基层继续康复",
]
OTHER = "其他"
PATIENT_TYPES = ["门诊", "住院", "急诊"]
TRANSPORT = ["患者自理", "转诊单位护送", "120"]
URGENCY = ["普通", "紧急"]
OUTCOMES = ["痊愈", "好转", "死亡"]
FEEDBACK_DAYS = 14  # an upward referral with no answer after this many days is flagged

# (direction, from, to) -> the side that may make the change, and whether a reason is required.
TRANSITIONS: dict[tuple[Direction, Status, Status], tuple[Side, bool]] = {
    (Direction.UP, Status.DRAFT, Status.PENDING): (Side.CLINIC, False),
    (Direction.UP, Status.DRAFT, Status.CANCELLED): (Side.CLINIC, True),
    (Direction.UP, Status.PENDING, Status.RECEIVED): (Side.COUNTY, False),
    (Direction.UP, Status.PENDING, Status.REJECTED): (Side.COUNTY, True),
    (Direction.UP, Status.PENDING, Status.CANCELLED): (Side.CLINIC, True),
    (Direction.UP, Status.RECEIVED, Status.ARRIVED): (Side.COUNTY, False),
    (Direction.UP, Status.RECEIVED, Status.CANCELLED): (Side.CLINIC, True),
    (Direction.UP, Status.ARRIVED, Status.COMPLETED): (Side.CLINIC, False),
    # Downward: the county sends (or the clinic copies a paper slip in as pending); the clinic
    # acknowledges receipt, records the patient's arrival and closes it.
    (Direction.DOWN, Status.PENDING, Status.RECEIVED): (Side.CLINIC, False),
    (Direction.DOWN, Status.PENDING, Status.REJECTED): (Side.CLINIC, True),
    (Direction.DOWN, Status.PENDING, Status.CANCELLED): (Side.COUNTY, True),
    (Direction.DOWN, Status.RECEIVED, Status.ARRIVED): (Side.CLINIC, False),
    (Direction.DOWN, Status.RECEIVED, Status.CANCELLED): (Side.COUNTY, True),
    (Direction.DOWN, Status.ARRIVED, Status.COMPLETED): (Side.CLINIC, False),
}


class TransitionRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_transition(
    direction: Direction, current: Status, target: Status, side: Side, reason: str = ""
) -> None:
    """Raise TransitionRefused (Chinese message) unless ``side`` may move current → target."""
    rule = TRANSITIONS.get((direction, current, target))
    d = DIRECTION_NAMES[direction]
    if rule is None:
        raise TransitionRefused(
            f"{d}转诊单不能从“{STATUS_NAMES[current]}”改为“{STATUS_NAMES[target]}”"
        )
    owner, needs_reason = rule
    if owner is not side:
        who = "县级医院" if owner is Side.COUNTY else "本院"
        raise TransitionRefused(f"“{STATUS_NAMES[target]}”由{who}确认，本处不能修改")
    if needs_reason and not reason.strip():
        raise TransitionRefused(f"改为“{STATUS_NAMES[target]}”必须填写原因")


def allowed_targets(direction: Direction, current: Status, side: Side) -> list[Status]:
    return [
        to
        for (d, frm, to), (owner, _r) in TRANSITIONS.items()
        if d is direction and frm is current and owner is side
    ]


def status_after_answers(
    direction: Direction, current: Status, *, received: bool, rejected: bool, arrived: bool
) -> Status:
    """The status a referral reaches once the county's answers are known.

    Sync brings the county's answers (received_at, rejected_reason, arrived_at) as fields the
    county owns; both the workstation and the hub derive the status from them with this one
    rule, moving only along county-side transitions allowed from ``current`` (a referral the
    clinic already cancelled stays cancelled).
    """
    wanted = [(received or arrived, Status.RECEIVED), (arrived, Status.ARRIVED)]
    if not (received or arrived):
        wanted.append((rejected, Status.REJECTED))
    status = current
    for present, target in wanted:
        rule = TRANSITIONS.get((direction, status, target)) if present else None
        if rule is not None and rule[0] is Side.COUNTY:
            status = target
    return status


def make_number(clinic_code: str, day: date, sequence: int) -> str:
    """转诊单号: clinic code + date + daily sequence; unique across the county, made offline.

    The sequence has at least three digits and grows past 999 (…-1000) on a very busy day.
    """
    return f"{clinic_code}-{day:%Y%m%d}-{sequence:03d}"


def number_prefix(clinic_code: str, day: date) -> str:
    """What every number of that clinic and day starts with (up to the sequence)."""
    return f"{clinic_code}-{day:%Y%m%d}-"


def number_sequence(number: str, prefix: str) -> int:
    """The daily sequence of a number with ``prefix``, 0 when the rest is not a number."""
    rest = number[len(prefix) :] if number.startswith(prefix) else ""
    return int(rest) if rest.isdigit() else 0


def number_sort_key(number: str) -> tuple[str, int, str]:
    """Orders numbers of a day by their sequence as a number (…-999 before …-1000)."""
    head, _, tail = number.rpartition("-")
    return (head, int(tail), "") if tail.isdigit() else (number, 0, number)


def is_overdue(
    direction: Direction,
    status: Status,
    referred_at: datetime | None,
    now: datetime,
    feedback_result: str = "",
) -> bool:
    """An upward referral still waiting for any answer after FEEDBACK_DAYS: none by sync
    (still 待接收) and no 回执 the clinic recorded by phone or paper."""
    return (
        direction is Direction.UP
        and status is Status.PENDING
        and not feedback_result
        and referred_at is not None
        and (now - referred_at).days >= FEEDBACK_DAYS
    )


@dataclass
class ReferralInput:
    """What the clinic types on a slip (either direction)."""

    direction: Direction = Direction.UP
    patient_id: str = ""
    to_institution: str = ""
    to_department: str = ""
    to_doctor: str = ""
    from_institution: str = ""  # 下转: the county hospital that sends the patient back
    indications: list[str] = field(default_factory=list)
    indication_other: str = ""
    impression: str = ""  # 初步印象
    present_illness: str = ""  # 主要现病史(转出原因)
    past_history: str = ""  # 主要既往史
    treatment: str = ""  # 治疗经过
    patient_type: str = ""  # 病人性质
    payment_type: str = ""
    transport: str = ""  # 转送方式
    purpose: str = ""  # 转诊目的
    cautions: str = ""  # 注意事项
    urgency: str = "普通"
    referring_doctor: str = ""
    referring_phone: str = ""
    # 下转 (回转单) content
    diagnosis: str = ""  # 诊断结果
    icd10: str = ""
    inpatient_no: str = ""  # 住院病案号
    exam_results: str = ""  # 主要检查结果
    treatment_plan: str = ""  # 治疗经过、下一步治疗方案及康复建议
    followup_date: date | None = None  # 预约复诊或随访时间
    followup_method: str = ""
    outcome: str = ""  # 病情转归
    referred_on: date | None = None  # date on the paper slip (下转 entered from paper)


# The fields a slip's form shows and its printed copy carries, in order (the record-type
# registry's ``form_fields`` of a referral): all the clinic types but which resident it is
# (chosen, not typed) and a paper slip's own date.
REFERRAL_FORM_FIELDS = tuple(
    f.name for f in fields(ReferralInput) if f.name not in ("patient_id", "referred_on")
)


TEXT_LIMIT = 4000


def validate(data: ReferralInput, today: date) -> None:
    """Everything a slip needs before it leaves the clinic; each missing field named."""
    e: list[FieldError] = []

    def need(key: str, label: str) -> None:
        if not str(getattr(data, key) or "").strip():
            e.append(FieldError(key, "required", f"请填写{label}"))

    if not data.patient_id:
        e.append(FieldError("patient_id", "required", "请选择患者"))
    need("referring_doctor", "转诊医生")
    if data.direction is Direction.UP:
        need("to_institution", "接诊机构")
        need("to_department", "接诊科室")
        need("impression", "初步印象")
        need("present_illness", "主要现病史(转出原因)")
        need("past_history", "主要既往史")
        need("treatment", "治疗经过")
        need("referring_phone", "联系电话")
        allowed = set(UP_INDICATIONS) | {OTHER}
    else:
        need("from_institution", "转出机构（县级医院）")
        need("diagnosis", "诊断结果")
        need("exam_results", "主要检查结果")
        need("treatment_plan", "治疗经过、下一步治疗方案及康复建议")
        if data.patient_type == "住院":
            need("inpatient_no", "住院病案号")
        allowed = set(DOWN_INDICATIONS) | {OTHER}
        if (
            data.followup_date is not None
            and data.referred_on is not None
            and data.followup_date < data.referred_on
        ):
            e.append(FieldError("followup_date", "before", "预约随访时间不能早于转诊日期"))
    if not data.indications:
        e.append(FieldError("indications", "required", "请至少选择一项转诊指征"))
    elif any(i not in allowed for i in data.indications):
        e.append(FieldError("indications", "unknown", "转诊指征不在列表中"))
    elif OTHER in data.indications and not data.indication_other.strip():
        e.append(FieldError("indication_other", "required", "选择“其他”时请注明具体情形"))
    if data.referred_on is not None and data.referred_on > today:
        e.append(FieldError("referred_on", "future", "转诊日期不能晚于今天"))
    for key in (
        "impression",
        "present_illness",
        "past_history",
        "treatment",
        "diagnosis",
        "exam_results",
        "treatment_plan",
        "purpose",
        "cautions",
    ):
        if len(getattr(data, key)) > TEXT_LIMIT:
            e.append(FieldError(key, "too_long", f"内容过长（最多{TEXT_LIMIT}字）"))
    if e:
        raise ValidationError(e)
