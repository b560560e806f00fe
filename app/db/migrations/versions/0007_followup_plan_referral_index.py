"""Index followup_plans.referral_id: "has this referral started its plan?" is asked for
every referral stored, including every downward referral a pull brings (issue 4).

Revision ID: 0007_plan_referral_ix
Revises: 0004_followups
"""

from __future__ import annotations

from alembic import op

revision = "0007_plan_referral_ix"
down_revision = "0004_followups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followup_plans") as batch:
        batch.create_index("ix_followup_plans_referral", ["referral_id"])


def downgrade() -> None:
    with op.batch_alter_table("followup_plans") as batch:
        batch.drop_index("ix_followup_plans_referral")
