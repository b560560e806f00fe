"""Records the county sent that this PC could not store, kept whole (sync_pulled_parked).

Revision ID: 0009_pulled_parked
Revises: 0006_sync
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_pulled_parked"
down_revision = "0006_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_pulled_parked",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("record_type", sa.String(30), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("change", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sync_pulled_parked"),
        sa.UniqueConstraint("record_type", "record_id", name="uq_sync_pulled_parked_record_type"),
    )


def downgrade() -> None:
    op.drop_table("sync_pulled_parked")
