"""A record the county sent that this PC cannot store is kept, shown and retried, never lost:
the rest of the page goes in, the 同步 page lists it with the reason and the patient, the
headless round exits 1, and once the county corrects it the next round stores it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from app.db.followup_models import FollowUpPlan
from app.db.referral_models import Referral
from app.db.sync_models import PulledParked
from app.services.sync_status import SyncStatusService
from app.sync.client import HubClient
from app.sync.engine import SyncEngine
from tests.hub_server import Hub
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import assert_same, store_unchecked
from tests.sync.test_ownership import answer, send_down

TYPES = ("patient", "referral", "followup_plan")


def test_unstorable_county_record_is_parked_listed_and_stored_once_corrected(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> None:
    s = make_clinic(tmp_path, migrated_template, "A001")
    token = register(hub, "A001")
    good_before = send_down(hub, "A001", patient_name="李秀珍")
    bad = send_down(hub, "A001", patient_name="周玉梅")
    store_unchecked(hub, bad, followup_date="2026-02-30")  # no such day
    good_after = send_down(hub, "A001", patient_name="陈桂香")
    with HubClient(hub.url, token, allow_http=True) as c:
        eng = SyncEngine(s.ctx, c, sleep=lambda _d: None)
        res = eng.run_round()
        assert res.pulled == 3 and len(res.errors) == 1 and bad in res.errors[0]
        with s.ctx.reader() as sess:
            stored = set(sess.scalars(select(Referral.id)))
            assert stored == {good_before, good_after}  # the page was not blocked
            parked = sess.scalars(select(PulledParked)).all()
            assert [(p.record_type, p.record_id) for p in parked] == [("referral", bad)]
        status = SyncStatusService(s.ctx)
        assert status.summary().errors == 1
        (row,) = status.errors()
        assert row.record_id == bad and row.patient_name == "周玉梅"
        assert row.type_name == "县医院下发的转诊单" and "预约复诊或随访时间" in row.message
        # what was wrong, in Chinese (the parser's English reason stays in the log)
        assert "不是有效的日期" in row.message and "out of range" not in row.message

        # a round that changes nothing tries it again and keeps it
        res = eng.run_round()
        assert len(res.errors) == 1 and status.summary().errors == 1

        answer(hub, bad, followup_date="2026-03-02")  # the county corrects its slip
        res = eng.run_round()
        assert not res.errors and res.complete
        assert status.summary().errors == 0 and status.errors() == []
        with s.ctx.reader() as sess:
            r = sess.get(Referral, bad)
            assert r is not None and r.followup_date == date(2026, 3, 2)
            plan = sess.scalar(select(FollowUpPlan).where(FollowUpPlan.referral_id == bad))
            assert plan is not None and plan.next_due_date == date(2026, 3, 2)
            assert sess.scalar(select(func.count()).select_from(PulledParked)) == 0
    assert assert_same(s, hub, TYPES) == 9  # 3 referrals, 3 new residents, 3 plans
