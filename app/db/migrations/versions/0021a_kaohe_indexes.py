"""Indexes that let the 考核 statement (app/services/stats_kaohe.py) count a year from scratch
in one ordered pass instead of grouping every visit of the year:

- ``ix_followup_plans_patient`` widened from the resident alone to every column the
  statement reads of a plan, so that it reads the plans in resident order (one resident's
  plans of one disease next to each other, grouped as they come) and no plan row; every
  statement that used it still can;
- a plan's live visits by resident, plan and date with the readings, so that each plan's
  visits face to face are counted, and its last reading found, from the index alone and
  newest first, one resident after another in the order the plans are read;
- ``ix_patients_live`` widened with the birth date, for the rule for patients aged 65 and
  over.

Measured on the ten-year clinic (2025): the statement took ~720 ms, now ~310 ms.

Revision ID: 0021a_kaohe_ix
Revises: 0020c_stats_verdicts
"""

from __future__ import annotations

from alembic import op

revision = "0021a_kaohe_ix"
down_revision = "0020c_stats_verdicts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX ix_followup_plans_patient")
    op.execute(
        "CREATE INDEX ix_followup_plans_patient ON followup_plans "
        "(patient_id, kind, deleted, start_date, status, updated_at, doctor, id)"
    )
    op.execute(
        "CREATE INDEX ix_followup_visits_patient ON followup_visits "
        "(patient_id, plan_id, deleted, visit_date, created_at, sbp, dbp, fasting_glucose, "
        "method)"
    )
    op.execute("DROP INDEX ix_patients_live")
    op.execute("CREATE INDEX ix_patients_live ON patients (id, deleted, birth_date)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_patients_live")
    op.execute("CREATE INDEX ix_patients_live ON patients (id, deleted)")
    op.execute("DROP INDEX ix_followup_visits_patient")
    op.execute("DROP INDEX ix_followup_plans_patient")
    op.execute("CREATE INDEX ix_followup_plans_patient ON followup_plans (patient_id)")
