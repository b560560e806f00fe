"""Helpers: create patients, compare clinic and hub records field by field."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.domain.patient import PatientInput
from app.registry import entry
from app.services.bundle import AppServices
from app.sync.engine import to_wire
from county.db import HubRecord
from tests.hub_server import Hub

ENVELOPE = {"id", "version", "deleted", "clinic_code"}


def add_patients(s: AppServices, n: int, prefix: str = "张") -> list[str]:
    return [
        s.patients.create(
            PatientInput(
                name=f"{prefix}{i}",
                sex="1",
                birth_date=date(1950, 1, 1) + (date(1950, 1, 2) - date(1950, 1, 1)) * i,
            ),
            allow_duplicate=True,
        ).id
        for i in range(n)
    ]


def hub_records(hub: Hub, clinic: str) -> dict[tuple[str, str], HubRecord]:
    with hub.sessions() as s:
        rows = s.scalars(select(HubRecord).where(HubRecord.clinic_code == clinic)).all()
        return {(r.type, r.id): r for r in rows}


def assert_same(s: AppServices, hub: Hub, types: tuple[str, ...] = ("patient",)) -> int:
    """Every synced local record equals the hub's, field by field (a field one side has never
    held counts as empty); every hub record of this clinic exists locally. Returns how many
    synced records were compared."""
    code = s.ctx.clinic_code
    remote = {k: v for k, v in hub_records(hub, code).items() if k[0] in types}
    seen = 0
    local_keys: set[tuple[str, str]] = set()
    with s.ctx.reader() as sess:
        for t in types:
            for rec in sess.scalars(select(entry(t).model)).all():
                local_keys.add((t, rec.id))
                if rec.sync_state != "synced":
                    continue
                h = remote.get((t, rec.id))
                assert h is not None, f"{t} {rec.id} missing on hub"
                assert (h.version, h.deleted) == (rec.version, rec.deleted), (t, rec.id)
                local = {k: v for k, v in to_wire(rec).items() if k not in ENVELOPE}
                hub_data = {k: v for k, v in h.data.items() if k not in ENVELOPE}
                for k in local.keys() | hub_data.keys():
                    assert _norm(local.get(k)) == _norm(hub_data.get(k)), (t, rec.id, k)
                seen += 1
    extra = set(remote) - local_keys
    assert not extra, f"hub holds records the clinic does not: {sorted(extra)[:3]}"
    return seen


def _norm(v: object) -> object:
    return None if v in ("", None) else v


def store_unchecked(hub: Hub, record_id: str, **data: object) -> None:
    """Overwrite fields of a hub record directly, as an older hub that did not check values
    may have stored them (today's hub refuses such values on the way in)."""
    with hub.sessions() as hs, hs.begin():
        rec = hs.scalar(select(HubRecord).where(HubRecord.id == record_id))
        assert rec is not None
        rec.data = {**rec.data, **data}
