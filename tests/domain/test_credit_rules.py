"""Continuing-education credits and the consortium's counts, one table per rule.

Each test quotes the rule it implements (继续医学教育 regulations and the consortium's
counting practice), in our own words.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.training import (
    AttendedSession,
    CreditRules,
    PersonYear,
    Requirement,
    activity_credits,
    courses_starting,
    months_between,
    person_totals,
    prorate,
    requirement_for,
    secondment_months_in,
)

RULES = CreditRules()


def person(
    i: float, ii: float, hours: float = 0.0, req: Requirement = Requirement.CREDITS
) -> PersonYear:
    p = PersonYear("s", "王芳", hours=hours, requirement=req)
    p.credits = {"I类": i, "II类": ii}
    return p


@pytest.mark.parametrize(
    ("i", "ii", "short"),
    [
        (10, 15, {}),
        (5, 20, {}),
        (5, 15, {"合计": 5}),  # both minimums met, 20 of 25
        (4.9, 20, {"I类": 0.1}),
        (20, 10, {"II类": 5}),  # I类 beyond 10 does not replace II类
        (12, 12, {"II类": 3}),  # I类 counted up to 10: 10 + 15 after 3 more II类
        (10, 30, {}),  # II类 counted up to 20, 30 in all
        (4, 30, {"I类": 1}),
        (0, 0, {"I类": 5, "II类": 15, "合计": 5}),
    ],
)
def test_25_credits_with_i_5_to_10_and_ii_15_to_20(i: float, ii: float, short: dict) -> None:
    """继续医学教育规定：“每年度所获得的学分不低于25学分，其中I类学分5～10学分，II类学分15～20
    学分”；I类超出上限的学分不能替代II类学分。"""
    assert person(i, ii).shortfall(RULES) == short


def test_the_rule_is_the_provinces() -> None:
    """各省可自定学分要求：total, minimums and caps come from the settings."""
    rules = CreditRules(total=20, class_i_min=10, class_i_max=10, class_ii_min=10, class_ii_max=10)
    assert person(10, 10).shortfall(rules) == {}
    assert person(12, 8).shortfall(rules) == {"II类": 2}
    # 30 in all, I类 counted up to 10: 15 I类 + 15 II类 is 25, not 30
    wide = CreditRules(total=30, class_ii_max=25)
    assert person(15, 15).shortfall(wide) == {"合计": 5}


@pytest.mark.parametrize(
    ("hours", "stated", "credits", "expected"),
    [
        (3.0, False, 0.0, 1.0),
        (2.9, False, 0.0, 0.97),  # below one credit
        (1.5, False, 3.0, 0.5),  # the reviewer's remote course: 1.5 h is half a credit
        (6.0, False, 0.0, 2.0),
        (1.5, True, 3.0, 3.0),  # the project's own award wins
    ],
)
def test_credits_follow_the_hours_unless_the_project_states_its_own(
    hours: float, stated: bool, credits: float, expected: float
) -> None:
    """国家级和省级继续医学教育项目：“参加者每3学时授予1学分”；项目自定学分的从其规定。"""
    assert activity_credits("I类", hours, credits, stated, RULES) == expected
    assert activity_credits("无", hours, credits, stated, RULES) == 0.0


def test_hours_per_credit_is_configurable() -> None:
    """The same rule with a province's own hours per credit."""
    assert activity_credits("II类", 4.0, 0.0, False, CreditRules(hours_per_credit=2.0)) == 2.0


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 4, 1), date(2026, 6, 30), 3.0),  # shown as 2 months before
        (date(2026, 1, 1), date(2026, 6, 30), 6.0),
        (date(2026, 1, 1), date(2026, 6, 29), 5 + 29 / 30),
        (date(2026, 3, 1), date(2026, 3, 31), 1.0),
        (date(2026, 1, 15), date(2026, 2, 14), 1.0),
        (date(2026, 4, 15), date(2026, 6, 30), 2 + 16 / 30),
    ],
)
def test_months_of_a_secondment_count_both_ends(start: date, end: date, months: float) -> None:
    """进修登记：期限(月) from the first to the last day inclusive."""
    assert months_between(start, end) == pytest.approx(months, abs=0.01)


@pytest.mark.parametrize(
    ("start", "end", "met"),
    [
        (date(2026, 1, 1), date(2026, 6, 30), True),  # 6 months
        (date(2026, 1, 1), date(2026, 6, 29), False),  # 5.97 months
        (date(2026, 3, 1), date(2026, 12, 31), True),
        (date(2025, 10, 1), date(2026, 3, 31), False),  # 3 months fall in 2026
        (date(2026, 9, 1), date(2027, 2, 28), False),
    ],
)
def test_full_time_secondment_of_6_months_meets_the_year(start: date, end: date, met: bool) -> None:
    """继续医学教育规定：“经单位批准，全脱产到上级医疗卫生机构进修6个月及以上的，视为完成当年
    继续医学教育学分”。"""
    p = person(0, 0)
    p.secondment_months = secondment_months_in(start, end, 2026)
    assert (p.shortfall(RULES) == {}) is met
    assert ("视为达标" in p.status_text(RULES)) is met


@pytest.mark.parametrize(
    ("title", "category", "village", "expected"),
    [
        ("主任医师", "临床", False, Requirement.CREDITS),
        ("副主任医师", "临床", False, Requirement.CREDITS),
        ("主治医师", "临床", False, Requirement.CREDITS),
        ("主管护师", "护理", False, Requirement.CREDITS),
        ("医师", "临床", False, Requirement.JUNIOR),
        ("护士", "护理", False, Requirement.JUNIOR),
        ("药士", "药学", False, Requirement.JUNIOR),
        ("乡村医生", "乡村医生", True, Requirement.VILLAGE),
        ("", "乡村医生", False, Requirement.VILLAGE),
        ("收费员", "其他", False, Requirement.NONE),
        ("", "", False, Requirement.NONE),
    ],
)
def test_who_is_held_to_which_rule(
    title: str, category: str, village: bool, expected: Requirement
) -> None:
    """学分要求适用于具有中级及以上专业技术职务的卫生技术人员；乡村医生、初级人员按各自的年度
    培训学时要求（可配置）。"""
    assert requirement_for(title, category, village) is expected


@pytest.mark.parametrize(
    ("req", "hours", "short"),
    [
        (Requirement.VILLAGE, 80.0, {}),
        (Requirement.VILLAGE, 79.5, {"学时": 0.5}),
        (Requirement.JUNIOR, 24.0, {}),
        (Requirement.JUNIOR, 20.0, {"学时": 4.0}),
        (Requirement.NONE, 0.0, {}),
    ],
)
def test_village_doctors_and_junior_staff_have_their_hours(
    req: Requirement, hours: float, short: dict
) -> None:
    """乡村医生与初级人员不按25学分考核，而按本省的年度培训学时（默认：乡村医生 80 学时，即
    “累计培训时间不少于2周”；初级 24 学时）。"""
    assert person(0, 0, hours, req).shortfall(RULES) == short


def test_person_and_person_times_are_kept_apart() -> None:
    """联合体统计：“人”与“人次”分开统计 — one person at three sessions is 1 人, 3 人次."""
    sessions = [AttendedSession("s1", "王芳", 3.0, "II类", 1.0)] * 3
    totals = person_totals(sessions)
    assert len(totals) == 1 and totals["s1"].sessions == 3 and totals["s1"].hours == 9.0


@pytest.mark.parametrize(
    ("count", "start", "end", "period", "share"),
    [
        # January-June (181 days): Q1 90 days, Q2 91 days
        (12, date(2026, 1, 1), date(2026, 6, 30), (date(2026, 1, 1), date(2026, 4, 1)), 6),
        (12, date(2026, 1, 1), date(2026, 6, 30), (date(2026, 4, 1), date(2026, 7, 1)), 6),
        (12, date(2026, 1, 1), date(2026, 6, 30), (date(2026, 7, 1), date(2026, 10, 1)), 0),
        (1, date(2026, 3, 1), date(2026, 4, 30), (date(2026, 1, 1), date(2026, 4, 1)), 1),
        (1, date(2026, 3, 1), date(2026, 4, 30), (date(2026, 4, 1), date(2026, 7, 1)), 0),
        (7, date(2026, 3, 1), date(2026, 3, 31), (date(2026, 1, 1), date(2026, 4, 1)), 7),
    ],
)
def test_a_stationing_counts_in_each_quarter_by_its_days(
    count: int, start: date, end: date, period: tuple[date, date], share: int
) -> None:
    """联合体统计：跨季度的驻点帮扶，按落在各季度的天数计入各季度。"""
    assert prorate(count, start, end, *period) == share


def test_quarters_of_a_stationing_always_add_up_to_its_count() -> None:
    """The same rule: the quarters' shares sum to the whole (rounded on the running total)."""
    for count in range(0, 40):
        shares = [
            prorate(count, date(2026, 2, 10), date(2026, 11, 3), date(2026, m, 1), nxt)
            for m, nxt in (
                (1, date(2026, 4, 1)),
                (4, date(2026, 7, 1)),
                (7, date(2026, 10, 1)),
                (10, date(2027, 1, 1)),
            )
        ]
        assert sum(shares) == count


def test_a_course_counts_once_in_the_quarter_it_starts() -> None:
    """培训班期：以“期”计，一期培训班无论含多少讲次只计一期，计入首讲所在的统计期。"""
    first = {"高血压规范化管理培训班": date(2026, 3, 20), "急救技能培训班": date(2026, 5, 2)}
    assert courses_starting(first, date(2026, 1, 1), date(2026, 4, 1)) == 1
    assert courses_starting(first, date(2026, 4, 1), date(2026, 7, 1)) == 1
    assert courses_starting(first, date(2026, 1, 1), date(2027, 1, 1)) == 2
