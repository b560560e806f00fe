"""Every way a sync round can end, against a real hub on 127.0.0.1, classified once.

The 同步 page's round (``SyncRunner.run_round``), the administrator's connection test and the
headless ``sync`` command must agree: each case below asserts the outcome value itself (and
the command's exit code), never a piece of the message.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
import uvicorn

from app.commands.sync import run_sync
from app.config import Settings
from app.db.engine import db_path
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from app.services.sync_outcome import EXIT_CODES, Outcome
from app.sync import client as client_mod
from app.sync.engine import SyncEngine
from app.sync.protocol import PROTOCOL_VERSION
from county import api as county_api
from county.api import create_app
from tests.conftest import fast_hasher
from tests.hub_server import Hub, allow_test_bench_http, free_port, hub_engine, running_hub
from tests.sync.conftest import register

FAST = {"base_delay": 0.01, "max_attempts": 2}


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with running_hub(tmp_path) as h:
        yield h


def outcomes(
    services: AppServices, url: str, token: str, ca: str = "", allow_http: bool = True
) -> tuple[Outcome, Outcome, int]:
    """(connection test, the 同步 page's round, the ``sync`` command's exit code).
    ``allow_http``: this PC's test-bench option (the hubs here are plain http://127.0.0.1)."""
    runner = services.sync_runner
    runner.engine_options = FAST
    tested = runner.test_connection(url, token, ca, allow_http).outcome
    s = Settings.load(services.data_dir)
    s.hub_url, s.hub_token, s.ca_bundle = url, token, ca
    s.allow_insecure_http = allow_http
    s.save(services.data_dir)
    gui = runner.run_round().outcome
    code = run_sync(services.data_dir, url, token, ca)
    return tested, gui, code


def one_patient(services: AppServices) -> None:
    services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))


def test_all_sent(services: AppServices, hub: Hub) -> None:
    one_patient(services)
    assert outcomes(services, hub.url, register(hub, "TH001")) == (Outcome.OK, Outcome.OK, 0)


def test_token_refused(services: AppServices, hub: Hub) -> None:
    register(hub, "TH001")
    one_patient(services)
    assert outcomes(services, hub.url, "not-the-token") == (Outcome.AUTH, Outcome.AUTH, 3)


def test_unreachable(services: AppServices) -> None:
    one_patient(services)
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    assert outcomes(services, url, "t") == (Outcome.OFFLINE, Outcome.OFFLINE, 1)
    assert EXIT_CODES[Outcome.OFFLINE] == 1


def test_hub_wants_a_newer_clinic(
    services: AppServices, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = register(hub, "TH001")
    one_patient(services)
    monkeypatch.setattr(county_api, "MIN_PROTOCOL_VERSION", PROTOCOL_VERSION + 1)
    assert outcomes(services, hub.url, token) == (Outcome.UPGRADE, Outcome.UPGRADE, 3)


def test_hub_older_than_the_clinic(
    services: AppServices, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = register(hub, "TH001")
    one_patient(services)
    monkeypatch.setattr(client_mod, "PROTOCOL_VERSION", PROTOCOL_VERSION + 1)
    assert outcomes(services, hub.url, token) == (Outcome.UPGRADE, Outcome.UPGRADE, 3)


def test_a_parked_record(services: AppServices, hub: Hub) -> None:
    """The hub refuses one record (a field too long for it): the round runs, the record is
    parked and listed, and the round is not reported as all sent."""
    token = register(hub, "TH001")
    one_patient(services)
    with services.ctx.session() as s:
        from sqlalchemy import text

        s.execute(text("UPDATE patients SET notes = :n"), {"n": "备" * 20001})
    assert outcomes(services, hub.url, token) == (Outcome.OK, Outcome.PARKED, 1)
    assert [e.record_type for e in services.sync.errors()] == ["patient"]


@pytest.fixture
def tls_hub(tmp_path: Path) -> Iterator[tuple[str, Path, Hub]]:
    """A hub serving HTTPS with a certificate from a county CA the PC does not trust yet."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    ca_pem, cert_pem, key_pem = (tmp_path / n for n in ("ca.pem", "hub.pem", "hub.key"))
    ca.cert_pem.write_to_path(str(ca_pem))
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_pem))
    cert.private_key_pem.write_to_path(str(key_pem))
    engine = hub_engine(tmp_path)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(engine),
            host="127.0.0.1",
            port=port,
            log_level="critical",
            lifespan="off",
            ssl_certfile=str(cert_pem),
            ssl_keyfile=str(key_pem),
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    holder = Hub.__new__(Hub)  # register() needs only the sessions
    from county.db import make_sessions

    holder.sessions = make_sessions(engine)
    try:
        yield f"https://127.0.0.1:{port}", ca_pem, holder
    finally:
        server.should_exit = True
        thread.join(10)
        engine.dispose()


def test_certificate_not_verified(
    services: AppServices, tls_hub: tuple[str, Path, Hub], tmp_path: Path
) -> None:
    url, ca_pem, hub = tls_hub
    token = register(hub, "TH001")
    one_patient(services)
    assert outcomes(services, url, token) == (
        Outcome.CERTIFICATE,
        Outcome.CERTIFICATE,
        3,
    )
    # a CA bundle that is not a certificate, or not there
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate", encoding="utf-8")
    for bad in (str(junk), str(tmp_path / "missing.pem")):
        assert outcomes(services, url, token, bad) == (
            Outcome.CERTIFICATE,
            Outcome.CERTIFICATE,
            3,
        )
    # with the county's CA the same hub is fine: it really was the certificate (and https
    # needs no test-bench option)
    assert outcomes(services, url, token, str(ca_pem), allow_http=False) == (
        Outcome.OK,
        Outcome.OK,
        0,
    )


def test_not_set_up_is_that_and_only_that(
    services: AppServices, data_dir: Path, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database without its clinic (setup never finished) and a record to send: exit 6,
    outcome NOT_SET_UP. Any other RuntimeError is a bug and is raised, not reported as
    "本站尚未完成初始设置"."""
    token = register(hub, "TH001")
    one_patient(services)
    allow_test_bench_http(data_dir)
    services.ctx.dispose()
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("DELETE FROM clinic")
    assert run_sync(data_dir, hub.url, token, "") == EXIT_CODES[Outcome.NOT_SET_UP] == 6
    ctx = ServiceContext.open(data_dir, password_hasher=fast_hasher())
    from app.services.sync_runner import SyncRunner

    assert SyncRunner(ctx, data_dir).run_round().outcome is Outcome.NOT_SET_UP
    ctx.dispose()

    def bug(self: SyncEngine) -> None:
        raise RuntimeError("a bug in the engine")

    monkeypatch.setattr(SyncEngine, "run_round", bug)
    with pytest.raises(RuntimeError, match="a bug in the engine"):
        run_sync(data_dir, hub.url, token, "")


def test_no_hub_address(services: AppServices) -> None:
    assert services.sync_runner.run_round().outcome is Outcome.NOT_CONFIGURED
    # no hub address yet: an administrator must set it (exit 3, as the README's table says)
    assert run_sync(services.data_dir, None, None, None) == EXIT_CODES[Outcome.NOT_CONFIGURED]
    assert EXIT_CODES[Outcome.NOT_CONFIGURED] == 3
