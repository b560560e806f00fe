"""Hub schema: clinics, records, change log, refused writes.

Revision ID: 0001_hub
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_hub"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clinics",
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "records",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("county_rev", sa.Integer, nullable=False),
        sa.Column("owner", sa.String(20), nullable=False),
        sa.Column("clinic_code", sa.String(20), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("type", "id", name="uq_records_type_id"),
    )
    op.create_index("ix_records_clinic", "records", ["clinic_code", "type"])
    op.create_table(
        "change_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("clinic_code", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_change_log_clinic_seq", "change_log", ["clinic_code", "seq"])
    op.create_table(
        "refused_writes",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("clinic_code", sa.String(20), nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for t in ("refused_writes", "change_log", "records", "clinics"):
        op.drop_table(t)
