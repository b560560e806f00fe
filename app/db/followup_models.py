"""Follow-up tables: plans, visits (the national form as JSON), contact attempts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Float, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncColumns


class FollowUpPlan(SyncColumns, Base):
    __tablename__ = "followup_plans"
    __table_args__ = (
        # the worklist and its count read this index only (0008)
        Index("ix_followup_plans_worklist", "status", "next_due_date", "deleted", "patient_id"),
        # a resident's plans, with what the 考核 statement reads of them (0021a)
        Index(
            "ix_followup_plans_patient",
            "patient_id",
            "kind",
            "deleted",
            "start_date",
            "status",
            "updated_at",
            "doctor",
            "id",
        ),
        Index("ix_followup_plans_referral", "referral_id"),
        # the 统计 figures per month: the few voided plans (0020b; only a statement asking
        # for deleted = 1 can use it); the start month index is below the class
        Index("ix_followup_plans_voided", "deleted", "id", sqlite_where=text("deleted = 1")),
    )
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    doctor: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    start_date: Mapped[date] = mapped_column(nullable=False)
    interval_days: Mapped[int | None] = mapped_column(nullable=True)  # None: by the rules
    next_due_date: Mapped[date] = mapped_column(nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")
    referral_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    last_classification: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


# the plans started per month (0020b): an index on the expression, so that only a statement
# naming substr(start_date, 1, 7) can use it
Index("ix_followup_plans_start_month", func.substr(FollowUpPlan.start_date, 1, 7))


class FollowUpVisit(SyncColumns, Base):
    __tablename__ = "followup_visits"
    __table_args__ = (
        Index("ix_followup_visits_plan", "plan_id", "visit_date"),
        # the 统计 figures of a date range read these alone (0014a)
        Index(
            "ix_followup_visits_window",
            "visit_date",
            "plan_id",
            "method",
            "deleted",
            "sbp",
            "dbp",
            "fasting_glucose",
            "created_at",
        ),
        Index("ix_followup_visits_next", "next_date", "plan_id", "deleted"),
        # a resident's visits by plan and date, with the readings: the 考核 statement (0021a)
        Index(
            "ix_followup_visits_patient",
            "patient_id",
            "plan_id",
            "deleted",
            "visit_date",
            "created_at",
            "sbp",
            "dbp",
            "fasting_glucose",
            "method",
        ),
    )
    plan_id: Mapped[str] = mapped_column(ForeignKey("followup_plans.id"), nullable=False)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), nullable=False)
    visit_date: Mapped[date] = mapped_column(nullable=False)
    method: Mapped[str] = mapped_column(String(1), nullable=False)
    classification: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    suggested_classification: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    sbp: Mapped[int | None] = mapped_column(nullable=True)
    dbp: Mapped[int | None] = mapped_column(nullable=True)
    fasting_glucose: Mapped[float | None] = mapped_column(Float, nullable=True)
    emergency: Mapped[bool] = mapped_column(nullable=False, default=False)
    next_date: Mapped[date | None] = mapped_column(nullable=True)
    doctor: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    form: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # every form field


class ContactAttempt(SyncColumns, Base):
    __tablename__ = "followup_contacts"
    __table_args__ = (Index("ix_followup_contacts_plan", "plan_id"),)
    plan_id: Mapped[str] = mapped_column(ForeignKey("followup_plans.id"), nullable=False)
    outcome: Mapped[str] = mapped_column(String(12), nullable=False)
    remind_on: Mapped[date | None] = mapped_column(nullable=True)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    by: Mapped[str] = mapped_column(String(50), nullable=False, default="")
