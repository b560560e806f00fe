"""Covering indexes for the follow-up worklist's total ("共 N 人"): with 50,000 active plans
and ~20,000 overdue, counting through ix_followup_plans_due read every plan row and every
resident row (77 ms); with the plan's deleted flag and patient id in the due-date index and
a (id, deleted) index on residents, the count reads indexes only (19 ms).

Revision ID: 0008_worklist_ix
Revises: 0007_plan_referral_ix
"""

from __future__ import annotations

from alembic import op

revision = "0008_worklist_ix"
down_revision = "0007_plan_referral_ix"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followup_plans") as batch:
        batch.drop_index("ix_followup_plans_due")
        batch.create_index(
            "ix_followup_plans_worklist", ["status", "next_due_date", "deleted", "patient_id"]
        )
    with op.batch_alter_table("patients") as batch:
        batch.create_index("ix_patients_live", ["id", "deleted"])


def downgrade() -> None:
    with op.batch_alter_table("patients") as batch:
        batch.drop_index("ix_patients_live")
    with op.batch_alter_table("followup_plans") as batch:
        batch.drop_index("ix_followup_plans_worklist")
        batch.create_index("ix_followup_plans_due", ["status", "next_due_date"])
