"""A county answer pulled from the hub changes the 上转反馈率 of a closed month at once,
though that month's figures were kept (the answer is written by the pull, not by a service
the 统计 page listens to)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from app.domain.periods import month
from app.sync.client import HubClient
from app.sync.engine import SyncEngine
from county import store
from tests.hub_server import Hub
from tests.services.test_referrals import upward
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import add_patients


@pytest.fixture
def clinic(hub: Hub, tmp_path: Path, migrated_template: Path) -> Iterator[tuple]:  # type: ignore[type-arg]
    s = make_clinic(tmp_path, migrated_template, "A001")
    c = HubClient(hub.url, register(hub, "A001"), allow_http=True)  # the test hub is http
    yield s, c
    c.close()


def test_a_pulled_county_answer_changes_a_closed_months_feedback_rate(
    hub: Hub,
    clinic: tuple,  # type: ignore[type-arg]
) -> None:
    s, c = clinic
    (pid,) = add_patients(s, 1)
    s.ctx.clock = lambda: datetime(2026, 9, 10, 2, 0)  # 10:00 on 10 September, Beijing
    ref = s.referrals.create_upward(upward(pid))
    s.ctx.clock = lambda: datetime(2026, 11, 30, 4, 0)  # September is closed
    engine = SyncEngine(s.ctx, c)
    engine.run_round()
    september = month(2026, 9)
    before = s.stats.referral_figures(september).feedback
    assert (before.numerator, before.denominator) == (0, 1)
    counted = s.stats.closed.counted
    assert s.stats.referral_figures(september).feedback == before  # kept
    assert s.stats.closed.counted == counted
    with hub.sessions() as hs, hs.begin():  # the county received the patient on 12 September
        store.answer_record(
            hs,
            "referral",
            ref.id,
            {"received_at": "2026-09-12T01:30:00", "receiving_doctor": "周医生"},
        )
    assert engine.run_round().pulled == 1
    after = s.stats.referral_figures(september)
    assert (after.feedback.numerator, after.feedback.denominator) == (1, 1)
    assert after.feedback.text == "100.0%"
