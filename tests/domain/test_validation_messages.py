"""Bad input, as the user reads it: every wrong field named with its own Chinese message and
stable code, all at once, in form order. Each table is the complete list for its input, so a
message that goes missing, names the wrong field, or appears where it should not, fails."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import followup as F
from app.domain import patient as P
from app.domain import referral as R
from app.domain.errors import ValidationError

TODAY = date(2026, 11, 30)


def errors(fn, *args) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as e:
        fn(*args)
    return [(x.field, x.code, x.message) for x in e.value.errors]


def test_a_blank_resident() -> None:
    assert errors(P.validate, P.PatientInput(), TODAY) == [
        ("name", "required", "姓名不能为空"),
        ("sex", "required", "请选择性别"),
        ("birth_date", "required", "出生日期不能为空"),
    ]


def test_a_resident_with_every_field_too_long_or_wrong() -> None:
    data = P.PatientInput(
        name="张" * 51,
        sex="9",
        birth_date=date(2027, 1, 1),
        phone="123",
        payment_type="99",
        record_number="1" * 41,
        village="村" * 201,
        address="址" * 201,
        allergies="a" * 4001,
        notes="n" * 4001,
    )
    assert errors(P.validate, data, TODAY) == [
        ("name", "too_long", "姓名不能超过50个字"),
        ("birth_date", "future", "出生日期不能晚于今天"),
        ("phone", "phone_format", "联系电话格式不正确（手机11位，座机如0551-1234567）"),
        ("record_number", "too_long", "健康档案编号不能超过40位"),
        ("village", "too_long", "村/社区不能超过200个字"),
        ("address", "too_long", "住址不能超过200个字"),
        ("allergies", "too_long", "过敏史不能超过2000个字"),
        ("notes", "too_long", "备注不能超过2000个字"),
    ]


def test_a_resident_whose_id_number_disagrees_or_is_too_old() -> None:
    data = P.PatientInput(
        name="张三", sex="1", id_number="11010519491231002X", birth_date=date(1950, 1, 1)
    )
    assert errors(P.validate, data, TODAY) == [
        ("birth_date", "id_mismatch", "出生日期与身份证号码不符（证件为1949-12-31）"),
        ("sex", "id_mismatch", "性别与身份证号码不符（证件为女）"),
    ]
    old = P.PatientInput(name="张三", sex="1", birth_date=date(1850, 1, 1))
    assert errors(P.validate, old, TODAY) == [
        ("birth_date", "too_old", "出生日期早于1880年，请核对")
    ]
    bad_id = P.PatientInput(name="张三", id_number="110105194912310021")
    assert errors(P.validate, bad_id, TODAY) == [  # nothing derived from a bad number
        ("id_number", "id_checksum", "身份证号码校验位错误，请核对每一位数字"),
        ("sex", "required", "请选择性别"),
        ("birth_date", "required", "出生日期不能为空"),
    ]


def test_a_blank_upward_slip() -> None:
    assert errors(R.validate, R.ReferralInput(), TODAY) == [
        ("patient_id", "required", "请选择患者"),
        ("referring_doctor", "required", "请填写转诊医生"),
        ("to_institution", "required", "请填写接诊机构"),
        ("to_department", "required", "请填写接诊科室"),
        ("impression", "required", "请填写初步印象"),
        ("present_illness", "required", "请填写主要现病史(转出原因)"),
        ("past_history", "required", "请填写主要既往史"),
        ("treatment", "required", "请填写治疗经过"),
        ("referring_phone", "required", "请填写联系电话"),
        ("indications", "required", "请至少选择一项转诊指征"),
    ]


def test_a_blank_downward_slip() -> None:
    assert errors(R.validate, R.ReferralInput(direction=R.Direction.DOWN), TODAY) == [
        ("patient_id", "required", "请选择患者"),
        ("referring_doctor", "required", "请填写转诊医生"),
        ("from_institution", "required", "请填写转出机构（县级医院）"),
        ("diagnosis", "required", "请填写诊断结果"),
        ("exam_results", "required", "请填写主要检查结果"),
        ("treatment_plan", "required", "请填写治疗经过、下一步治疗方案及康复建议"),
        ("indications", "required", "请至少选择一项转诊指征"),
    ]


def test_a_downward_slip_with_wrong_values() -> None:
    data = R.ReferralInput(
        direction=R.Direction.DOWN,
        patient_id="p",
        referring_doctor="张主任",
        from_institution="来安县人民医院",
        diagnosis="x",
        exam_results="x",
        treatment_plan="x",
        patient_type="住院",
        indications=["不存在的指征"],
        followup_date=date(2026, 1, 1),
        referred_on=date(2026, 12, 5),
        purpose="x" * 4001,
    )
    assert errors(R.validate, data, TODAY) == [
        ("inpatient_no", "required", "请填写住院病案号"),
        ("followup_date", "before", "预约随访时间不能早于转诊日期"),
        ("indications", "unknown", "转诊指征不在列表中"),
        ("referred_on", "future", "转诊日期不能晚于今天"),
        ("purpose", "too_long", "内容过长（最多4000字）"),
    ]


def test_other_indication_needs_its_description() -> None:
    data = R.ReferralInput(
        patient_id="p",
        referring_doctor="d",
        to_institution="x",
        to_department="x",
        impression="x",
        present_illness="x",
        past_history="x",
        treatment="x",
        referring_phone="1",
        indications=[R.OTHER],
    )
    assert errors(R.validate, data, TODAY) == [
        ("indication_other", "required", "选择“其他”时请注明具体情形")
    ]
    data.indication_other = "需要康复治疗"
    R.validate(data, TODAY)


def test_a_blank_hypertension_visit() -> None:
    v = F.VisitInput(method="")
    assert errors(F.validate_visit, F.PlanKind.HYPERTENSION, v, date(2026, 1, 1), TODAY) == [
        ("visit_date", "required", "请填写随访日期"),
        ("method", "required", "请选择随访方式"),
        ("sbp", "required", "请填写血压"),
        ("symptoms", "required", "请选择症状（无症状也请勾选）"),
        ("next_date", "required", "请填写下次随访日期"),
    ]


def test_a_diabetes_visit_with_impossible_values() -> None:
    v = F.VisitInput(
        visit_date=date(2026, 10, 1),
        method="9",
        sbp=400,
        dbp=500,
        next_date=date(2026, 9, 1),
        classification_override="9",
        medications=[
            F.Medication(drug="", times_per_day=1, dose=""),
            F.Medication(drug="二甲双胍", times_per_day=13, dose=""),
        ],
    )
    assert errors(F.validate_visit, F.PlanKind.DIABETES, v, date(2026, 11, 1), TODAY) == [
        ("visit_date", "before_plan", "随访日期不能早于随访计划开始日期（2026-11-01）"),
        ("next_date", "before_visit", "下次随访日期必须晚于本次随访日期"),
        ("method", "required", "请选择随访方式"),
        ("sbp", "impossible", "收缩压 400 不可能，请核对"),
        ("dbp", "impossible", "舒张压 500 不可能，请核对"),
        ("dbp", "above_sbp", "舒张压必须低于收缩压"),
        ("symptoms", "required", "请选择症状（无症状也请勾选）"),
        ("fasting_glucose", "required", "请填写空腹血糖"),
        ("classification", "unknown", "随访分类不正确"),
        ("medications", "drug", "第1种药物缺少药名"),
        ("medications", "times", "二甲双胍每日次数不正确"),
    ]


def test_a_rehab_check_in_the_future_with_an_unknown_outcome() -> None:
    v = F.VisitInput(visit_date=date(2026, 12, 1), outcome="??")
    assert errors(F.validate_visit, F.PlanKind.REHAB, v, date(2026, 1, 1), TODAY) == [
        ("visit_date", "future", "随访日期不能晚于今天"),
        ("outcome", "unknown", "转归不正确"),
    ]


def test_warnings_and_emergency_reasons_name_the_value() -> None:
    high = F.VisitInput(
        visit_date=date(2026, 11, 1),
        sbp=190,
        dbp=115,
        symptoms=["无症状"],
        next_date=date(2026, 12, 1),
        fasting_glucose=17.2,
    )
    assert F.validate_visit(F.PlanKind.DIABETES, high, date(2026, 1, 1), TODAY) == [
        "收缩压 190 mmHg ≥ 180",
        "舒张压 115 mmHg ≥ 110",
        "血糖 17.2 mmol/L ≥ 16.7",
    ]
    low = F.VisitInput(
        sbp=150,
        dbp=95,
        fasting_glucose=3.2,
        heart_rate=120,
        temperature=39.5,
        pregnant_or_lactating=True,
    )
    assert F.emergency_reasons(F.PlanKind.DIABETES, low) == [
        "血糖 3.2 mmol/L ≤ 3.9",
        "持续性心动过速（心率 120 次/分 > 100）",
        "体温 39.5℃ > 39℃",
    ]
    assert F.emergency_reasons(F.PlanKind.HYPERTENSION, low) == [
        "妊娠期或哺乳期血压高于正常（150/95 mmHg）"
    ]
    pregnant_dm = F.VisitInput(fasting_glucose=7.0, pregnant_or_lactating=True)
    assert F.emergency_reasons(F.PlanKind.DIABETES, pregnant_dm) == [
        "妊娠期或哺乳期血糖高于正常（空腹 7 mmol/L ≥ 5.1）"
    ]
    assert F.emergency_reasons(F.PlanKind.REHAB, low) == []
    assert F.emergency_symptoms(F.PlanKind.REHAB) == []


def test_a_training_activity_blank_then_wrong() -> None:
    from datetime import time

    from app.domain import training as T

    assert errors(T.validate_activity, T.ActivityInput(activity_type="?")) == [
        ("topic", "required", "请填写主题/内容"),
        ("activity_type", "unknown", "请选择活动类型"),
        ("day", "required", "请填写日期"),
        ("end", "required", "请填写起止时间"),
    ]
    day = date(2026, 11, 20)
    backwards = T.ActivityInput(topic="高血压规范管理", day=day, start=time(10), end=time(9))
    assert errors(T.validate_activity, backwards) == [
        ("end", "before_start", "结束时间必须晚于开始时间")
    ]
    wrong = T.ActivityInput(
        topic="高血压规范管理",
        day=day,
        start=time(9),
        end=time(10),
        hours=-1,
        credit_class="?",
        credits=-1,
    )
    assert errors(T.validate_activity, wrong) == [
        ("hours", "mismatch", "学时与起止时间不符（09:00–10:00 约 1 小时）"),
        ("credit_class", "unknown", "学分类别应为 I类、II类 或 无"),
        ("credits", "negative", "学分不能为负数"),
    ]
    no_class = T.ActivityInput(
        topic="高血压规范管理", day=day, start=time(9), end=time(10), hours=1, credits=1
    )
    assert errors(T.validate_activity, no_class) == [
        ("credits", "no_class", "学分类别为“无”时学分应为 0")
    ]
    assert errors(T.validate_counts, {"lectures": -1, "x": -2, "operations": 0}) == [
        ("lectures", "negative", "讲座场次不能为负数"),
        ("x", "negative", "x不能为负数"),
    ]


def test_plans_and_their_end() -> None:
    assert errors(F.validate_plan, date(2026, 12, 1), date(2026, 11, 1), TODAY) == [
        ("start_date", "future", "开始日期不能晚于今天"),
        ("first_due", "before_start", "首次随访日期不能早于开始日期"),
    ]
    assert errors(F.validate_end, F.PlanStatus.LOST, "  ") == [
        ("note", "required", "请填写失访原因")
    ]
    assert errors(F.validate_end, F.PlanStatus.DEAD, "") == [
        ("note", "required", "请填写死亡日期和原因")
    ]
    F.validate_end(F.PlanStatus.LOST, "外出务工")
    F.validate_end(F.PlanStatus.ENDED, "")


def test_id_number_errors_carry_code_and_message() -> None:
    from app.domain import idcard

    for raw, code, message in (
        ("12345678901234X", "id_format", "15位身份证号码必须全为数字"),
        ("110105194902300028", "id_date", "身份证号码中的出生日期不是真实日期"),
    ):
        with pytest.raises(idcard.IdCardError) as e:
            if len(raw) == 15:
                idcard.upgrade_15(raw)
            else:
                idcard.parse(raw, TODAY)
        assert (e.value.code, e.value.message, str(e.value)) == (code, message, message)
    info = idcard.parse("341122200002290013", TODAY)
    assert (info.area_code, info.birth_date, info.sex) == ("341122", date(2000, 2, 29), "1")
    with pytest.raises(ValueError):
        idcard.check_char("1234")  # 17 digits or nothing
