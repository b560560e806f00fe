"""Hub-side rules: idempotent upsert by (id, version), ownership, tombstones, pull pages.

Ownership: a record belongs to the clinic that authored it. Field sets the county owns are
read from the record-type registry (``app/registry.py``: a type's ``county_fields``; a record
the county authored, e.g. a downward referral, is county-owned in all its content except the
``clinic_fields`` the addressee may acknowledge). A new type needs a registry entry, no hub
code.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from sqlalchemy import Text, bindparam, cast, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app import registry
from app.sync.protocol import Change, PushResult
from county.db import COUNTY, ChangeLog, HubClinic, HubRecord, RefusedWrite, utcnow

ENVELOPE = {"id", "version", "deleted", "clinic_code", "sync_state", "sync_error"}
# When the record last changed, on whichever side: no owner, the latest writer sets it.
META = {"created_at", "updated_at"}


def known_types() -> dict[str, frozenset[str]]:
    """Wire type -> county-owned fields, from the record-type registry."""
    return {name: t.county_fields for name, t in registry.REGISTRY.items()}


def _clinic_fields(type_: str) -> frozenset[str]:
    t = registry.get(type_)
    return t.clinic_fields if t is not None else frozenset()


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


def _validate(ch: Change, types: dict[str, frozenset[str]]) -> str | None:
    if ch.type not in types:
        return f"未知的记录类型：{ch.type}"
    for k, v in ch.data.items():
        if not isinstance(k, str) or len(k) > 64:
            return "字段名不合法"
        if isinstance(v, str) and len(v) > 20000:
            return f"字段 {k} 过长"
    return None


class _Batch:
    """One push batch decided in memory, then written with a few executemany statements:
    new rows, changed rows, refused writes. ``rows`` holds the hub's current row per
    (type, id) as a dict, including rows this batch creates, so a record twice in one batch
    is decided against its first change."""

    def __init__(self, s: Session, clinic: str, changes: list[Change]) -> None:
        self.clinic = clinic
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.new: list[dict[str, Any]] = []
        self.changed: dict[int, dict[str, Any]] = {}
        self.refused: list[dict[str, Any]] = []
        t = HubRecord.__table__.c
        cols = (t.pk, t.type, t.id, t.version, t.owner, t.clinic_code, t.deleted, t.data)
        for typ in {c.type for c in changes}:
            ids = [c.id for c in changes if c.type == typ]
            for row in s.execute(select(*cols).where(t.type == typ, t.id.in_(ids))):
                self.rows[(typ, row.id)] = dict(row._mapping)

    def refuse(self, ch: Change, reason: str) -> PushResult:
        self.refused.append(
            {
                "clinic_code": self.clinic,
                "type": ch.type,
                "id": ch.id,
                "version": ch.version,
                "reason": reason,
                "payload": ch.model_dump(mode="json"),
                "at": utcnow(),
            }
        )
        return _result(ch, "rejected", reason)

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
                    for r in self.changed.values()
                ],
            )
        if self.refused:
            refused: Any = RefusedWrite.__table__
            s.execute(insert(refused), self.refused)


def apply_change(b: _Batch, ch: Change, types: dict[str, frozenset[str]]) -> PushResult:
    """Decide one change against the hub's current row: applied, duplicate or refused."""
    clinic = b.clinic
    problem = _validate(ch, types)
    if problem:
        return b.refuse(ch, problem)
    county_fields = types[ch.type]
    data = {k: v for k, v in ch.data.items() if k not in ENVELOPE}
    rec = b.rows.get((ch.type, ch.id))
    if rec is None:
        stale = {k for k in county_fields if data.get(k) not in (None, "")}
        if stale:
            return b.refuse(ch, "县医院负责的字段不能由卫生院填写：" + "、".join(sorted(stale)))
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
    if ch.version < rec["version"] or (ch.version == rec["version"] and rec["owner"] == clinic):
        if ch.version == rec["version"]:
            return _result(ch, "duplicate")
        return _result(ch, "duplicate", "较新的版本已在县医院")
    if rec["deleted"] and not ch.deleted:
        return b.refuse(ch, "记录已作废，不能恢复")
    if rec["owner"] == clinic:
        owned = set(data) - county_fields
    else:  # county-authored (downward): the clinic may change only its acknowledgement
        owned = set(data) & (_clinic_fields(ch.type) | META)
        if ch.version == rec["version"]:
            return _result(ch, "duplicate")
    current = rec["data"]
    foreign = {k for k in set(data) - owned if data.get(k) != current.get(k)}
    if foreign:
        return b.refuse(
            ch, "过期的修改：以下字段由县医院负责，已被县医院更新：" + "、".join(sorted(foreign))
        )
    merged = dict(current)
    merged.update({k: data[k] for k in owned})
    rec["data"] = _with_derived(ch.type, merged)
    rec["version"] = ch.version
    rec["deleted"] = rec["deleted"] or ch.deleted
    rec["updated_at"] = utcnow()
    if rec["pk"] is not None:
        b.changed[rec["pk"]] = rec
    return _result(ch, "applied")


def push(sessions: sessionmaker[Any], clinic: str, changes: list[Change]) -> list[PushResult]:
    """Apply a batch in one transaction; a unique-constraint race (the same batch arriving
    concurrently) rolls back and re-runs, where the rows now read as duplicates."""
    types = known_types()
    for attempt in range(5):
        try:
            with sessions() as s, s.begin():
                batch = _Batch(s, clinic, changes)
                results = [apply_change(batch, ch, types) for ch in changes]
                batch.write(s)
                return results
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


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


def answer_record(s: Session, type_: str, id_: str, fields: dict[str, Any]) -> HubRecord:
    """A county-side write: its answers (receipt, rejection + reason, arrival) to a clinic's
    record, or new content of a record the county wrote (a downward referral) except the
    clinic's acknowledgement. Logged so the addressed clinic pulls it."""
    rec = s.scalar(select(HubRecord).where(HubRecord.type == type_, HubRecord.id == id_))
    if rec is None:
        raise KeyError(id_)
    if rec.owner == COUNTY:
        bad = set(fields) & (_clinic_fields(type_) | ENVELOPE | META)
    else:
        bad = set(fields) - known_types().get(type_, frozenset())
        bad |= set(fields) & META
    if bad:
        raise ValueError("不是县医院负责的字段：" + "、".join(sorted(bad)))
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
    s: Session, type_: str, id_: str, clinic: str, data: dict[str, Any]
) -> HubRecord:
    """A county-authored record addressed to a clinic (a downward referral)."""
    if s.get(HubClinic, clinic) is None:
        raise KeyError(clinic)
    t = registry.get(type_)
    if t is None:
        raise ValueError(f"未知的记录类型：{type_}")
    if not t.county_creates:
        raise ValueError(f"县医院不能为卫生院新建{t.label}")
    missing = sorted(k for k in _required_fields(type_) if data.get(k) is None or data.get(k) == "")
    if missing:
        # A record the clinic could not store would reach it and stop there: refuse it here,
        # where the county can fix it.
        raise ValueError("缺少必填字段：" + "、".join(missing))
    now = utcnow().isoformat()
    body = {k: v for k, v in data.items() if k not in ENVELOPE}
    body.setdefault("created_at", now)
    body["updated_at"] = now
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
