"""Fixtures for sync tests: a hub, registered clinics, a second workstation."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from county import auth
from tests.conftest import ADMIN_PASSWORD, fast_hasher
from tests.hub_server import PG_URL, Hub, allow_test_bench_http, running_hub

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not PG_URL,
            reason="PostgreSQL: set CLINICLINK_TEST_PG_URL (scripts/ci-postgres.sh; CI does)",
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The hub's database: every sync test runs on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def hub(backend: str, tmp_path: Path) -> Iterator[Hub]:
    """A real hub on 127.0.0.1."""
    with running_hub(tmp_path, backend=backend) as h:
        yield h


def register(hub: Hub, code: str, name: str = "卫生院") -> str:
    with hub.sessions() as s, s.begin():
        return auth.add_clinic(s, code, name)


def make_clinic(tmp_path: Path, template: Path, code: str) -> AppServices:
    d = tmp_path / f"clinic-{code}"
    d.mkdir()
    shutil.copyfile(template, db_path(d))
    ctx = ServiceContext.open(d, password_hasher=fast_hasher())
    s = AppServices.create(ctx, d)
    s.users.setup(
        clinic_code=code,
        clinic_name=f"{code}卫生院",
        county_hospital="县医院",
        admin_username="admin",
        admin_display_name="管理员",
        admin_password=ADMIN_PASSWORD,
    )
    s.users.login("admin", ADMIN_PASSWORD)
    allow_test_bench_http(d)  # the test hubs are plain http://127.0.0.1
    return s
