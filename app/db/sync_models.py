"""Clinic-side sync bookkeeping: key/value meta (pull cursor, last successful sync) and the
county's records this PC could not store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class SyncMeta(Base):
    __tablename__ = "sync_meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False, default="")


class PulledParked(Base):
    """A record the county sent that this PC could not store (a value it cannot read, a rule
    it breaks). Kept whole, never dropped: listed on the 同步 page with the reason, counted as
    an error in the status bar, and tried again at the start of every pull (after an upgrade,
    or once the county has corrected it, it goes in; a newer version that goes in replaces
    it)."""

    __tablename__ = "sync_pulled_parked"
    __table_args__ = (UniqueConstraint("record_type", "record_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(30), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    change: Mapped[str] = mapped_column(Text, nullable=False)  # the pulled change, as JSON
    error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
