"""Hub tables: clinics (hashed tokens), records by (type, id), change log, refused writes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

COUNTY = "county"
BIGINT = BigInteger().with_variant(Integer, "sqlite")  # 64-bit on both (migration 0003a)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class HubBase(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class HubClinic(HubBase):
    __tablename__ = "clinics"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # The ClinicLink version the clinic last synced with (its User-Agent), for the office.
    client_version: Mapped[str | None] = mapped_column(String(40), nullable=True)


class HubRecord(HubBase):
    """Latest state of one record. ``clinic_code`` is the clinic it belongs to (author or
    addressee); ``owner`` is who authored it (a clinic code or "county")."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("type", "id", name="uq_records_type_id"),
        Index("ix_records_clinic", "clinic_code", "type"),
    )
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(30), nullable=False)
    id: Mapped[str] = mapped_column(String(36), nullable=False)
    version: Mapped[int] = mapped_column(BIGINT, nullable=False)
    county_rev: Mapped[int] = mapped_column(BIGINT, nullable=False, default=0)
    owner: Mapped[str] = mapped_column(String(20), nullable=False)
    clinic_code: Mapped[str] = mapped_column(String(20), nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class ChangeLog(HubBase):
    """Every county-side change, numbered; clinics pull after their last ``seq``."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_clinic_seq", "clinic_code", "seq"),)
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    type: Mapped[str] = mapped_column(String(30), nullable=False)
    id: Mapped[str] = mapped_column(String(36), nullable=False)
    clinic_code: Mapped[str] = mapped_column(String(20), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class RefusedWrite(HubBase):
    """A write refused (stale, foreign, resurrecting, invalid): recorded, never silently lost."""

    __tablename__ = "refused_writes"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    clinic_code: Mapped[str] = mapped_column(String(20), nullable=False)
    type: Mapped[str] = mapped_column(String(30), nullable=False)
    id: Mapped[str] = mapped_column(String(36), nullable=False)
    version: Mapped[int] = mapped_column(BIGINT, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


def _json_text(value: Any) -> str:
    """A record's data as stored: strict JSON (NaN or Infinity, which neither database can
    read back, raise instead of being written)."""
    return json.dumps(value, allow_nan=False)


# Errors and logs of the hub's engines never carry the statement's values (record content,
# names, ID numbers, search terms): ``hide_parameters``.
ENGINE_ARGS: dict[str, Any] = {"hide_parameters": True, "json_serializer": _json_text}


def make_hub_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **ENGINE_ARGS
        )

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _rec: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()
            conn.isolation_level = None  # we issue BEGIN IMMEDIATE ourselves

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True, **ENGINE_ARGS)


def init_db(engine: Engine) -> None:
    """Bring the schema up to date (Alembic migrations under county/migrations)."""
    from county.migrate import upgrade

    upgrade(engine)


def make_sessions(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(engine, expire_on_commit=False)
