"""Make the clinic whole from the hub, its off-site copy: after a restore, or when the hub
answers that it holds a newer version of one of this clinic's records.

Every record the hub holds for this clinic is read (``HubClient.own``) and, in one transaction
(foreign keys checked at its end, so the order of the pages does not matter):

- a record missing here (made or received after the backup) is stored as the hub has it (one
  the county wrote, as a pull stores it: attached to its resident, its plan started unless
  that came back too; the clinic's own records are stored first);
- a record here with nothing waiting takes the hub's copy when the hub's is newer (or the
  same version: the county's answers are then current too); one the hub holds older than
  here is queued for upload again (the hub lost it);
- a record here with an edit waiting whose hub version moved on since the edit's base (the
  restored backup's copy, ``restore-base.db``; without it, any hub version not below ours)
  is merged: the fields this clinic owns keep the local edit where it changed them since the
  base and take the hub's value elsewhere; the county's fields take the hub's. If the result
  differs from the hub's copy it gets a version above the hub's and is sent; if not, it is
  the hub's copy and counts as synced.

A record that cannot be stored (a unique number now taken here) is kept whole in
``sync_pulled_parked`` with the reason, like a pulled record, and listed on the 同步 page.
"""

from __future__ import annotations

import json
import logging
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app import registry
from app.db.models import Outbox
from app.db.sync_models import SyncMeta
from app.services.recording import outbox_values
from app.sync.protocol import PulledChange, PullResponse

if TYPE_CHECKING:
    from app.sync.engine import RoundResult, SyncEngine

log = logging.getLogger("app.sync")
RECOVER_KEY = "recover_from_hub"  # as app/db/restore.py writes it
OWN_PAGE = 1000
ENVELOPE = {"id", "version", "deleted", "clinic_code"}  # not in the hub's data: set apart


def recovery_requested(engine: SyncEngine) -> dict[str, Any] | None:
    with engine.ctx.reader() as s:
        v = s.scalar(select(SyncMeta.value).where(SyncMeta.key == RECOVER_KEY))
    if v is None:
        return None
    try:
        return dict(json.loads(v or "{}"))
    except ValueError:
        return {}


def _fetch_all(engine: SyncEngine) -> list[PulledChange]:
    out: list[PulledChange] = []
    after = 0
    while True:
        page: PullResponse = engine._retrying(partial(engine.client.own, after, OWN_PAGE))
        out.extend(page.changes)
        if not page.more or not page.changes:
            return out
        after = page.next


class _Base:
    """The restored backup's copy of each record (the base of edits made since)."""

    def __init__(self, path: Path | None) -> None:
        self.session: Session | None = None
        self.engine: Any = None
        if path is not None and path.exists():
            from app.db.engine import make_engine

            self.engine = make_engine(path, readonly=True)  # encrypted like the database
            self.session = Session(self.engine)

    def get(self, cls: Any, id_: str) -> Any:
        if self.session is None:
            return None
        try:
            return self.session.get(cls, id_)
        except SQLAlchemyError:  # an older schema: no base, the local edit wins
            return None

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.engine.dispose()


def recover(engine: SyncEngine, res: RoundResult, base_file: Path | None) -> int:
    """Bring this clinic's records back from the hub (see the module doc); returns how many
    records changed here."""
    from app.sync.engine import (
        META,
        _apply_derived,
        _from_wire,
        _pull_fields,
        push_data,
        to_wire,
    )

    # This clinic's own records first, then those the county wrote to it: a downward referral
    # is stored as a pull stores it, finding its resident and plan already back.
    changes = sorted(_fetch_all(engine), key=lambda ch: ch.owner == "county")
    base = _Base(base_file)
    changed = 0
    now = engine.ctx.clock()
    try:
        with engine.ctx.session() as s:
            s.execute(text("PRAGMA defer_foreign_keys=ON"))
            outbox = {(o.record_type, o.record_id): o for o in s.scalars(select(Outbox)).all()}
            for ch in changes:
                cls: Any = registry.model(ch.type)
                if cls is None:
                    continue
                cols = _pull_fields(cls)[0] - {"id"}
                try:
                    with s.begin_nested():
                        rec = s.get(cls, ch.id)
                        queued = outbox.get((ch.type, ch.id))
                        if rec is None and ch.owner == "county":
                            # as a pull stores it: attached to its resident (recovered above),
                            # its plan started unless recovered too
                            engine._apply_change(s, ch)
                            changed += 1
                        elif rec is None:
                            rec = cls()
                            rec.id = ch.id
                            _take(rec, cls, ch, cols, _from_wire)
                            rec.created_at = rec.created_at or now
                            rec.updated_at = rec.updated_at or now
                            s.add(rec)
                            changed += 1
                        elif queued is None:
                            if ch.version >= rec.version:
                                before = to_wire(rec)
                                _take(rec, cls, ch, cols, _from_wire)
                                if to_wire(rec) != before:
                                    changed += 1
                            else:  # the hub holds an older version: send ours again
                                rec.sync_state = "pending"
                                s.add(Outbox(**outbox_values(ch.type, ch.id, rec.version, now)))
                        else:
                            b = base.get(cls, ch.id) if base_file is not None else None
                            if b is not None and ch.version <= b.version:
                                continue  # the hub has not moved since the base: ours goes up
                            if b is None and ch.version < rec.version:
                                continue  # ours is ahead of the hub's: it goes up as it is
                            local = to_wire(rec)
                            owned = set(push_data(rec, cls)) - META - ENVELOPE
                            base_wire = to_wire(b, cls) if b is not None else None
                            _take(rec, cls, ch, cols, _from_wire)  # the hub's copy ...
                            for k in owned & cols:  # ... with the local edits on top
                                if base_wire is None or local.get(k) != base_wire.get(k):
                                    setattr(rec, k, _from_wire(cls, k, local.get(k)))
                            rec.deleted = bool(local.get("deleted")) or ch.deleted
                            _apply_derived(cls, rec)
                            hub_owned = {k: ch.data.get(k) for k in owned & cols}
                            mine = {k: v for k, v in to_wire(rec).items() if k in hub_owned}
                            if all(_same(mine[k], hub_owned[k]) for k in hub_owned) and (
                                rec.deleted == ch.deleted
                            ):
                                rec.version, rec.sync_state, rec.sync_error = (
                                    ch.version,
                                    "synced",
                                    None,
                                )
                                s.delete(queued)
                            else:
                                rec.version = max(ch.version, int(local["version"])) + 1
                                rec.sync_state, rec.sync_error = "pending", None
                                rec.updated_at = now
                                queued.version, queued.state, queued.error = (
                                    rec.version,
                                    "pending",
                                    None,
                                )
                            changed += 1
                        s.flush()
                except (IntegrityError, ValueError) as e:
                    reason = str(e.orig if isinstance(e, IntegrityError) else e).splitlines()[0]
                    msg = f"无法恢复县医院保存的本站{ch.type} {ch.id}：{reason[:300]}"
                    log.error("%s", msg)
                    res.errors.append(msg)
                    engine._park(s, ch, reason[:300])
            s.execute(text("DELETE FROM sync_meta WHERE key=:k"), {"k": RECOVER_KEY})
    finally:
        base.close()
    if base_file is not None:
        base_file.unlink(missing_ok=True)
    log.info("recovered from the hub: %s records read, %s changed here", len(changes), changed)
    return changed


def _same(a: Any, b: Any) -> bool:
    return (None if a in ("", None) else a) == (None if b in ("", None) else b)


def _take(rec: Any, cls: Any, ch: PulledChange, cols: frozenset[str], parse: Any) -> None:
    """The hub's copy, every field (this clinic's own record or one addressed to it)."""
    for k in cols:
        if k in ch.data and k not in ("clinic_code", "version", "deleted"):
            setattr(rec, k, parse(cls, k, ch.data[k]))
    rec.clinic_code = "county" if ch.owner == "county" else ch.owner
    rec.version = ch.version
    rec.deleted = bool(rec.deleted) or ch.deleted
    rec.sync_state, rec.sync_error = "synced", None
