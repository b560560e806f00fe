"""Referral feedback the clinic records (回执 by phone or on paper) and the kind of each
history entry (a status change, a 回执, an outcome check).

The 回执 fields are the clinic's own: the county's answers keep their own columns.

Revision ID: 0010a_referral_feedback
Revises: 0003_referrals
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010a_referral_feedback"
down_revision = "0003_referrals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(
            sa.Column("feedback_method", sa.String(10), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("feedback_by", sa.String(50), nullable=False, server_default=""))
        batch.add_column(sa.Column("feedback_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("feedback_result", sa.String(10), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("feedback_reason", sa.String(500), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("feedback_arrived_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("referral_events") as batch:
        batch.add_column(sa.Column("kind", sa.String(10), nullable=False, server_default="status"))


def downgrade() -> None:
    with op.batch_alter_table("referral_events") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("referrals") as batch:
        for name in (
            "feedback_arrived_at",
            "feedback_reason",
            "feedback_result",
            "feedback_at",
            "feedback_by",
            "feedback_method",
        ):
            batch.drop_column(name)
