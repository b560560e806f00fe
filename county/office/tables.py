"""Tables of the referral office UI: the signed-in browser sessions (and the retired shared
password).

A session is a random token in an HttpOnly cookie; only its SHA-256 is stored, so reading
this table does not give anyone a usable cookie. Each session carries its own CSRF token.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from county.db import HubBase, utcnow


class OfficePassword(HubBase):
    """Retired: the one shared office password of before named accounts (no longer read; the
    table stays so that older databases migrate without loss)."""

    __tablename__ = "office_password"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class OfficeSession(HubBase):
    __tablename__ = "office_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    csrf: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the signed-in account
