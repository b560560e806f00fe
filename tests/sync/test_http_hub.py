"""A plain http:// hub is refused unless this PC's test-bench option is on (issue 15).

Against a real hub on 127.0.0.1 that counts every request it receives: without the option the
connection test, the 同步 page's round and the headless ``sync`` command all end in
INSECURE_HTTP (exit 3, "an administrator must act") and the hub sees not one request, not
even /health. Localhost is no exception. With the option the same hub syncs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.commands.sync import run_sync
from app.config import SETTINGS_FILE, Settings
from app.domain.errors import PermissionDenied, ValidationError
from app.services.bundle import AppServices
from app.services.sync_outcome import EXIT_CODES, Outcome
from app.sync.client import HubClient, InsecureHub
from tests.conftest import login_as
from tests.hub_server import Hub, running_hub
from tests.sync.conftest import register
from tests.sync.test_outcomes import one_patient, outcomes


class Counter:
    """An ASGI wrapper that records the path of every HTTP request the hub receives."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, app: Any) -> Any:
        async def wrapper(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                self.paths.append(scope["path"])
            await app(scope, receive, send)

        return wrapper


@pytest.fixture
def counted(tmp_path: Path) -> Iterator[tuple[Hub, Counter]]:
    counter = Counter()
    with running_hub(tmp_path, counter) as hub:
        counter.paths.clear()  # the start-up probe of running_hub
        yield hub, counter


def test_without_the_option_nothing_is_sent_and_every_path_says_so(
    services: AppServices, counted: tuple[Hub, Counter], capsys: pytest.CaptureFixture[str]
) -> None:
    hub, counter = counted
    token = register(hub, "TH001")
    one_patient(services)
    assert hub.url.startswith("http://127.0.0.1:")  # localhost is no exception
    assert outcomes(services, hub.url, token, allow_http=False) == (
        Outcome.INSECURE_HTTP,
        Outcome.INSECURE_HTTP,
        3,
    )
    assert EXIT_CODES[Outcome.INSECURE_HTTP] == 3  # "needs an administrator" in the README
    out = capsys.readouterr().out
    assert "http://" in out and "明文" in out and "仅限测试环境" in out
    # the round's message names the danger and where the option is
    report = services.sync_runner.run_round()
    assert report.outcome is Outcome.INSECURE_HTTP and "明文" in report.message
    assert services.sync_runner.ping() is False
    assert counter.paths == []  # not one request reached the hub, not even /health
    assert services.sync.summary().pending == 1  # nothing counted as sent


def test_the_address_is_refused_however_it_is_spelled(
    services: AppServices, counted: tuple[Hub, Counter]
) -> None:
    hub, counter = counted
    token = register(hub, "TH001")
    for url in (hub.url, hub.url.replace("http://", "HTTP://"), "  " + hub.url + "/  "):
        report = services.sync_runner.test_connection(url, token, "", allow_http=False)
        assert report.outcome is Outcome.INSECURE_HTTP, url
        with pytest.raises(InsecureHub):
            HubClient(url, token)
    assert counter.paths == []


def test_with_the_option_the_same_hub_syncs(
    services: AppServices, counted: tuple[Hub, Counter]
) -> None:
    hub, counter = counted
    token = register(hub, "TH001")
    one_patient(services)
    assert outcomes(services, hub.url, token, allow_http=True) == (Outcome.OK, Outcome.OK, 0)
    assert "/api/v1/sync/push" in counter.paths
    assert services.sync.summary().pending == 0


def test_the_headless_command_refuses_and_saves_nothing(
    services: AppServices, counted: tuple[Hub, Counter], capsys: pytest.CaptureFixture[str]
) -> None:
    hub, counter = counted
    token = register(hub, "TH001")
    one_patient(services)
    data_dir = services.data_dir
    assert not (data_dir / SETTINGS_FILE).exists()
    assert run_sync(data_dir, hub.url, token, "") == 3
    assert "县医院同步地址" in capsys.readouterr().out  # the field is named
    assert not (data_dir / SETTINGS_FILE).exists()  # nothing saved
    assert Settings.load(data_dir).hub_token == ""
    # an address that is no URL at all is a bad argument
    assert run_sync(data_dir, "hub.example.cn", token, "") == 2
    assert "https://" in capsys.readouterr().out
    assert counter.paths == []


def test_the_setting_is_refused_without_the_option_and_only_an_admin_sets_it(
    services: AppServices,
) -> None:
    runner = services.sync_runner
    with pytest.raises(ValidationError) as caught:
        runner.save_hub_settings("http://127.0.0.1:8443", "tok", "")
    assert caught.value.fields() == {"hub_url"}
    assert "县医院同步地址" in str(caught.value) and "明文" in str(caught.value)
    assert runner.hub_settings().url == ""  # nothing saved
    runner.save_hub_settings("https://hub.example.cn", "tok", "")  # https needs no option
    assert runner.hub_settings().url == "https://hub.example.cn"
    runner.save_hub_settings("http://127.0.0.1:8443", "tok", "", allow_http=True)
    saved = runner.hub_settings()
    assert saved.url == "http://127.0.0.1:8443" and saved.allow_http
    assert Settings.load(services.data_dir).allow_insecure_http is True  # per PC, in settings
    # the option stays on until an administrator turns it off (None keeps it)
    runner.save_hub_settings("http://127.0.0.1:8443", "tok", "")
    with pytest.raises(ValidationError):
        runner.save_hub_settings("http://127.0.0.1:8443", "tok", "", allow_http=False)
    assert runner.hub_settings().allow_http  # refused: nothing changed
    login_as(services, "doctor")
    with pytest.raises(PermissionDenied):
        runner.save_hub_settings("https://hub.example.cn", "tok", "", allow_http=False)
    assert runner.hub_settings().allow_http


def test_a_settings_file_with_a_non_boolean_option_is_off(tmp_path: Path) -> None:
    (tmp_path / SETTINGS_FILE).write_text(
        'hub_url = "http://127.0.0.1:9"\nallow_insecure_http = 1\n', encoding="utf-8"
    )
    assert Settings.load(tmp_path).allow_insecure_http is False
    (tmp_path / SETTINGS_FILE).write_text("allow_insecure_http = true\n", encoding="utf-8")
    assert Settings.load(tmp_path).allow_insecure_http is True
