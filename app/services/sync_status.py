"""What the UI shows about sync: pending count, records in error (with their patient), retry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app import registry
from app.db.models import Outbox, Patient
from app.db.sync_models import PulledParked, SyncMeta
from app.domain.field_labels import in_words
from app.domain.roles import Perm
from app.services.context import Changes, ServiceContext
from app.services.recording import audit


@dataclass(frozen=True)
class SyncErrorRow:
    record_type: str
    type_name: str
    record_id: str
    version: int
    message: str
    patient_id: str | None
    patient_name: str


@dataclass(frozen=True)
class SyncSummary:
    pending: int
    errors: int
    last_success_at: datetime | None


class SyncStatusService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def summary(self) -> SyncSummary:
        with self.ctx.reader() as s:
            pending = (
                s.scalar(select(func.count()).select_from(Outbox).where(Outbox.state == "pending"))
                or 0
            )
            errors = (
                s.scalar(select(func.count()).select_from(Outbox).where(Outbox.state == "error"))
                or 0
            )
            errors += s.scalar(select(func.count()).select_from(PulledParked)) or 0
            last = s.scalar(select(SyncMeta.value).where(SyncMeta.key == "last_success_at"))
        return SyncSummary(
            int(pending), int(errors), datetime.fromisoformat(last) if last else None
        )

    def pending_count(self) -> int:
        s = self.summary()
        return s.pending + s.errors

    def errors(self) -> list[SyncErrorRow]:
        out: list[SyncErrorRow] = []
        with self.ctx.reader() as s:
            rows = s.scalars(select(Outbox).where(Outbox.state == "error").order_by(Outbox.id))
            for row in rows:
                entry = registry.get(row.record_type)
                rec = s.get(entry.model, row.record_id) if entry else None
                field = entry.patient_field if entry is not None else None
                pid = row.record_id if field == "id" else getattr(rec, field or "", None)
                name = s.scalar(select(Patient.name).where(Patient.id == pid)) if pid else None
                out.append(
                    SyncErrorRow(
                        row.record_type,
                        registry.label(row.record_type),
                        row.record_id,
                        row.version,
                        in_words(row.record_type, row.error or ""),
                        pid,
                        name or "",
                    )
                )
            for parked in s.scalars(select(PulledParked).order_by(PulledParked.id)):
                data = json.loads(parked.change).get("data") or {}
                name = data.get("patient_name") or data.get("name") or ""
                out.append(
                    SyncErrorRow(
                        parked.record_type,
                        "县医院下发的" + registry.label(parked.record_type),
                        parked.record_id,
                        parked.version,
                        "本机无法保存（每次同步会重试）："
                        + in_words(parked.record_type, parked.error),
                        None,
                        str(name),
                    )
                )
        return out

    def retry(self, record_ids: list[str] | None = None) -> int:
        """Put parked records back in the queue (after the data or the hub was fixed)."""
        self.ctx.require(Perm.SETTINGS_EDIT)
        with self.ctx.session() as s:
            q = select(Outbox).where(Outbox.state == "error")
            if record_ids:
                q = q.where(Outbox.record_id.in_(record_ids))
            rows = list(s.scalars(q))
            for row in rows:
                row.state, row.error = "pending", None
                cls = registry.model(row.record_type)
                rec = s.get(cls, row.record_id) if cls else None
                if rec is not None:
                    rec.sync_state, rec.sync_error = "pending", None
            if rows:
                audit(s, self.ctx, "sync_retry", detail={"count": len(rows)})
        if rows:
            self.ctx.notify(Changes("sync", frozenset(r.record_id for r in rows), "retry"))
        return len(rows)
