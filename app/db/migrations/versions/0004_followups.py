"""Follow-ups (随访): plans, visits, contact attempts.

Revision ID: 0004_followups
Revises: 0002_patients
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_followups"
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
        "followup_plans",
        *sync_columns(),
        sa.Column("patient_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("doctor", sa.String(50), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=True),
        sa.Column("next_due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("last_classification", sa.String(2), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name="fk_followup_plans_patient_id_patients"),
        sa.PrimaryKeyConstraint("id", name="pk_followup_plans"),
    )
    op.create_index("ix_followup_plans_due", "followup_plans", ["status", "next_due_date"])
    op.create_index("ix_followup_plans_patient", "followup_plans", ["patient_id"])
    op.create_table(
        "followup_visits",
        *sync_columns(),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("patient_id", sa.String(36), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("method", sa.String(1), nullable=False),
        sa.Column("classification", sa.String(2), nullable=False),
        sa.Column("suggested_classification", sa.String(2), nullable=False),
        sa.Column("sbp", sa.Integer(), nullable=True),
        sa.Column("dbp", sa.Integer(), nullable=True),
        sa.Column("fasting_glucose", sa.Float(), nullable=True),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("next_date", sa.Date(), nullable=True),
        sa.Column("doctor", sa.String(50), nullable=False),
        sa.Column("form", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["followup_plans.id"],
                                name="fk_followup_visits_plan_id_followup_plans"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name="fk_followup_visits_patient_id_patients"),
        sa.PrimaryKeyConstraint("id", name="pk_followup_visits"),
    )
    op.create_index("ix_followup_visits_plan", "followup_visits", ["plan_id", "visit_date"])
    op.create_table(
        "followup_contacts",
        *sync_columns(),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("remind_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("by", sa.String(50), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["followup_plans.id"],
                                name="fk_followup_contacts_plan_id_followup_plans"),
        sa.PrimaryKeyConstraint("id", name="pk_followup_contacts"),
    )
    op.create_index("ix_followup_contacts_plan", "followup_contacts", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_followup_contacts_plan", table_name="followup_contacts")
    op.drop_table("followup_contacts")
    op.drop_index("ix_followup_visits_plan", table_name="followup_visits")
    op.drop_table("followup_visits")
    op.drop_index("ix_followup_plans_patient", table_name="followup_plans")
    op.drop_index("ix_followup_plans_due", table_name="followup_plans")
    op.drop_table("followup_plans")
