"""Write bookkeeping shared by every service: version, outbox row and audit row."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from app.db.base import SyncColumns
from app.db.models import AuditLog, Outbox
from app.domain.audit_chain import GENESIS, row_hash
from app.services.context import ServiceContext


def audit(
    session: Session,
    ctx: ServiceContext,
    action: str,
    record_type: str = "",
    record_id: str = "",
    detail: dict[str, Any] | None = None,
    *,
    username: str | None = None,
    user_id: str | None = None,
) -> None:
    append_audit(
        session,
        [audit_values(ctx, ctx.clock(), action, record_type, record_id, detail, username, user_id)],
    )


def append_audit(session: Session, rows: list[dict[str, Any]]) -> None:
    """Add audit rows (from ``audit_values``) at the end of the hash chain, in order."""
    if rows:
        # Without flushing what the caller is still filling in (a row added, fields to come).
        with session.no_autoflush:
            chain_audit(session, rows)
            session.execute(insert(AuditLog), rows)


def chain_audit(session: Session | Connection, rows: list[dict[str, Any]]) -> None:
    """Give audit rows about to be inserted, in this order, their place in the hash chain.

    Every row entering ``audit_log`` goes through here: each takes the hash of the row
    before it. The tail is read inside the caller's write transaction, so two writers cannot
    fork the chain; the caller inserts the rows right after, before any other audit row.
    """
    if not rows:
        return
    prev = session.scalar(select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1))
    prev = prev or GENESIS
    for r in rows:
        r["prev_hash"] = prev
        r["hash"] = prev = row_hash(
            prev,
            r["at"],
            r["user_id"],
            r["username"],
            r["action"],
            r["record_type"],
            r["record_id"],
            r["detail"],
        )


def audit_values(
    ctx: ServiceContext,
    at: datetime,
    action: str,
    record_type: str = "",
    record_id: str = "",
    detail: dict[str, Any] | None = None,
    username: str | None = None,
    user_id: str | None = None,
) -> dict[str, Any]:
    """The columns of one audit row (``audit`` adds it as an object; a bulk writer inserts
    many at once)."""
    actor = ctx.actor
    return {
        "at": at,
        "user_id": user_id if user_id is not None else (actor.user_id if actor else None),
        "username": username if username is not None else (actor.username if actor else ""),
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "detail": json.dumps(detail or {}, ensure_ascii=False, default=str),
    }


def outbox_values(record_type: str, record_id: str, version: int, at: datetime) -> dict[str, Any]:
    """The columns of a new outbox row: this version of the record waits for upload."""
    return {
        "record_type": record_type,
        "record_id": record_id,
        "version": version,
        "state": "pending",
        "attempts": 0,
        "error": None,
        "queued_at": at,
    }


def record_write(
    session: Session,
    ctx: ServiceContext,
    record: SyncColumns,
    record_type: str,
    action: str,
    detail: dict[str, Any] | None = None,
    *,
    new: bool = False,
) -> None:
    """Stamp a synced record as changed and queue it, in the caller's transaction."""
    now = ctx.clock()
    if new:
        record.clinic_code = ctx.clinic_code
        record.version = 1
        record.created_at = now
        record.deleted = False
        session.add(record)
    else:
        record.version = record.version + 1
    record.updated_at = now
    record.sync_state = "pending"
    record.sync_error = None
    session.flush()
    row = session.scalar(
        select(Outbox).where(Outbox.record_type == record_type, Outbox.record_id == record.id)
    )
    if row is None:
        session.add(Outbox(**outbox_values(record_type, record.id, record.version, now)))
    else:
        row.version = record.version
        row.state = "pending"
        row.error = None
        row.queued_at = now
    audit(session, ctx, action, record_type, record.id, detail)
