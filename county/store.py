"""Hub-side rules: idempotent upsert by (id, version), ownership, tombstones, pull pages.

Ownership: a record belongs to the clinic that authored it. Field sets the county owns are
read from the record-type registry (``app/registry.py``: a type's ``county_fields``; a record
the county authored, e.g. a downward referral, is county-owned in all its content except the
``clinic_fields`` the addressee may acknowledge). A new type needs a registry entry, no hub
code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import Text, bindparam, cast, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app import registry
from app.domain.field_labels import field_label, field_labels
from app.domain.referral import Side
from app.domain.roles import OFFICE_ROLE_NAMES, OfficeRole
from app.domain.write_rules import Incoming, Ownership, Stored, check_write, owns
from app.sync.protocol import Change, PushResult
from county import wire
from county.db import COUNTY, ChangeLog, HubClinic, HubRecord, RefusedWrite, utcnow

ENVELOPE = {"id", "version", "deleted", "clinic_code", "sync_state", "sync_error"}
# When the record last changed, on whichever side: no owner, the latest writer sets it.
META = {"created_at", "updated_at"}


def known_types() -> dict[str, frozenset[str]]:
    """Wire type -> county-owned fields, from the record-type registry."""
    return {name: t.county_fields for name, t in registry.REGISTRY.items()}


def _with_derived(type_: str, data: dict[str, Any]) -> dict[str, Any]:
    """Fields that follow from the county's answers (e.g. a referral's status), by the same
    rule the workstation applies after a pull, so both sides hold the same record."""
    t = registry.get(type_)
    derive = t.derive if t is not None else None
    return {**data, **derive(data)} if derive is not None else data


def _result(
    ch: Change, status: Literal["applied", "duplicate", "rejected"], error: str | None = None
) -> PushResult:
    return PushResult(id=ch.id, type=ch.type, version=ch.version, status=status, error=error)


def ownership(type_: str) -> Ownership:
    """Who owns which field of a type, as the record-type registry declares it."""
    t = registry.get(type_)
    if t is None:
        return Ownership(county_fields=frozenset(), clinic_fields=frozenset())
    return Ownership(county_fields=t.county_fields, clinic_fields=t.clinic_fields)


class _Batch:
    """One push batch decided in memory, then written with a few executemany statements:
    new rows, changed rows, refused writes. ``rows`` holds the hub's current row per
    (type, id) as a dict, including rows this batch creates, so a record twice in one batch
    is decided against the state its earlier change left.

    The rows the batch touches are read ``FOR UPDATE``, type by type and id by id in sorted
    order (so two batches, or a batch and the office, never wait on each other in a circle):
    nobody changes them between this read and this transaction's commit, so a county answer
    committed meanwhile is never written over, and a lower version never replaces a higher
    one, with any number of hub processes. (SQLite: the transaction is BEGIN IMMEDIATE, one
    writer at a time, already.)"""

    def __init__(self, s: Session, clinic: str, changes: list[Change]) -> None:
        self.clinic = clinic
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.new: list[dict[str, Any]] = []
        self.changed: dict[int, dict[str, Any]] = {}
        self.refused: list[dict[str, Any]] = []
        t = HubRecord.__table__.c
        cols = (t.pk, t.type, t.id, t.version, t.owner, t.clinic_code, t.deleted, t.data)
        for typ in sorted({c.type for c in changes}):
            ids = sorted({c.id for c in changes if c.type == typ})
            stmt = select(*cols).where(t.type == typ, t.id.in_(ids)).order_by(t.id)
            for row in s.execute(stmt.with_for_update()):
                self.rows[(typ, row.id)] = dict(row._mapping)

    def refuse_raw(self, raw: Any, reason: str) -> PushResult:
        """A change that cannot be read as a record of ours: refused, and kept only as far as
        it can be stored safely (which type, id and version it claimed)."""
        type_, id_, version = wire.safe_ref(raw)
        self._record_refusal(type_, id_, version, reason, {})
        return PushResult(id=id_, type=type_, version=version, status="rejected", error=reason)

    def refuse(self, ch: Change, reason: str) -> PushResult:
        self._record_refusal(ch.type, ch.id, ch.version, reason, ch.model_dump(mode="json"))
        return _result(ch, "rejected", reason)

    def _record_refusal(
        self, type_: str, id_: str, version: int, reason: str, payload: dict[str, Any]
    ) -> None:
        self.refused.append(
            {
                "clinic_code": self.clinic,
                "type": type_,
                "id": id_,
                "version": version,
                "reason": reason[:1000],
                "payload": payload,
                "at": utcnow(),
            }
        )

    def write(self, s: Session) -> None:
        t: Any = HubRecord.__table__
        if self.new:
            s.execute(insert(t), [{k: v for k, v in r.items() if k != "pk"} for r in self.new])
        if self.changed:
            s.execute(
                update(t)
                .where(t.c.pk == bindparam("b_pk"))
                .values(
                    version=bindparam("b_version"),
                    deleted=bindparam("b_deleted"),
                    data=bindparam("b_data", type_=t.c.data.type),
                    updated_at=bindparam("b_updated_at"),
                ),
                [
                    {f"b_{k}": r[k] for k in ("pk", "version", "deleted", "data", "updated_at")}
                    for r in sorted(self.changed.values(), key=lambda r: r["pk"])
                ],
            )
        if self.refused:
            refused: Any = RefusedWrite.__table__
            s.execute(insert(refused), self.refused)


def apply_change(b: _Batch, ch: Change) -> PushResult:
    """Decide one (well-formed) change against the hub's current row: applied, duplicate or
    refused, by the write rules of ``app.domain.write_rules``."""
    clinic = b.clinic
    own = ownership(ch.type)
    data = {k: v for k, v in ch.data.items() if k not in ENVELOPE}
    rec = b.rows.get((ch.type, ch.id))
    incoming = Incoming(data=data, deleted=ch.deleted, fields_sent=frozenset(data))
    if rec is None:
        problem = check_write(ch.type, own, None, incoming, Side.CLINIC)
        if problem:
            return b.refuse(ch, problem)
        rec = {
            "pk": None,
            "type": ch.type,
            "id": ch.id,
            "version": ch.version,
            "county_rev": 0,
            "owner": clinic,
            "clinic_code": clinic,
            "deleted": ch.deleted,
            "data": _with_derived(ch.type, data),
            "updated_at": utcnow(),
        }
        b.rows[(ch.type, ch.id)] = rec
        b.new.append(rec)  # a concurrent twin fails on the unique key; the batch is retried
        return _result(ch, "applied")
    if rec["clinic_code"] != clinic:
        # Same answer as "unknown" would leak that the id exists; refuse without detail.
        return b.refuse(ch, "无权修改此记录")
    if ch.version == rec["version"]:
        return _result(ch, "duplicate")
    if ch.version < rec["version"]:
        newer = f"县医院已有此记录较新的版本（{rec['version']}），此版本（{ch.version}）未保存"
        refused = b.refuse(ch, newer)
        # The clinic's copy is behind the hub's (a restored backup): it takes the hub's copy,
        # then sends its edit above it (app/sync/recover.py).
        refused.hub_version = rec["version"]
        return refused
    county_wrote = rec["owner"] == COUNTY
    stored = Stored(data=rec["data"], deleted=rec["deleted"], county_wrote=county_wrote)
    problem = check_write(ch.type, own, stored, incoming, Side.CLINIC)
    if problem:
        return b.refuse(ch, problem)
    merged = dict(rec["data"])
    merged.update({k: v for k, v in data.items() if owns(Side.CLINIC, own, county_wrote, k)})
    rec["data"] = _with_derived(ch.type, merged)
    rec["version"] = ch.version
    rec["deleted"] = rec["deleted"] or ch.deleted
    rec["updated_at"] = utcnow()
    if rec["pk"] is not None:
        b.changed[rec["pk"]] = rec
    return _result(ch, "applied")


RETRY_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
UNIQUE_VIOLATION = "23505"


def _retryable(e: DBAPIError) -> bool:
    """A deadlock, or the same new record inserted by a concurrent batch (a unique key): run
    the batch again, where those records now read as duplicates. Anything else is an error."""
    state = getattr(e.orig, "sqlstate", None)
    if state is not None:
        return state in RETRY_SQLSTATES or state == UNIQUE_VIOLATION
    return isinstance(e, IntegrityError) and "UNIQUE" in str(e.orig)  # SQLite


def push(sessions: sessionmaker[Any], clinic: str, raw_changes: list[Any]) -> list[PushResult]:
    """Apply a batch in one transaction, each change checked on its own first: one that
    cannot be stored (``county.wire``) is refused and the rest go on. A unique-key race (the
    same new record arriving concurrently) or a deadlock rolls back and re-runs."""
    types = frozenset(known_types())
    checked: list[tuple[Any, Change | None, str | None]] = []
    for raw in raw_changes:
        ch, problem = wire.change_problem(raw, types)
        checked.append((raw, ch, problem))
    good = [ch for _raw, ch, _p in checked if ch is not None]
    for attempt in range(5):
        try:
            with sessions() as s, s.begin():
                batch = _Batch(s, clinic, good)
                results = [
                    apply_change(batch, ch) if ch is not None else batch.refuse_raw(raw, p or "")
                    for raw, ch, p in checked
                ]
                batch.write(s)
                return results
        except DBAPIError as e:
            if attempt == 4 or not _retryable(e):
                raise
    raise AssertionError("unreachable")


def _page_json(rows: Sequence[Any], after: int, limit: int) -> bytes:
    """``PullResponse`` JSON from up to ``limit + 1`` rows of (seq, type, id, version,
    deleted, owner, data as stored JSON text): each record's data goes out as it is stored,
    with no decoding and re-encoding of 500 records per page."""
    more = len(rows) > limit
    rows = rows[:limit]
    dumps = json.dumps
    changes = ",".join(
        f'{{"seq":{seq},"type":{dumps(t)},"id":{dumps(i)},"version":{int(v)},'
        f'"deleted":{"true" if d else "false"},"owner":{dumps(o)},"data":{data}}}'
        for seq, t, i, v, d, o, data in rows
    )
    nxt = rows[-1][0] if rows else after
    return f'{{"changes":[{changes}],"next":{nxt},"more":{"true" if more else "false"}}}'.encode()


def pull_json(s: Session, clinic: str, after: int, limit: int) -> bytes:
    """A page of what the clinic pulls (after ``after``) as the wire's JSON, a
    ``PullResponse``, built from each record's stored JSON text as it is: no decoding and
    re-encoding of 500 records' data per page."""
    log, rec = ChangeLog.__table__.c, HubRecord.__table__.c
    rows = s.execute(
        select(log.seq, rec.type, rec.id, rec.version, rec.deleted, rec.owner, cast(rec.data, Text))
        .join_from(
            ChangeLog.__table__, HubRecord.__table__, (rec.type == log.type) & (rec.id == log.id)
        )
        .where(log.clinic_code == clinic, log.seq > after)
        .order_by(log.seq)
        .limit(limit + 1)
    ).all()
    return _page_json(rows, after, limit)


def own_json(s: Session, clinic: str, after: int, limit: int) -> bytes:
    """A page of every record the hub holds for ``clinic`` (its own and those addressed to
    it), in the pull's wire form, paged by the hub's row number (``seq``/``next``): the
    clinic's off-site copy, read back after it restored a backup."""
    rec = HubRecord.__table__.c
    rows = s.execute(
        select(rec.pk, rec.type, rec.id, rec.version, rec.deleted, rec.owner, cast(rec.data, Text))
        .where(rec.clinic_code == clinic, rec.pk > after)
        .order_by(rec.pk)
        .limit(limit + 1)
    ).all()
    return _page_json(rows, after, limit)


# --- county-side writes (referral office) -------------------------------------------------


CHANGE_LOG_LOCK = 7_268_001  # pg advisory lock key: one county-side writer at a time


def _log(s: Session, rec: HubRecord) -> None:
    """Number a county-side change for the clinic to pull.

    Clinics pull "everything after my cursor", so numbers must become visible in order: a
    number taken by a transaction that commits after a later number is visible would be
    skipped for ever. SQLite has one writer at a time anyway; on PostgreSQL a transaction-level
    advisory lock makes county-side writers take their numbers one after another, each holding
    it until commit. (County writes are people in the referral office: few, and serialising
    them costs nothing.)
    """
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGE_LOG_LOCK})
    s.add(ChangeLog(type=rec.type, id=rec.id, clinic_code=rec.clinic_code, at=utcnow()))


def _check_values(type_: str, fields: dict[str, Any]) -> None:
    """Every value a county-side write stores is one a clinic could have sent (``county.wire``
    checks): a known field of the type, a scalar of its kind, within its length."""
    cols = wire.columns(type_)
    for key, value in fields.items():
        col = cols.get(key) if isinstance(key, str) else None
        if col is None:
            raise ValueError(f"未知字段：{key}")
        problem = wire.value_problem(col, value)
        if problem:
            raise ValueError(f"{field_label(type_, key)}：{problem}")


# The office action each county answer is (the registry's ``county_perms`` say who may).
ANSWER_ACTIONS = {"received_at": "receive", "rejected_reason": "reject", "arrived_at": "arrive"}


class NotAllowed(ValueError):
    """An office account whose role may not make this write (the registry's ``county_perms``)."""


def _allow(role: OfficeRole | None, type_: str, actions: set[str]) -> None:
    """Refuse a county-side write the signed-in account's role may not make; ``role`` None is
    the hub's own command line (its operator is the hub's administrator)."""
    if role is None:
        return
    refused = sorted(a for a in actions if not registry.office_may(role, type_, a))
    if refused:
        raise NotAllowed(
            f"“{OFFICE_ROLE_NAMES[OfficeRole(role)]}”账号不能对{registry.label(type_)}"
            f"做此项操作（{'、'.join(refused)}）"
        )


def answer_record(
    s: Session,
    type_: str,
    id_: str,
    fields: dict[str, Any],
    *,
    role: OfficeRole | None = None,
) -> HubRecord:
    """A county-side write: its answers (receipt, rejection + reason, arrival) to a clinic's
    record, or new content of a record the county wrote (a downward referral) except the
    clinic's acknowledgement. Checked by the same rules whoever answers (the office page,
    ``python -m county answer``): ``app.domain.write_rules``. The row is locked until commit,
    so a clinic's push waits for it and then sees it. Logged so the addressed clinic pulls
    it. Raises KeyError (no such record) or ValueError (the reason, in Chinese)."""
    rec = s.scalar(
        select(HubRecord).where(HubRecord.type == type_, HubRecord.id == id_).with_for_update()
    )
    if rec is None:
        raise KeyError(id_)
    if not isinstance(fields, dict) or not fields:
        raise ValueError("答复内容应为“字段: 值”的对象")
    bad = set(fields) & (ENVELOPE | META)
    if bad:
        raise ValueError("不是县医院负责的字段：" + field_labels(type_, bad))
    county_wrote = rec.owner == COUNTY
    answers = {ANSWER_ACTIONS[k] for k in fields if k in ANSWER_ACTIONS}
    _allow(role, type_, {"edit"} if county_wrote else answers or {"receive"})
    if rec.deleted:
        raise ValueError("记录已作废，不能再修改")
    _check_values(type_, fields)
    problem = check_write(
        type_,
        ownership(type_),
        Stored(data=rec.data, deleted=rec.deleted, county_wrote=county_wrote),
        Incoming(data=fields, fields_sent=frozenset(fields)),
        Side.COUNTY,
    )
    if problem:
        raise ValueError(problem)
    now = utcnow()
    merged = dict(rec.data)
    merged.update(fields)
    merged["updated_at"] = now.isoformat()
    rec.data = _with_derived(type_, merged)
    rec.county_rev += 1
    rec.updated_at = now
    _log(s, rec)
    return rec


def _required_fields(type_: str) -> frozenset[str]:
    """Columns a new record of this type must carry: NOT NULL without a default, less the
    envelope, the timestamps and what the clinic fills on receipt (``receiver_fills``, e.g.
    which resident a downward referral is attached to)."""
    t = registry.get(type_)
    if t is None:
        return frozenset()
    cls: Any = t.model
    skip = ENVELOPE | META | t.receiver_fills
    return frozenset(
        c.name
        for c in cls.__table__.columns
        if not c.nullable
        and c.default is None
        and c.server_default is None
        and not c.primary_key
        and c.name not in skip
    )


def create_for_clinic(
    s: Session,
    type_: str,
    id_: str,
    clinic: str,
    data: dict[str, Any],
    *,
    role: OfficeRole | None = None,
) -> HubRecord:
    """A county-authored record addressed to a clinic (a downward referral), by an office
    account of ``role`` (None: the hub's command line)."""
    _allow(role, type_, {"create"})
    if s.get(HubClinic, clinic) is None:
        raise KeyError(clinic)
    t = registry.get(type_)
    if t is None:
        raise ValueError(f"未知的记录类型：{type_}")
    if not wire.is_record_id(id_):
        raise ValueError("记录编号应为 UUID（例如 3f2b8c1e-0d4a-4b7e-9c55-2a1f6e8d9b70）")
    if not isinstance(data, dict):
        raise ValueError("记录内容应为“字段: 值”的对象")
    _check_values(type_, {k: v for k, v in data.items() if k not in ENVELOPE})
    if not t.county_creates:
        raise ValueError(f"县医院不能为卫生院新建{t.label}")
    missing = sorted(k for k in _required_fields(type_) if data.get(k) is None or data.get(k) == "")
    if missing:
        # A record the clinic could not store would reach it and stop there: refuse it here,
        # where the county can fix it.
        raise ValueError("缺少必填字段：" + field_labels(type_, set(missing)))
    now = utcnow().isoformat()
    body = {k: v for k, v in data.items() if k not in ENVELOPE}
    body.setdefault("created_at", now)
    body["updated_at"] = now
    problem = check_write(
        type_,
        ownership(type_),
        None,
        Incoming(data=body, fields_sent=frozenset(body)),
        Side.COUNTY,
    )
    if problem:
        raise ValueError(problem)
    rec = HubRecord(
        type=type_,
        id=id_,
        version=1,
        county_rev=1,
        owner=COUNTY,
        clinic_code=clinic,
        deleted=False,
        data=_with_derived(type_, body),
        updated_at=utcnow(),
    )
    s.add(rec)
    s.flush()
    _log(s, rec)
    return rec
