"""Indexes for the 统计 follow-up figures per month (app/services/stats.py, "follow-up visits
done and due per month"), none of which another statement can pick:

- the voided plans and the voided residents, as partial indexes holding those rows only
  (``WHERE deleted = 1``, leading with ``deleted`` so that SQLite searches them rather than
  scanning a covering index of every row): the figures take the visits of voided plans and of voided
  residents' plans off, and finding those few used to read every plan and every resident;
  only a statement asking for ``deleted = 1`` can use them;
- a plan's start month, as an index on the expression ``substr(start_date, 1, 7)``: the
  plans started per month were a full read of the plans table; only a statement naming
  that expression can use it (a plain index on ``start_date`` was measured to tempt the
  考核 statement into a far slower plan).

Revision ID: 0020b_stats_monthly_ix
Revises: 0019d_stats_kept
"""

from __future__ import annotations

from alembic import op

revision = "0020b_stats_monthly_ix"
down_revision = "0019d_stats_kept"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_followup_plans_voided ON followup_plans (deleted, id) WHERE deleted = 1"
    )
    op.execute("CREATE INDEX ix_patients_voided ON patients (deleted, id) WHERE deleted = 1")
    op.execute(
        "CREATE INDEX ix_followup_plans_start_month ON followup_plans (substr(start_date, 1, 7))"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_followup_plans_start_month")
    op.execute("DROP INDEX ix_patients_voided")
    op.execute("DROP INDEX ix_followup_plans_voided")
