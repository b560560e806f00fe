"""Follow-up rules (the national standard's rules for reminders and validation) as table tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.errors import ValidationError
from app.domain.followup import (
    Classification,
    Intervals,
    PlanKind,
    PlanStatus,
    VisitInput,
    bmi,
    emergency_reasons,
    emergency_symptoms,
    face_to_face,
    next_due,
    referral_advised,
    suggest_classification,
    validate_end,
    validate_plan,
    validate_visit,
)

TODAY = date(2026, 11, 22)
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
        sbp=132,
        dbp=84,
        symptoms=["无症状"],
        next_date=date(2027, 2, 18),
    )
    base.update(kw)
    return VisitInput(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "changes", "expected"),
    [
        (HTN, {}, S),
        (HTN, {"sbp": 140}, U),
        (HTN, {"dbp": 90}, U),
        (HTN, {"sbp": 139, "dbp": 89}, S),
        (HTN, {"adverse_reaction": "干咳"}, A),
        (HTN, {"sbp": 160, "adverse_reaction": "干咳"}, A),  # most severe wins
        (HTN, {"adverse_reaction": "干咳", "new_complication": "脑卒中"}, C),
        (DM, {"fasting_glucose": 6.9}, S),
        (DM, {"fasting_glucose": 7.0}, U),
        # 规范："空腹血糖值<7.0mmol/L" decides a diabetes visit; BP does not.
        (DM, {"fasting_glucose": 6.1, "sbp": 145, "dbp": 85}, S),
        (DM, {"fasting_glucose": 6.1, "sbp": 170, "dbp": 100}, S),
    ],
)
def test_classification(kind: PlanKind, changes: dict, expected: Classification) -> None:
    assert suggest_classification(kind, visit(**changes)) is expected


@pytest.mark.parametrize(
    ("kind", "changes", "emergency"),
    [
        (HTN, {"sbp": 179, "dbp": 109}, False),
        (HTN, {"sbp": 180}, True),
        (HTN, {"dbp": 110}, True),
        (HTN, {"symptoms": ["心悸胸闷"]}, True),
        (HTN, {"other_symptom": "喘憋不能平卧"}, True),
        (HTN, {"pregnant_or_lactating": True, "sbp": 142}, True),
        (DM, {"fasting_glucose": 16.7}, True),
        (DM, {"fasting_glucose": 16.6}, False),
        (DM, {"fasting_glucose": 3.9}, True),
        (DM, {"fasting_glucose": 4.0}, False),
        (DM, {"fasting_glucose": 6.0, "heart_rate": 101}, True),
        (DM, {"fasting_glucose": 6.0, "temperature": 39.5}, True),
        (DM, {"fasting_glucose": 6.0, "other_symptom": "呼气有烂苹果味"}, True),
        (PlanKind.REHAB, {"sbp": 200}, False),  # rehab checks have no such thresholds
    ],
)
def test_emergency_thresholds(kind: PlanKind, changes: dict, emergency: bool) -> None:
    assert bool(emergency_reasons(kind, visit(**changes))) is emergency


@pytest.mark.parametrize(
    ("cls", "emergency", "days"),
    [(S, False, 90), (U, False, 14), (A, False, 14), (C, False, 14), (S, True, 14)],
)
def test_next_due_date(cls: Classification, emergency: bool, days: int) -> None:
    start = date(2026, 11, 20)
    assert (next_due(start, cls, Intervals(), emergency) - start).days == days


def test_intervals_are_configurable_per_province() -> None:
    province = Intervals(satisfied=60, unsatisfied=10)
    assert (next_due(date(2026, 1, 1), S, province) - date(2026, 1, 1)).days == 60


@pytest.mark.parametrize(
    ("previous", "current", "advised"),
    [
        ([], U, False),
        ([S], U, False),
        ([S, U], U, True),
        ([U, S], U, False),
        ([U], S, False),
        ([], C, True),
    ],
)
def test_two_consecutive_unsatisfied_advise_referral(
    previous: list[Classification], current: Classification, advised: bool
) -> None:
    assert referral_advised(previous, current) is advised


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"sbp": 120, "dbp": 130}, "dbp", "舒张压必须低于收缩压"),
        ({"sbp": 400}, "sbp", "不可能"),
        ({"weight": 0.0}, "weight", "体重 0 不可能"),
        ({"visit_date": date(2026, 11, 23)}, "visit_date", "晚于今天"),
        ({"visit_date": date(2025, 12, 31)}, "visit_date", "早于随访计划开始"),
        ({"next_date": date(2026, 11, 19)}, "next_date", "晚于本次随访"),
        ({"symptoms": []}, "symptoms", "症状"),
        ({"sbp": None}, "sbp", "血压"),
    ],
)
def test_impossible_input_is_refused_with_the_field_named(
    changes: dict, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as err:
        validate_visit(HTN, visit(**changes), date(2026, 1, 1), TODAY)
    messages = {e.field: e.message for e in err.value.errors}
    assert words in messages[field]


def test_unusual_but_possible_values_pass_with_a_warning() -> None:
    warnings = validate_visit(HTN, visit(sbp=185, dbp=100), date(2026, 1, 1), TODAY)
    assert warnings == ["收缩压 185 mmHg ≥ 180"]


def test_diabetes_needs_fasting_glucose() -> None:
    with pytest.raises(ValidationError, match="空腹血糖"):
        validate_visit(DM, visit(), date(2026, 1, 1), TODAY)


def test_bmi_and_face_to_face() -> None:
    assert bmi(70, 170) == 24.2
    assert bmi(None, 170) is None
    assert face_to_face(["1", "2", "3", "1"]) == 3  # 电话 does not count


@pytest.mark.parametrize(
    ("kind", "symptom", "emergency"),
    [
        (PlanKind.DIABETES, "胸闷", False),  # a hypertension emergency, not a diabetes one
        (PlanKind.DIABETES, "有深大呼吸", True),
        (PlanKind.HYPERTENSION, "有深大呼吸", False),
        (PlanKind.HYPERTENSION, "眼痛", True),
        (PlanKind.DIABETES, "眼痛", False),
    ],
)
def test_each_disease_has_its_own_emergency_symptoms(
    kind: PlanKind, symptom: str, emergency: bool
) -> None:
    v = visit(emergency_signs=[symptom], fasting_glucose=6.0)
    assert bool(emergency_reasons(kind, v)) is emergency
    assert (symptom in emergency_symptoms(kind)) is emergency


def test_plan_and_end_rules() -> None:
    today = date(2026, 11, 20)
    validate_plan(today, today, today)
    with pytest.raises(ValidationError) as e:
        validate_plan(today + timedelta(days=1), today, today)
    assert e.value.fields() == {"start_date", "first_due"}
    validate_end(PlanStatus.ENDED, "")
    for status in (PlanStatus.LOST, PlanStatus.DEAD):
        with pytest.raises(ValidationError):
            validate_end(status, "  ")
