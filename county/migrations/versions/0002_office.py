"""Referral office UI: the office password and browser sessions.

Revision ID: 0002_office
Revises: 0001_hub
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_office"
down_revision = "0001_hub"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office_password",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "office_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("office_sessions")
    op.drop_table("office_password")
