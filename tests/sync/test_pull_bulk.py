"""The fast pull (page preloaded, new downward referrals written in bulk, the next page fetched
while this one is stored) ends with exactly the rows the record-by-record pull writes, and a
downward referral without a booked date gets the clinic's configured rehab interval."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from app.config import Settings
from app.db.engine import db_path
from app.db.followup_models import FollowUpPlan
from app.db.models import AuditLog, Outbox
from app.db.referral_models import Referral
from app.db.sync_models import SyncMeta
from app.domain.audit_chain import ChainRow, chain_problems
from app.domain.idcard import make_number
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from app.sync.adopt import ReferralPage
from app.sync.client import HubClient, NetworkError
from app.sync.engine import CURSOR_KEY, RoundResult, SyncEngine
from county import store
from tests.conftest import fast_hasher
from tests.hub_server import Hub
from tests.services.test_referrals import upward
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import assert_same
from tests.sync.test_ownership import send_down

NOW = datetime(2026, 11, 25, 8, 30, 0, 123456)
TABLES = ("patients", "referrals", "followup_plans", "outbox", "audit_log", "sync_meta")


def set_rehab_days(data_dir: Path, days: int) -> None:
    st = Settings.load(data_dir)
    st.followup_rehab_days = days
    st.save(data_dir)


def copy_clinic(src: AppServices, src_dir: Path, dst_dir: Path) -> ServiceContext:
    """A second PC with the same database, clinic, settings and user."""
    dst_dir.mkdir()
    a = sqlite3.connect(db_path(src_dir))
    b = sqlite3.connect(db_path(dst_dir))
    a.backup(b)
    b.close()
    a.close()
    (dst_dir / "settings.toml").write_bytes((src_dir / "settings.toml").read_bytes())
    ctx = ServiceContext.open(dst_dir, password_hasher=fast_hasher())
    ctx.actor = src.ctx.actor
    return ctx


def dump(ctx: ServiceContext) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a pull writes, with the ids each PC makes up (residents made
    from a slip, plans) replaced by what identifies them (the slip's note, the referral)."""
    with ctx.engine.connect() as c:
        names = {
            pid: "resident:" + note
            for pid, note in c.execute(text("SELECT id, notes FROM patients"))
            if note.startswith("由县医院回转单")
        }
        names |= {
            pid: "plan:" + rid
            for pid, rid in c.execute(text("SELECT id, referral_id FROM followup_plans"))
        }
        out: dict[str, list[tuple[Any, ...]]] = {}
        for t in TABLES:
            order = {"outbox": "id", "audit_log": "id", "sync_meta": "key"}.get(t, "1")
            rows = c.execute(text(f"SELECT * FROM {t} ORDER BY {order}")).all()  # noqa: S608
            cols = list(c.execute(text(f"SELECT * FROM {t} LIMIT 0")).keys())  # noqa: S608
            rows_out = [
                tuple(
                    names.get(v, v) if isinstance(v, str) else v
                    for k, v in zip(cols, r, strict=True)
                    if not (t in ("outbox", "audit_log") and k == "id")
                    # the audit chain hashes the ids each PC made up: checked whole below
                    and not (t == "audit_log" and k in ("prev_hash", "hash"))
                )
                for r in rows
            ]
            out[t] = sorted(rows_out, key=repr) if order == "1" else rows_out
        return out


@pytest.fixture
def setup(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> Iterator[tuple[AppServices, HubClient, Path]]:
    s = make_clinic(tmp_path, migrated_template, "A001")
    c = HubClient(hub.url, register(hub, "A001"), allow_http=True)
    yield s, c, tmp_path / "clinic-A001"
    c.close()


def test_bulk_pull_writes_what_the_record_by_record_pull_writes(
    hub: Hub, setup: tuple[AppServices, HubClient, Path], tmp_path: Path
) -> None:
    s, c, data_dir = setup
    set_rehab_days(data_dir, 21)
    idn = [make_number("341122", date(1950 + i, 3, 15), 12 + 2 * i) for i in range(3)]
    known = s.patients.create(PatientInput(name="张秀英", sex="2", id_number=idn[0])).id
    by_number = s.patients.create(PatientInput(name="李桂兰", sex="2", id_number=idn[1])).id
    twins = [  # two residents with one ID number: which one is the database's pick
        s.patients.create(PatientInput(name="王芳", sex="2", id_number=idn[2])).id,
        s.patients.create(
            PatientInput(name="王芳", sex="2", id_number=idn[2]), allow_duplicate=True
        ).id,
    ]
    voided = s.patients.create(PatientInput(name="赵强", sex="1", birth_date=date(1960, 1, 1))).id
    s.patients.void(voided, "重复建档")
    up = s.referrals.create_upward(upward(known))
    SyncEngine(s.ctx, c).run_round()  # the clinic's records are on the hub; outbox empty

    def slips(tag: str) -> list[str]:
        return [
            send_down(hub, "A001", patient_id=known, patient_id_number=idn[0]),
            send_down(hub, "A001", patient_id="", patient_id_number=idn[1]),  # by ID number
            send_down(hub, "A001", patient_id="x" * 36, patient_id_number=""),  # a new resident
            send_down(hub, "A001", patient_id=known, followup_date=None),  # configured interval
            send_down(hub, "A001", patient_id="", patient_id_number=idn[2]),  # shared number
            send_down(hub, "A001", patient_id=voided, patient_id_number=""),  # voided resident
            send_down(hub, "A001", patient_id=known, status="cancelled"),  # starts no plan
            send_down(hub, "A001", patient_id=known, patient_name=tag),
        ]

    first = slips("a")
    with hub.sessions() as hs, hs.begin():  # the county's answers to the clinic's referral
        store.answer_record(
            hs, "referral", up.id, {"received_at": "2026-11-22T09:30:00", "receiving_doctor": "周"}
        )
    slips("b")
    with hub.sessions() as hs, hs.begin():  # a slip of this page changed again by the county
        store.answer_record(hs, "referral", first[0], {"county_note": "请按时复查"})
        store.answer_record(hs, "referral", up.id, {"arrived_at": "2026-11-22T11:00:00"})
    for _ in range(3):
        send_down(hub, "A001", patient_id=known)
    # the same number as a slip already stored here: that page goes record by record
    with s.ctx.reader() as sess:
        taken = sess.scalar(select(Referral.number).where(Referral.id == up.id))
    send_down(hub, "A001", patient_id=known, number=taken)

    other = copy_clinic(s, data_dir, tmp_path / "second-pc")
    s.ctx.clock = other.clock = lambda: NOW
    fast = SyncEngine(s.ctx, c, page_size=7)
    used_pages: list[int] = []
    real = SyncEngine._apply_page

    def counting(self: SyncEngine, sess: Any, changes: Any) -> None:
        used_pages.append(len(changes))
        real(self, sess, changes)

    slow = SyncEngine(other, c, page_size=7)
    res_fast, res_slow = RoundResult(), RoundResult()
    bulk_taken: list[int] = []
    take = ReferralPage.take

    def counting_take(self: Any, row: dict[str, Any]) -> bool:
        ok = take(self, row)
        bulk_taken.append(ok)
        return ok

    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(SyncEngine, "_apply_page", counting)
        mp.setattr(ReferralPage, "take", counting_take)
        fast.pull(res_fast)
        mp.undo()

        def refuse(self: SyncEngine, sess: Any, changes: Any) -> None:
            raise ValueError("record by record")

        mp.setattr(SyncEngine, "_apply_page", refuse)
        slow.pull(res_slow)
    finally:
        mp.undo()
    assert res_fast.pulled == res_slow.pulled == 23  # 20 slips, 3 answers
    assert res_fast.errors == res_slow.errors and len(res_fast.errors) == 1
    assert sum(used_pages) == 23 and sum(bulk_taken) >= 6  # the bulk path did run
    got, want = dump(s.ctx), dump(other)
    for ctx in (s.ctx, other):
        with ctx.engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT id, at, user_id, username, action, record_type, record_id, detail, "
                    "prev_hash, hash FROM audit_log ORDER BY id"
                )
            ).all()
        assert chain_problems(ChainRow(*r) for r in rows) == []
    for t in TABLES:
        assert len(got[t]) == len(want[t]), t
        for a, b in zip(got[t], want[t], strict=True):
            assert a == b, (t, a[0], [(x, y) for x, y in zip(a, b, strict=True) if x != y])
    # what the fast pull did is what the app does: spot checks
    with s.ctx.reader() as sess:
        plans = {p.referral_id: p for p in sess.scalars(select(FollowUpPlan))}
        r0 = sess.get(Referral, first[0])
        assert r0.patient_id == known and r0.county_note == "请按时复查"
        assert plans[first[0]].next_due_date == date(2026, 12, 1)
        r1 = sess.get(Referral, first[1])
        assert r1.patient_id == by_number and r1.version == 2 and r1.sync_state == "pending"
        assert plans[first[3]].next_due_date == date(2026, 11, 20) + timedelta(days=21)
        assert sess.get(Referral, first[4]).patient_id in twins
        assert sess.get(Referral, first[5]).patient_id not in (voided, known)
        assert first[6] not in plans
        assert sess.get(Referral, up.id).status == "arrived"
        assert (
            sess.scalar(select(AuditLog.id).where(AuditLog.action == "sync_pull_error")) is not None
        )
    other.dispose()


def test_pulled_downward_referral_without_a_date_gets_the_configured_rehab_interval(
    hub: Hub, setup: tuple[AppServices, HubClient, Path]
) -> None:
    s, c, data_dir = setup
    set_rehab_days(data_dir, 30)
    pid = s.patients.create(PatientInput(name="周兰英", sex="2", birth_date=date(1948, 5, 1))).id
    SyncEngine(s.ctx, c).run_round()
    attached = send_down(hub, "A001", patient_id=pid, followup_date=None)  # the bulk path
    from_slip = send_down(hub, "A001", patient_id="", followup_date=None)  # one by one
    booked = send_down(hub, "A001", patient_id=pid)  # 预约随访时间 2026-12-01
    assert SyncEngine(s.ctx, c).run_round().complete
    with s.ctx.reader() as sess:
        due = {
            p.referral_id: p.next_due_date
            for p in sess.scalars(select(FollowUpPlan).where(FollowUpPlan.kind == "rehab"))
        }
    referred = date(2026, 11, 20)  # send_down's referred_at
    assert due == {
        attached: referred + timedelta(days=30),
        from_slip: referred + timedelta(days=30),
        booked: date(2026, 12, 1),
    }


def test_killed_inside_bulk_pages_then_resumed_stores_each_referral_once(
    hub: Hub, setup: tuple[AppServices, HubClient, Path]
) -> None:
    """Interrupted while a page of new downward referrals is being written in bulk (or while
    the next page is being fetched ahead): nothing of that page is kept, the cursor stays at
    the last whole page, and the next rounds store every referral, plan and outbox row once."""
    s, c, _data_dir = setup
    pid = s.patients.create(PatientInput(name="孙玉兰", sex="2", birth_date=date(1950, 2, 1))).id
    SyncEngine(s.ctx, c).run_round()
    ids = [send_down(hub, "A001", patient_id=pid) for _ in range(30)]
    page_cls = ReferralPage
    write = page_cls.write
    kills = 0
    for k in range(8):
        calls = {"n": 0}

        def dying(self: Any, _k: int = k, _c: dict[str, int] = calls) -> None:
            if self.pending:
                _c["n"] += 1
                if _c["n"] == _k % 3 + 1:
                    raise KeyboardInterrupt("killed")  # inside the page transaction
            write(self)

        mp = pytest.MonkeyPatch()
        mp.setattr(page_cls, "write", dying)
        try:
            SyncEngine(s.ctx, c, page_size=4).run_round()
        except KeyboardInterrupt:
            kills += 1
        finally:
            mp.undo()
        with s.ctx.reader() as sess:
            stored = sess.scalar(
                select(func.count()).select_from(Referral).where(Referral.direction == "down")
            )
            cur = int(sess.scalar(select(SyncMeta.value).where(SyncMeta.key == CURSOR_KEY)) or 0)
        assert stored % 4 == 0 or stored == 30  # whole pages only
        assert cur == stored  # pushes take no sequence number: seq 1..30 are the slips
    assert kills >= 6

    def lost(self: Any, after: int, limit: int) -> Any:
        raise NetworkError("the hub went away")

    mp = pytest.MonkeyPatch()
    mp.setattr(HubClient, "pull", lost)
    try:
        with pytest.raises(NetworkError):
            SyncEngine(s.ctx, c, page_size=4, sleep=lambda _d: None).run_round()
    finally:
        mp.undo()
    assert SyncEngine(s.ctx, c, page_size=4).run_round().complete
    with s.ctx.reader() as sess:
        got = sess.scalars(select(Referral.id).where(Referral.direction == "down")).all()
        plans = sess.scalars(select(FollowUpPlan.referral_id)).all()
        assert sorted(got) == sorted(ids) and sorted(plans) == sorted(ids)
        assert sess.scalar(select(func.count()).select_from(Outbox)) == 0
    # (referrals left out: a new record pulled keeps this PC's updated_at, not the hub's, in
    # the record-by-record path as in the bulk one)
    assert assert_same(s, hub, ("patient", "followup_plan")) == 31
