"""Follow-up (随访) rules from the national basic public-health service standard (3rd ed.),
the 高血压 and 2型糖尿病 visit forms: value sets, validation, classification, emergencies, next
due date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from app.domain import followup_criteria as criteria
from app.domain.errors import FieldError, ValidationError
from app.domain.followup_criteria import ControlTargets


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

# The emergency lists (every item of the standard, in its order) and the control targets live
# in followup_criteria; these names are what the forms and the rest of the app use.
HTN_EMERGENCY_LIST = [i.label for i in criteria.HTN_EMERGENCY_ITEMS]
DM_EMERGENCY_LIST = [i.label for i in criteria.DM_EMERGENCY_ITEMS]
HTN_EMERGENCY_SYMPTOMS = set(HTN_EMERGENCY_LIST)
DM_EMERGENCY_SYMPTOMS = set(DM_EMERGENCY_LIST)
OTHER_ILLNESS = criteria.OTHER_ILLNESS


def emergency_symptoms(kind: PlanKind) -> list[str]:
    """The emergency findings a visit form of ``kind`` asks about, each its own checkbox
    (empty for rehab etc.)."""
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
    # The emergency checks (§3c) that the paper form has no row for: each item ticked, the
    # other illness the centre cannot handle, and (糖尿病) any other sudden abnormality.
    emergency_signs: list[str] = field(default_factory=list)
    other_illness: str = ""  # 存在不能处理的其他疾病
    other_abnormal: str = ""  # 糖尿病：其他突发异常
    adverse_uncontrolled: bool = False  # 药物不良反应难以控制 → refer up
    hba1c_date: date | None = None  # 糖化血红蛋白 检查日期
    age: int | None = None  # completed years at the visit (the service fills it in)


# The visit's own columns that its form shows and the printed 随访服务记录表 carries, in the
# form's order (the record-type registry's ``form_fields`` of a follow-up visit). Every other
# form field is kept in the visit's ``form`` (the whole ``VisitInput``). A field here that is
# also a ``VisitInput`` field is stored as typed; ``classification`` (the doctor's override
# or the suggested class) and ``next_date`` (capped by the rules) are worked out on save.
VISIT_FORM_FIELDS = (
    "visit_date",
    "method",
    "sbp",
    "dbp",
    "fasting_glucose",
    "classification",
    "next_date",
    "doctor",
)


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
    if v.hba1c is not None and v.hba1c_date is None:
        e.append(FieldError("hba1c_date", "required", "请填写糖化血红蛋白的检查日期"))
    if v.hba1c_date is not None and v.visit_date is not None and v.hba1c_date > v.visit_date:
        e.append(FieldError("hba1c_date", "after_visit", "糖化血红蛋白检查日期不能晚于随访日期"))
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
    """Readings at or past the standard's emergency thresholds, as a doctor reads them."""
    out = []
    if v.sbp is not None and v.sbp >= criteria.EMERGENCY_SBP:
        out.append(f"收缩压 {v.sbp} mmHg ≥ {criteria.EMERGENCY_SBP}")
    if v.dbp is not None and v.dbp >= criteria.EMERGENCY_DBP:
        out.append(f"舒张压 {v.dbp} mmHg ≥ {criteria.EMERGENCY_DBP}")
    if kind is PlanKind.DIABETES and v.fasting_glucose is not None:
        if v.fasting_glucose >= criteria.GLUCOSE_HIGH:
            out.append(f"血糖 {v.fasting_glucose:g} mmol/L ≥ {criteria.GLUCOSE_HIGH:g}")
        elif v.fasting_glucose <= criteria.GLUCOSE_LOW:
            out.append(f"血糖 {v.fasting_glucose:g} mmol/L ≤ {criteria.GLUCOSE_LOW:g}")
    return out


def _findings(v: VisitInput) -> list[str]:
    """Everything the doctor ticked or typed that may name an emergency item."""
    return [*v.symptoms, *v.emergency_signs, v.other_symptom, v.other_signs]


def emergency_reasons(
    kind: PlanKind, v: VisitInput, targets: ControlTargets | None = None
) -> list[str]:
    """Why this patient must be referred at once (empty when not an emergency): the
    thresholds, every item of the disease's list that a ticked symptom, an emergency checkbox
    or the free text names, pregnancy or lactation with raised BP (高血压) or glucose
    (糖尿病), and another illness the centre cannot handle."""
    if kind not in CHRONIC:
        return []
    t = targets or ControlTargets()
    reasons = warnings(kind, v)
    if kind is PlanKind.HYPERTENSION:
        reasons += criteria.matched_items(criteria.HTN_EMERGENCY_ITEMS, _findings(v))
        if v.pregnant_or_lactating and (
            (v.sbp is not None and v.sbp >= criteria.PREGNANCY_SBP)
            or (v.dbp is not None and v.dbp >= criteria.PREGNANCY_DBP)
        ):
            reasons.append(f"妊娠期或哺乳期血压高于正常（{v.sbp}/{v.dbp} mmHg）")
    else:
        reasons += criteria.matched_items(criteria.DM_EMERGENCY_ITEMS, _findings(v))
        if v.heart_rate is not None and v.heart_rate > criteria.TACHYCARDIA:
            reasons.append(f"持续性心动过速（心率 {v.heart_rate} 次/分 > {criteria.TACHYCARDIA}）")
        if v.temperature is not None and v.temperature > criteria.FEVER:
            reasons.append(f"体温 {v.temperature:g}℃ > {criteria.FEVER:g}℃")
        if v.other_abnormal.strip():
            reasons.append(f"其他突发异常：{v.other_abnormal.strip()}")
        if (
            v.pregnant_or_lactating
            and v.fasting_glucose is not None
            and v.fasting_glucose >= t.pregnancy_fpg
        ):
            reasons.append(
                f"妊娠期或哺乳期血糖高于正常（空腹 {v.fasting_glucose:g} mmol/L "
                f"≥ {t.pregnancy_fpg:g}）"
            )
    if v.other_illness.strip():
        reasons.append(f"{criteria.OTHER_ILLNESS}：{v.other_illness.strip()}")
    return reasons


def target_met(kind: PlanKind, v: VisitInput, targets: ControlTargets | None = None) -> bool:
    """The disease's own target: 高血压 BP below the target for the patient's age; 2型糖尿病
    fasting glucose below the target (and above the hypoglycaemia line) — BP never decides a
    diabetes visit's class."""
    t = targets or ControlTargets()
    if kind is PlanKind.DIABETES:
        g = v.fasting_glucose
        return g is not None and criteria.GLUCOSE_LOW < g < t.dm_fpg
    sbp_max, dbp_max = t.bp_target(v.age)
    return v.sbp is not None and v.dbp is not None and v.sbp < sbp_max and v.dbp < dbp_max


def adverse_reaction(kind: PlanKind, v: VisitInput) -> bool:
    """A drug adverse reaction: one written down, or (糖尿病) frequent hypoglycaemia."""
    frequent_hypo = kind is PlanKind.DIABETES and v.hypoglycemia == "3"
    return bool(v.adverse_reaction.strip()) or v.adverse_uncontrolled or frequent_hypo


def suggest_classification(
    kind: PlanKind, v: VisitInput, targets: ControlTargets | None = None
) -> Classification:
    """控制满意 needs all three: the disease's own target met, no drug adverse reaction, no new
    or worsened complication; otherwise the most severe class that applies."""
    found = [Classification.SATISFIED]
    if not target_met(kind, v, targets):
        found.append(Classification.UNSATISFIED)
    if adverse_reaction(kind, v):
        found.append(Classification.ADVERSE)
    if v.new_complication.strip():
        found.append(Classification.COMPLICATION)
    return max(found, key=SEVERITY.index)


def next_due(
    visit_date: date, classification: Classification, intervals: Intervals, emergency: bool = False
) -> date:
    """控制满意: the routine interval (about 3 months); any other class: within 2 weeks; after a
    referral (an emergency, or one advised): the referral is followed up within 2 weeks."""
    if emergency:
        return visit_date + timedelta(days=intervals.after_emergency_referral)
    if classification is Classification.SATISFIED:
        return visit_date + timedelta(days=intervals.satisfied)
    return visit_date + timedelta(days=intervals.unsatisfied)


_HARD_TO_CONTROL = ("难以控制", "无法控制", "不能控制", "难控制")


def referral_reasons(
    previous: list[Classification], current: Classification, v: VisitInput | None = None
) -> list[str]:
    """Why the doctor should refer up although it is no emergency: two consecutive 控制不满意,
    a drug adverse reaction that is hard to control, or a new or worsened complication."""
    out = []
    if current is Classification.UNSATISFIED and previous and previous[-1] is current:
        out.append("连续两次随访控制不满意")
    if v is not None and (
        v.adverse_uncontrolled or any(w in v.adverse_reaction for w in _HARD_TO_CONTROL)
    ):
        out.append("药物不良反应难以控制")
    if current is Classification.COMPLICATION:
        out.append("出现新的并发症或原有并发症加重")
    return out


def referral_advised(
    previous: list[Classification], current: Classification, v: VisitInput | None = None
) -> bool:
    return bool(referral_reasons(previous, current, v))


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
