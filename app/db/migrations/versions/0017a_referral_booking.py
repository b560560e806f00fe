"""The county's booking on receipt (预约到诊时间) and when it rejected a referral
(referral_booking). Both county-owned answers, filled only by sync.

Revision ID: 0017a_referral_booking
Revises: 0003_referrals
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017a_referral_booking"
down_revision = "0003_referrals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("referrals") as b:
        b.add_column(sa.Column("appointment_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("rejected_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("referrals") as b:
        b.drop_column("rejected_at")
        b.drop_column("appointment_at")
