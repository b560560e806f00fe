"""Training: staff roster, activities, attendance, 进修 and 对口支援 records.

Revision ID: 0005_training
Revises: 0002_patients
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_training"
down_revision = "0002_patients"
branch_labels = None
depends_on = None

COUNTS = ["outpatient_visits", "operations", "teaching_rounds", "surgery_demos", "consultations",
          "lectures", "trainees", "mentees", "new_techniques"]


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
        "staff",
        *sync_columns(),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("department", sa.String(50), nullable=False),
        sa.Column("title", sa.String(50), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("village_doctor", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_staff"),
    )
    op.create_index("ix_staff_active", "staff", ["active", "name"])
    op.create_table(
        "training_activities",
        *sync_columns(),
        sa.Column("activity_type", sa.String(20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start", sa.Time(), nullable=False),
        sa.Column("end", sa.Time(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("place", sa.String(100), nullable=False),
        sa.Column("lecturer", sa.String(50), nullable=False),
        sa.Column("lecturer_unit", sa.String(100), nullable=False),
        sa.Column("lecturer_title", sa.String(50), nullable=False),
        sa.Column("organiser", sa.String(100), nullable=False),
        sa.Column("credit_class", sa.String(4), nullable=False),
        sa.Column("credits", sa.Float(), nullable=False),
        sa.Column("assessment", sa.String(200), nullable=False),
        sa.Column("recorder", sa.String(50), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_training_activities"),
    )
    op.create_index("ix_training_activities_day", "training_activities", ["deleted", "day"])
    op.create_table(
        "training_attendance",
        *sync_columns(),
        sa.Column("activity_id", sa.String(36), nullable=False),
        sa.Column("staff_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("signed_in_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["activity_id"], ["training_activities.id"],
                                name="fk_training_attendance_activity_id_training_activities"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"],
                                name="fk_training_attendance_staff_id_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_training_attendance"),
        sa.UniqueConstraint("activity_id", "staff_id",
                            name="uq_training_attendance_activity_id"),
    )
    op.create_index("ix_training_attendance_staff", "training_attendance", ["staff_id"])
    op.create_table(
        "secondments",
        *sync_columns(),
        sa.Column("staff_id", sa.String(36), nullable=False),
        sa.Column("host_hospital", sa.String(100), nullable=False),
        sa.Column("host_department", sa.String(50), nullable=False),
        sa.Column("speciality", sa.String(50), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("tutor", sa.String(50), nullable=False),
        sa.Column("appraisal", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name="fk_secondments_staff_id_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_secondments"),
    )
    op.create_table(
        "support_stationings",
        *sync_columns(),
        sa.Column("doctor", sa.String(50), nullable=False),
        sa.Column("doctor_title", sa.String(50), nullable=False),
        sa.Column("speciality", sa.String(50), nullable=False),
        sa.Column("sending_unit", sa.String(100), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        *[sa.Column(c, sa.Integer(), nullable=False) for c in COUNTS],
        sa.PrimaryKeyConstraint("id", name="pk_support_stationings"),
    )


def downgrade() -> None:
    op.drop_table("support_stationings")
    op.drop_table("secondments")
    op.drop_index("ix_training_attendance_staff", table_name="training_attendance")
    op.drop_table("training_attendance")
    op.drop_index("ix_training_activities_day", table_name="training_activities")
    op.drop_table("training_activities")
    op.drop_index("ix_staff_active", table_name="staff")
    op.drop_table("staff")
