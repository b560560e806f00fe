"""The demo clinic's follow-ups: a doctor opening the workstation finds patients due today,
this week and overdue, a year of visits behind them, and someone short of four visits."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.db.engine import db_path
from app.db.migrate import open_database
from app.demo import seed_demo
from app.domain import clinic_clock
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from tests.conftest import fast_hasher


def test_demo_has_every_worklist_and_a_year_of_visits(tmp_path: Path) -> None:
    open_database(tmp_path)
    services = AppServices.create(
        ServiceContext.open(tmp_path, password_hasher=fast_hasher()), tmp_path
    )
    seed_demo(services, patients=30)
    services.users.login("doctor", "doctor123")
    fu = services.followups
    today = clinic_clock.today()
    lists = {w: fu.worklist(w) for w in ("today", "week", "overdue")}
    assert all(lists.values()), {w: len(v) for w, v in lists.items()}
    assert {it.kind for it in lists["overdue"]} & {"htn", "dm"}
    assert any(it.last_contact for it in lists["overdue"])  # calls were made
    htn = next(it for it in fu.worklist("all") if it.kind == "htn")
    visits = fu.visits(htn.plan_id)
    assert len(visits) >= 4 and all(v["visit_date"] <= today for v in visits)
    assert (today - visits[0]["visit_date"]).days > 300  # more than a year of history
    from app.domain.periods import year

    htn = services.stats.followup_figures(year(today.year - 1)).htn
    assert htn.control.denominator > 0 and 0 < htn.control.numerator <= htn.control.denominator
    with sqlite3.connect(db_path(tmp_path)) as c:
        stored = c.execute("SELECT count(*) FROM followup_visits").fetchone()[0]
        queued = c.execute(
            "SELECT count(*) FROM outbox WHERE record_type='followup_visit'"
        ).fetchone()[0]
        classes = {r[0] for r in c.execute("SELECT classification FROM followup_visits")}
    assert stored == queued > 0  # synced records, every one queued for the county
    assert {"1", "2"} <= classes  # both 控制满意 and 控制不满意 visits
    services.ctx.dispose()
