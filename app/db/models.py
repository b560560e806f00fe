"""Tables of the clinic workstation (the schema the migrations build)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncColumns, new_id, utcnow


class Clinic(Base):
    """The one clinic this workstation belongs to (written by first-run setup)."""

    __tablename__ = "clinic"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    county_hospital: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)


class User(Base):
    """A local login account. Not synced: the county never sees password hashes."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(50), nullable=False)
    role: Mapped[str] = mapped_column(String(10), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # A shared clinic PC: wrong passwords in a row lock the account for a while (counted
    # here, so a restart does not reset it); an admin's reset forces a change at next login.
    failed_logins: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(nullable=True)
    must_change_password: Mapped[bool] = mapped_column(
        nullable=False, default=False, server_default=sa_false()
    )


class Outbox(Base):
    """One row per record with a version the hub has not yet acknowledged."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("record_type", "record_id"),
        Index("ix_outbox_state", "state", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(30), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False)
    version: Mapped[int] = mapped_column(nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    queued_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)


class AuditLog(Base):
    """Who did what, when. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_record", "record_type", "record_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    user_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    username: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(30), nullable=False)
    record_type: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    record_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The hash chain (app.domain.audit_chain): rows enter only through recording.append_audit.
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Patient(SyncColumns, Base):
    """居民 (a resident with or without an ID card)."""

    __tablename__ = "patients"
    __table_args__ = (
        Index("ix_patients_name", "name"),
        Index("ix_patients_initials", "name_initials"),
        Index("ix_patients_pinyin", "name_pinyin"),
        Index("ix_patients_id_number", "id_number"),
        Index("ix_patients_id_rev", "id_number_rev"),
        Index("ix_patients_phone", "phone"),
        Index("ix_patients_phone_rev", "phone_rev"),
        Index("ix_patients_record", "record_number"),
        Index("ix_patients_updated", "updated_at"),
        # joins that skip voided residents; the birth date for the 考核 age rule (0021a)
        Index("ix_patients_live", "id", "deleted", "birth_date"),
        Index("ix_patients_voided", "deleted", "id", sqlite_where=text("deleted = 1")),  # 0020b
    )
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    name_initials: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    name_pinyin: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    sex: Mapped[str] = mapped_column(String(1), nullable=False)
    birth_date: Mapped[date] = mapped_column(nullable=False)
    id_number: Mapped[str | None] = mapped_column(String(18), nullable=True)
    id_number_rev: Mapped[str | None] = mapped_column(String(18), nullable=True)
    phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    phone_rev: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    village: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    record_number: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    payment_type: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    allergies: Mapped[str] = mapped_column(Text, nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    void_reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
