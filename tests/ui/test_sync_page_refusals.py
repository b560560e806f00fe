"""A record the hub refuses shows on the clinic's 同步 page: the record, its patient and the
hub's reason in Chinese (here: a referral whose status was set to 已接收 behind the
workstation's back, which only the county's answer may do)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.db.referral_models import Referral
from app.services.bundle import AppServices
from app.services.recording import record_write
from app.ui.change_bus import ChangeBus
from app.ui.main_window import MainWindow
from app.ui.sync_scheduler import SyncScheduler
from tests.hub_server import Hub, running_hub
from tests.services.test_referrals import upward
from tests.sync.conftest import register
from tests.sync.helpers import add_patients
from tests.ui.test_sync_page import press_sync_now, sync_page


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with running_hub(tmp_path) as h:
        yield h


def test_a_forged_status_is_refused_and_listed_with_its_reason(
    qtbot: QtBot,
    services: AppServices,
    bus: ChangeBus,
    hub: Hub,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str]],
) -> None:
    monkeypatch.setattr(SyncScheduler, "first_round_ms", 3_600_000)
    services.sync_runner.engine_options = {"base_delay": 0.01, "max_attempts": 2}
    services.sync_runner.save_hub_settings(hub.url, register(hub, "TH001"), "", allow_http=True)
    (pid,) = add_patients(services, 1, prefix="周")
    ref = services.referrals.create_upward(upward(pid))
    window = MainWindow(services, bus)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    press_sync_now(qtbot, window)
    with services.ctx.session() as s:  # edited behind the workstation's back
        r = s.get(Referral, ref.id)
        assert r is not None
        r.status = "received"
        record_write(s, services.ctx, r, "referral", "forged")
    press_sync_now(qtbot, window)
    page = sync_page(window)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    cells = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    text = " ".join(cells)
    assert "周0" in text and "已接收" in text and "县医院" in text, cells
    shots = os.environ.get("CLINICLINK_SCREENSHOTS")
    if shots:  # for a person to look at: CLINICLINK_SCREENSHOTS=screenshots pytest ...
        window.grab().save(str(Path(shots) / "sync_page_refusal.png"))
