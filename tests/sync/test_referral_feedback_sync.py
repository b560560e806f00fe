"""A 回执 the clinic recorded travels to the hub as the clinic's own fields, and the county's
own answer, when it comes, wins on the fields it owns without touching the 回执."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.referral_feedback import FeedbackInput
from app.services.bundle import AppServices
from app.sync.client import HubClient
from app.sync.engine import SyncEngine
from county import store
from county.db import RefusedWrite
from tests.hub_server import Hub
from tests.services.test_referrals import upward
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import add_patients, hub_records


@pytest.fixture
def clinic(
    hub: Hub, tmp_path: Path, migrated_template: Path
) -> Iterator[tuple[AppServices, SyncEngine]]:
    s = make_clinic(tmp_path, migrated_template, "A001")
    c = HubClient(hub.url, register(hub, "A001"), allow_http=True)
    yield s, SyncEngine(s.ctx, c, sleep=lambda _d: None)
    c.close()


def test_a_receipt_reaches_the_hub_and_the_countys_answer_wins_on_its_own_fields(
    hub: Hub, clinic: tuple[AppServices, SyncEngine]
) -> None:
    s, eng = clinic
    (pid,) = add_patients(s, 1)
    ref = s.referrals.create_upward(upward(pid))
    assert eng.run_round().complete
    # By phone the county said it would not take the patient...
    s.referrals.record_feedback(
        ref.id,
        FeedbackInput(method="phone", by="周医生", at=s.ctx.now_local(), result="refused",
                      reason="床位已满"),
    )  # fmt: skip
    assert eng.run_round().complete
    recs = hub_records(hub, "A001")
    data = recs[("referral", ref.id)].data
    assert (data["feedback_by"], data["feedback_result"], data["feedback_reason"]) == (
        "周医生",
        "refused",
        "床位已满",
    )
    assert data["status"] == "pending" and not data.get("rejected_reason")
    events = [r.data for (t, _i), r in recs.items() if t == "referral_event"]
    assert any(e.get("kind") == "feedback" and "周医生" in e["reason"] for e in events)
    # ...then the county's office received it after all: its answer wins on its fields and
    # the status; the clinic's 回执 stays as recorded.
    with hub.sessions() as hs, hs.begin():
        store.answer_record(
            hs,
            "referral",
            ref.id,
            {"received_at": "2026-11-22T09:30:00", "receiving_doctor": "吴医生"},
        )
    assert eng.run_round().complete
    got = s.referrals.get(ref.id)
    assert got.status == "received" and got.receiving_doctor == "吴医生"
    assert got.received_at == datetime(2026, 11, 22, 9, 30)
    assert (got.feedback_result, got.feedback_by) == ("refused", "周医生")
    hub_data = hub_records(hub, "A001")[("referral", ref.id)].data
    assert hub_data["feedback_result"] == "refused" and hub_data["status"] == "received"
    with hub.sessions() as hs:
        assert hs.scalar(select(func.count()).select_from(RefusedWrite)) == 0
