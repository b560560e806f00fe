"""Referrals (双向转诊单), their status history, and the consortium's destinations.

Revision ID: 0003_referrals
Revises: 0002_patients
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_referrals"
down_revision = "0002_patients"
branch_labels = None
depends_on = None


def sync_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("clinic_code", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("sync_state", sa.String(10), nullable=False),
        sa.Column("sync_error", sa.String(500), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "referrals",
        *sync_columns(),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("direction", sa.String(4), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("urgency", sa.String(4), nullable=False),
        sa.Column("patient_id", sa.String(36), nullable=False),
        sa.Column("patient_name", sa.String(50), nullable=False),
        sa.Column("patient_sex", sa.String(1), nullable=False),
        sa.Column("patient_age", sa.Integer(), nullable=False),
        sa.Column("patient_id_number", sa.String(18), nullable=False),
        sa.Column("patient_record_number", sa.String(40), nullable=False),
        sa.Column("patient_address", sa.String(200), nullable=False),
        sa.Column("patient_phone", sa.String(20), nullable=False),
        sa.Column("from_institution", sa.String(100), nullable=False),
        sa.Column("to_institution", sa.String(100), nullable=False),
        sa.Column("to_department", sa.String(50), nullable=False),
        sa.Column("to_doctor", sa.String(50), nullable=False),
        sa.Column("indications", sa.Text(), nullable=False),
        sa.Column("indication_other", sa.String(200), nullable=False),
        sa.Column("impression", sa.Text(), nullable=False),
        sa.Column("present_illness", sa.Text(), nullable=False),
        sa.Column("past_history", sa.Text(), nullable=False),
        sa.Column("treatment", sa.Text(), nullable=False),
        sa.Column("patient_type", sa.String(4), nullable=False),
        sa.Column("payment_type", sa.String(2), nullable=False),
        sa.Column("transport", sa.String(10), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("cautions", sa.Text(), nullable=False),
        sa.Column("referring_doctor", sa.String(50), nullable=False),
        sa.Column("referring_phone", sa.String(20), nullable=False),
        sa.Column("referred_at", sa.DateTime(), nullable=True),
        sa.Column("diagnosis", sa.Text(), nullable=False),
        sa.Column("icd10", sa.String(20), nullable=False),
        sa.Column("inpatient_no", sa.String(40), nullable=False),
        sa.Column("exam_results", sa.Text(), nullable=False),
        sa.Column("treatment_plan", sa.Text(), nullable=False),
        sa.Column("followup_date", sa.Date(), nullable=True),
        sa.Column("followup_method", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("receiving_doctor", sa.String(50), nullable=False),
        sa.Column("rejected_reason", sa.String(500), nullable=False),
        sa.Column("arrived_at", sa.DateTime(), nullable=True),
        sa.Column("county_note", sa.Text(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("clinic_arrived_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_reason", sa.String(500), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("print_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name="fk_referrals_patient_id_patients"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_referrals"),
        sa.UniqueConstraint("number", name="uq_referrals_number"),
    )
    op.create_index("ix_referrals_list", "referrals", ["deleted", "referred_at"])
    op.create_index("ix_referrals_status", "referrals", ["status", "referred_at"])
    op.create_index("ix_referrals_direction", "referrals", ["direction", "referred_at"])
    op.create_index("ix_referrals_patient", "referrals", ["patient_id", "referred_at"])
    op.create_index("ix_referrals_doctor", "referrals", ["direction", "referring_doctor"])
    op.create_table(
        "referral_events",
        *sync_columns(),
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("from_status", sa.String(10), nullable=False),
        sa.Column("to_status", sa.String(10), nullable=False),
        sa.Column("side", sa.String(6), nullable=False),
        sa.Column("actor", sa.String(50), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name="fk_referral_events_referral_id_referrals"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_referral_events"),
    )
    op.create_index("ix_referral_events_referral", "referral_events", ["referral_id", "at"])
    op.create_table(
        "referral_destinations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("institution", sa.String(100), nullable=False),
        sa.Column("department", sa.String(50), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_referral_destinations"),
        sa.UniqueConstraint(
            "institution", "department", name="uq_referral_destinations_institution"
        ),
    )


def downgrade() -> None:
    op.drop_table("referral_destinations")
    op.drop_index("ix_referral_events_referral", table_name="referral_events")
    op.drop_table("referral_events")
    for name in ("ix_referrals_doctor", "ix_referrals_patient", "ix_referrals_direction",
                 "ix_referrals_status", "ix_referrals_list"):
        op.drop_index(name, table_name="referrals")
    op.drop_table("referrals")
