"""Each threshold on both sides of its line: the value on the line and one step past it.

The emergency criteria (refer at once) and the plausibility limits are where an off-by-one
would harm: a patient not flagged at 180 mmHg, or a real value refused as impossible."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import followup as F
from app.domain import patient as P
from app.domain.errors import ValidationError

TODAY = date(2026, 11, 30)
START = date(2026, 1, 1)


def visit(**kw: object) -> F.VisitInput:
    base: dict[str, object] = dict(
        visit_date=date(2026, 11, 1),
        sbp=130,
        dbp=80,
        symptoms=["无症状"],
        next_date=date(2026, 12, 1),
        fasting_glucose=6.0,
    )
    base.update(kw)
    return F.VisitInput(**base)  # type: ignore[arg-type]


def fields_refused(kind: F.PlanKind, v: F.VisitInput, start: date = START) -> set[str]:
    try:
        F.validate_visit(kind, v, start, TODAY)
    except ValidationError as e:
        return e.fields()
    return set()


@pytest.mark.parametrize(
    ("kw", "kind", "flagged"),
    [
        ({"sbp": 179}, F.PlanKind.HYPERTENSION, False),
        ({"sbp": 180}, F.PlanKind.HYPERTENSION, True),
        ({"dbp": 109}, F.PlanKind.HYPERTENSION, False),
        ({"dbp": 110, "sbp": 170}, F.PlanKind.HYPERTENSION, True),
        ({"fasting_glucose": 16.6}, F.PlanKind.DIABETES, False),
        ({"fasting_glucose": 16.7}, F.PlanKind.DIABETES, True),
        ({"fasting_glucose": 4.0}, F.PlanKind.DIABETES, False),
        ({"fasting_glucose": 3.9}, F.PlanKind.DIABETES, True),
        ({"fasting_glucose": 20.0}, F.PlanKind.HYPERTENSION, False),  # not its form
        ({"heart_rate": 100}, F.PlanKind.DIABETES, False),
        ({"heart_rate": 101}, F.PlanKind.DIABETES, True),
        ({"temperature": 39.0}, F.PlanKind.DIABETES, False),
        ({"temperature": 39.1}, F.PlanKind.DIABETES, True),
        ({"pregnant_or_lactating": True, "sbp": 139}, F.PlanKind.HYPERTENSION, False),
        ({"pregnant_or_lactating": True, "sbp": 140}, F.PlanKind.HYPERTENSION, True),
        # pregnancy or lactation with glucose above normal: fasting >= 5.1 (configurable)
        ({"pregnant_or_lactating": True, "fasting_glucose": 5.0}, F.PlanKind.DIABETES, False),
        ({"pregnant_or_lactating": True, "fasting_glucose": 5.1}, F.PlanKind.DIABETES, True),
        ({"pregnant_or_lactating": True, "dbp": 90}, F.PlanKind.HYPERTENSION, True),
        ({"pregnant_or_lactating": True, "dbp": 89}, F.PlanKind.HYPERTENSION, False),
        ({"other_symptom": " "}, F.PlanKind.HYPERTENSION, False),
    ],
)
def test_emergency_thresholds(kw: dict[str, object], kind: F.PlanKind, flagged: bool) -> None:
    assert bool(F.emergency_reasons(kind, visit(**kw))) is flagged


@pytest.mark.parametrize(("key", "lo", "hi"), [(k, v[0], v[1]) for k, v in F.LIMITS.items()])
def test_plausibility_limits_include_their_ends(key: str, lo: float, hi: float) -> None:
    kind = F.PlanKind.DIABETES
    extra = {"sbp": 300, "dbp": 200} if key == "dbp" else {}
    if key == "sbp":
        extra = {"dbp": 20}
    for ok in (lo, hi):
        assert key not in fields_refused(kind, visit(**{**extra, key: ok}))
    step = 1 if isinstance(lo, int) else 0.1
    for bad in (lo - step, hi + step):
        assert key in fields_refused(kind, visit(**{**extra, key: bad}))


def test_visit_dates_on_their_limits() -> None:
    kind = F.PlanKind.HYPERTENSION
    assert fields_refused(kind, visit(visit_date=TODAY, next_date=date(2026, 12, 30))) == set()
    assert fields_refused(kind, visit(visit_date=START)) == set()  # the plan's first day
    assert "visit_date" in fields_refused(kind, visit(visit_date=date(2025, 12, 31)))
    assert fields_refused(kind, visit(next_date=date(2026, 11, 1))) == {"next_date"}
    assert fields_refused(kind, visit(next_date=date(2026, 11, 2))) == set()
    assert fields_refused(kind, visit(sbp=90, dbp=90)) == {"dbp"}
    assert fields_refused(kind, visit(sbp=91, dbp=90)) == set()


@pytest.mark.parametrize(("times", "ok"), [(0, True), (12, True), (13, False), (-1, False)])
def test_medication_times_per_day(times: int, ok: bool) -> None:
    v = visit(medications=[F.Medication(drug="氨氯地平", times_per_day=times, dose="5mg")])
    assert (fields_refused(F.PlanKind.HYPERTENSION, v) == set()) is ok


def test_outcome_is_checked_only_on_rehab_and_outcome_checks() -> None:
    assert fields_refused(F.PlanKind.OUTCOME, F.VisitInput(visit_date=TODAY, outcome="?")) == {
        "outcome"
    }
    assert "outcome" not in fields_refused(F.PlanKind.HYPERTENSION, visit(outcome="?"))
    good = next(iter(F.OUTCOMES))
    assert fields_refused(F.PlanKind.REHAB, F.VisitInput(visit_date=TODAY, outcome=good)) == set()
    assert "classification" not in fields_refused(
        F.PlanKind.HYPERTENSION, visit(classification_override=next(iter(F.CLASS_NAMES)))
    )


def resident(**kw: object) -> P.PatientInput:
    base: dict[str, object] = dict(name="张三", sex="1", birth_date=date(1950, 1, 1))
    base.update(kw)
    return P.PatientInput(**base)  # type: ignore[arg-type]


def refused(data: P.PatientInput) -> set[str]:
    try:
        P.validate(data, TODAY)
    except ValidationError as e:
        return e.fields()
    return set()


@pytest.mark.parametrize(
    ("kw", "bad"),
    [
        ({"name": "张" * P.NAME_MAX}, set()),
        ({"name": "张" * (P.NAME_MAX + 1)}, {"name"}),
        ({"birth_date": TODAY}, set()),
        ({"birth_date": date(1880, 1, 1)}, set()),
        ({"birth_date": date(1879, 12, 31)}, {"birth_date"}),
        ({"record_number": "1" * 40}, set()),
        ({"record_number": "1" * 41}, {"record_number"}),
        ({"address": "址" * 200}, set()),
        ({"address": "址" * 201}, {"address"}),
        ({"notes": "n" * P.TEXT_MAX}, set()),
        ({"notes": "n" * (P.TEXT_MAX + 1)}, {"notes"}),
        ({"payment_type": "01"}, set()),
    ],
)
def test_resident_limits(kw: dict[str, object], bad: set[str]) -> None:
    assert refused(resident(**kw)) == bad


def test_validate_without_a_date_uses_today() -> None:
    assert P.validate(resident()).birth_date == date(1950, 1, 1)
    assert "birth_date" in refused(resident(birth_date=date(2999, 1, 1)))
