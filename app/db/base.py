"""Declarative base with a naming convention (Alembic batch mode on SQLite needs it)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class SyncColumns:
    """The columns every record that leaves the clinic carries (docs/ARCHITECTURE.md)."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    clinic_code: Mapped[str] = mapped_column(String(20), nullable=False)
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    deleted: Mapped[bool] = mapped_column(nullable=False, default=False)
    sync_state: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    sync_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
