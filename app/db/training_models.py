"""Training tables: staff roster, activities, attendance, 进修 and 对口支援 records."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncColumns


class Staff(SyncColumns, Base):
    """Clinic staff and village doctors (roster for sign-in sheets and yearly totals)."""

    __tablename__ = "staff"
    __table_args__ = (Index("ix_staff_active", "active", "name"),)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    department: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    title: Mapped[str] = mapped_column(String(50), nullable=False, default="")  # 职称/岗位
    category: Mapped[str] = mapped_column(String(20), nullable=False, default="")  # 执业类别
    village_doctor: Mapped[bool] = mapped_column(nullable=False, default=False)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    left_on: Mapped[date | None] = mapped_column(nullable=True)


class TrainingActivity(SyncColumns, Base):
    __tablename__ = "training_activities"
    __table_args__ = (Index("ix_training_activities_day", "deleted", "day"),)
    activity_type: Mapped[str] = mapped_column(String(20), nullable=False)
    day: Mapped[date] = mapped_column(nullable=False)
    start: Mapped[time] = mapped_column(nullable=False)
    end: Mapped[time] = mapped_column(nullable=False)
    hours: Mapped[float] = mapped_column(Float, nullable=False)
    topic: Mapped[str] = mapped_column(String(200), nullable=False)
    place: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    lecturer: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    lecturer_unit: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    lecturer_title: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    organiser: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    credit_class: Mapped[str] = mapped_column(String(4), nullable=False, default="无")
    credits: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    assessment: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    recorder: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="planned")
    # the 培训班 this session belongs to ("" = a stand-alone session)
    course: Mapped[str] = mapped_column(String(100), nullable=False, default="", server_default="")
    # True: ``credits`` is the project's own award; False: credits follow from the hours
    credits_stated: Mapped[bool] = mapped_column(
        nullable=False, default=False, server_default=sa.false()
    )


class TrainingAttendance(SyncColumns, Base):
    __tablename__ = "training_attendance"
    __table_args__ = (
        UniqueConstraint("activity_id", "staff_id"),
        Index("ix_training_attendance_staff", "staff_id"),
    )
    activity_id: Mapped[str] = mapped_column(ForeignKey("training_activities.id"), nullable=False)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    signed_in_at: Mapped[datetime | None] = mapped_column(nullable=True)


class Secondment(SyncColumns, Base):
    """进修登记: a staff member sent to the county hospital for training."""

    __tablename__ = "secondments"
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), nullable=False)
    host_hospital: Mapped[str] = mapped_column(String(100), nullable=False)
    host_department: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    speciality: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    start_on: Mapped[date] = mapped_column(nullable=False)
    end_on: Mapped[date] = mapped_column(nullable=False)
    tutor: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    appraisal: Mapped[str] = mapped_column(Text, nullable=False, default="")


class SupportStationing(SyncColumns, Base):
    """对口支援: a county doctor stationed at the centre, with the period's counts."""

    __tablename__ = "support_stationings"
    doctor: Mapped[str] = mapped_column(String(50), nullable=False)
    doctor_title: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    speciality: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    sending_unit: Mapped[str] = mapped_column(String(100), nullable=False)
    start_on: Mapped[date] = mapped_column(nullable=False)
    end_on: Mapped[date] = mapped_column(nullable=False)
    outpatient_visits: Mapped[int] = mapped_column(nullable=False, default=0)
    operations: Mapped[int] = mapped_column(nullable=False, default=0)
    teaching_rounds: Mapped[int] = mapped_column(nullable=False, default=0)
    surgery_demos: Mapped[int] = mapped_column(nullable=False, default=0)
    consultations: Mapped[int] = mapped_column(nullable=False, default=0)
    lectures: Mapped[int] = mapped_column(nullable=False, default=0)
    trainees: Mapped[int] = mapped_column(nullable=False, default=0)
    mentees: Mapped[int] = mapped_column(nullable=False, default=0)
    new_techniques: Mapped[int] = mapped_column(nullable=False, default=0)
