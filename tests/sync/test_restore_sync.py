"""A restored backup is made whole from the hub: what was uploaded after the backup comes
back, edits made since go up above the hub's version, and nothing is marked synced while
the hub holds another version of it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.db.backup import backup, backup_dir
from app.db.engine import db_path
from app.db.models import Patient
from app.db.restore import restore_backup
from app.domain.followup import PlanKind
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from app.sync.client import HubClient
from app.sync.engine import SyncEngine, pending_count
from county.db import HubRecord
from tests.conftest import ADMIN_PASSWORD, fast_hasher
from tests.hub_server import Hub
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import assert_same, hub_records

BORN = date(1960, 5, 1)
_clients: list[HubClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _clients:
        _clients.pop().close()


def sync(s: AppServices, hub: Hub, token: str):  # type: ignore[no-untyped-def]
    c = HubClient(hub.url, token, allow_http=True)
    _clients.append(c)
    return SyncEngine(s.ctx, c, sleep=lambda _d: None).run_round()


def reopen(data_dir: Path) -> AppServices:
    s = AppServices.create(ServiceContext.open(data_dir, password_hasher=fast_hasher()), data_dir)
    s.users.login("admin", ADMIN_PASSWORD)
    return s


def edit(s: AppServices, pid: str, **changes: str) -> None:
    row = s.patients.get(pid)
    data = PatientInput(
        name=row.name,
        sex=row.sex,
        birth_date=row.birth_date,
        id_number=row.id_number or "",
        phone=row.phone or "",
        village=row.village or "",
        address=row.address or "",
    )
    s.patients.update(pid, replace(data, **changes))


def local(s: AppServices, pid: str) -> Patient:
    with s.ctx.reader() as sess:
        p = sess.get(Patient, pid)
        assert p is not None
        return p


def test_backup_edits_sync_restore_edit_sync_makes_the_clinic_whole(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> None:
    s = make_clinic(tmp_path, migrated_template, "A001")
    token = register(hub, "A001")
    mk = s.patients.create
    p1 = mk(PatientInput(name="张一", sex="2", id_number="11010519491231002X")).id
    p2 = mk(PatientInput(name="张二", sex="2", birth_date=BORN, phone="13800000002")).id
    assert sync(s, hub, token).complete
    data_dir = s.data_dir
    the_backup = backup(db_path(data_dir), backup_dir(data_dir), "daily")

    # after the backup: edits and a new resident, all uploaded
    edit(s, p1, address="桃花镇一村")
    edit(s, p2, phone="13900000002")
    p3 = mk(PatientInput(name="张三", sex="1", birth_date=BORN, village="二村")).id
    plan = s.followups.create_plan(p3, PlanKind.HYPERTENSION).id  # refers to the new resident
    assert sync(s, hub, token).complete
    edit(s, p1, address="桃花镇三村")  # p1 now v3 at the hub
    assert sync(s, hub, token).complete
    assert hub_records(hub, "A001")[("patient", p1)].version == 3
    s.ctx.dispose()

    restore_backup(data_dir, the_backup)
    s = reopen(data_dir)
    assert local(s, p1).version == 1 and s.patients.search("张三") == []
    # edits after the restore, on the restored (older) copies
    edit(s, p2, address="二村5号")  # the hub's p2 (new phone) moved on since the backup
    p4 = mk(PatientInput(name="张四", sex="2", birth_date=BORN)).id

    res = sync(s, hub, token)
    assert res.complete and not res.errors
    assert pending_count(s.ctx) == 0
    hub_now = hub_records(hub, "A001")
    # p1: the hub's v3 came back; p3: made after the backup, uploaded, back again
    assert local(s, p1).address == "桃花镇三村" and local(s, p1).version == 3
    assert local(s, p3).name == "张三" and local(s, p3).village == "二村"
    # p2: both edits kept, above the hub's version
    mine = local(s, p2)
    assert (mine.phone, mine.address) == ("13900000002", "二村5号")
    assert mine.version == 3 and hub_now[("patient", p2)].version == 3
    assert hub_now[("patient", p2)].data["address"] == "二村5号"
    assert hub_now[("patient", p2)].data["phone"] == "13900000002"
    assert ("patient", p4) in hub_now
    assert assert_same(s, hub) == 4  # field by field, and nothing on the hub missing here
    assert assert_same(s, hub, ("followup_plan",)) == 1  # the plan came back with its resident
    assert s.followups.plan(plan)[0].patient_id == p3
    # a later round has nothing left to do
    res = sync(s, hub, token)
    assert res.complete and res.pushed == 0
    assert not (data_dir / "restore-base.db").exists()


def test_a_duplicate_for_an_older_version_is_not_counted_done(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> None:
    """The hub holds v3 of a record the clinic has at v1 (an old copy of the file put back
    by hand): the clinic's edit (v2) is not marked synced on "duplicate"; it takes the hub's
    copy and sends the edit above it."""
    s = make_clinic(tmp_path, migrated_template, "A001")
    token = register(hub, "A001")
    new = PatientInput(name="李四", sex="1", birth_date=BORN, phone="13700000000")
    pid = s.patients.create(new).id
    assert sync(s, hub, token).complete
    with hub.sessions() as hs, hs.begin():
        rec = hs.scalar(select(HubRecord).where(HubRecord.id == pid))
        assert rec is not None
        rec.data = {**rec.data, "village": "三村"}
        rec.version = 3
    edit(s, pid, phone="13711111111")  # v2 here
    res = sync(s, hub, token)
    assert res.complete and pending_count(s.ctx) == 0
    mine = local(s, pid)
    assert mine.version == 4 and mine.phone == "13711111111"
    h = hub_records(hub, "A001")[("patient", pid)]
    assert h.version == 4 and h.data["phone"] == "13711111111"
    assert assert_same(s, hub) == 1


def test_push_leaves_pending_when_the_hub_holds_a_newer_version(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> None:
    s = make_clinic(tmp_path, migrated_template, "A001")
    token = register(hub, "A001")
    pid = s.patients.create(PatientInput(name="王五", sex="1", birth_date=BORN)).id
    assert sync(s, hub, token).complete
    with hub.sessions() as hs, hs.begin():
        hs.execute(update(HubRecord).where(HubRecord.id == pid).values(version=5))
    edit(s, pid, phone="13600000000")
    c = HubClient(hub.url, token, allow_http=True)
    _clients.append(c)
    eng = SyncEngine(s.ctx, c, sleep=lambda _d: None)
    from app.sync.engine import RoundResult

    res = RoundResult()
    eng.push(res)  # the push alone, without the resolution that follows it in a round
    assert local(s, pid).sync_state == "pending" and pending_count(s.ctx) == 1
    assert res.duplicates == 0


def test_a_downward_referral_received_after_the_backup_comes_back_once(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> None:
    from app.db.followup_models import FollowUpPlan
    from app.db.referral_models import Referral
    from tests.sync.test_ownership import send_down

    s = make_clinic(tmp_path, migrated_template, "A001")
    token = register(hub, "A001")
    assert sync(s, hub, token).complete
    data_dir = s.data_dir
    the_backup = backup(db_path(data_dir), backup_dir(data_dir), "daily")
    rid = send_down(hub, "A001", patient_id_number="11010519491231002X", patient_sex="2")
    assert sync(s, hub, token).complete  # received: a resident from the slip, a rehab plan
    with s.ctx.reader() as sess:
        before = sess.get(Referral, rid)
        assert before is not None and before.patient_id
        pid = before.patient_id
    s.ctx.dispose()

    restore_backup(data_dir, the_backup)
    s = reopen(data_dir)
    res = sync(s, hub, token)
    assert res.complete and not res.errors
    with s.ctx.reader() as sess:
        back = sess.get(Referral, rid)
        assert back is not None and back.patient_id == pid
        people = sess.scalars(
            select(Patient).where(Patient.id_number == "11010519491231002X")
        ).all()
        assert [p.id for p in people] == [pid]  # one resident, not a second from the slip
        plans = sess.scalars(select(FollowUpPlan).where(FollowUpPlan.referral_id == rid)).all()
        assert len(plans) == 1
    assert pending_count(s.ctx) == 0
    assert assert_same(s, hub, ("patient", "followup_plan")) == 2
