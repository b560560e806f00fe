"""One sync round: push the outbox in batches, then pull pages after the stored cursor.

Generic over SYNCED_MODELS: a record type syncs by being registered there. Class attributes
the engine reads: ``COUNTY_FIELDS`` (answers the county owns; a pull applies only these to a
record this clinic authored), ``CLINIC_FIELDS`` (the clinic's part of a county-authored
record, e.g. its acknowledgement of a downward referral), ``LOCAL_FIELDS`` (never sent).
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, partial
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import all_models  # noqa: F401  (fills SYNCED_MODELS)
from app.db.base import SyncColumns
from app.db.models import SYNCED_MODELS, Outbox
from app.db.sync_models import SyncMeta
from app.services.context import ServiceContext
from app.services.recording import audit
from app.sync.adopt import RECEIVERS
from app.sync.client import BatchRejected, HubClient, NetworkError
from app.sync.protocol import Change, PulledChange, PullResponse, PushResult

NOT_SENT = {"sync_state", "sync_error"}
COUNTY = "county"  # clinic_code of records the county hospital wrote
META = {"created_at", "updated_at"}  # when the record last changed, on whichever side
log = logging.getLogger("app.sync")
CURSOR_KEY = "pull_cursor"
LAST_OK_KEY = "last_success_at"


@dataclass
class RoundResult:
    pushed: int = 0
    duplicates: int = 0
    parked: int = 0
    pulled: int = 0
    pending_left: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.pending_left == 0


@cache
def _wire_keys(cls: Any) -> tuple[str, ...]:
    skip = NOT_SENT | set(getattr(cls, "LOCAL_FIELDS", ()))
    keys: list[str] = [a.key for a in inspect(cls).column_attrs]
    return tuple(k for k in keys if k not in skip)


def to_wire(record: SyncColumns) -> dict[str, Any]:
    """The record as JSON-ready values (dates in ISO form), local bookkeeping left out."""
    out: dict[str, Any] = {}
    cls: Any = type(record)
    for key in _wire_keys(cls):
        v = getattr(record, key)
        out[key] = v.isoformat() if isinstance(v, date | datetime) else v
    return out


def _load(s: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """Records by (type, id), one query per type."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for t, i in keys:
        by_type[t].append(i)
    out: dict[tuple[str, str], Any] = {}
    for t, ids in by_type.items():
        cls: Any = SYNCED_MODELS.get(t)
        if cls is not None:
            for rec in s.scalars(select(cls).where(cls.id.in_(ids))):
                out[(t, rec.id)] = rec
    return out


def push_data(record: SyncColumns) -> dict[str, Any]:
    """What the clinic sends: only the fields it owns, so it never carries (stale copies of)
    the county's. A record the county wrote (``clinic_code == "county"``) sends only the
    clinic's acknowledgement (``CLINIC_FIELDS``); a clinic's own record all but
    ``COUNTY_FIELDS``."""
    cls = type(record)
    data = to_wire(record)
    if record.clinic_code == COUNTY:
        keep = set(getattr(cls, "CLINIC_FIELDS", ())) | META | {"id"}
        return {k: v for k, v in data.items() if k in keep}
    county = set(getattr(cls, "COUNTY_FIELDS", ()))
    return {k: v for k, v in data.items() if k not in county}


def _apply_derived(cls: type, rec: SyncColumns) -> None:
    derive = getattr(cls, "derived", None)
    if derive is not None:
        for k, v in derive(to_wire(rec)).items():
            setattr(rec, k, _from_wire(cls, k, v))


def _from_wire(cls: type, key: str, value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    col: Any = inspect(cls).columns.get(key)
    if col is None:
        return value
    try:
        pytype = col.type.python_type
    except NotImplementedError:
        return value
    if pytype is datetime:
        return datetime.fromisoformat(value)
    if pytype is date:
        return date.fromisoformat(value[:10])
    return value


class SyncEngine:
    def __init__(
        self,
        ctx: ServiceContext,
        client: HubClient,
        *,
        batch_size: int = 500,
        page_size: int = 500,
        max_attempts: int = 5,
        base_delay: float = 0.5,
        max_delay: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        after_page: Callable[[int], None] | None = None,
    ) -> None:
        self.ctx, self.client = ctx, client
        self.batch_size, self.page_size = batch_size, page_size
        self.max_attempts, self.base_delay, self.max_delay = max_attempts, base_delay, max_delay
        self.sleep = sleep
        self.after_page = after_page  # test hook: called after each page commit

    # --- retry -----------------------------------------------------------------------------

    def _retrying(self, fn: Callable[[], Any]) -> Any:
        for attempt in range(self.max_attempts):
            try:
                return fn()
            except NetworkError:
                if attempt == self.max_attempts - 1:
                    raise
                delay = min(self.max_delay, self.base_delay * 2**attempt)
                self.sleep(random.uniform(0, delay))  # full jitter
        raise AssertionError("unreachable")

    # --- push ------------------------------------------------------------------------------

    def _next_batch(self, after_id: int) -> list[tuple[int, Change]]:
        out: list[tuple[int, Change]] = []
        missing: list[int] = []
        with self.ctx.reader() as s:
            rows = s.scalars(
                select(Outbox)
                .where(Outbox.state == "pending", Outbox.id > after_id)
                .order_by(Outbox.id)
                .limit(self.batch_size)
            ).all()
            recs = _load(s, ((r.record_type, r.record_id) for r in rows))
            for row in rows:
                rec = recs.get((row.record_type, row.record_id))
                if rec is None:
                    missing.append(row.id)  # never send an empty record in its place
                    continue
                change = Change(
                    type=row.record_type,
                    id=rec.id,
                    version=rec.version,
                    deleted=rec.deleted,
                    data=push_data(rec),
                )
                out.append((row.id, change))
        if missing:
            with self.ctx.session() as s:
                for row in s.scalars(select(Outbox).where(Outbox.id.in_(missing))):
                    row.state, row.error = "error", "本机找不到这条记录（未上传）"
        if rows and not out:
            return self._next_batch(rows[-1].id)
        return out

    def _send(self, changes: list[Change]) -> list[PushResult]:
        """Push, isolating a record the hub refuses as a whole request (4xx) by halving."""
        try:
            return list(self._retrying(lambda: self.client.push(self.ctx.clinic_code, changes)))
        except BatchRejected as e:
            if len(changes) == 1:
                c = changes[0]
                return [
                    PushResult(
                        id=c.id, type=c.type, version=c.version, status="rejected", error=str(e)
                    )
                ]
            mid = len(changes) // 2
            return self._send(changes[:mid]) + self._send(changes[mid:])

    def _apply_results(self, results: list[PushResult], res: RoundResult) -> None:
        keys = [(r.type, r.id) for r in results]
        with self.ctx.session() as s:
            recs = _load(s, keys)
            outbox: dict[tuple[str, str], Outbox] = {}
            for t in {k[0] for k in keys}:
                ids = [i for kt, i in keys if kt == t]
                for ob in s.scalars(
                    select(Outbox).where(Outbox.record_type == t, Outbox.record_id.in_(ids))
                ):
                    outbox[(t, ob.record_id)] = ob
            for r in results:
                row = outbox.get((r.type, r.id))
                rec = recs.get((r.type, r.id))
                if r.status == "rejected":
                    res.parked += 1
                    msg = (r.error or "县医院拒收")[:500]
                    if row is not None and row.version == r.version:
                        row.state, row.error = "error", msg
                        row.attempts += 1
                    if rec is not None and rec.version == r.version:
                        rec.sync_state, rec.sync_error = "error", msg
                    continue
                if r.status == "duplicate":
                    res.duplicates += 1
                else:
                    res.pushed += 1
                # synced only when the hub acknowledged exactly the current version
                if rec is not None and rec.version == r.version:
                    rec.sync_state, rec.sync_error = "synced", None
                    if row is not None and row.version == r.version:
                        s.delete(row)

    def push(self, res: RoundResult) -> None:
        after = 0
        while True:
            batch = self._next_batch(after)
            if not batch:
                return
            after = batch[-1][0]
            results = self._send([c for _, c in batch])
            self._apply_results(results, res)

    # --- pull ------------------------------------------------------------------------------

    def cursor(self) -> int:
        with self.ctx.reader() as s:
            v = s.scalar(select(SyncMeta.value).where(SyncMeta.key == CURSOR_KEY))
        return int(v) if v else 0

    def _apply_change(self, s: Session, ch: PulledChange) -> None:
        cls = SYNCED_MODELS.get(ch.type)
        if cls is None:
            return  # a type this version doesn't know: skipped, the cursor still moves
        county_fields = set(getattr(cls, "COUNTY_FIELDS", ()))
        clinic_fields = set(getattr(cls, "CLINIC_FIELDS", ()))
        local_fields = set(getattr(cls, "LOCAL_FIELDS", ()))
        cols = {a.key for a in inspect(cls).column_attrs} - NOT_SENT - local_fields
        rec = s.get(cls, ch.id)
        if rec is None:
            rec = cls()
            rec.id = ch.id
            for k, v in ch.data.items():
                if k in cols and k != "id":
                    setattr(rec, k, _from_wire(cls, k, v))
            rec.clinic_code = COUNTY if ch.owner == COUNTY else ch.owner
            rec.version = ch.version
            rec.deleted = ch.deleted
            rec.sync_state, rec.sync_error = "synced", None
            now = self.ctx.clock()
            rec.created_at = rec.created_at or now
            rec.updated_at = now
            receive = RECEIVERS.get(ch.type)
            if receive is not None:
                receive(s, self.ctx, rec)
            else:
                s.add(rec)
            return
        if ch.owner == COUNTY:
            # The county's content; never the clinic's acknowledgement (pending or not).
            writable = cols - clinic_fields - META - {"id", "clinic_code", "version"}
        else:
            # The clinic's own record: only the county's answers, which the clinic never edits.
            writable = county_fields & cols
        if rec.sync_state != "pending":  # never over a local change not yet sent
            writable |= META & cols
        for k in writable:
            if k in ch.data:
                setattr(rec, k, _from_wire(cls, k, ch.data[k]))
        if ch.deleted:
            rec.deleted = True  # tombstones only move one way
        _apply_derived(cls, rec)

    def pull(self, res: RoundResult) -> None:
        while True:
            after = self.cursor()
            page: PullResponse = self._retrying(partial(self.client.pull, after, self.page_size))
            with self.ctx.session() as s:  # page + cursor in one transaction
                for ch in page.changes:
                    try:
                        with s.begin_nested():
                            self._apply_change(s, ch)
                    except (IntegrityError, ValueError) as e:
                        # One record this PC cannot store must not stop the others: keep
                        # going, and say so (audit log + the round's errors).
                        msg = f"无法保存县医院下发的{ch.type} {ch.id}：{type(e).__name__}"
                        log.error("%s: %s", msg, e)
                        res.errors.append(msg)
                        audit(s, self.ctx, "sync_pull_error", ch.type, ch.id, {"error": str(e)})
                meta = s.get(SyncMeta, CURSOR_KEY)
                if meta is None:
                    s.add(SyncMeta(key=CURSOR_KEY, value=str(page.next)))
                else:
                    meta.value = str(max(int(meta.value or 0), page.next))
            res.pulled += len(page.changes)
            if self.after_page is not None:
                self.after_page(page.next)
            if not page.more:
                return

    # --- round -----------------------------------------------------------------------------

    def run_round(self) -> RoundResult:
        res = RoundResult()
        self.push(res)
        self.pull(res)
        if res.pulled:
            self.push(res)  # what the pull made here (a resident, a plan) goes up at once
        res.pending_left = pending_count(self.ctx)
        if res.pending_left == 0:
            with self.ctx.session() as s:
                s.merge(SyncMeta(key=LAST_OK_KEY, value=self.ctx.clock().isoformat()))
        return res


def pending_count(ctx: ServiceContext) -> int:
    """Records not yet acknowledged by the hub (pending or parked)."""
    with ctx.reader() as s:
        return int(s.scalar(select(func.count()).select_from(Outbox)) or 0)
