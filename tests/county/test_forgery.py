"""The hub decides what each side may do, on both databases: a clinic cannot reach the
county's statuses, re-draft, cancel or close what the county wrote, void the county's record
or change a voided one; each refusal is per record, in Chinese naming the field, kept in
refused_writes, and the record stays as it was."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app import registry
from app.db.referral_models import Referral
from app.services.recording import record_write
from app.services.sync_status import SyncStatusService
from app.sync.client import HubClient
from app.sync.engine import SyncEngine
from app.sync.protocol import PROTOCOL_VERSION
from county import store
from county.db import HubRecord, RefusedWrite, make_sessions
from tests.county.conftest import RunningHub
from tests.county.test_office import login, upward_data
from tests.services.test_referrals import upward as upward_input
from tests.sync.conftest import make_clinic
from tests.sync.helpers import add_patients
from tests.sync.test_ownership import send_down as _send_down


def push(hub: RunningHub, changes: list[dict[str, Any]], clinic: str = "A001") -> list[Any]:
    r = httpx.post(
        hub.url + "/api/v1/sync/push",
        timeout=30,
        headers={"Authorization": f"Bearer {hub.tokens[clinic]}"},
        json={"protocol": PROTOCOL_VERSION, "changes": changes},
    )
    assert r.status_code == 200, r.text[:300]
    return list(r.json()["results"])


def up(rid: str, version: int, **kw: Any) -> dict[str, Any]:
    data = {
        k: v
        for k, v in upward_data(**kw).items()
        if k not in registry.entry("referral").county_fields
    }
    data["number"] = f"A001-{rid[:8]}"
    return {"type": "referral", "id": rid, "version": version, "data": data}


def stored(hub: RunningHub, rid: str) -> HubRecord | None:
    with make_sessions(hub.engine)() as s:
        return s.scalar(select(HubRecord).where(HubRecord.id == rid))


def refusals(hub: RunningHub, rid: str) -> list[str]:
    with make_sessions(hub.engine)() as s:
        return list(s.scalars(select(RefusedWrite.reason).where(RefusedWrite.id == rid)))


class _HubView:  # what tests.sync.test_ownership.send_down needs of a hub
    def __init__(self, hub: RunningHub) -> None:
        self.sessions = make_sessions(hub.engine)


def send_down(hub: RunningHub, **data: Any) -> str:
    return _send_down(_HubView(hub), "A001", **data)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", ["received", "arrived", "rejected", "completed"])
def test_a_new_upward_referral_cannot_arrive_decided(running: RunningHub, status: str) -> None:
    rid, good = str(uuid.uuid4()), str(uuid.uuid4())
    res = push(running, [up(rid, 1, status=status), up(good, 1)])
    assert [r["status"] for r in res] == ["rejected", "applied"]
    assert "已" in res[0]["error"] and ("县医院" in res[0]["error"] or "不能" in res[0]["error"])
    assert stored(running, rid) is None
    assert refusals(running, rid) == [res[0]["error"]]
    # the office still lists the honest one as waiting, and never the forged one
    with httpx.Client(base_url=running.url, timeout=30) as office:
        login(office)
        page = office.get("/office/referrals", params={"status": "pending"}).text
    assert f"A001-{good[:8]}" in page and f"A001-{rid[:8]}" not in page


def test_county_fields_on_a_new_record_are_refused_by_their_label(running: RunningHub) -> None:
    rid = str(uuid.uuid4())
    change = up(rid, 1)
    change["data"]["receiving_doctor"] = "冒名"
    (res,) = push(running, [change])
    assert res["status"] == "rejected" and "接诊医生" in res["error"]
    assert "receiving_doctor" not in res["error"]


@pytest.mark.parametrize(
    ("status", "extra", "says"),
    [
        ("draft", {}, "草稿"),
        ("completed", {"completed_at": "2026-11-21T08:00:00"}, "已完成"),
        ("received", {}, "县医院"),
    ],
)
def test_a_clinic_cannot_move_its_referral_where_only_the_county_may(
    running: RunningHub, status: str, extra: dict[str, Any], says: str
) -> None:
    rid = str(uuid.uuid4())
    assert push(running, [up(rid, 1)])[0]["status"] == "applied"
    (res,) = push(running, [up(rid, 2, status=status, **extra)])
    assert res["status"] == "rejected" and says in res["error"], res
    rec = stored(running, rid)
    assert rec is not None and rec.version == 1 and rec.data["status"] == "pending"


def test_the_clinics_own_moves_still_pass(running: RunningHub) -> None:
    """Cancel with a reason; cancel crossing a county receipt; close after arrival."""
    a, b, c = (str(uuid.uuid4()) for _ in range(3))
    push(running, [up(a, 1), up(b, 1), up(c, 1)])
    (res,) = push(running, [up(a, 2, status="cancelled")])
    assert res["status"] == "rejected" and "取消/拒收原因" in res["error"]
    (res,) = push(running, [up(a, 3, status="cancelled", cancel_reason="患者拒绝转诊")])
    assert res["status"] == "applied"
    with make_sessions(running.engine)() as s, s.begin():
        store.answer_record(
            s, "referral", b, {"received_at": "2026-11-21T01:00:00", "receiving_doctor": "周医生"}
        )
        store.answer_record(
            s, "referral", c, {"received_at": "2026-11-21T01:00:00", "receiving_doctor": "周医生"}
        )
        store.answer_record(s, "referral", c, {"arrived_at": "2026-11-21T03:00:00"})
    # b: the clinic had not pulled the receipt; it cancels, and it may
    (res,) = push(running, [up(b, 2, status="cancelled", cancel_reason="已去省城")])
    assert res["status"] == "applied"
    rec = stored(running, b)
    assert rec is not None and rec.data["status"] == "cancelled"
    assert rec.data["receiving_doctor"] == "周医生"  # the county's answer is kept
    # c: arrived at the county; the clinic closes it, with its completion time
    (res,) = push(running, [up(c, 2, status="completed")])
    assert res["status"] == "rejected" and "完成时间" in res["error"]
    (res,) = push(running, [up(c, 3, status="completed", completed_at="2026-11-25T08:00:00")])
    assert res["status"] == "applied"
    # a stale "待接收" with an edit of the clinic's own text is no status move
    d = str(uuid.uuid4())
    push(running, [up(d, 1)])
    with make_sessions(running.engine)() as s, s.begin():
        store.answer_record(
            s, "referral", d, {"received_at": "2026-11-21T01:00:00", "receiving_doctor": "周医生"}
        )
    (res,) = push(running, [up(d, 2, cautions="携带既往检查单")])
    assert res["status"] == "applied"
    rec = stored(running, d)
    assert rec is not None and rec.data["status"] == "received"


def ack(rid: str, version: int, **fields: Any) -> dict[str, Any]:
    """A clinic's part of a downward referral, as its workstation sends it."""
    return {"type": "referral", "id": rid, "version": version, "data": {"id": rid, **fields}}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"status": "cancelled", "cancel_reason": "不想要"}, "县医院"),
        ({"status": "draft"}, "草稿"),
        ({"status": "completed"}, "完成时间"),
        ({"diagnosis": "改过的诊断"}, "诊断结果"),
    ],
)
def test_a_clinic_cannot_cancel_redraft_close_or_rewrite_a_downward_referral(
    running: RunningHub, change: dict[str, Any], says: str
) -> None:
    rid = send_down(running)
    (res,) = push(running, [ack(rid, 2, **change)])
    assert res["status"] == "rejected" and says in res["error"], res
    rec = stored(running, rid)
    assert rec is not None and rec.data["status"] == "pending" and not rec.deleted
    assert rec.data["diagnosis"] == "脑梗死恢复期"
    assert refusals(running, rid) == [res["error"]]


def test_a_clinic_cannot_void_a_downward_referral_but_may_acknowledge_it(
    running: RunningHub,
) -> None:
    rid = send_down(running)
    (res,) = push(running, [{**ack(rid, 2), "deleted": True}])
    assert res["status"] == "rejected" and "不能作废" in res["error"]
    rec = stored(running, rid)
    assert rec is not None and not rec.deleted
    (res,) = push(running, [ack(rid, 3, status="received", acknowledged_at="2026-11-22T01:00:00")])
    assert res["status"] == "applied"
    rec = stored(running, rid)
    assert rec is not None and rec.data["status"] == "received" and rec.version == 3


def test_a_voided_record_is_frozen(running: RunningHub) -> None:
    rid = str(uuid.uuid4())
    push(running, [up(rid, 1)])
    (res,) = push(running, [{**up(rid, 2), "deleted": True}])
    assert res["status"] == "applied"
    (res,) = push(running, [{**up(rid, 3, impression="改过"), "deleted": True}])
    assert res["status"] == "rejected" and "已作废" in res["error"] and "初步印象" in res["error"]
    (res,) = push(running, [up(rid, 4)])
    assert res["status"] == "rejected" and "不能恢复" in res["error"]
    rec = stored(running, rid)
    assert rec is not None and rec.deleted and rec.version == 2
    assert rec.data["impression"] == "高血压3级"
    with make_sessions(running.engine)() as s, s.begin(), pytest.raises(ValueError, match="作废"):
        store.answer_record(
            s, "referral", rid, {"received_at": "2026-11-21T01:00:00", "receiving_doctor": "周医生"}
        )


def test_a_clinic_cannot_touch_another_clinics_record(running: RunningHub) -> None:
    rid = str(uuid.uuid4())
    push(running, [up(rid, 1)])
    (res,) = push(running, [up(rid, 2, status="cancelled", cancel_reason="x")], clinic="B002")
    assert res["status"] == "rejected"
    rec = stored(running, rid)
    assert rec is not None and rec.version == 1 and rec.clinic_code == "A001"


def test_a_refusal_shows_on_the_clinics_sync_page(
    running: RunningHub, tmp_path: Path, migrated_template: Path
) -> None:
    """A clinic whose database says a referral is 已接收 without the county's answer (edited
    behind the workstation's back): the hub refuses it, and the 同步 page lists the record,
    its patient and the reason in Chinese."""
    s = make_clinic(tmp_path, migrated_template, "A001")
    (pid,) = add_patients(s, 1, prefix="王")
    ref = s.referrals.create_upward(upward_input(pid))
    with HubClient(running.url, running.tokens["A001"], allow_http=True) as c:
        eng = SyncEngine(s.ctx, c, sleep=lambda _d: None)
        assert eng.run_round().complete
        with s.ctx.session() as sess:
            r = sess.get(Referral, ref.id)
            assert r is not None
            r.status = "received"
            record_write(sess, s.ctx, r, "referral", "forged")
        res = eng.run_round()
    assert res.parked == 1 and not res.complete
    (row,) = SyncStatusService(s.ctx).errors()
    assert row.record_id == ref.id and row.patient_name == "王0"
    assert "已接收" in row.message and "县医院" in row.message
    rec = stored(running, ref.id)
    assert rec is not None and rec.data["status"] == "pending" and rec.version == 1
