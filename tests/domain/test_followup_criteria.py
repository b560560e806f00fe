"""The 规范's follow-up criteria, one table per rule, each with its boundaries.

Every test quotes the sentence of the national standard (国家基本公共卫生服务规范 第三版) that it
implements, in our own transcription.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.domain.errors import ValidationError
from app.domain.followup import (
    DM_EMERGENCY_LIST,
    HTN_EMERGENCY_LIST,
    Classification,
    Intervals,
    PlanKind,
    VisitInput,
    emergency_reasons,
    emergency_symptoms,
    next_due,
    referral_advised,
    referral_reasons,
    suggest_classification,
    validate_visit,
)
from app.domain.followup_criteria import ControlTargets

HTN, DM = PlanKind.HYPERTENSION, PlanKind.DIABETES
S, U, A, C = (
    Classification.SATISFIED,
    Classification.UNSATISFIED,
    Classification.ADVERSE,
    Classification.COMPLICATION,
)


def visit(**kw: object) -> VisitInput:
    base: dict[str, object] = dict(
        visit_date=date(2026, 11, 20),
        sbp=128,
        dbp=78,
        symptoms=["无症状"],
        fasting_glucose=6.0,
        next_date=date(2027, 2, 18),
    )
    base.update(kw)
    return VisitInput(**base)  # type: ignore[arg-type]


def is_emergency(kind: PlanKind, targets: ControlTargets | None = None, **kw: object) -> bool:
    return bool(emergency_reasons(kind, visit(**kw), targets))


# -- emergencies: the lists --------------------------------------------------------------


def test_htn_emergency_list_is_the_standards_complete_list() -> None:
    """规范：“意识改变、剧烈头痛或头晕、恶心呕吐、视力模糊、眼痛、心悸、胸闷、喘憋不能平卧……
    须在处理后紧急转诊。” Every item is its own checkbox on the form."""
    assert HTN_EMERGENCY_LIST == [
        "意识改变",
        "剧烈头痛或头晕",
        "恶心呕吐",
        "视力模糊",
        "眼痛",
        "心悸",
        "胸闷",
        "喘憋不能平卧",
    ]
    assert emergency_symptoms(HTN) == HTN_EMERGENCY_LIST


def test_dm_emergency_list_is_the_standards_complete_list() -> None:
    """规范：“意识或行为改变、呼气有烂苹果样丙酮味、心悸、出汗、食欲减退、恶心、呕吐、多饮、
    多尿、腹痛、有深大呼吸、皮肤潮红……或有其他的突发异常情况（如视力突然骤降……）”。"""
    assert DM_EMERGENCY_LIST == [
        "意识或行为改变",
        "呼气有烂苹果样丙酮味",
        "心悸",
        "出汗",
        "食欲减退",
        "恶心",
        "呕吐",
        "多饮",
        "多尿",
        "腹痛",
        "有深大呼吸",
        "皮肤潮红",
        "视力突然骤降",
    ]
    assert emergency_symptoms(DM) == DM_EMERGENCY_LIST
    assert emergency_symptoms(PlanKind.REHAB) == []


@pytest.mark.parametrize(
    ("kind", "item"),
    [(HTN, i) for i in HTN_EMERGENCY_LIST] + [(DM, i) for i in DM_EMERGENCY_LIST],
)
def test_each_ticked_item_is_an_emergency_named_in_the_reasons(kind: PlanKind, item: str) -> None:
    """规范（高血压）：“……等危急情况之一……须在处理后紧急转诊”；（糖尿病）：“……危险情况之一……
    须在处理后紧急转诊”。 Any one item is enough."""
    reasons = emergency_reasons(kind, visit(emergency_signs=[item]))
    assert item in reasons


@pytest.mark.parametrize("kind", [HTN, DM])
@pytest.mark.parametrize(("text", "emergency"), [("肝硬化腹水，本院无法处理", True), ("  ", False)])
def test_another_illness_the_centre_cannot_handle(
    kind: PlanKind, text: str, emergency: bool
) -> None:
    """规范（两病）：“……或存在不能处理的其他疾病时，须在处理后紧急转诊。”"""
    reasons = emergency_reasons(kind, visit(other_illness=text))
    assert bool(reasons) is emergency
    if emergency:
        assert reasons == [f"存在不能处理的其他疾病：{text}"]


# -- emergencies: thresholds -------------------------------------------------------------


@pytest.mark.parametrize("kind", [HTN, DM])
@pytest.mark.parametrize(
    ("sbp", "dbp", "emergency"),
    [(179, 109, False), (180, 100, True), (170, 110, True), (180, 110, True)],
)
def test_blood_pressure_180_110(kind: PlanKind, sbp: int, dbp: int, emergency: bool) -> None:
    """规范：“收缩压≥180mmHg和（或）舒张压≥110mmHg”（高血压、糖尿病两表相同）。"""
    assert is_emergency(kind, sbp=sbp, dbp=dbp) is emergency


@pytest.mark.parametrize(
    ("glucose", "emergency"), [(16.6, False), (16.7, True), (25.0, True), (4.0, False), (3.9, True)]
)
def test_glucose_16_7_and_3_9(glucose: float, emergency: bool) -> None:
    """规范：“血糖≥16.7mmol/L或血糖≤3.9mmol/L”。"""
    assert is_emergency(DM, fasting_glucose=glucose) is emergency


@pytest.mark.parametrize(("rate", "emergency"), [(100, False), (101, True)])
def test_persistent_tachycardia_over_100(rate: int, emergency: bool) -> None:
    """规范：“持续性心动过速（心率超过100次/分钟）”。"""
    assert is_emergency(DM, heart_rate=rate) is emergency


@pytest.mark.parametrize(("temp", "emergency"), [(39.0, False), (39.1, True)])
def test_temperature_over_39(temp: float, emergency: bool) -> None:
    """规范：“体温超过39摄氏度”。"""
    assert is_emergency(DM, temperature=temp) is emergency


def test_other_sudden_abnormality_is_a_dm_emergency() -> None:
    """规范：“……或有其他的突发异常情况（如视力突然骤降……）”。"""
    assert emergency_reasons(DM, visit(other_abnormal="突发一侧肢体无力")) == [
        "其他突发异常：突发一侧肢体无力"
    ]


@pytest.mark.parametrize(
    ("pregnant", "sbp", "dbp", "emergency"),
    [
        (True, 139, 89, False),
        (True, 140, 80, True),
        (True, 130, 90, True),
        (True, 130, 95, True),  # diastolic alone (the reviewer's case)
        (False, 130, 95, False),
        (False, 150, 80, False),
    ],
)
def test_htn_pregnancy_or_lactation_with_bp_above_normal(
    pregnant: bool, sbp: int, dbp: int, emergency: bool
) -> None:
    """规范：“……处于妊娠期或哺乳期同时血压高于正常等危急情况之一……须在处理后紧急转诊”；
    血压高于正常 = 收缩压≥140 或 舒张压≥90。"""
    assert is_emergency(HTN, pregnant_or_lactating=pregnant, sbp=sbp, dbp=dbp) is emergency


@pytest.mark.parametrize(
    ("pregnant", "glucose", "cutoff", "emergency"),
    [
        (True, 5.0, None, False),
        (True, 5.1, None, True),
        (True, 6.5, None, True),  # fired only from 7.0 before
        (False, 6.5, None, False),
        (True, 5.2, 5.3, False),  # a province's own cut-off
        (True, 5.3, 5.3, True),
    ],
)
def test_dm_pregnancy_or_lactation_with_glucose_above_normal(
    pregnant: bool, glucose: float, cutoff: float | None, emergency: bool
) -> None:
    """规范：“……妊娠期及哺乳期血糖高于正常值等危险情况之一……须在处理后紧急转诊”；空腹 ≥5.1
    mmol/L 为妊娠期的通常界值（可在设置中修改）。"""
    targets = ControlTargets(pregnancy_fpg=cutoff) if cutoff else None
    kw = {"pregnant_or_lactating": pregnant, "fasting_glucose": glucose}
    assert is_emergency(DM, targets, **kw) is emergency


# -- emergencies: what the doctor ticked or typed ----------------------------------------


@pytest.mark.parametrize(
    ("kind", "changes", "expected"),
    [
        (HTN, {"other_symptom": "心悸"}, ["心悸"]),
        (HTN, {"symptoms": ["心悸胸闷"]}, ["心悸", "胸闷"]),  # the form's merged label
        (HTN, {"other_symptom": "剧烈头痛"}, ["剧烈头痛或头晕"]),
        (HTN, {"other_symptom": "剧烈头晕伴恶心"}, ["剧烈头痛或头晕", "恶心呕吐"]),
        (HTN, {"symptoms": ["头痛头晕"]}, []),  # ordinary headache is no emergency
        (HTN, {"symptoms": ["恶心呕吐"]}, ["恶心呕吐"]),
        (HTN, {"other_symptom": "无心悸"}, []),
        (HTN, {"other_symptom": "头晕，无恶心呕吐"}, []),
        (HTN, {"other_symptom": "夜间喘憋，不能平卧"}, ["喘憋不能平卧"]),
        (DM, {"symptoms": ["多饮", "多尿"]}, ["多饮", "多尿"]),
        (DM, {"other_symptom": "心悸、大汗"}, ["心悸", "出汗"]),
        (DM, {"other_symptom": "呼气有烂苹果味"}, ["呼气有烂苹果样丙酮味"]),
        (DM, {"other_symptom": "纳差、腹痛"}, ["食欲减退", "腹痛"]),
        (DM, {"other_signs": "面部皮肤潮红"}, ["皮肤潮红"]),
        (DM, {"symptoms": ["视力模糊"]}, []),  # 视力模糊 is a DM form symptom, not 骤降
        (DM, {"other_symptom": "胸闷"}, []),  # a hypertension item only
    ],
)
def test_free_text_and_merged_labels_match_the_items(
    kind: PlanKind, changes: dict, expected: list[str]
) -> None:
    """规范（高血压）：“……剧烈头痛或头晕、恶心呕吐、视力模糊、眼痛、心悸、胸闷……”；（糖尿病）：
    “……心悸、出汗、食欲减退、恶心、呕吐、多饮、多尿、腹痛……皮肤潮红”。 A finding counts
    however the doctor recorded it."""
    assert emergency_reasons(kind, visit(**changes)) == expected


# -- control ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "sbp", "dbp", "expected"),
    [
        (64, 139, 89, S),
        (64, 140, 80, U),
        (64, 130, 90, U),
        (64, 145, 85, U),
        (65, 145, 85, S),
        (70, 145, 85, S),  # the reviewer's 70-year-old
        (70, 149, 89, S),
        (70, 150, 85, U),
        (70, 140, 90, U),
        (None, 145, 85, U),  # age unknown: the general target
    ],
)
def test_htn_control_target_by_age(age: int | None, sbp: int, dbp: int, expected: object) -> None:
    """规范：“血压控制满意（一般高血压患者血压降至140/90mmHg以下；≥65岁老年高血压患者的血压降至
    150/90mmHg以下……）”。"""
    assert suggest_classification(HTN, visit(age=age, sbp=sbp, dbp=dbp)) is expected


@pytest.mark.parametrize(
    ("targets", "age", "sbp", "expected"),
    [
        (ControlTargets(elderly_age=60), 62, 145, S),
        (ControlTargets(elderly_age=60), 59, 145, U),
        (ControlTargets(elderly_sbp=145), 70, 145, U),
        (ControlTargets(htn_sbp=130), 50, 132, U),
    ],
)
def test_htn_targets_and_age_are_configurable(
    targets: ControlTargets, age: int, sbp: int, expected: object
) -> None:
    """规范：“≥65岁老年高血压患者的血压降至150/90mmHg以下，如果能耐受，可进一步降至140/90mmHg
    以下”（年龄与两个目标可按本省要求设置）。"""
    v = visit(age=age, sbp=sbp, dbp=80)
    assert suggest_classification(HTN, v, targets) is expected


@pytest.mark.parametrize(
    ("glucose", "sbp", "dbp", "expected"),
    [
        (6.9, 128, 78, S),
        (7.0, 128, 78, U),
        (6.1, 145, 85, S),  # the reviewer's case: BP never decides a DM visit
        (6.1, 185, 112, S),  # an emergency all the same (see the BP test), not a class
        (8.0, 118, 70, U),
        (4.0, 128, 78, S),
        (3.9, 128, 78, U),  # hypoglycaemia is never 控制满意
        (None, 128, 78, U),
    ],
)
def test_dm_control_by_fasting_glucose_only(
    glucose: float | None, sbp: int, dbp: int, expected: object
) -> None:
    """规范：“对血糖控制满意（空腹血糖值<7.0mmol/L），无药物不良反应、无新发并发症或原有并发症无
    加重的患者，预约下一次随访”；“第一次出现空腹血糖控制不满意（空腹血糖值≥7.0mmol/L）……”。"""
    v = visit(fasting_glucose=glucose, sbp=sbp, dbp=dbp)
    assert suggest_classification(DM, v) is expected


def test_dm_glucose_target_is_configurable() -> None:
    """规范：“空腹血糖值<7.0mmol/L” (a province may set a stricter one)."""
    assert suggest_classification(DM, visit(fasting_glucose=6.8), ControlTargets(dm_fpg=6.5)) is U


@pytest.mark.parametrize(
    ("kind", "changes", "expected"),
    [
        (DM, {"hypoglycemia": "3"}, A),  # 频繁低血糖 is an adverse reaction
        (DM, {"hypoglycemia": "2"}, S),
        (DM, {"hypoglycemia": "3", "fasting_glucose": 3.5}, A),
        (HTN, {"adverse_reaction": "干咳"}, A),
        (HTN, {"adverse_uncontrolled": True}, A),
        (HTN, {"sbp": 160, "adverse_reaction": "干咳"}, A),  # the most severe wins
        (DM, {"new_complication": "糖尿病足"}, C),
        (DM, {"new_complication": "糖尿病足", "hypoglycemia": "3"}, C),
    ],
)
def test_control_needs_no_adverse_reaction_and_no_complication(
    kind: PlanKind, changes: dict, expected: object
) -> None:
    """规范：“……控制满意……无药物不良反应、无新发并发症或原有并发症无加重的患者……”；
    频繁低血糖为药物不良反应，不能评为控制满意。"""
    assert suggest_classification(kind, visit(**changes)) is expected


# -- the next step ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "current", "changes", "reasons"),
    [
        ([], U, {}, []),
        ([S], U, {}, []),
        ([S, U], U, {}, ["连续两次随访控制不满意"]),
        ([U, S], U, {}, []),
        ([U], A, {}, []),
        ([], A, {"adverse_reaction": "干咳"}, []),  # first reaction: change the drugs
        ([], A, {"adverse_uncontrolled": True}, ["药物不良反应难以控制"]),
        ([], A, {"adverse_reaction": "皮疹，停药后仍难以控制"}, ["药物不良反应难以控制"]),
        ([], C, {}, ["出现新的并发症或原有并发症加重"]),
    ],
)
def test_when_to_refer_up(
    previous: list[Classification], current: Classification, changes: dict, reasons: list[str]
) -> None:
    """规范：“对连续两次出现血压（空腹血糖）控制不满意或药物不良反应难以控制以及出现新的并发症或
    原有并发症加重的患者，建议其转诊到上级医院，2周内主动随访转诊情况。”"""
    v = visit(**changes)
    assert referral_reasons(previous, current, v) == reasons
    assert referral_advised(previous, current, v) is bool(reasons)


@pytest.mark.parametrize(
    ("cls", "refer", "days"),
    [(S, False, 90), (U, False, 14), (A, False, 14), (C, True, 14), (U, True, 14)],
)
def test_next_visit_intervals(cls: Classification, refer: bool, days: int) -> None:
    """规范：控制满意者“预约下一次随访”（约3个月）；“第一次出现……控制不满意……或出现药物不良
    反应的患者……2周内随访”；转诊者“2周内主动随访转诊情况”。"""
    start = date(2026, 11, 20)
    assert (next_due(start, cls, Intervals(), refer) - start).days == days


def test_intervals_follow_the_province() -> None:
    """The same sentence; the days are the province's (settings)."""
    province = Intervals(satisfied=60, unsatisfied=10, after_emergency_referral=7)
    start = date(2026, 1, 1)
    assert (next_due(start, S, province) - start).days == 60
    assert (next_due(start, U, province) - start).days == 10
    assert (next_due(start, U, province, True) - start).days == 7


# -- the form ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"hba1c": 7.2, "hba1c_date": date(2026, 11, 1)}, None),
        ({"hba1c": 7.2, "hba1c_date": date(2026, 11, 20)}, None),
        ({"hba1c": 7.2}, "请填写糖化血红蛋白的检查日期"),
        ({"hba1c": 7.2, "hba1c_date": date(2026, 11, 21)}, "不能晚于随访日期"),
    ],
)
def test_hba1c_has_its_test_date(changes: dict, error: str | None) -> None:
    """规范（糖尿病随访服务记录表，辅助检查）：“糖化血红蛋白 ____% 检查日期：____月____日”。"""
    v = visit(**changes)
    if error is None:
        validate_visit(DM, v, date(2026, 1, 1), date(2026, 11, 22))
        return
    with pytest.raises(ValidationError) as err:
        validate_visit(DM, v, date(2026, 1, 1), date(2026, 11, 22))
    assert error in {e.field: e.message for e in err.value.errors}["hba1c_date"]


def test_classification_does_not_change_the_visit_it_reads() -> None:
    """The rules are pure: classifying twice gives the same answer."""
    v = visit(age=70, sbp=145, dbp=85)
    before = replace(v)
    assert suggest_classification(HTN, v) is suggest_classification(HTN, v) is S
    assert v == before
