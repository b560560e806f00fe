"""The 考核 statement's edges, on a small clinic built for them: the 65th birthday, a patient
whose plan was ended and a new one started, two readings of one instant, a glucose just
under the target. Each is checked the three ways the figures are read: the whole count
(``kaohe_counts``), the kept verdicts the dashboard uses (``StatsService.kaohe``) and the
list of patients (``standings``, the 年度达标 tab).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain.followup import PlanKind, PlanStatus, VisitInput
from app.domain.idcard import make_number
from app.domain.patient import PatientInput
from app.domain.periods import year
from app.services.bundle import AppServices
from app.services.stats_kaohe import kaohe_counts

NOW = datetime(2026, 11, 30, 4, 0)  # UTC = 12:00 Beijing


def at(services: AppServices, when: datetime) -> None:
    services.ctx.clock = lambda: when


def visit(day: date, sbp: int = 130, dbp: int = 80, **kw: object) -> VisitInput:
    return VisitInput(
        visit_date=day,
        method="1",
        sbp=sbp,
        dbp=dbp,
        symptoms=["无症状"],
        next_date=date(2026, 12, 20),
        doctor="李秀英",
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def clinic(services: AppServices, data_dir: Path) -> dict[str, str]:
    """Residents by key; plans as '<key>' (the current one) and '<key>_first'."""
    at(services, datetime(2026, 1, 1, 4, 0))
    ids: dict[str, str] = {}
    for i, (key, born) in enumerate(
        (
            ("b65", date(1961, 6, 15)),  # 65 on the day of the reading
            ("b64", date(1961, 6, 16)),  # 65 the day after
            ("moved", date(1970, 5, 5)),
            ("relapsed", date(1970, 5, 5)),
            ("tie", date(1970, 5, 5)),
            ("sugar", date(1970, 5, 5)),
            ("closed", date(1970, 5, 5)),
        )
    ):
        ids[key] = services.patients.create(
            PatientInput(
                name=f"病人{key}",
                id_number=make_number("341122", born, 10 + 2 * i),
                village="桃花村",
                phone="13800000000",
            )
        ).id
    fs = services.followups
    htn, dm = PlanKind.HYPERTENSION, PlanKind.DIABETES
    plans = {k: fs.create_plan(ids[k], htn, date(2026, 1, 1), "李秀英").id for k in ids}
    plans["sugar"] = fs.create_plan(ids["sugar"], dm, date(2026, 1, 1), "李秀英").id
    # the sugar resident's hypertension plan is voided: not managed for hypertension
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute(
            "UPDATE followup_plans SET deleted = 1 WHERE patient_id = ? AND kind = 'htn'",
            (ids["sugar"],),
        )

    at(services, NOW)
    fs.record_visit(plans["b65"], visit(date(2026, 6, 15), 145, 85))  # ≥65: <150/90
    fs.record_visit(plans["b64"], visit(date(2026, 6, 15), 145, 85))  # 64: <140/90
    fs.record_visit(plans["moved"], visit(date(2026, 2, 1)))
    fs.record_visit(plans["relapsed"], visit(date(2026, 2, 1)))
    fs.record_visit(plans["tie"], visit(date(2026, 5, 1), 150, 95))
    fs.record_visit(plans["tie"], visit(date(2026, 5, 1), 130, 80))
    fs.record_visit(plans["sugar"], visit(date(2026, 3, 1), fasting_glucose=6.9))
    fs.record_visit(plans["closed"], visit(date(2026, 2, 1)))
    # closed: 结案 on 17 May (Beijing), its 137th day: 2 visits due (4 x 137 / 365 = 1.5)
    at(services, datetime(2026, 5, 17, 4, 0))
    fs.set_status(plans["closed"], PlanStatus.ENDED, "")

    # moved: the first plan 失访 in March, a new one in April (the current one)
    at(services, datetime(2026, 3, 1, 4, 0))
    fs.set_status(plans["moved"], PlanStatus.LOST, "外出务工")
    fs.set_status(plans["relapsed"], PlanStatus.ENDED, "")
    at(services, datetime(2026, 4, 1, 4, 0))
    first = {k: plans[k] for k in ("moved", "relapsed")}
    for k in first:
        plans[f"{k}_first"] = first[k]
        plans[k] = fs.create_plan(ids[k], htn, date(2026, 4, 1), "张医生").id
    at(services, NOW)
    for k in first:
        fs.record_visit(plans[k], visit(date(2026, 5, 1)))
    fs.record_visit(plans["moved"], visit(date(2026, 8, 1)))
    # relapsed: the new plan 失访 in September (the current plan says 失访)
    at(services, datetime(2026, 9, 1, 4, 0))
    fs.set_status(plans["relapsed"], PlanStatus.LOST, "联系不上")
    at(services, NOW)

    with sqlite3.connect(db_path(data_dir)) as c:
        # two readings of one day recorded at the same instant (as a bulk import writes them)
        c.execute(
            "UPDATE followup_visits SET created_at = '2026-05-01 02:00:00.000000' "
            "WHERE plan_id = ?",
            (plans["tie"],),
        )
        # a glucose just under 7.0, finer than a form takes it (a value from elsewhere)
        c.execute(
            "UPDATE followup_visits SET fasting_glucose = 6.9996 WHERE plan_id = ?",
            (plans["sugar"],),
        )
    return {**ids, **{f"plan:{k}": v for k, v in plans.items()}}


def test_each_edge_is_judged_as_the_rules_say(
    services: AppServices, data_dir: Path, clinic: dict[str, str]
) -> None:
    rows = {x.patient_id: x for x in services.stats.standings(year(2026))}
    name = {v: k for k, v in clinic.items() if not k.startswith("plan:")}
    judged = {
        (name[x.patient_id], x.kind): (x.on_target, x.lost, x.face_to_face, x.last_reading)
        for x in rows.values()
    }
    assert judged == {
        # 145/85 on the 65th birthday: the ≥65 target (<150/90) applies
        ("b65", "htn"): (True, False, 1, "145/85 mmHg"),
        # the same reading a day before the 65th birthday: <140/90 applies
        ("b64", "htn"): (False, False, 1, "145/85 mmHg"),
        # the current plan is the one started last; visits on both plans count
        ("moved", "htn"): (True, False, 3, "130/80 mmHg"),
        # the current plan is 失访: not controlled, however the last reading reads
        ("relapsed", "htn"): (True, True, 2, "130/80 mmHg"),
        # two readings of one instant: the higher one is the last reading
        ("tie", "htn"): (False, False, 2, "150/95 mmHg"),
        # 6.9996 is under 7.0, and the list shows the value as recorded
        ("sugar", "dm"): (True, False, 1, "6.9996 mmol/L"),
        ("closed", "htn"): (True, False, 1, "130/80 mmHg"),
    }
    closed = rows[clinic["closed"]]
    assert (closed.days_managed, closed.required, closed.standard) == (137, 2, False)
    assert rows[clinic["moved"]].plan_id == clinic["plan:moved"]
    assert rows[clinic["moved"]].doctor == "张医生"
    assert rows[clinic["relapsed"]].plan_id == clinic["plan:relapsed"]
    assert rows[clinic["b65"]].last_visit == date(2026, 6, 15)
    assert rows[clinic["b65"]].doctor == "李秀英"


def test_the_whole_count_the_kept_verdicts_and_the_list_agree(
    services: AppServices, clinic: dict[str, str]
) -> None:
    # managed, 规范管理, 控制 (on target and not 失访), 失访, no reading
    expected = {"htn": (6, 0, 3, 1, 0), "dm": (1, 0, 1, 0, 0)}
    with services.ctx.reader() as s:
        assert kaohe_counts(s, year(2026), ["htn", "dm"]) == expected
    figures = services.stats.kaohe(year(2026))
    for kind, (managed, standard, controlled, lost, unvisited) in expected.items():
        f = figures[kind]
        assert (f.managed, f.standard.numerator, f.control.numerator) == (
            managed,
            standard,
            controlled,
        )
        assert (f.lost, f.not_visited) == (lost, unvisited)
