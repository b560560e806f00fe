"""Referrals through sync: county answers delivered by pull, stale county-field writes refused,
downward referrals created at the county arrive at the addressed clinic only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.referral_models import Referral
from app.sync.client import HubClient
from app.sync.engine import SyncEngine, to_wire
from app.sync.protocol import Change
from county import store
from county.db import RefusedWrite
from tests.hub_server import Hub
from tests.services.test_referrals import upward
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import add_patients, assert_same, hub_records


@pytest.fixture
def clinic(hub: Hub, tmp_path: Path, migrated_template: Path) -> Iterator[tuple]:  # type: ignore[type-arg]
    s = make_clinic(tmp_path, migrated_template, "A001")
    token = register(hub, "A001")
    c = HubClient(hub.url, token, allow_http=True)
    yield s, c
    c.close()


def test_county_answer_pulled_without_new_local_version(hub: Hub, clinic: tuple) -> None:  # type: ignore[type-arg]
    s, c = clinic
    (pid,) = add_patients(s, 1)
    ref = s.referrals.create_upward(upward(pid))
    eng = SyncEngine(s.ctx, c)
    eng.run_round()
    with hub.sessions() as hs, hs.begin():
        store.answer_record(
            hs,
            "referral",
            ref.id,
            {"received_at": "2026-11-22T09:30:00", "receiving_doctor": "周医生"},
        )
    res = eng.run_round()
    assert res.pulled == 1 and res.complete
    with s.ctx.reader() as sess:
        r = sess.get(Referral, ref.id)
        assert r.receiving_doctor == "周医生" and r.received_at is not None
        assert r.sync_state == "synced"
    assert assert_same(s, hub, ("patient", "referral")) >= 2
    # a second round pulls nothing new (cursor stored)
    assert eng.run_round().pulled == 0

    # A stale write: the clinic sends a newer version with an old county answer -> refused.
    with s.ctx.reader() as sess:
        r = sess.get(Referral, ref.id)
        stale = Change(
            type="referral",
            id=r.id,
            version=r.version + 1,
            data={**to_wire(r), "receiving_doctor": "别人"},
        )
    (result,) = c.push("A001", [stale])
    assert result.status == "rejected" and "接诊医生" in (result.error or "")
    rec = hub_records(hub, "A001")[("referral", ref.id)]
    assert rec.data["receiving_doctor"] == "周医生"
    with hub.sessions() as hs:
        assert hs.scalar(select(func.count()).select_from(RefusedWrite)) == 1


def test_downward_referral_reaches_only_its_clinic(
    hub: Hub, clinic: tuple, tmp_path: Path, migrated_template: Path
) -> None:  # type: ignore[type-arg]
    s, c = clinic
    other = make_clinic(tmp_path, migrated_template, "B002")
    tb = register(hub, "B002")
    (pid,) = add_patients(s, 1)
    ref = s.referrals.create_upward(upward(pid))
    SyncEngine(s.ctx, c).run_round()
    with s.ctx.reader() as sess:
        data = to_wire(sess.get(Referral, ref.id))
    down_id = "d0000000-0000-4000-8000-000000000001"
    data.update(
        id=down_id, number="XZ-1", direction="down", diagnosis="脑梗死恢复期", clinic_code="county"
    )
    with hub.sessions() as hs, hs.begin():
        store.create_for_clinic(hs, "referral", down_id, "A001", data)
    assert SyncEngine(s.ctx, c).run_round().pulled == 1
    with s.ctx.reader() as sess:
        got = sess.get(Referral, down_id)
        assert got is not None and got.diagnosis == "脑梗死恢复期" and got.sync_state == "synced"
    with HubClient(hub.url, tb, allow_http=True) as cb:
        assert SyncEngine(other.ctx, cb).run_round().pulled == 0
