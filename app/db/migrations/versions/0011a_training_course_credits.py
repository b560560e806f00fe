"""Training activities: the 培训班 a session belongs to (培训班期 counts courses, not
sessions) and whether the activity states its own credit award (otherwise the credits follow
from the hours attended).

Revision ID: 0011a_training_course_credits
Revises: 0005_training
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011a_training_course_credits"
down_revision = "0005_training"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("training_activities") as batch:
        batch.add_column(sa.Column("course", sa.String(100), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("credits_stated", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("training_activities") as batch:
        batch.drop_column("credits_stated")
        batch.drop_column("course")
