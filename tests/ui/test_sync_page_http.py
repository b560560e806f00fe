"""The 同步 page and a plain http:// hub (issue 15): refused on the form without the
administrator's test-bench option, and, while the option is on, a red warning at the top of
the page that stays on screen (1366×768 and 1024×768, Chinese and English) for everyone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.main_window import MainWindow
from app.ui.pages.sync import SyncPage
from app.ui.sync_scheduler import SyncScheduler
from app.ui.widgets import screen_fit
from tests.conftest import login_as
from tests.hub_server import Hub, running_hub
from tests.sync.conftest import register
from tests.sync.test_http_hub import Counter

SIZES = [(1366, 768), (1024, 768)]
TASKBAR = 40


@pytest.fixture(autouse=True)
def no_first_round(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SyncScheduler, "first_round_ms", 3_600_000)


@pytest.fixture
def counted(tmp_path: Path) -> Iterator[tuple[Hub, Counter]]:
    counter = Counter()
    with running_hub(tmp_path, counter) as hub:
        counter.paths.clear()
        yield hub, counter


@pytest.fixture(params=["zh_CN", "en"])
def lang(request: pytest.FixtureRequest, qapp) -> Iterator[str]:  # type: ignore[no-untyped-def]
    installed = qapp._cliniclink_zh_translators
    if request.param == "en":
        for t in installed:
            qapp.removeTranslator(t)
    yield request.param
    if request.param == "en":
        for t in installed:
            qapp.installTranslator(t)


def open_sync_page(qtbot: QtBot, services: AppServices, bus: ChangeBus, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    window = MainWindow(services, bus)
    qtbot.addWidget(window)
    window.resize(size[0] - screen_fit.FRAME_WIDTH, size[1] - TASKBAR - screen_fit.FRAME_HEIGHT)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_key("sync")
    assert isinstance(page, SyncPage)
    QApplication.processEvents()
    return window, page


def is_red(page: SyncPage) -> bool:
    image = page.insecure_warning.grab().toImage()
    colour = image.pixelColor(image.width() - 3, image.height() // 2)  # the background
    return colour.red() > 150 and colour.green() < 90 and colour.blue() < 90


def test_the_form_refuses_http_without_the_option_and_sends_nothing(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, counted: tuple[Hub, Counter]
) -> None:
    hub, counter = counted
    token = register(hub, "TH001")
    window, page = open_sync_page(qtbot, services, bus, (1366, 768))
    assert not page.insecure_warning.isVisible()
    assert not page.allow_http.isChecked()
    page.hub_url.setText(hub.url)
    page.token.setText(token)
    page.save_button.click()
    said = page.settings_message.text()
    assert said.startswith("县医院同步地址：") and "明文" in said and "仅限测试环境" in said
    assert "c0392b" in page.settings_message.styleSheet()  # said in red
    assert services.sync_runner.hub_settings().url == ""  # nothing saved
    page.test_button.click()  # checked on the form: nothing is sent
    assert page.settings_message.text() == said and page.test_button.isEnabled()
    # the service behind the button refuses on its own too, and nothing reaches the hub
    report = services.sync_runner.test_connection(hub.url, token, "")
    assert report.outcome.value == "insecure_http"
    assert counter.paths == []
    assert not page.insecure_warning.isVisible()
    window.sync.stop()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_with_the_option_a_red_warning_stays_on_screen(
    qtbot: QtBot,
    services: AppServices,
    bus: ChangeBus,
    counted: tuple[Hub, Counter],
    size: tuple[int, int],
    lang: str,
) -> None:
    hub, counter = counted
    token = register(hub, "TH001")
    window, page = open_sync_page(qtbot, services, bus, size)
    page.hub_url.setText(hub.url)
    page.token.setText(token)
    page.allow_http.click()
    assert not page.insecure_warning.isVisible()  # only once it is saved
    page.save_button.click()
    assert page.settings_message.text() == ("已保存。" if lang == "zh_CN" else "Saved.")
    assert services.sync_runner.hub_settings().allow_http
    warning = page.insecure_warning
    assert warning.isVisible()
    assert ("仅限测试环境" if lang == "zh_CN" else "TEST BENCH ONLY") in warning.text()
    assert "http://" in warning.text()
    # the window still fits the screen, the warning lies wholly inside it with its whole text
    # laid out (neither cut at the side nor squeezed to one line), and it is red
    screen = QRect(0, 0, size[0], size[1] - TASKBAR)
    assert window.width() + screen_fit.FRAME_WIDTH <= screen.width()
    assert window.height() + screen_fit.FRAME_HEIGHT <= screen.height()
    top_left = warning.mapTo(window, warning.rect().topLeft())
    rect = QRect(top_left, warning.size())
    assert window.rect().contains(rect), (rect.getRect(), window.rect().getRect())
    assert warning.minimumSizeHint().width() <= warning.width()
    assert warning.height() >= warning.heightForWidth(warning.width())
    assert is_red(page)
    # a nurse on the same PC sees it too (and not the option)
    window.sync.stop()
    login_as(services, "nurse")
    nurse_window, nurse_page = open_sync_page(qtbot, services, bus, size)
    assert nurse_page.insecure_warning.isVisible()
    assert not nurse_page.allow_http.isVisibleTo(nurse_page)
    nurse_window.sync.stop()


def test_the_administrator_turns_it_off(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    services.sync_runner.save_hub_settings("http://127.0.0.1:9", "tok", "", allow_http=True)
    window, page = open_sync_page(qtbot, services, bus, (1024, 768))
    assert page.allow_http.isChecked() and page.insecure_warning.isVisible()
    page.allow_http.click()
    page.save_button.click()  # still an http:// address: refused, the option stays on
    assert page.settings_message.text().startswith("县医院同步地址：")
    assert services.sync_runner.hub_settings().allow_http
    assert page.insecure_warning.isVisible()
    page.hub_url.setText("https://hub.example.cn")
    page.save_button.click()
    assert page.settings_message.text() == "已保存。"
    assert not services.sync_runner.hub_settings().allow_http
    assert not page.insecure_warning.isVisible()
    window.sync.stop()


def test_a_saved_http_hub_without_the_option_stops_sync_for_an_administrator(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, counted: tuple[Hub, Counter]
) -> None:
    """A settings file from before this check (an http:// hub, no option): the round is
    refused and the status bar asks for an administrator; the hub sees nothing."""
    from app.config import Settings

    hub, counter = counted
    s = Settings.load(services.data_dir)
    s.hub_url, s.hub_token = hub.url, register(hub, "TH001")
    s.save(services.data_dir)
    window, page = open_sync_page(qtbot, services, bus, (1366, 768))
    window.sync.apply_settings()
    with qtbot.waitSignal(window.sync.round_finished, timeout=20_000) as blocker:
        page.sync_button.click()
    assert blocker.args[0].outcome.value == "insecure_http"
    assert "需要管理员" in window.sync_label.text()
    assert window.sync_label.property("state") == "admin"
    assert "明文" in page.round_message.text()
    assert counter.paths == []
    window.sync.stop()
