"""The indexes of the 统计 figures per month (0020b): present after migrating, used by the
monthly counts, and of shapes no other statement can pick (an index on a plan's start date
was measured to switch the 考核 statement to a far slower plan)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.db import migrate


def plan(c: sqlite3.Connection, query: str, *args: object) -> str:
    return " | ".join(r[3] for r in c.execute("EXPLAIN QUERY PLAN " + query, args))


def test_monthly_indexes_serve_the_monthly_counts_only(tmp_path: Path) -> None:
    path = migrate.open_database(tmp_path).path
    with sqlite3.connect(path) as c:
        names = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {
            "ix_followup_plans_voided",
            "ix_patients_voided",
            "ix_followup_plans_start_month",
        } <= names
        starts = "SELECT count(*) FROM followup_plans WHERE substr(start_date, 1, 7) = ?"
        assert "ix_followup_plans_start_month" in plan(c, starts, "2026-01")
        assert "ix_patients_voided" in plan(c, "SELECT id FROM patients WHERE deleted = 1")
        voided_plans = "SELECT id FROM followup_plans WHERE deleted = 1"
        assert "ix_followup_plans_voided" in plan(c, voided_plans)
        # what the 考核 statement and the lists ask for cannot use them
        managed = (
            "SELECT id FROM followup_plans WHERE deleted = 0 AND start_date < ? "
            "AND patient_id NOT IN (SELECT id FROM patients WHERE deleted = 0)"
        )
        for query in (managed, "SELECT id FROM followup_plans WHERE start_date >= ?"):
            used = plan(c, query, "2026-01-01")
            assert "start_month" not in used and "_voided" not in used, used
