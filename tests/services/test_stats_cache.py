"""Figures of closed periods are kept, and counted again as soon as a record they are counted
from changes: a late entry, a 回执, a voided resident, an edit by plain SQL, a restored backup.
Each case compares with a count made from scratch (plain SQL or a service with nothing kept).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from app.db.backup import backup, backup_dir
from app.db.engine import db_path
from app.domain.periods import quarter, year
from app.domain.referral_feedback import FeedbackInput
from app.services.backups import BackupService
from app.services.bundle import AppServices
from app.services.stats_cache import TRIGGERS
from tests.services.test_stats import Dataset, build, one, visit

# the dataset's clock is 30 November 2026: Q3 and 2025 are closed, Q4 is open
Q3 = quarter(2026, 3)
VISITS_IN_Q3 = """SELECT count(*) FROM followup_visits WHERE deleted=0
    AND visit_date >= '2026-07-01' AND visit_date < '2026-10-01'
    AND plan_id NOT IN (SELECT id FROM followup_plans WHERE deleted=1
                        OR patient_id IN (SELECT id FROM patients WHERE deleted=1))"""


@pytest.fixture
def data(services: AppServices, data_dir: Path) -> Dataset:
    return build(services, data_dir)


def fresh(services: AppServices) -> AppServices:
    """The same database through services that keep nothing yet."""
    return AppServices.create(services.ctx, services.data_dir)


def test_a_closed_quarter_is_counted_once_and_an_open_one_every_time(
    services: AppServices, data: Dataset
) -> None:
    stats = services.stats
    first = stats.followup_figures(Q3)
    counted = stats.closed.counted
    assert stats.followup_figures(Q3) == first and stats.closed.counted == counted
    stats.referral_figures(Q3)
    assert stats.referral_figures(Q3) == stats.referral_figures(Q3)
    assert stats.closed.counted == counted + 1
    open_quarter = quarter(2026, 4)  # today (30 November) is in it
    stats.followup_figures(open_quarter)
    stats.followup_figures(open_quarter)
    assert stats.closed.counted == counted + 1  # never kept: counted straight
    # 当前逾期 is a figure of today, never kept with the closed quarter's
    services.ctx.clock = lambda: datetime(2027, 6, 1, 4, 0)
    later = stats.followup_figures(Q3)
    assert later.overdue_now == services.followups.worklist_count("overdue", today=date(2027, 6, 1))
    assert later.overdue_now != first.overdue_now
    assert later.visits_done == first.visits_done


def test_a_late_visit_in_a_closed_quarter_is_counted_at_once(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    stats = services.stats
    before = stats.followup_figures(Q3)
    earlier_year = stats.followup_figures(year(2025))
    counted = stats.closed.counted
    services.followups.record_visit(data.plans["mid"], visit(date(2026, 8, 20), 150, 95))
    after = stats.followup_figures(Q3)
    assert after.visits_done == before.visits_done + 1 == one(data_dir, VISITS_IN_Q3)
    assert after.face_to_face == before.face_to_face + 1
    assert after == fresh(services).stats.followup_figures(Q3)
    # a visit in 2026 leaves 2025's figures as they were, kept
    assert stats.followup_figures(year(2025)) == earlier_year
    assert stats.closed.counted == counted + 1


def test_a_receipt_for_a_closed_quarters_referral_changes_its_feedback_rate(
    services: AppServices, data: Dataset
) -> None:
    stats = services.stats
    before = stats.referral_figures(Q3).feedback
    assert (before.numerator, before.denominator) == (0, 1)  # 30 Sep 23:59:59: never answered
    services.referrals.record_feedback(
        data.referrals["q3_last"],
        FeedbackInput(method="phone", by="转诊办", at=datetime(2026, 10, 3, 10, 0)),
    )
    after = stats.referral_figures(Q3)
    assert (after.feedback.numerator, after.feedback.denominator) == (1, 1)
    assert after == fresh(services).stats.referral_figures(Q3)


def test_a_voided_resident_leaves_every_closed_year(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    stats = services.stats
    assert stats.followup_figures(year(2025)).visits_done == 1  # 王老汉, 31 December 2025
    assert stats.followup_figures(Q3).visits_done == one(data_dir, VISITS_IN_Q3)
    services.patients.void(data.patients["old"], "重复建档")
    assert stats.followup_figures(year(2025)).visits_done == 0
    assert stats.followup_figures(Q3).visits_done == one(data_dir, VISITS_IN_Q3)
    assert stats.followup_figures(Q3) == fresh(services).stats.followup_figures(Q3)


def test_an_edit_by_plain_sql_is_seen(services: AppServices, data_dir: Path, data: Dataset) -> None:
    stats = services.stats
    before = stats.followup_figures(Q3)
    refs = stats.referral_figures(Q3)
    with sqlite3.connect(db_path(data_dir)) as c:  # no version, no audit row: only the data
        c.execute(
            "UPDATE followup_visits SET method='3' WHERE plan_id=? AND visit_date='2026-08-01'",
            (data.plans["mid"],),
        )
        c.execute(
            "UPDATE referrals SET received_at=? WHERE id=?",
            ("2026-10-01 02:00:00", data.referrals["q3_last"]),
        )
    after = stats.followup_figures(Q3)
    assert after.face_to_face == before.face_to_face - 1
    assert stats.referral_figures(Q3).feedback.numerator == refs.feedback.numerator + 1


def test_a_restored_backup_brings_back_its_own_figures(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    stats = services.stats
    as_backed_up = stats.followup_figures(Q3)
    made = backup(db_path(data_dir), backup_dir(data_dir), "daily")
    services.followups.record_visit(data.plans["mid"], visit(date(2026, 9, 9), 150, 95))
    assert stats.followup_figures(Q3).visits_done == as_backed_up.visits_done + 1
    services.ctx.dispose()
    BackupService(data_dir).restore(made)
    assert stats.followup_figures(Q3) == as_backed_up
    assert one(data_dir, VISITS_IN_Q3) == as_backed_up.visits_done


def test_without_its_triggers_nothing_is_kept(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    """A later migration that rebuilds a table drops the triggers on it: figures are then
    counted every time, never kept stale."""
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("DROP TRIGGER stats_mark_visit_insert")
    stats = services.stats
    before = stats.followup_figures(Q3)
    counted = stats.closed.counted
    services.followups.record_visit(data.plans["mid"], visit(date(2026, 8, 20), 150, 95))
    assert stats.followup_figures(Q3).visits_done == before.visits_done + 1
    assert stats.closed.counted == counted + 1


def test_every_mark_trigger_exists_after_migrating(data_dir: Path) -> None:
    """If this fails after a merge, a migration rebuilt a table and dropped the triggers on
    it: add a migration that creates them again (as 0019c does)."""
    with sqlite3.connect(db_path(data_dir)) as c:
        names = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        years = c.execute("SELECT count(*), count(DISTINCT token) FROM stats_marks").fetchone()
    assert set(TRIGGERS) <= names
    assert years == (222, 222)
