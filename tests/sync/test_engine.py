"""Sync engine against a real uvicorn hub: exactly-once, parking, ownership, tombstones."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import Outbox, Patient
from app.sync.client import AuthError, HubClient
from app.sync.engine import SyncEngine, pending_count, to_wire
from app.sync.protocol import Change
from county.db import RefusedWrite
from tests.hub_server import Hub
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import add_patients, assert_same, hub_records

_clients: list[HubClient] = []


def client(url: str, token: str) -> HubClient:
    c = HubClient(url, token, allow_http=True)
    _clients.append(c)
    return c


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _clients:
        _clients.pop().close()


def engine_for(s, hub: Hub, token: str) -> SyncEngine:  # type: ignore[no-untyped-def]
    return SyncEngine(s.ctx, client(hub.url, token), sleep=lambda _d: None)


def test_round_pushes_all_and_marks_synced(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> None:
    s = make_clinic(tmp_path, migrated_template, "A001")
    token = register(hub, "A001")
    add_patients(s, 30)
    res = engine_for(s, hub, token).run_round()
    assert res.pushed == 30 and res.complete
    assert pending_count(s.ctx) == 0
    assert assert_same(s, hub) == 30


def test_same_batch_twice_and_five_at_once_stored_once(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> None:
    s = make_clinic(tmp_path, migrated_template, "A001")
    token = register(hub, "A001")
    add_patients(s, 20)
    eng = engine_for(s, hub, token)
    batch = [c for _, c in eng._next_batch(0)]
    hc = client(hub.url, token)
    first = hc.push("A001", batch)
    assert {r.status for r in first} == {"applied"}
    assert {r.status for r in hc.push("A001", batch)} == {"duplicate"}
    # five identical batches at once (a new set of records)
    add_patients(s, 20, prefix="王")
    batch2 = [c for _, c in eng._next_batch(0) if c.data["name"].startswith("王")]
    outs: list[list[str]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            with HubClient(hub.url, token, allow_http=True) as c:
                outs.append([r.status for r in c.push("A001", batch2)])
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=send) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    applied = sum(st.count("applied") for st in outs)
    assert applied == 20  # each record applied exactly once across the five
    assert len(hub_records(hub, "A001")) == 40
    eng.run_round()
    assert assert_same(s, hub) == 40


def test_batch_of_50_with_3_invalid(hub: Hub, tmp_path: Path, migrated_template: Path) -> None:
    s = make_clinic(tmp_path, migrated_template, "A001")
    token = register(hub, "A001")
    ids = add_patients(s, 50)
    bad = set(ids[5:8])
    with s.ctx.session() as sess:
        for i in bad:
            sess.get(Patient, i).notes = "x" * 20001  # the hub refuses an over-long field
    res = SyncEngine(s.ctx, client(hub.url, token), batch_size=50).run_round()
    assert res.pushed == 47 and res.parked == 3 and not res.complete
    assert len(hub_records(hub, "A001")) == 47
    with s.ctx.reader() as sess:
        parked = sess.scalars(select(Patient).where(Patient.sync_state == "error")).all()
        assert {p.id for p in parked} == bad
        assert all("过长" in (p.sync_error or "") for p in parked)
        assert (
            sess.scalar(select(func.count()).select_from(Outbox).where(Outbox.state == "pending"))
            == 0
        )
    # the queue is not blocked: a new record still goes through
    add_patients(s, 1, prefix="新")
    assert SyncEngine(s.ctx, client(hub.url, token)).run_round().pushed == 1
    assert assert_same(s, hub) == 48


def test_clinic_a_token_cannot_touch_clinic_b(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> None:
    """A's token against B's records on every endpoint: nothing read, nothing changed."""
    from app.db.referral_models import Referral
    from tests.services.test_referrals import upward
    from tests.sync.test_ownership import answer, send_down

    b = make_clinic(tmp_path, migrated_template, "B002")
    ta, tb = register(hub, "A001"), register(hub, "B002")
    (pid,) = add_patients(b, 5)[:1]
    ref = b.referrals.create_upward(upward(pid))
    engine_for(b, hub, tb).run_round()
    answer(hub, ref.id, received_at="2026-11-22T09:30:00", receiving_doctor="周医生")
    down = send_down(hub, "B002")
    before = {k: (r.version, r.deleted, dict(r.data)) for k, r in hub_records(hub, "B002").items()}
    with b.ctx.reader() as sess:
        pat = sess.get(Patient, pid)
        r = sess.get(Referral, ref.id)
        forged = [
            # B's resident renamed, with a body that claims to be B: the hub trusts the token
            Change(
                type="patient",
                id=pat.id,
                version=pat.version + 1,
                data={**to_wire(pat), "name": "篡改", "clinic_code": "B002"},
            ),
            # B's resident voided
            Change(
                type="patient", id=pat.id, version=pat.version + 1, deleted=True, data=to_wire(pat)
            ),
            # B's referral cancelled
            Change(
                type="referral",
                id=r.id,
                version=r.version + 1,
                data={"status": "cancelled", "cancel_reason": "x"},
            ),
            # the downward referral addressed to B acknowledged by A
            Change(type="referral", id=down, version=2, data={"status": "received"}),
        ]
    with HubClient(hub.url, ta, allow_http=True) as c:
        for ch in forged:
            (result,) = c.push("B002", [ch])
            assert result.status == "rejected", ch
        pulled = c.pull(0, 1000)
        assert pulled.changes == [] and not pulled.more
        health = c.health()
        assert set(health) == {"status", "protocol", "max_batch", "max_body_bytes"}
    after = {k: (r.version, r.deleted, dict(r.data)) for k, r in hub_records(hub, "B002").items()}
    assert after == before
    assert hub_records(hub, "A001") == {}
    with hub.sessions() as sess:
        refused = sess.scalars(select(RefusedWrite)).all()
        assert len(refused) == 4 and {x.clinic_code for x in refused} == {"A001"}
    # B itself still gets everything meant for it
    with HubClient(hub.url, tb, allow_http=True) as c:
        assert {ch.id for ch in c.pull(0, 1000).changes} == {ref.id, down}


def test_bad_token_stops_round(hub: Hub, tmp_path: Path, migrated_template: Path) -> None:
    s = make_clinic(tmp_path, migrated_template, "A001")
    register(hub, "A001")
    add_patients(s, 1)
    with pytest.raises(AuthError, match="令牌"):
        engine_for(s, hub, "not-a-token").run_round()
    assert pending_count(s.ctx) == 1


def test_voided_record_not_resurrected(hub: Hub, tmp_path: Path, migrated_template: Path) -> None:
    s = make_clinic(tmp_path, migrated_template, "A001")
    token = register(hub, "A001")
    (pid,) = add_patients(s, 1)
    s.patients.void(pid, "重复建档")
    engine_for(s, hub, token).run_round()
    h = hub_records(hub, "A001")[("patient", pid)]
    assert h.deleted
    with s.ctx.reader() as sess:
        rec = sess.get(Patient, pid)
        revived = Change(
            type="patient",
            id=pid,
            version=rec.version + 1,
            deleted=False,
            data={**to_wire(rec), "deleted": False},
        )
    r = client(hub.url, token).push("A001", [revived])[0]
    assert r.status == "rejected" and "作废" in (r.error or "")
    assert hub_records(hub, "A001")[("patient", pid)].deleted
    with hub.sessions() as sess:
        assert sess.scalar(select(func.count()).select_from(RefusedWrite)) == 1


def test_old_protocol_gets_upgrade_message(hub: Hub) -> None:
    import httpx

    r = httpx.post(
        hub.url + "/api/v1/sync/push",
        json={"protocol": 0, "changes": []},
        headers={"Authorization": "Bearer x"},
    )
    assert r.status_code in (401, 426)  # auth first; then version
    with hub.sessions() as sess, sess.begin():
        from county.auth import add_clinic

        tok = add_clinic(sess, "Z1", "z")
    r = httpx.post(
        hub.url + "/api/v1/sync/push",
        json={"protocol": 0, "changes": []},
        headers={"Authorization": f"Bearer {tok}"},
    )
    assert r.status_code == 426 and "升级" in r.json()["message"]


def test_pipelined_push_keeps_edits_made_in_flight_and_stops_cleanly(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> None:
    """Batches go out two at a time. A resident edited while its batch is on the wire stays
    pending (its newer version goes up next round); when the network gives up on the third
    batch, the first two batches' results are kept and nothing is lost or doubled."""
    from app.sync.client import NetworkError

    s = make_clinic(tmp_path, migrated_template, "A001")
    token = register(hub, "A001")
    ids = add_patients(s, 50)
    calls = {"n": 0}

    class Flaky(HubClient):
        def push(self, clinic_code: str, changes: list[Change]) -> list:  # type: ignore[type-arg]
            calls["n"] += 1
            if calls["n"] == 1:  # the nurse edits resident 0 while batch 1 is out
                data = replace(s.patients.get(ids[0]).to_input(), phone="13912345678")
                s.patients.update(ids[0], data, allow_duplicate=True)
                return super().push(clinic_code, changes)
            if calls["n"] == 3:
                raise NetworkError("无法连接县医院：ConnectError")
            return super().push(clinic_code, changes)

    flaky = Flaky(hub.url, token, allow_http=True)
    _clients.append(flaky)
    eng = SyncEngine(s.ctx, flaky, batch_size=10, max_attempts=1, sleep=lambda _d: None)
    with pytest.raises(NetworkError):
        eng.run_round()
    with s.ctx.reader() as sess:
        states = dict(sess.execute(select(Patient.id, Patient.sync_state)).all())
    synced = {i for i, st in states.items() if st == "synced"}
    assert ids[0] not in synced  # edited in flight: version 2 still to send
    assert set(ids[1:10]) <= synced and set(ids[10:20]) <= synced  # batches 1 and 2 stored
    assert len(synced) < 49 and pending_count(s.ctx) == 50 - len(synced)
    res = engine_for(s, hub, token).run_round()
    assert res.complete
    with s.ctx.reader() as sess:
        assert sess.scalar(select(Patient.phone).where(Patient.id == ids[0])) == "13912345678"
    assert len(hub_records(hub, "A001")) == 50
    assert assert_same(s, hub) == 50
