"""The office login throttle on a real hub: counted before the hash is checked (a burst of
wrong passwords checks at most the limit, at most two at a time), per address and per account
with a slower global limit, X-Forwarded-For believed only from a named proxy, and the counts
shared by two hub processes through the database."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from county.db import make_sessions
from county.office import accounts, throttle
from tests.conftest import fast_hasher
from tests.hub_server import Hub, hub_engine
from tests.sync.conftest import BACKENDS

PW = "county-pass-1"


def office_app(app: Any) -> Any:
    (mount,) = [r for r in app.routes if getattr(r, "path", "") == "/office"]
    return mount.app


def trusting(proxies: set[str], limits: throttle.Limits | None = None) -> Any:
    def wrap(app: Any) -> Any:
        office_app(app).state.trusted_proxies = frozenset(proxies)
        if limits is not None:
            office_app(app).state.limits = limits
        return app

    return wrap


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The throttle's counts live in the hub database: SQLite and PostgreSQL both."""
    e = hub_engine(tmp_path, str(request.param))
    with make_sessions(e)() as s, s.begin():
        accounts.add_user(s, "张三", "office", password=PW, hasher=fast_hasher())
        accounts.add_user(s, "李四", "office", password=PW, hasher=fast_hasher())
        # the real cost (argon2id defaults, ~64 MB a check) for the burst
        accounts.add_user(s, "王五", "office", password=PW)
    yield e
    e.dispose()


def attempt(url: str, name: str, password: str, forwarded: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    with httpx.Client(base_url=url, timeout=120, headers=headers) as c:
        token = re.search(r'name="login_csrf" value="([^"]+)"', c.get("/office/login").text)
        assert token is not None
        return c.post(
            "/office/login", data={"name": name, "password": password, "login_csrf": token.group(1)}
        )


class CountingChecks:
    """Counts the password checks and the most running at once (wraps the real check)."""

    def __init__(self) -> None:
        self.calls = self.running = self.most = 0
        self.lock = threading.Lock()
        self.real = accounts.verify

    def __call__(self, stored: str, password: str) -> bool:
        with self.lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            return self.real(stored, password)
        finally:
            with self.lock:
                self.running -= 1


def test_thirty_wrong_passwords_at_once_check_at_most_the_limit_two_at_a_time(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = CountingChecks()
    monkeypatch.setattr(accounts, "verify", checks)
    hub = Hub(engine).start()
    try:
        with ThreadPoolExecutor(30) as pool:
            codes = list(
                pool.map(lambda i: attempt(hub.url, "王五", f"guess-{i}").status_code, range(30))
            )
        assert checks.calls <= throttle.Limits().per_address == 10
        assert checks.most <= throttle.HASH_SLOTS  # memory: two argon2 checks at most
        assert codes.count(401) == checks.calls and codes.count(429) == 30 - checks.calls
        assert attempt(hub.url, "王五", PW).status_code == 429  # locked for the window
    finally:
        hub.stop()


def test_a_locked_out_address_does_not_lock_out_the_office(engine: Engine) -> None:
    hub = Hub(engine, trusting({"127.0.0.1"})).start()
    try:
        for i in range(10):
            assert attempt(hub.url, "张三", f"guess-{i}", "10.0.0.66").status_code == 401
        r = attempt(hub.url, "李四", PW, "10.0.0.66")
        assert r.status_code == 429 and "本机登录失败次数过多" in r.text
        assert attempt(hub.url, "李四", PW, "10.0.0.7").status_code == 303  # elsewhere: fine
        # the guessed account is locked wherever it is tried from, until the window passes
        r = attempt(hub.url, "张三", PW, "10.0.0.8")
        assert r.status_code == 429 and "此账号" in r.text
        # a forged header from an address that is not a named proxy is not believed
    finally:
        hub.stop()
    hub = Hub(engine).start()  # no proxy named: 127.0.0.1 is the address, whatever it says
    try:
        r = attempt(hub.url, "李四", PW, "10.0.0.66")
        assert r.status_code == 303, re.findall(r'class="msg err">([^<]*)', r.text)
    finally:
        hub.stop()


def test_a_slower_global_limit_stops_guessing_spread_over_addresses(engine: Engine) -> None:
    limits = throttle.Limits(per_address=3, per_account=3, overall=6)
    hub = Hub(engine, trusting({"127.0.0.1"}, limits)).start()
    try:
        for i in range(6):
            assert attempt(hub.url, f"猜{i}", "x", f"10.0.1.{i}").status_code == 401
        r = attempt(hub.url, "李四", PW, "10.0.2.1")
        assert r.status_code == 429 and "已暂停登录" in r.text
    finally:
        hub.stop()


def test_two_hub_processes_share_the_count(engine: Engine) -> None:
    a, b = Hub(engine).start(), Hub(engine).start()
    try:
        for i in range(5):
            assert attempt(a.url, "张三", f"a-{i}").status_code == 401
            assert attempt(b.url, "张三", f"b-{i}").status_code == 401
        assert attempt(a.url, "张三", PW).status_code == 429
        assert attempt(b.url, "张三", PW).status_code == 429
    finally:
        a.stop()
        b.stop()
