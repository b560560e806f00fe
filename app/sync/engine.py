"""One sync round: push the outbox in batches, then pull pages after the stored cursor.

Generic over the record-type registry (``app/registry.py``): a type syncs by having an entry
there, which says who owns which field (a pull applies only ``county_fields`` to a record this
clinic wrote, and never ``clinic_fields`` of a record the county wrote), what never leaves the
PC (``local_fields``), the derived fields and how to store a new record the county wrote.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dt_time
from functools import cache, partial
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

from app import registry
from app.db.base import SyncColumns
from app.db.models import Outbox
from app.db.sync_models import PulledParked, SyncMeta
from app.services.context import ServiceContext
from app.services.recording import audit
from app.sync.client import BatchRejected, HubClient, NetworkError
from app.sync.protocol import Change, PulledChange, PullResponse, PushResult

NOT_SENT = registry.NOT_SENT
COUNTY = registry.COUNTY  # clinic_code of records the county hospital wrote
META = registry.META  # when the record last changed, on whichever side
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
    recovered: int = 0  # records taken back from the hub (after a restore, app/sync/recover.py)

    @property
    def complete(self) -> bool:
        return self.pending_left == 0


@cache
def _wire_keys(cls: Any) -> tuple[str, ...]:
    skip = NOT_SENT | registry.for_model(cls).local_fields
    keys: list[str] = [a.key for a in inspect(cls).column_attrs]
    return tuple(k for k in keys if k not in skip)


def _wire_value(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date | datetime | dt_time) else v


def to_wire(record: Any, cls: Any = None) -> dict[str, Any]:
    """The record (an ORM object, or a Core row of ``cls``'s table) as JSON-ready values
    (dates and times in ISO form), local bookkeeping left out."""
    cls = cls or type(record)
    return {key: _wire_value(getattr(record, key)) for key in _wire_keys(cls)}


def push_data(record: Any, cls: Any = None) -> dict[str, Any]:
    """What the clinic sends: only the fields it owns, so it never carries (stale copies of)
    the county's. A record the county wrote (``clinic_code == "county"``) sends only the
    clinic's acknowledgement (``clinic_fields``); a clinic's own record all but
    ``county_fields``."""
    cls = cls or type(record)
    data = to_wire(record, cls)
    entry = registry.for_model(cls)
    if record.clinic_code == COUNTY:
        keep = entry.clinic_fields | META | {"id"}
        return {k: v for k, v in data.items() if k in keep}
    return {k: v for k, v in data.items() if k not in entry.county_fields}


class _WireView(Mapping[str, Any]):
    """``to_wire(rec)`` as a read-only mapping that converts only the fields read (``derived``
    reads a handful of a record's fifty-odd fields, once per pulled record)."""

    def __init__(self, rec: Any, cls: Any) -> None:
        self.rec, self.keys_ = rec, _wire_keys(cls)

    def __getitem__(self, key: str) -> Any:
        if key not in self.keys_:
            raise KeyError(key)
        return _wire_value(getattr(self.rec, key))

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)


def _apply_derived(cls: type, rec: SyncColumns) -> None:
    derive = registry.for_model(cls).derive
    if derive is not None:
        for k, v in derive(_WireView(rec, cls)).items():
            setattr(rec, k, _from_wire(cls, k, v))


def _iso_date(value: str) -> date:
    return date.fromisoformat(value[:10])


@cache
def _parsers(cls: Any) -> dict[str, Callable[[str], Any]]:
    """Column -> how its ISO text on the wire becomes a value (date and datetime columns)."""
    out: dict[str, Callable[[str], Any]] = {}
    for key, col in inspect(cls).columns.items():
        try:
            pytype = col.type.python_type
        except NotImplementedError:
            continue
        if pytype is datetime:
            out[key] = datetime.fromisoformat
        elif pytype is date:
            out[key] = _iso_date
        elif pytype is dt_time:
            out[key] = dt_time.fromisoformat
    return out


_EXPECTED: dict[Any, str] = {
    _iso_date: "不是有效的日期",
    datetime.fromisoformat: "不是有效的日期时间",
    dt_time.fromisoformat: "不是有效的时间",
}


def _from_wire(cls: type, key: str, value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    parse = _parsers(cls).get(key)
    if parse is None:
        return value
    try:
        return parse(value)
    except ValueError as e:  # name the field: the 同步 page shows this to the admin, in
        # Chinese (never the parser's English reason; the log keeps that)
        expected = _EXPECTED.get(parse, "格式不对")
        raise ValueError(f"字段 {key} 的值 {value!r} 无法识别（{expected}）") from e


@cache
def _pull_fields(cls: Any) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(columns a pull may set, county_fields, clinic_fields) of a synced type."""
    entry = registry.for_model(cls)
    cols = {a.key for a in inspect(cls).column_attrs} - NOT_SENT - entry.local_fields
    return frozenset(cols), entry.county_fields, entry.clinic_fields


@cache
def _column_defaults(cls: Any) -> tuple[tuple[str, Any], ...]:
    """(column, value the ORM inserts when the attribute is never set) for every column:
    its scalar default, else None (a callable default, e.g. ``id``'s, is always set here)."""
    out = []
    for a in inspect(cls).column_attrs:
        d = a.columns[0].default
        out.append((a.key, d.arg if d is not None and d.is_scalar else None))
    return tuple(out)


def _new_values(cls: Any, ch: PulledChange, now: datetime) -> dict[str, Any]:
    """Every column of a record the pull creates, as ``_apply_change`` sets it on a new object
    (before any receive hook)."""
    cols = _pull_fields(cls)[0]
    row = dict(_column_defaults(cls))
    data = ch.data
    if data.keys() <= cols:  # the usual case: nothing to leave out
        row.update(data)
    else:
        row.update((k, v) for k, v in data.items() if k in cols)
    for k, parse in _parsers(cls).items():  # as _from_wire, for the date columns only
        v = data.get(k) if k in cols else None
        if isinstance(v, str):
            row[k] = parse(v)
    row["id"] = ch.id
    row["clinic_code"] = COUNTY if ch.owner == COUNTY else ch.owner
    row["version"] = ch.version
    row["deleted"] = ch.deleted
    row["sync_state"], row["sync_error"] = "synced", None
    row["created_at"] = row.get("created_at") or now
    row["updated_at"] = now
    return row


def _flush_updates(s: Session, objs: list[Any]) -> None:
    """The UPDATEs a flush would make for these loaded records, one executemany per type and
    set of changed columns (the ORM batches only runs of records that happen to be adjacent
    in primary-key order and changed the same columns: a page of answers, some receipts and
    some arrivals, would take hundreds of statements). The same columns get the same values
    as in the ORM's flush; the records then leave the session, which has nothing left to
    write for them."""
    groups: dict[tuple[Any, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
    written: list[Any] = []
    for obj in objs:
        st: Any = inspect(obj)
        if not st.modified or st.deleted or st.pending:
            continue
        changed = {}
        for k in st.committed_state:
            added = get_history(obj, k).added
            if added:
                changed[k] = added[0]
        written.append(obj)
        if changed:
            keys = tuple(sorted(changed))
            changed["_pk"] = obj.id
            groups[(type(obj), keys)].append(changed)
    for (cls, keys), rows in groups.items():
        tbl = cls.__table__
        s.execute(
            update(tbl).where(tbl.c.id == bindparam("_pk")).values({k: bindparam(k) for k in keys}),
            rows,
        )
    for obj in written:
        s.expunge(obj)


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
        push_depth: int = 2,
    ) -> None:
        self.ctx, self.client = ctx, client
        self.batch_size, self.page_size = batch_size, page_size
        self.max_attempts, self.base_delay, self.max_delay = max_attempts, base_delay, max_delay
        self.sleep = sleep
        self.push_depth = max(1, push_depth)  # push batches on the wire at once
        self._has_parked = False  # any county record this PC could not store yet
        self._parked_now: set[tuple[str, str]] = set()  # ... parked during this pull
        self._hub_newer = False  # a push answered "the hub holds a newer version"
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
        """The next pending outbox rows after ``after_id`` with their records, read as plain
        rows (no ORM objects: a batch is read-only here)."""
        out: list[tuple[int, Change]] = []
        missing: list[int] = []
        ob: Any = Outbox.__table__
        with self.ctx.reader() as s:
            rows = s.execute(
                select(ob.c.id, ob.c.record_type, ob.c.record_id)
                .where(ob.c.state == "pending", ob.c.id > after_id)
                .order_by(ob.c.id)
                .limit(self.batch_size)
            ).all()
            by_type: dict[str, list[str]] = defaultdict(list)
            for r in rows:
                by_type[r.record_type].append(r.record_id)
            recs: dict[tuple[str, str], Any] = {}
            for t, ids in by_type.items():
                cls: Any = registry.model(t)
                if cls is not None:
                    tbl = cls.__table__
                    for found in s.execute(select(tbl).where(tbl.c.id.in_(ids))):
                        recs[(t, found.id)] = found
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
                    data=push_data(rec, registry.model(row.record_type)),
                )
                out.append((row.id, change))
        if missing:
            with self.ctx.session() as s:
                s.execute(
                    update(ob)
                    .where(ob.c.id.in_(missing))
                    .values(state="error", error="本机找不到这条记录（未上传）")
                )
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
        """Store the hub's answers, two statements per record type. Each touches a record and
        its outbox row only at the version the hub answered for: an edit made while the batch
        was out keeps the record pending (its newer version goes in a later batch)."""
        done: dict[str, list[dict[str, Any]]] = defaultdict(list)
        parked: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in results:
            if r.hub_version is not None and r.hub_version > r.version:
                # The hub holds a newer version of our own record (a restored backup): not done,
                # not an error either. It stays pending until the hub's copy is taken and the
                # edit re-sent above it.
                self._hub_newer = True
                continue
            if r.status == "rejected":
                res.parked += 1
                msg = (r.error or "县医院拒收")[:500]
                parked[r.type].append({"rid": r.id, "v": r.version, "msg": msg})
                continue
            if r.status == "duplicate" and (
                (r.hub_version is not None and r.hub_version != r.version)
                or (r.hub_version is None and r.error)
            ):
                # The hub holds another (newer) version of this record: not done. It stays
                # pending until the hub's copy is taken and the edit re-sent above it.
                self._hub_newer = True
                continue
            if r.status == "duplicate":
                res.duplicates += 1
            else:
                res.pushed += 1
            done[r.type].append({"rid": r.id, "v": r.version})
        ob: Any = Outbox.__table__
        at_version = (ob.c.record_id == bindparam("rid")) & (ob.c.version == bindparam("v"))
        with self.ctx.session() as s:
            for t, params in parked.items():
                s.execute(
                    update(ob)
                    .where((ob.c.record_type == t) & at_version)
                    .values(state="error", error=bindparam("msg"), attempts=ob.c.attempts + 1),
                    params,
                )
                cls: Any = registry.model(t)
                if cls is not None:
                    tbl = cls.__table__
                    s.execute(
                        update(tbl)
                        .where((tbl.c.id == bindparam("rid")) & (tbl.c.version == bindparam("v")))
                        .values(sync_state="error", sync_error=bindparam("msg")),
                        params,
                    )
            for t, params in done.items():
                cls = registry.model(t)
                if cls is None:
                    continue
                # synced only when the hub acknowledged exactly the current version
                tbl = cls.__table__
                s.execute(
                    update(tbl)
                    .where((tbl.c.id == bindparam("rid")) & (tbl.c.version == bindparam("v")))
                    .values(sync_state="synced", sync_error=None),
                    params,
                )
                s.execute(delete(ob).where((ob.c.record_type == t) & at_version), params)

    def push(self, res: RoundResult) -> None:
        """Batches in a pipeline: up to ``push_depth`` batches on the wire (worker threads)
        while the results of the previous one are stored and the next is read. Batches never
        share a record (one outbox row per record), so the hub may apply them in any order;
        results are stored in batch order, and an error (401, network given up) propagates
        once every earlier batch's results are stored. Replies still in flight then are
        dropped: those records stay pending and come back as duplicates next round."""
        with ThreadPoolExecutor(self.push_depth, thread_name_prefix="sync-push") as pool:
            after = 0
            exhausted = False
            inflight: deque[Future[list[PushResult]]] = deque()

            def send_next() -> None:
                nonlocal after, exhausted
                batch = self._next_batch(after)
                if not batch:
                    exhausted = True
                    return
                after = batch[-1][0]
                inflight.append(pool.submit(self._send, [c for _, c in batch]))

            while True:
                while not exhausted and len(inflight) < self.push_depth:
                    send_next()
                if not inflight:
                    return
                results = inflight.popleft().result()
                if not exhausted:
                    send_next()  # keep the wire busy while these results are stored
                self._apply_results(results, res)

    # --- pull ------------------------------------------------------------------------------

    def cursor(self) -> int:
        with self.ctx.reader() as s:
            v = s.scalar(select(SyncMeta.value).where(SyncMeta.key == CURSOR_KEY))
        return int(v) if v else 0

    def _apply_change(self, s: Session, ch: PulledChange) -> None:
        entry = registry.get(ch.type)
        if entry is None:
            return  # a type this version doesn't know: skipped, the cursor still moves
        cls: Any = entry.model
        cols, county_fields, clinic_fields = _pull_fields(cls)
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
            if entry.receive is not None:
                entry.receive(s, self.ctx, rec)
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

    def _apply_page(self, s: Session, changes: list[PulledChange]) -> None:
        """Store a page in the caller's transaction, fast: the records it touches are read
        with one query per type, new records the county wrote go to their type's bulk writer
        (the registry's ``receive_page``) when it can decide them from what it preloaded,
        everything else goes through ``_apply_change`` one by one, in page order, with no
        autoflush and no savepoint per record. Any error leaves the transaction for the
        caller to roll back (``pull`` then stores the page record by record)."""
        by_type: dict[str, list[str]] = defaultdict(list)
        for ch in changes:
            by_type[ch.type].append(ch.id)
        held: list[Any] = []  # the preloaded objects stay in the identity map for s.get
        existing: set[tuple[str, str]] = set()
        for t, ids in by_type.items():
            cls: Any = registry.model(t)
            if cls is not None:
                for rec in s.scalars(select(cls).where(cls.id.in_(ids))):
                    held.append(rec)
                    existing.add((t, rec.id))
        rows: dict[int, dict[str, Any]] = {}
        now = self.ctx.clock()
        page_receivers = {}
        for i, ch in enumerate(changes):
            new = (ch.type, ch.id) not in existing
            entry = registry.get(ch.type)
            if new and entry is not None and entry.receive_page is not None and ch.owner == COUNTY:
                rows[i] = _new_values(entry.model, ch, now)
                page_receivers[ch.type] = entry.receive_page
        bulk = {
            t: make(s, self.ctx, [r for i, r in rows.items() if changes[i].type == t])
            for t, make in page_receivers.items()
        }
        seen: set[tuple[str, str]] = set()
        only: str | None = None  # the one type seen so far in this page, if only one
        with s.no_autoflush:
            for i, ch in enumerate(changes):
                key = (ch.type, ch.id)
                row = rows.get(i)
                # A bulk writer decides from the state before the page: only while nothing
                # of another type (a resident, a plan) has changed here, never for a record
                # seen earlier in the page.
                if (
                    row is None
                    or key in seen
                    or only not in (None, ch.type)
                    or not bulk[ch.type].take(row)
                ):
                    self._write_bulk(s, bulk)
                    self._apply_change(s, ch)
                seen.add(key)
                only = ch.type if only in (None, ch.type) else ""
            self._write_bulk(s, bulk)
            _flush_updates(s, held)
            s.flush()
        del held

    @staticmethod
    def _write_bulk(s: Session, bulk: dict[str, Any]) -> None:
        """What the bulk writers queued, after what the session holds: rows reach each table
        in the order the record-by-record path writes them."""
        if any(b.pending for b in bulk.values()):
            s.flush()
            for b in bulk.values():
                b.write()

    def _store_page(self, page: PullResponse, res: RoundResult) -> None:
        """The page and the cursor after it in one transaction: fast, else (an IntegrityError
        or ValueError anywhere in the page) again record by record, where one record this PC
        cannot store is skipped and reported instead of blocking the rest."""
        try:
            with self.ctx.session() as s:
                self._apply_page(s, page.changes)
                self._unpark(s, page.changes)
                self._store_cursor(s, page.next)
            return
        except (IntegrityError, ValueError) as e:
            log.info("pull page up to %s stored record by record (%s)", page.next, e)
        with self.ctx.session() as s:
            stored: list[PulledChange] = []
            for ch in page.changes:
                if self._apply_one(s, ch, res):
                    stored.append(ch)
            self._unpark(s, stored)
            self._store_cursor(s, page.next)

    def _apply_one(self, s: Session, ch: PulledChange, res: RoundResult) -> bool:
        """One pulled record in its own savepoint. One this PC cannot store must not stop the
        others, nor be lost: it is kept whole (``PulledParked``), listed on the 同步 page,
        counted as an error, and tried again at the start of every pull."""
        try:
            with s.begin_nested():
                self._apply_change(s, ch)
            return True
        except (IntegrityError, ValueError) as e:
            reason = str(e.orig if isinstance(e, IntegrityError) else e).splitlines()[0][:300]
            msg = f"无法保存县医院下发的{ch.type} {ch.id}：{reason}"
            log.error("%s", msg)
            res.errors.append(msg)
            self._park(s, ch, reason)
            return False

    def _park(self, s: Session, ch: PulledChange, reason: str) -> None:
        row = s.scalar(
            select(PulledParked).where(
                PulledParked.record_type == ch.type, PulledParked.record_id == ch.id
            )
        )
        if row is None:
            row = PulledParked(record_type=ch.type, record_id=ch.id, attempts=0)
            s.add(row)
            audit(s, self.ctx, "sync_pull_error", ch.type, ch.id, {"error": reason})
        row.version, row.change = ch.version, ch.model_dump_json()
        row.error, row.at = reason, self.ctx.clock()
        row.attempts += 1
        self._has_parked = True
        self._parked_now.add((ch.type, ch.id))

    def _unpark(self, s: Session, stored: list[PulledChange]) -> None:
        """A county record stored at last (corrected, or this PC upgraded) leaves the list."""
        if not self._has_parked or not stored:
            return
        by_type: dict[str, list[str]] = defaultdict(list)
        for ch in stored:
            by_type[ch.type].append(ch.id)
        for t, ids in by_type.items():
            s.execute(
                delete(PulledParked).where(
                    PulledParked.record_type == t, PulledParked.record_id.in_(ids)
                )
            )

    def _count_parked(self) -> None:
        with self.ctx.reader() as s:
            self._has_parked = bool(s.scalar(select(func.count()).select_from(PulledParked)))

    def _retry_parked(self, res: RoundResult) -> None:
        """After the pages (a corrected version pulled just now has replaced its parked one):
        try what is left again, in case this PC can store it now."""
        if not self._has_parked:  # none before this pull, none parked during it
            return
        with self.ctx.session() as s:
            for row in s.scalars(select(PulledParked).order_by(PulledParked.id)).all():
                if (row.record_type, row.record_id) in self._parked_now:
                    continue  # just failed in this round's pages
                ch = PulledChange.model_validate_json(row.change)
                if self._apply_one(s, ch, res):
                    s.delete(row)

    @staticmethod
    def _store_cursor(s: Session, after: int) -> None:
        meta = s.get(SyncMeta, CURSOR_KEY)
        if meta is None:
            s.add(SyncMeta(key=CURSOR_KEY, value=str(after)))
        else:
            meta.value = str(max(int(meta.value or 0), after))

    def _fetch(self, after: int) -> PullResponse:
        page: PullResponse = self._retrying(partial(self.client.pull, after, self.page_size))
        return page

    def pull(self, res: RoundResult) -> None:
        """Pages in a pipeline: page k+1 (after page k's ``next``) is fetched on a worker
        thread while page k is stored. Only the page is stored with its cursor; a fetched page
        is never stored before all earlier ones, and one whose predecessor failed is dropped
        (the next round fetches it again after the stored cursor)."""
        self._count_parked()
        self._parked_now.clear()
        pool = ThreadPoolExecutor(1, thread_name_prefix="sync-pull")
        try:
            ahead: Future[PullResponse] = pool.submit(self._fetch, self.cursor())
            while True:
                page = ahead.result()
                if page.more:
                    ahead = pool.submit(self._fetch, page.next)
                self._store_page(page, res)
                res.pulled += len(page.changes)
                if self.after_page is not None:
                    self.after_page(page.next)
                if not page.more:
                    break
        finally:
            # normally nothing is in flight here; after an error, don't wait for a fetch
            pool.shutdown(wait=False, cancel_futures=True)
        self._retry_parked(res)

    # --- round -----------------------------------------------------------------------------

    def run_round(self) -> RoundResult:
        from app.sync.recover import recover, recovery_requested

        res = RoundResult()
        requested = recovery_requested(self)
        if requested is not None:  # a backup was restored: the hub's copy first
            base = requested.get("base")
            folder = Path(str(self.ctx.engine.url.database)).parent
            res.recovered += recover(self, res, folder / base if base else None)
        self._hub_newer = False
        self.push(res)
        if self._hub_newer:  # our copy is behind the hub's: take it, then send ours above
            res.recovered += recover(self, res, None)
            self._hub_newer = False
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
