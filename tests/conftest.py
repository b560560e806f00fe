"""Shared fixtures: a real, migrated SQLite database per test, and services on it."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from argon2 import PasswordHasher  # noqa: E402

from app.db.engine import db_path  # noqa: E402
from app.db.migrate import open_database  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.services.bundle import AppServices  # noqa: E402
from app.services.context import ServiceContext  # noqa: E402

ADMIN_PASSWORD = "admin-pass-1"
STAFF_PASSWORD = "staff-pass-1"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One freshly migrated database, copied (closed, so a plain copy is safe) into each test."""
    d = tmp_path_factory.mktemp("template")
    open_database(d)
    conn = sqlite3.connect(db_path(d))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db_path(d)


@pytest.fixture
def data_dir(tmp_path: Path, migrated_template: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    shutil.copyfile(migrated_template, db_path(d))
    return d


def fast_hasher() -> PasswordHasher:
    # Still argon2id, with cheap parameters so that a test's accounts don't cost half a second.
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def ctx(data_dir: Path) -> Iterator[ServiceContext]:
    c = ServiceContext.open(data_dir, password_hasher=fast_hasher())
    yield c
    c.dispose()


@pytest.fixture
def services(ctx: ServiceContext, data_dir: Path) -> AppServices:
    """Services of a set-up clinic with admin / doctor / nurse accounts; logged in as admin."""
    s = AppServices.create(ctx, data_dir)
    s.users.setup(
        clinic_code="TH001",
        clinic_name="桃花镇卫生院",
        county_hospital="来安县人民医院",
        admin_username="admin",
        admin_display_name="王主任",
        admin_password=ADMIN_PASSWORD,
    )
    s.users.login("admin", ADMIN_PASSWORD)
    s.users.create_user("doctor", "李医生", Role.DOCTOR, STAFF_PASSWORD)
    s.users.create_user("nurse", "赵护士", Role.NURSE, STAFF_PASSWORD)
    return s


def login_as(services: AppServices, username: str) -> None:
    password = ADMIN_PASSWORD if username == "admin" else STAFF_PASSWORD
    services.users.login(username, password)


@pytest.fixture
def fixed_now() -> datetime:
    return datetime(2026, 11, 22, 2, 0, tzinfo=UTC).replace(tzinfo=None)
