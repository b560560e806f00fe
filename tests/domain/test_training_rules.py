"""Training rules: activity checks, credits by class, shortfalls, periods."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.domain.errors import ValidationError
from app.domain.training import (
    ActivityInput,
    duration_hours,
    period_bounds,
    validate_activity,
    validate_counts,
)


def activity(**kw: object) -> ActivityInput:
    base: dict[str, object] = dict(
        activity_type="讲座/业务培训",
        day=date(2026, 3, 5),
        start=time(14, 0),
        end=time(17, 0),
        hours=3.0,
        topic="高血压规范化管理",
        credit_class="II类",
        credits=1.0,
    )
    base.update(kw)
    return ActivityInput(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"topic": " "}, "topic", "主题"),
        ({"end": time(13, 0)}, "end", "晚于开始"),
        ({"hours": 5.0}, "hours", "学时与起止时间不符"),
        ({"hours": 1.0}, "hours", "学时与起止时间不符"),
        ({"hours": 0.0}, "hours", "学时"),
        ({"credits": -1.0}, "credits", "负数"),
        ({"credit_class": "无", "credits": 2.0}, "credits", "学分应为 0"),
        ({"activity_type": "打麻将"}, "activity_type", "活动类型"),
    ],
)
def test_bad_activities_name_the_field(changes: dict, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_activity(activity(**changes))
    messages = {e.field: e.message for e in err.value.errors}
    assert words in messages[field]


@pytest.mark.parametrize(("hours", "ok"), [(3.0, True), (2.5, True), (2.0, True), (1.5, False)])
def test_hours_may_exclude_a_break_of_up_to_an_hour(hours: float, ok: bool) -> None:
    if ok:
        validate_activity(activity(hours=hours))
    else:
        with pytest.raises(ValidationError):
            validate_activity(activity(hours=hours))


def test_duration() -> None:
    assert duration_hours(time(8, 30), time(11, 45)) == 3.25


@pytest.mark.parametrize(
    ("quarter", "bounds"),
    [
        (None, (date(2026, 1, 1), date(2027, 1, 1))),
        (1, (date(2026, 1, 1), date(2026, 4, 1))),
        (3, (date(2026, 7, 1), date(2026, 10, 1))),
        (4, (date(2026, 10, 1), date(2027, 1, 1))),
    ],
)
def test_periods(quarter: int | None, bounds: tuple[date, date]) -> None:
    assert period_bounds(2026, quarter) == bounds


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValidationError, match="手术台次不能为负数"):
        validate_counts({"operations": -1, "lectures": 2})
