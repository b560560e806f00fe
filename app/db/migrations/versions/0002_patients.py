"""Patients (居民) with the sync columns and the search indexes.

Revision ID: 0002_patients
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_patients"
down_revision = "0001_core"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_patients_name": ["name"],
    "ix_patients_initials": ["name_initials"],
    "ix_patients_pinyin": ["name_pinyin"],
    "ix_patients_id_number": ["id_number"],
    "ix_patients_id_rev": ["id_number_rev"],
    "ix_patients_phone": ["phone"],
    "ix_patients_phone_rev": ["phone_rev"],
    "ix_patients_record": ["record_number"],
    "ix_patients_updated": ["updated_at"],
}


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("clinic_code", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("sync_state", sa.String(10), nullable=False),
        sa.Column("sync_error", sa.String(500), nullable=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("name_initials", sa.String(60), nullable=False),
        sa.Column("name_pinyin", sa.String(300), nullable=False),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=True),
        sa.Column("id_number_rev", sa.String(18), nullable=True),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("phone_rev", sa.String(20), nullable=False),
        sa.Column("village", sa.String(200), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("record_number", sa.String(40), nullable=False),
        sa.Column("payment_type", sa.String(2), nullable=False),
        sa.Column("allergies", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("void_reason", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_patients"),
    )
    for name, cols in INDEXES.items():
        op.create_index(name, "patients", cols)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="patients")
    op.drop_table("patients")
