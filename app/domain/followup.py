"""Follow-up (随访) rules from the national basic public-health service standard (3rd ed.),
the 高血压 and 2型糖尿病 visit forms: value sets, validation, classification, emergencies, next
due date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from app.domain.errors import FieldError, ValidationError


class PlanKind(StrEnum):
    HYPERTENSION = "htn"
    DIABETES = "dm"
    REHAB = "rehab"  # 下转康复
    OUTCOME = "outcome"  # 上转结果追踪
    MENTAL = "smi"  # 严重精神障碍
    OTHER = "other"


PLAN_KIND_NAMES = {
    PlanKind.HYPERTENSION: "高血压",
    PlanKind.DIABETES: "2型糖尿病",
    PlanKind.REHAB: "下转康复",
    PlanKind.OUTCOME: "上转结果追踪",
    PlanKind.MENTAL: "严重精神障碍",
    PlanKind.OTHER: "其他",
}
CHRONIC = {PlanKind.HYPERTENSION, PlanKind.DIABETES}


class PlanStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    LOST = "lost"
    DEAD = "dead"


PLAN_STATUS_NAMES = {
    PlanStatus.ACTIVE: "进行中",
    PlanStatus.ENDED: "已结束",
    PlanStatus.LOST: "失访",
    PlanStatus.DEAD: "死亡",
}
METHODS = {"1": "门诊", "2": "家庭", "3": "电话"}
FACE_TO_FACE = {"1", "2"}  # 电话 does not count
HTN_SYMPTOMS = [
    "无症状",
    "头痛头晕",
    "恶心呕吐",
    "眼花耳鸣",
    "呼吸困难",
    "心悸胸闷",
    "鼻衄出血不止",
    "四肢发麻",
    "下肢水肿",
]
DM_SYMPTOMS = [
    "无症状",
    "多饮",
    "多食",
    "多尿",
    "视力模糊",
    "感染",
    "手脚麻木",
    "下肢浮肿",
    "体重明显下降",
]
ADHERENCE = {"1": "规律", "2": "间断", "3": "不服药"}
HYPOGLYCEMIA = {"1": "无", "2": "偶尔", "3": "频繁"}
SALT = ["轻", "中", "重"]
GOOD_FAIR_POOR = ["良好", "一般", "差"]
FOOT_PULSE = [
    "触及正常",
    "减弱(双侧)",
    "减弱(左侧)",
    "减弱(右侧)",
    "消失(双侧)",
    "消失(左侧)",
    "消失(右侧)",
]
OUTCOMES = ["恢复", "好转", "无变化", "恶化", "失访", "死亡"]
CONTACT_OUTCOMES = {
    "booked": "已约",
    "remind": "稍后提醒",
    "unreachable": "联系不上",
    "refused": "拒绝",
}


class Classification(StrEnum):
    SATISFIED = "1"  # 控制满意
    UNSATISFIED = "2"  # 控制不满意
    ADVERSE = "3"  # 不良反应
    COMPLICATION = "4"  # 并发症


CLASS_NAMES = {
    Classification.SATISFIED: "控制满意",
    Classification.UNSATISFIED: "控制不满意",
    Classification.ADVERSE: "不良反应",
    Classification.COMPLICATION: "并发症",
}
# "Several apply → the most severe": the order of severity.
SEVERITY = [
    Classification.SATISFIED,
    Classification.UNSATISFIED,
    Classification.ADVERSE,
    Classification.COMPLICATION,
]

# Symptoms that on their own call for referral at once, in the order of the standard.
# Each disease has its own list: the diabetes form shares only the BP thresholds with the
# hypertension one, not its symptoms.
HTN_EMERGENCY_LIST = [
    "意识改变",
    "剧烈头痛或头晕",
    "恶心呕吐",
    "视力模糊",
    "眼痛",
    "心悸胸闷",
    "喘憋不能平卧",
]
DM_EMERGENCY_LIST = ["意识或行为改变", "呼气有烂苹果味", "深大呼吸", "视力骤降"]
HTN_EMERGENCY_SYMPTOMS = set(HTN_EMERGENCY_LIST)
DM_EMERGENCY_SYMPTOMS = set(DM_EMERGENCY_LIST)


def emergency_symptoms(kind: PlanKind) -> list[str]:
    """The emergency symptoms a visit form of ``kind`` asks about (empty for rehab etc.)."""
    return {
        PlanKind.HYPERTENSION: HTN_EMERGENCY_LIST,
        PlanKind.DIABETES: DM_EMERGENCY_LIST,
    }.get(kind, [])


@dataclass(frozen=True)
class Intervals:
    """Days to the next visit; provinces differ, so a clinic may configure them."""

    satisfied: int = 90  # about 3 months
    unsatisfied: int = 14  # within 2 weeks
    after_emergency_referral: int = 14
    outcome_check: int = 14  # after an upward referral
    rehab_default: int = 14  # a downward referral without a booked date


@dataclass
class Medication:
    drug: str
    times_per_day: int
    dose: str


@dataclass
class VisitInput:
    visit_date: date | None = None
    method: str = "1"
    symptoms: list[str] = field(default_factory=list)
    other_symptom: str = ""
    sbp: int | None = None
    dbp: int | None = None
    weight: float | None = None
    target_weight: float | None = None
    height_cm: float | None = None
    heart_rate: int | None = None  # 高血压 form; 糖尿病: the emergency check (持续心率 >100)
    foot_pulse: str = ""  # 糖尿病 only
    other_signs: str = ""
    # lifestyle guidance: each a (now, target) pair as on the paper form
    smoking: tuple[int | None, int | None] = (None, None)  # 日吸烟量 (支)
    drinking: tuple[int | None, int | None] = (None, None)  # 日饮酒量 (两)
    exercise_times: tuple[int | None, int | None] = (None, None)  # 次/周
    exercise_minutes: tuple[int | None, int | None] = (None, None)  # 分钟/次
    salt: tuple[str, str] = ("", "")  # 摄盐情况 轻/中/重 (高血压)
    staple_food: tuple[int | None, int | None] = (None, None)  # 主食 克/天 (糖尿病)
    psych: str = ""  # 心理调整 良好/一般/差
    compliance: str = ""  # 遵医行为 良好/一般/差
    other_tests: str = ""  # 辅助检查
    fasting_glucose: float | None = None  # 糖尿病 (required)
    hba1c: float | None = None
    adherence: str = "1"
    adverse_reaction: str = ""  # empty = 无
    hypoglycemia: str = "1"
    new_complication: str = ""
    pregnant_or_lactating: bool = False  # an emergency check, not on the paper form
    temperature: float | None = None  # 糖尿病 emergency check (体温 >39℃)
    classification_override: str = ""
    medications: list[Medication] = field(default_factory=list)
    insulin: str = ""  # 胰岛素 种类
    insulin_dose: str = ""  # 胰岛素 用法和用量
    referral_reason: str = ""
    referral_to: str = ""
    next_date: date | None = None
    doctor: str = ""
    findings: str = ""  # 康复 / 结果追踪
    outcome: str = ""


LIMITS = {  # physiologically possible ranges; outside them the value is a typing error
    "sbp": (50, 300, "收缩压"),
    "dbp": (20, 200, "舒张压"),
    "weight": (2.0, 300.0, "体重"),
    "target_weight": (2.0, 300.0, "目标体重"),
    "height_cm": (40.0, 250.0, "身高"),
    "heart_rate": (20, 250, "心率"),
    "fasting_glucose": (0.5, 50.0, "空腹血糖"),
    "hba1c": (2.0, 20.0, "糖化血红蛋白"),
    "temperature": (30.0, 45.0, "体温"),
}


def bmi(weight: float | None, height_cm: float | None) -> float | None:
    if not weight or not height_cm:
        return None
    return round(weight / (height_cm / 100) ** 2, 1)


def validate_visit(kind: PlanKind, v: VisitInput, plan_start: date, today: date) -> list[str]:
    """Raise ValidationError for impossible input; return warnings for unusual values."""
    e: list[FieldError] = []
    if v.visit_date is None:
        e.append(FieldError("visit_date", "required", "请填写随访日期"))
    else:
        if v.visit_date > today:
            e.append(FieldError("visit_date", "future", "随访日期不能晚于今天"))
        if v.visit_date < plan_start:
            e.append(
                FieldError(
                    "visit_date",
                    "before_plan",
                    f"随访日期不能早于随访计划开始日期（{plan_start:%Y-%m-%d}）",
                )
            )
        if v.next_date is not None and v.next_date <= v.visit_date:
            e.append(FieldError("next_date", "before_visit", "下次随访日期必须晚于本次随访日期"))
    if v.method not in METHODS:
        e.append(FieldError("method", "required", "请选择随访方式"))
    for key, (lo, hi, label) in LIMITS.items():
        value = getattr(v, key)
        if value is not None and not lo <= value <= hi:
            e.append(FieldError(key, "impossible", f"{label} {value:g} 不可能，请核对"))
    if v.sbp is not None and v.dbp is not None and v.sbp <= v.dbp:
        e.append(FieldError("dbp", "above_sbp", "舒张压必须低于收缩压"))
    if kind in CHRONIC:
        if v.sbp is None or v.dbp is None:
            e.append(FieldError("sbp", "required", "请填写血压"))
        if not v.symptoms and not v.other_symptom.strip():
            e.append(FieldError("symptoms", "required", "请选择症状（无症状也请勾选）"))
        if not v.next_date:
            e.append(FieldError("next_date", "required", "请填写下次随访日期"))
    if kind is PlanKind.DIABETES and v.fasting_glucose is None:
        e.append(FieldError("fasting_glucose", "required", "请填写空腹血糖"))
    if v.classification_override and v.classification_override not in CLASS_NAMES:
        e.append(FieldError("classification", "unknown", "随访分类不正确"))
    if kind in (PlanKind.REHAB, PlanKind.OUTCOME) and v.outcome and v.outcome not in OUTCOMES:
        e.append(FieldError("outcome", "unknown", "转归不正确"))
    for i, m in enumerate(v.medications, 1):
        if not m.drug.strip():
            e.append(FieldError("medications", "drug", f"第{i}种药物缺少药名"))
        elif m.times_per_day < 0 or m.times_per_day > 12:
            e.append(FieldError("medications", "times", f"{m.drug}每日次数不正确"))
    if e:
        raise ValidationError(e)
    return warnings(kind, v)


def warnings(kind: PlanKind, v: VisitInput) -> list[str]:
    out = []
    if v.sbp is not None and v.sbp >= 180:
        out.append(f"收缩压 {v.sbp} mmHg ≥ 180")
    if v.dbp is not None and v.dbp >= 110:
        out.append(f"舒张压 {v.dbp} mmHg ≥ 110")
    if kind is PlanKind.DIABETES and v.fasting_glucose is not None:
        if v.fasting_glucose >= 16.7:
            out.append(f"血糖 {v.fasting_glucose:g} mmol/L ≥ 16.7")
        elif v.fasting_glucose <= 3.9:
            out.append(f"血糖 {v.fasting_glucose:g} mmol/L ≤ 3.9")
    return out


def emergency_reasons(kind: PlanKind, v: VisitInput) -> list[str]:
    """Why this patient must be referred at once (empty when not an emergency)."""
    if kind not in CHRONIC:
        return []
    reasons = warnings(kind, v)
    symptoms = set(v.symptoms) | ({v.other_symptom.strip()} if v.other_symptom.strip() else set())
    if kind is PlanKind.HYPERTENSION:
        reasons += sorted(symptoms & HTN_EMERGENCY_SYMPTOMS)
        if v.pregnant_or_lactating and v.sbp is not None and v.sbp >= 140:
            reasons.append("妊娠或哺乳期血压升高")
    else:
        reasons += sorted(symptoms & DM_EMERGENCY_SYMPTOMS)
        if v.heart_rate is not None and v.heart_rate > 100:
            reasons.append(f"心率 {v.heart_rate} 次/分 > 100")
        if v.temperature is not None and v.temperature > 39:
            reasons.append(f"体温 {v.temperature:g}℃ > 39℃")
        if v.pregnant_or_lactating and v.fasting_glucose is not None and v.fasting_glucose >= 7.0:
            reasons.append("妊娠或哺乳期血糖升高")
    return reasons


def suggest_classification(kind: PlanKind, v: VisitInput) -> Classification:
    """控制满意 when BP < 140/90 (HTN) or fasting glucose < 7.0 (DM), with no adverse
    reaction and no new complication; otherwise the most severe that applies."""
    found = [Classification.SATISFIED]
    controlled = True
    if v.sbp is not None and v.dbp is not None and (v.sbp >= 140 or v.dbp >= 90):
        controlled = False
    if kind is PlanKind.DIABETES and (v.fasting_glucose is None or v.fasting_glucose >= 7.0):
        controlled = False
    if not controlled:
        found.append(Classification.UNSATISFIED)
    if v.adverse_reaction.strip():
        found.append(Classification.ADVERSE)
    if v.new_complication.strip():
        found.append(Classification.COMPLICATION)
    return max(found, key=SEVERITY.index)


def next_due(
    visit_date: date, classification: Classification, intervals: Intervals, emergency: bool = False
) -> date:
    if emergency:
        return visit_date + timedelta(days=intervals.after_emergency_referral)
    if classification is Classification.SATISFIED:
        return visit_date + timedelta(days=intervals.satisfied)
    return visit_date + timedelta(days=intervals.unsatisfied)


def referral_advised(previous: list[Classification], current: Classification) -> bool:
    """Two consecutive 控制不满意, or a new complication, call for an upward referral."""
    if current is Classification.COMPLICATION:
        return True
    return (
        current is Classification.UNSATISFIED
        and bool(previous)
        and previous[-1] is Classification.UNSATISFIED
    )


def face_to_face(methods: list[str]) -> int:
    return sum(1 for m in methods if m in FACE_TO_FACE)


def validate_plan(start: date, first_due: date, today: date) -> None:
    """A new plan: it starts no later than today and is first due on or after its start."""
    e: list[FieldError] = []
    if start > today:
        e.append(FieldError("start_date", "future", "开始日期不能晚于今天"))
    if first_due < start:
        e.append(FieldError("first_due", "before_start", "首次随访日期不能早于开始日期"))
    if e:
        raise ValidationError(e)


def validate_end(status: PlanStatus, note: str) -> None:
    """Ending a plan: 失访 needs the reason, 死亡 the date and cause (as on the paper form)."""
    if status is PlanStatus.LOST and not note.strip():
        raise ValidationError([FieldError("note", "required", "请填写失访原因")])
    if status is PlanStatus.DEAD and not note.strip():
        raise ValidationError([FieldError("note", "required", "请填写死亡日期和原因")])
