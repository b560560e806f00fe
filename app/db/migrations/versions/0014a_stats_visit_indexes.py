"""Indexes for the 统计 figures over a year of follow-up visits (400,000 visits in ten years):
the visits of a date range with what the 考核 figures read (plan, method, readings, voided
flag), and the next-visit dates that make the visits due, both read from the index alone
instead of walking every visit through its plan index.

Revision ID: 0014a_stats_ix
Revises: 0008_worklist_ix
"""

from __future__ import annotations

from alembic import op

revision = "0014a_stats_ix"
down_revision = "0008_worklist_ix"
branch_labels = None
depends_on = None

WINDOW = [
    "visit_date",
    "plan_id",
    "method",
    "deleted",
    "sbp",
    "dbp",
    "fasting_glucose",
    "created_at",
]


def upgrade() -> None:
    op.create_index("ix_followup_visits_window", "followup_visits", WINDOW)
    op.create_index(
        "ix_followup_visits_next", "followup_visits", ["next_date", "plan_id", "deleted"]
    )


def downgrade() -> None:
    op.drop_index("ix_followup_visits_next", table_name="followup_visits")
    op.drop_index("ix_followup_visits_window", table_name="followup_visits")
