"""A county answer pulled from the hub while the 统计 figures of a closed month are stored
in the database: the next workstation start counts them again and shows the answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from app.domain.periods import month
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from app.sync.client import HubClient
from app.sync.engine import SyncEngine
from county import store
from tests.conftest import fast_hasher
from tests.hub_server import Hub
from tests.services.test_referrals import upward
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import add_patients


@pytest.fixture
def clinic(hub: Hub, tmp_path: Path, migrated_template: Path) -> Iterator[tuple]:  # type: ignore[type-arg]
    s = make_clinic(tmp_path, migrated_template, "A001")
    c = HubClient(hub.url, register(hub, "A001"), allow_http=True)
    yield s, c
    c.close()


def started(s: AppServices) -> AppServices:
    """The workstation started again on the same database: nothing kept in memory."""
    ctx = ServiceContext.open(s.data_dir, clock=s.ctx.clock, password_hasher=fast_hasher())
    ctx.actor = s.ctx.actor
    return AppServices.create(ctx, s.data_dir)


def test_a_pulled_answer_is_counted_after_a_restart_though_the_month_was_stored(
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
    second = started(s)
    assert second.stats.referral_figures(september).feedback == before
    assert (second.stats.closed.counted, second.stats.closed.loaded) == (0, 1)
    second.ctx.dispose()
    with hub.sessions() as hs, hs.begin():  # the county received the patient on 12 September
        store.answer_record(
            hs,
            "referral",
            ref.id,
            {"received_at": "2026-09-12T01:30:00", "receiving_doctor": "周医生"},
        )
    assert engine.run_round().pulled == 1
    third = started(s)
    after = third.stats.referral_figures(september)
    assert (after.feedback.numerator, after.feedback.denominator) == (1, 1)
    assert third.stats.closed.counted == 1
    third.ctx.dispose()
