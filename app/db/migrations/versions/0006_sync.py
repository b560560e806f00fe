"""Sync bookkeeping: the pull cursor and last successful sync (sync_meta).

Revision ID: 0006_sync
Revises: 0002_patients
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_sync"
down_revision = "0002_patients"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_meta",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_sync_meta"),
    )


def downgrade() -> None:
    op.drop_table("sync_meta")
