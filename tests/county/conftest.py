"""Fixtures of the county tests: a real hub on either database (SQLite, and PostgreSQL when
CLINICLINK_TEST_PG_URL is set), with a referral-office account and two clinics registered."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from county import auth
from county.db import make_sessions
from county.office import accounts
from tests.conftest import fast_hasher
from tests.county.test_office import OFFICE, PASSWORD
from tests.hub_server import PG_URL, Hub, hub_engine

PG = pytest.param(
    "postgresql", marks=pytest.mark.skipif(not PG_URL, reason="set CLINICLINK_TEST_PG_URL")
)


@dataclass
class RunningHub:
    url: str
    engine: Engine
    tokens: dict[str, str]


def prepare(engine: Engine) -> dict[str, str]:
    with make_sessions(engine)() as s, s.begin():
        accounts.add_user(s, OFFICE, "office", password=PASSWORD, hasher=fast_hasher())
        return {
            "A001": auth.add_clinic(s, "A001", "城关镇卫生院"),
            "B002": auth.add_clinic(s, "B002", "河口乡卫生院"),
        }


@pytest.fixture(params=["sqlite", PG])
def running(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningHub]:
    """A real hub in this process (uvicorn on 127.0.0.1) on either database."""
    engine = hub_engine(tmp_path, str(request.param))
    tokens = prepare(engine)
    hub = Hub(engine).start()
    try:
        yield RunningHub(hub.url, engine, tokens)
    finally:
        hub.stop()
        engine.dispose()
