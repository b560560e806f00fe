"""The 同步 page and the status bar against a real county hub on 127.0.0.1."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from pytestqt.qtbot import QtBot

from app.db.models import Patient
from app.services.bundle import AppServices
from app.services.context import Changes
from app.services.sync_runner import Outcome, RoundReport
from app.ui.change_bus import ChangeBus
from app.ui.main_window import MainWindow
from app.ui.pages.sync import SyncPage
from app.ui.sync_scheduler import SyncScheduler
from county.api import create_app
from tests.conftest import login_as
from tests.hub_server import Hub, free_port, hub_engine, running_hub
from tests.sync.conftest import register
from tests.sync.helpers import add_patients, hub_records

ROUND_TIMEOUT = 20_000


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with running_hub(tmp_path) as h:
        yield h


@pytest.fixture
def window(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    # The round the app runs a few seconds after start-up would race the button presses here.
    monkeypatch.setattr(SyncScheduler, "first_round_ms", 3_600_000)
    services.sync_runner.engine_options = {"base_delay": 0.01, "max_attempts": 2}
    w = MainWindow(services, bus)
    qtbot.addWidget(w)
    return w


def sync_page(window: MainWindow) -> SyncPage:
    page = window.show_key("sync")
    assert isinstance(page, SyncPage)
    return page


def press_sync_now(qtbot: QtBot, window: MainWindow) -> RoundReport:
    page = sync_page(window)
    with qtbot.waitSignal(window.sync.round_finished, timeout=ROUND_TIMEOUT) as blocker:
        page.sync_button.click()
        assert not page.sync_button.isEnabled()  # one round at a time
    report = blocker.args[0]
    assert isinstance(report, RoundReport)
    return report


def status(window: MainWindow) -> tuple[str, str]:
    return window.sync_label.text(), str(window.sync_label.property("state"))


def test_sync_now_uploads_and_the_status_bar_turns_green(
    qtbot: QtBot,
    services: AppServices,
    window: MainWindow,
    hub: Hub,
    message_boxes: list[tuple[str, str]],
) -> None:
    token = register(hub, "TH001")
    add_patients(services, 3)
    qtbot.waitUntil(lambda: status(window) == ("同步：未配置 · 3 条待上传", "off"))
    page = sync_page(window)
    page.sync_button.click()  # nothing set up yet: the page says what to do
    assert "请先填写并保存同步地址" in page.round_message.text()
    page.hub_url.setText(hub.url)
    page.token.setText(token)
    page.allow_http.click()  # the test hub is plain http://127.0.0.1
    assert page.token.echoMode() == page.token.EchoMode.Password
    page.save_button.click()
    assert page.settings_message.text() == "已保存。"
    text, state = status(window)
    assert "3 条待上传" in text and "从未同步" in text and state == "pending"
    assert page.pending.text() == "3"
    # the timer runs from now on (default 5 minutes)
    assert window.sync.timer.isActive() and window.sync.timer.interval() == 5 * 60_000

    report = press_sync_now(qtbot, window)
    assert report.outcome is Outcome.OK and report.pushed == 3
    text, state = status(window)
    assert text.startswith("同步：已同步 · 上次同步 ") and state == "ok"
    assert "待上传" not in text
    assert "已上传 3 条" in page.round_message.text()
    assert page.pending.text() == "0" and page.last_success.text() != "从未"
    assert len(hub_records(hub, "TH001")) == 3

    # a new record: never green while anything is unsent
    add_patients(services, 1, prefix="新")
    qtbot.waitUntil(lambda: "1 条待上传" in status(window)[0])
    assert status(window)[1] == "pending"
    assert message_boxes == []


def test_hub_unreachable_is_offline_not_an_error_and_it_syncs_when_back(
    qtbot: QtBot,
    services: AppServices,
    window: MainWindow,
    tmp_path: Path,
    message_boxes: list[tuple[str, str]],
) -> None:
    hub = Hub(hub_engine(tmp_path))  # its port is chosen, nothing listens there yet
    token = register(hub, "TH001")
    services.sync_runner.save_hub_settings(hub.url, token, "", allow_http=True)
    window.sync.apply_settings()
    add_patients(services, 2)
    try:
        report = press_sync_now(qtbot, window)
        assert report.outcome is Outcome.OFFLINE
        text, state = status(window)
        assert "离线" in text and "2 条待上传" in text
        assert state == "off" and "出错" not in text
        assert "记录不会丢失" in sync_page(window).round_message.text()
        assert message_boxes == []  # an offline round never opens a dialog
        # while offline a cheap health ping runs every 30 s; when it answers, a round runs
        assert window.sync.offline_timer.isActive()
        window.sync.offline_timer.setInterval(100)
        hub.start()
        with qtbot.waitSignal(window.sync.round_finished, timeout=ROUND_TIMEOUT) as blocker:
            pass
        assert blocker.args[0].outcome is Outcome.OK
        assert status(window)[1] == "ok" and not window.sync.offline_timer.isActive()
        assert len(hub_records(hub, "TH001")) == 2
    finally:
        hub.stop()
        hub.engine.dispose()
    assert message_boxes == []


def test_a_refused_record_is_listed_with_its_patient_and_can_be_queued_again(
    qtbot: QtBot, services: AppServices, window: MainWindow, hub: Hub
) -> None:
    token = register(hub, "TH001")
    services.sync_runner.save_hub_settings(hub.url, token, "", allow_http=True)
    window.sync.apply_settings()
    ids = add_patients(services, 3, prefix="刘")
    with services.ctx.session() as s:
        s.get(Patient, ids[1]).notes = "x" * 20001  # the hub refuses an over-long field
    report = press_sync_now(qtbot, window)
    assert report.outcome is Outcome.PARKED and report.pushed == 2 and report.parked == 1
    text, state = status(window)
    assert "1 条出错" in text and state == "error"
    page = sync_page(window)
    assert page.table.rowCount() == 1
    assert page.table.item(0, 0).text() == "居民"
    assert page.table.item(0, 1).text() == "刘1"
    assert "过长" in page.table.item(0, 2).text()
    assert page.error_count.text() == "1"

    page.retry_button.click()  # nothing selected
    assert "请先选择" in page.retry_message.text()
    page.table.selectRow(0)
    page.retry_button.click()
    assert "已将 1 条记录重新排队" in page.retry_message.text()
    assert page.table.rowCount() == 0 and page.empty_note.isVisibleTo(page)
    qtbot.waitUntil(lambda: "1 条待上传" in status(window)[0])
    assert "出错" not in status(window)[0]
    assert services.sync.summary().pending == 1


def test_a_nurse_sees_the_errors_but_not_the_token_or_retry(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    services.sync_runner.save_hub_settings("https://hub.example.cn", "secret-token", "")
    login_as(services, "nurse")
    page = SyncPage(services, bus)
    qtbot.addWidget(page)
    assert not page.settings_box.isVisibleTo(page)
    assert page.token.text() == ""  # never loaded for a non-administrator
    assert not page.retry_button.isEnabled() and not page.retry_all_button.isEnabled()
    assert "只有管理员" in page.admin_note.text()


def test_a_refused_token_stops_sync_for_the_administrator(
    qtbot: QtBot,
    services: AppServices,
    window: MainWindow,
    hub: Hub,
    message_boxes: list[tuple[str, str]],
) -> None:
    register(hub, "TH001")
    services.sync_runner.save_hub_settings(hub.url, "not-the-token", "", allow_http=True)
    window.sync.apply_settings()
    add_patients(services, 1)
    report = press_sync_now(qtbot, window)
    assert report.outcome is Outcome.AUTH
    text, state = status(window)
    assert "令牌被拒绝，需要管理员处理" in text and state == "admin"
    assert "令牌" in window.sync_label.toolTip()
    assert "令牌" in sync_page(window).round_message.text()
    assert message_boxes == []


def test_connection(qtbot: QtBot, services: AppServices, window: MainWindow, hub: Hub) -> None:
    token = register(hub, "TH001")
    page = sync_page(window)
    page.allow_http.click()  # the test hub is plain http://127.0.0.1

    def check(url: str, tok: str) -> str:
        page.hub_url.setText(url)
        page.token.setText(tok)
        page.test_button.click()
        assert page.settings_message.text() == "正在测试连接…"
        qtbot.waitUntil(page.test_button.isEnabled, timeout=ROUND_TIMEOUT)
        return page.settings_message.text()

    assert "拒绝了这个访问令牌" in check(hub.url, "wrong-token")
    assert "连接正常" in check(hub.url, token)
    assert "连不上县医院" in check(f"http://127.0.0.1:{free_port()}", token)
    page.hub_url.setText("hub.example.cn")  # checked on the form, nothing is sent
    page.test_button.click()
    assert (
        page.settings_message.text()
        == "县医院同步地址：应以 https:// 开头，例如 https://hub.example.cn"
    )
    # testing does not save: the settings are still empty
    assert services.sync_runner.hub_settings().url == ""


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_connection_names_a_certificate_problem(
    qtbot: QtBot, services: AppServices, window: MainWindow, tmp_path: Path
) -> None:
    cert, key = self_signed(tmp_path)
    engine = hub_engine(tmp_path)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(engine),
            host="127.0.0.1",
            port=port,
            log_level="critical",
            lifespan="off",
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        page = sync_page(window)
        page.hub_url.setText(f"https://127.0.0.1:{port}")
        page.token.setText("any")
        page.test_button.click()
        qtbot.waitUntil(page.test_button.isEnabled, timeout=ROUND_TIMEOUT)
        assert "证书验证失败" in page.settings_message.text()
    finally:
        server.should_exit = True
        thread.join(10)
        engine.dispose()


def test_pulled_county_answers_reach_the_pages(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, window: MainWindow, hub: Hub
) -> None:
    from county import store
    from tests.services.test_referrals import upward

    token = register(hub, "TH001")
    services.sync_runner.save_hub_settings(hub.url, token, "", allow_http=True)
    window.sync.apply_settings()
    (pid,) = add_patients(services, 1)
    ref = services.referrals.create_upward(upward(pid))
    seen: list[Changes] = []
    bus.changed.connect(seen.append)
    assert press_sync_now(qtbot, window).pushed >= 2  # patient, referral and its history
    qtbot.waitUntil(lambda: any(c.action == "sync" and ref.id in c.ids for c in seen))
    with hub.sessions() as hs, hs.begin():
        store.answer_record(
            hs,
            "referral",
            ref.id,
            {"received_at": "2026-11-22T09:30:00", "receiving_doctor": "周医生"},
        )
    report = press_sync_now(qtbot, window)
    assert report.pulled == 1
    qtbot.waitUntil(lambda: Changes("referral", frozenset({ref.id}), "pull") in seen)
    assert services.referrals.get(ref.id).receiving_doctor == "周医生"
