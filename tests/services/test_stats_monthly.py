"""The follow-up figures per month (visits done, of them face to face, visits due, 失访)
against plain SQL, month by month, with a voided plan, a voided resident, a voided visit, and
visits, next-visit dates and plan starts on the first and last day of a month.

The figures are counted per month over indexes and the voided plans' share is taken off
(app/services/stats.py, "follow-up visits done and due per month"); the plain SQL here joins
every visit to its plan and the plan's resident instead.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain.followup import PlanKind, PlanStatus
from app.domain.idcard import make_number
from app.domain.patient import PatientInput
from app.domain.periods import Period, month, quarter, year
from app.services.bundle import AppServices
from tests.services.test_stats import at, sql, visit

NOW = datetime(2027, 1, 5, 4, 0)  # UTC = 12:00 Beijing; every period of 2026 has ended


@dataclass
class Data:
    plans: dict[str, str]
    visits: list[str]


def build(services: AppServices, data_dir: Path) -> Data:
    at(services, datetime(2026, 1, 1, 4, 0))
    people: dict[str, str] = {}
    for i, (key, name) in enumerate(
        (("a", "甲在管"), ("b", "乙作废居民"), ("c", "丙作废计划"), ("d", "丁失访"))
    ):
        number = make_number("341122", date(1960, 5, 5), 20 + i * 2)
        people[key] = services.patients.create(
            PatientInput(name=name, id_number=number, village="桃花村", phone="13800000000")
        ).id
    fs = services.followups
    at(services, NOW)
    plans = {
        "a_htn": fs.create_plan(people["a"], PlanKind.HYPERTENSION, date(2026, 1, 31)).id,
        "a_dm": fs.create_plan(people["a"], PlanKind.DIABETES, date(2026, 2, 1)).id,
        "b": fs.create_plan(people["b"], PlanKind.HYPERTENSION, date(2026, 3, 1)).id,
        "c": fs.create_plan(people["c"], PlanKind.HYPERTENSION, date(2026, 3, 31)).id,
        "d": fs.create_plan(people["d"], PlanKind.HYPERTENSION, date(2026, 4, 1)).id,
        "d_dm": fs.create_plan(people["d"], PlanKind.DIABETES, date(2026, 4, 1)).id,
    }
    visits = [
        ("a_htn", date(2026, 1, 31), "1"),  # next 1 May
        ("a_htn", date(2026, 2, 1), "3"),  # by phone; next 2 May
        ("a_htn", date(2026, 3, 31), "2"),
        ("a_htn", date(2026, 12, 31), "1"),  # next in 2027
        ("a_dm", date(2026, 3, 1), "1"),
        ("b", date(2026, 3, 1), "1"),  # the resident is voided below
        ("b", date(2026, 3, 31), "2"),
        ("b", date(2026, 10, 2), "1"),
        ("c", date(2026, 3, 31), "1"),  # the plan is voided below
        ("c", date(2026, 4, 1), "2"),
        ("c", date(2026, 6, 30), "3"),
        ("d", date(2026, 4, 1), "1"),
        ("d", date(2026, 6, 30), "1"),
        ("d_dm", date(2026, 4, 2), "1"),
    ]
    ids = [
        fs.record_visit(plans[k], visit(day, 130, 80, method=m, fasting_glucose=6.0)).visit_id
        for k, day, m in visits
    ]
    # 失访: at 23:59:59 on 31 Dec 2026 Beijing time (2026) and a second later (2027) for one
    # resident, and for the resident voided below
    at(services, datetime(2026, 12, 31, 15, 59, 59))
    fs.set_status(plans["d"], PlanStatus.LOST, "外出务工")
    fs.set_status(plans["b"], PlanStatus.LOST, "外出务工")
    at(services, datetime(2026, 12, 31, 16, 0, 0))
    fs.set_status(plans["d_dm"], PlanStatus.LOST, "外出务工")
    at(services, NOW)
    services.patients.void(people["b"], "重复建档")
    with sqlite3.connect(db_path(data_dir)) as c:
        # a plan voided as a pull from the hub stores it, and a voided visit
        c.execute("UPDATE followup_plans SET deleted = 1 WHERE id = ?", (plans["c"],))
        c.execute("UPDATE followup_visits SET deleted = 1 WHERE id = ?", (ids[4],))
    return Data(plans, ids)


@pytest.fixture
def data(services: AppServices, data_dir: Path) -> Data:
    return build(services, data_dir)


LIVE = """JOIN followup_plans p ON p.id = v.plan_id JOIN patients pa ON pa.id = p.patient_id
          WHERE v.deleted = 0 AND p.deleted = 0 AND pa.deleted = 0"""


def by_month(data_dir: Path, query: str, period: Period) -> dict[str, int]:
    rows = sql(data_dir, query, period.start.isoformat(), period.end.isoformat())
    return {m: n for m, n in rows if n}


def plain(data_dir: Path, period: Period) -> dict[str, object]:
    done = by_month(
        data_dir,
        f"""SELECT substr(v.visit_date, 1, 7), count(*) FROM followup_visits v {LIVE}
            AND v.visit_date >= ?1 AND v.visit_date < ?2 GROUP BY 1""",
        period,
    )
    face = by_month(
        data_dir,
        f"""SELECT substr(v.visit_date, 1, 7), count(*) FROM followup_visits v {LIVE}
            AND v.method IN ('1', '2') AND v.visit_date >= ?1 AND v.visit_date < ?2 GROUP BY 1""",
        period,
    )
    due = by_month(
        data_dir,
        f"""SELECT substr(v.next_date, 1, 7), count(*) FROM followup_visits v {LIVE}
            AND v.next_date >= ?1 AND v.next_date < ?2 GROUP BY 1""",
        period,
    )
    starts = by_month(
        data_dir,
        """SELECT substr(p.start_date, 1, 7), count(*) FROM followup_plans p
           JOIN patients pa ON pa.id = p.patient_id WHERE p.deleted = 0 AND pa.deleted = 0
           AND p.start_date >= ?1 AND p.start_date < ?2 GROUP BY 1""",
        period,
    )
    lost = sql(
        data_dir,
        """SELECT count(DISTINCT p.patient_id) FROM followup_plans p
           JOIN patients pa ON pa.id = p.patient_id
           WHERE p.deleted = 0 AND pa.deleted = 0 AND p.status = 'lost'
           AND date(p.updated_at, '+8 hours') >= ?1 AND date(p.updated_at, '+8 hours') < ?2""",
        period.start.isoformat(),
        period.end.isoformat(),
    )[0][0]
    months = [m.code for m in period.months()]
    return {
        "by_month": [(m, done.get(m, 0), due.get(m, 0) + starts.get(m, 0)) for m in months],
        "face_to_face": sum(face.values()),
        "lost": lost,
    }


def counted(services: AppServices, period: Period) -> dict[str, object]:
    f = services.stats.followup_figures(period)
    assert f.visits_done == sum(r.a for r in f.by_month)
    assert f.visits_due == sum(r.b for r in f.by_month)
    return {
        "by_month": [(r.month, r.a, r.b) for r in f.by_month],
        "face_to_face": f.face_to_face,
        "lost": f.lost,
    }


def test_monthly_counts_equal_plain_sql_with_voided_plans_and_residents(
    services: AppServices, data_dir: Path, data: Data
) -> None:
    periods = [year(2026), year(2027)] + [quarter(2026, q) for q in range(1, 5)]
    periods += [month(2026, m) for m in range(1, 13)]
    for period in periods:
        assert counted(services, period) == plain(data_dir, period), period.code


def test_what_a_user_sees_in_march_and_april(
    services: AppServices, data_dir: Path, data: Data
) -> None:
    march = services.stats.followup_figures(month(2026, 3))
    # a_htn on 31 Mar (face to face); a_dm's 1 Mar visit voided; b and c voided
    assert (march.visits_done, march.face_to_face) == (1, 1)
    # plan starts: b (voided resident) and c (voided plan) do not count; nothing else is due
    assert march.visits_due == 0
    april = services.stats.followup_figures(month(2026, 4))
    # d and d_dm (c's 1 Apr visit is on a voided plan); two plan starts on 1 Apr
    assert (april.visits_done, april.visits_due) == (2, 2)
    may = services.stats.followup_figures(month(2026, 5))
    assert may.visits_due == 2  # a_htn's visits of 31 Jan and 1 Feb: next 1 and 2 May
    year_2026 = services.stats.followup_figures(year(2026))
    assert year_2026.lost == 1  # 丁 on 31 Dec; 乙 is voided
    assert services.stats.followup_figures(year(2027)).lost == 1  # 丁's second plan, 1 Jan


def test_a_voided_resident_restored_counts_again(
    services: AppServices, data_dir: Path, data: Data
) -> None:
    before = services.stats.followup_figures(year(2026))
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("UPDATE patients SET deleted = 0 WHERE name = '乙作废居民'")
        c.execute("UPDATE followup_plans SET deleted = 0 WHERE id = ?", (data.plans["c"],))
    after = services.stats.followup_figures(year(2026))
    assert after.visits_done == before.visits_done + 6  # b's 3 and c's 3 visits
    assert counted(services, year(2026)) == plain(data_dir, year(2026))
    assert counted(services, month(2026, 3)) == plain(data_dir, month(2026, 3))
