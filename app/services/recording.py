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


class BulkRecorder:
    """``record_write`` for many records at once, for seeding (the demo): rows are collected in
    memory and inserted with one executemany per table in the caller's transaction.

    Each ``new`` / ``edit`` stamps the record exactly as ``record_write`` does (version,
    pending state, one outbox row at the latest version, one audit row per write), so the
    stored result is the same as writing the records one by one through the services.
    """

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self._rows: dict[str, dict[str, Any]] = {}
        self._outbox: dict[tuple[str, str], dict[str, Any]] = {}
        self._audit: list[dict[str, Any]] = []

    def new(
        self,
        table: str,
        record_type: str,
        content: dict[str, Any],
        action: str = "create",
        detail: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A new synced record; returns its row (with ``id``) for later edits."""
        from app.db.base import new_id

        now = self.ctx.clock()
        row = {
            "id": new_id(),
            "clinic_code": self.ctx.clinic_code,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "deleted": False,
            "sync_state": "pending",
            "sync_error": None,
            **content,
        }
        self.tables.setdefault(table, []).append(row)
        self._rows[row["id"]] = row
        self._queue(record_type, row, action, detail, now)
        return row

    def edit(
        self,
        record_type: str,
        record_id: str,
        changes: dict[str, Any],
        action: str,
        detail: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Change a record collected earlier: one more version, queued and audited."""
        now = self.ctx.clock()
        row = self._rows[record_id]
        row.update(changes)
        row["version"] += 1
        row["updated_at"] = now
        self._queue(record_type, row, action, detail, now)
        return row

    def row(self, record_id: str) -> dict[str, Any]:
        return self._rows[record_id]

    def _queue(
        self,
        record_type: str,
        row: dict[str, Any],
        action: str,
        detail: dict[str, Any] | None,
        now: datetime,
    ) -> None:
        key = (record_type, row["id"])
        self._outbox[key] = outbox_values(record_type, row["id"], row["version"], now)
        self._audit.append(audit_values(self.ctx, now, action, record_type, row["id"], detail))

    def write(self, session: Session, order: list[str]) -> None:
        """Insert everything collected, tables in ``order`` (parents before children)."""
        from app.db.base import Base

        tables = Base.metadata.tables
        for name in [*order, *(t for t in self.tables if t not in order)]:
            # one executemany per set of columns given (an edit may have set one that others
            # leave to the column's default)
            groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in self.tables.get(name, []):
                groups.setdefault(tuple(sorted(row)), []).append(row)
            for rows in groups.values():
                session.execute(tables[name].insert(), rows)
        if self._outbox:
            session.execute(insert(Outbox), list(self._outbox.values()))
        if self._audit:
            append_audit(session, self._audit)  # chained, as every audit row
        self.tables.clear()
        self._rows.clear()
        self._outbox.clear()
        self._audit.clear()
