"""The training summary and the 统计 figures count the figures they share one way: the same
numbers for the same period, also for a roster entry voided after it attended."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.db.engine import db_path
from app.domain.periods import quarter, year
from app.services.bundle import AppServices
from tests.services.test_stats import build


def shared(services: AppServices, y: int, q: int | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    s = services.training.summary(y, q)
    t = services.stats.training_figures(year(y) if q is None else quarter(y, q))
    return (
        (
            s.teaching_person_times,
            s.ward_rounds,
            s.training_people,
            s.secondments,
            s.outpatient_visits,
            s.operations,
        ),
        (t.teaching_times, t.rounds, t.training_people, t.secondments, t.outpatient, t.operations),
    )


def test_the_summary_and_the_statistics_agree(services: AppServices, data_dir: Path) -> None:
    data = build(services, data_dir)
    for y, q in ((2026, None), (2026, 3), (2026, 4), (2025, None)):
        mine, theirs = shared(services, y, q)
        assert mine == theirs, (y, q)
    q4 = services.training.summary(2026, 4)
    assert (
        q4.training_person_times == services.stats.training_figures(quarter(2026, 4)).training_times
    )
    assert shared(services, 2026, 4)[0][:3] == (0, 2, 2)  # 2 rounds; 甲 and 乙 trained
    # 乙 (trained once in Q4, at a teaching round in Q3) voided from the roster: neither counts them
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("UPDATE staff SET deleted=1 WHERE id=?", (data.staff["b"],))
    for y, q in ((2026, 3), (2026, 4)):
        mine, theirs = shared(services, y, q)
        assert mine == theirs, (y, q)
    assert shared(services, 2026, 4)[0][2] == 1
