"""Tables of named office accounts: county staff, their sessions' owner, the audit trail of
who viewed or did what, the login attempts the throttle counts, and the hub's settings.

Everything the throttle and the sessions need lives in the database, so several hub
processes on one PostgreSQL share it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from county.db import HubBase, utcnow


class OfficeUser(HubBase):
    """A county staff member who signs in to /office/ under their own name."""

    __tablename__ = "office_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False, unique=True)
    role: Mapped[str] = mapped_column(String(12), nullable=False)
    department: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    must_change: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class AuditEntry(HubBase):
    """Who (name, role, department as they were then), when, what, which record, from where."""

    __tablename__ = "office_audit"
    __table_args__ = (
        Index("ix_office_audit_at", "at"),
        Index("ix_office_audit_record", "record_id"),
        Index("ix_office_audit_user", "user_name", "at"),
    )
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    user_name: Mapped[str] = mapped_column(String(50), nullable=False)
    role: Mapped[str] = mapped_column(String(12), nullable=False, default="")
    department: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(30), nullable=False)
    record_type: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    record_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    record_number: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")


class LoginAttempt(HubBase):
    """One password check, counted before the hash is checked; deleted again on success."""

    __tablename__ = "office_login_attempts"
    __table_args__ = (
        Index("ix_office_login_attempts_at", "at"),
        Index("ix_office_login_attempts_address", "address", "at"),
        Index("ix_office_login_attempts_account", "account", "at"),
    )
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    address: Mapped[str] = mapped_column(String(64), nullable=False)
    account: Mapped[str] = mapped_column(String(50), nullable=False)


class HubSetting(HubBase):
    """A hub-wide setting (e.g. the county hospital's name printed on its slips)."""

    __tablename__ = "hub_settings"
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
