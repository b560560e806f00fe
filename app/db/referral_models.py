"""Referral tables: the slip, its status history, and the consortium's destinations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncColumns, new_id, utcnow


class Referral(SyncColumns, Base):
    """One 双向转诊单, upward (转出单) or downward (回转单)."""

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("number"),
        Index("ix_referrals_list", "deleted", "referred_at"),
        Index("ix_referrals_status", "status", "referred_at"),
        Index("ix_referrals_direction", "direction", "referred_at"),
        Index("ix_referrals_patient", "patient_id", "referred_at"),
        Index("ix_referrals_doctor", "direction", "referring_doctor"),
    )
    # Who owns which field, and the status rule: the "referral" entry in app/registry.py.
    number: Mapped[str] = mapped_column(String(40), nullable=False)
    direction: Mapped[str] = mapped_column(String(4), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    urgency: Mapped[str] = mapped_column(String(4), nullable=False, default="普通")
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), nullable=False)
    # Patient as printed on the slip at the time of referral.
    patient_name: Mapped[str] = mapped_column(String(50), nullable=False)
    patient_sex: Mapped[str] = mapped_column(String(1), nullable=False)
    patient_age: Mapped[int] = mapped_column(nullable=False)
    patient_id_number: Mapped[str] = mapped_column(String(18), nullable=False, default="")
    patient_record_number: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    patient_address: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    patient_phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    from_institution: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    to_institution: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    to_department: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    to_doctor: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    indications: Mapped[str] = mapped_column(Text, nullable=False, default="[]")  # JSON list
    indication_other: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    impression: Mapped[str] = mapped_column(Text, nullable=False, default="")
    present_illness: Mapped[str] = mapped_column(Text, nullable=False, default="")
    past_history: Mapped[str] = mapped_column(Text, nullable=False, default="")
    treatment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    patient_type: Mapped[str] = mapped_column(String(4), nullable=False, default="")
    payment_type: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    transport: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    purpose: Mapped[str] = mapped_column(Text, nullable=False, default="")
    cautions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    referring_doctor: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    referring_phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    referred_at: Mapped[datetime | None] = mapped_column(nullable=True)  # submitted / on paper
    diagnosis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    icd10: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    inpatient_no: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    exam_results: Mapped[str] = mapped_column(Text, nullable=False, default="")
    treatment_plan: Mapped[str] = mapped_column(Text, nullable=False, default="")
    followup_date: Mapped[date | None] = mapped_column(nullable=True)
    followup_method: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    outcome: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    # County answers (county-owned)
    received_at: Mapped[datetime | None] = mapped_column(nullable=True)
    receiving_doctor: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    rejected_reason: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    arrived_at: Mapped[datetime | None] = mapped_column(nullable=True)
    county_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    appointment_at: Mapped[datetime | None] = mapped_column(nullable=True)  # 预约到诊时间, UTC
    rejected_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Clinic's own closing and acknowledgements
    acknowledged_at: Mapped[datetime | None] = mapped_column(nullable=True)
    clinic_arrived_at: Mapped[datetime | None] = mapped_column(nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    cancel_reason: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    print_count: Mapped[int] = mapped_column(nullable=False, default=0)
    # 回执 recorded by the clinic (phone / paper): who at the county said it, when, the
    # answer (received / refused + reason) and the arrival it reported. Clinic-owned.
    feedback_method: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    feedback_by: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    feedback_at: Mapped[datetime | None] = mapped_column(nullable=True)
    feedback_result: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    feedback_reason: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    feedback_arrived_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ReferralEvent(SyncColumns, Base):
    """One status change: who, when, from, to, why. Synced so the county sees the history."""

    __tablename__ = "referral_events"
    __table_args__ = (Index("ix_referral_events_referral", "referral_id", "at"),)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), nullable=False)
    from_status: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    to_status: Mapped[str] = mapped_column(String(10), nullable=False)
    side: Mapped[str] = mapped_column(String(6), nullable=False)
    actor: Mapped[str] = mapped_column(String(50), nullable=False)
    at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    reason: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    # "status" (a status change), "feedback" (a 回执 the clinic recorded) or "outcome" (the
    # 上转结果追踪 check's result): the last two leave the status as it was.
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="status")


class ReferralDestination(Base):
    """The consortium's hospitals and departments offered on the slip (admin-editable)."""

    __tablename__ = "referral_destinations"
    __table_args__ = (UniqueConstraint("institution", "department"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    institution: Mapped[str] = mapped_column(String(100), nullable=False)
    department: Mapped[str] = mapped_column(String(50), nullable=False)
    sort: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
