"""A PC shared by several people: lock-out after wrong passwords, resets, own password, clinic."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain.errors import PermissionDenied, ValidationError
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from app.services.users import LOCK_AFTER, AccountLocked, LoginFailed, UserService
from tests.conftest import ADMIN_PASSWORD, STAFF_PASSWORD, fast_hasher, login_as


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(services: AppServices) -> Clock:
    c = Clock(datetime(2026, 11, 30, 1, 0))
    services.ctx.clock = c
    return c


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(
    services: AppServices, clock: Clock
) -> None:
    for _ in range(LOCK_AFTER - 1):
        with pytest.raises(LoginFailed) as err:
            services.users.login("doctor", "wrong-guess")
        assert not isinstance(err.value, AccountLocked)
    with pytest.raises(AccountLocked) as locked:
        services.users.login("doctor", "wrong-guess")
    assert locked.value.minutes_left == 15
    # Locked: even the right password is refused, and says how long is left.
    clock.now += timedelta(minutes=10, seconds=30)
    with pytest.raises(AccountLocked) as still:
        services.users.login("doctor", STAFF_PASSWORD)
    assert still.value.minutes_left == 5
    # Others on the same PC are not locked out.
    login_as(services, "nurse")
    clock.now += timedelta(minutes=5)
    assert services.users.login("doctor", STAFF_PASSWORD).username == "doctor"


def test_the_lock_survives_a_restart(services: AppServices, data_dir: Path, clock: Clock) -> None:
    for _ in range(LOCK_AFTER):
        with pytest.raises(LoginFailed):
            services.users.login("nurse", "nope-nope")
    fresh = ServiceContext.open(data_dir, password_hasher=fast_hasher(), clock=clock)
    try:
        with pytest.raises(AccountLocked):
            UserService(fresh).login("nurse", STAFF_PASSWORD)
    finally:
        fresh.dispose()


def test_a_right_password_resets_the_count(services: AppServices, clock: Clock) -> None:
    for _ in range(LOCK_AFTER - 1):
        with pytest.raises(LoginFailed):
            services.users.login("doctor", "wrong-guess")
    services.users.login("doctor", STAFF_PASSWORD)
    for _ in range(LOCK_AFTER - 1):
        with pytest.raises(LoginFailed) as err:
            services.users.login("doctor", "wrong-guess")
        assert not isinstance(err.value, AccountLocked)


def test_lock_out_is_audited(services: AppServices, data_dir: Path, clock: Clock) -> None:
    for _ in range(LOCK_AFTER):
        with pytest.raises(LoginFailed):
            services.users.login("doctor", "wrong-guess")
    with sqlite3.connect(db_path(data_dir)) as c:
        actions = [r[0] for r in c.execute("SELECT action FROM audit_log WHERE username='doctor'")]
    assert actions[-1] == "login_locked"
    assert actions.count("login_failed") == LOCK_AFTER - 1


def test_admin_reset_gives_a_temporary_password_that_must_be_changed(
    services: AppServices, clock: Clock
) -> None:
    doctor = next(u for u in services.users.list_users() if u.username == "doctor")
    for _ in range(LOCK_AFTER):
        with pytest.raises(LoginFailed):
            services.users.login("doctor", "wrong-guess")
    login_as(services, "admin")
    temp = services.users.reset_password(doctor.id)
    assert len(temp) == 8
    # The reset also lifts the lock-out; the old password no longer works.
    with pytest.raises(LoginFailed):
        services.users.login("doctor", STAFF_PASSWORD)
    services.users.login("doctor", temp)
    assert services.users.must_change_password
    with pytest.raises(ValidationError) as same:
        services.users.change_own_password(None, temp)
    assert same.value.fields() == {"new_password"}
    services.users.change_own_password(None, "a-new-secret")
    assert not services.users.must_change_password
    services.users.login("doctor", "a-new-secret")
    assert not services.users.must_change_password


def test_only_an_admin_resets_passwords(services: AppServices) -> None:
    admin = next(u for u in services.users.list_users() if u.username == "admin")
    login_as(services, "doctor")
    with pytest.raises(PermissionDenied):
        services.users.reset_password(admin.id)


def test_changing_ones_own_password_needs_the_current_one(services: AppServices) -> None:
    login_as(services, "nurse")
    with pytest.raises(ValidationError) as wrong:
        services.users.change_own_password("not-it", "brand-new-1")
    assert wrong.value.fields() == {"current_password"}
    with pytest.raises(ValidationError) as missing:
        services.users.change_own_password(None, "brand-new-1")
    assert "current_password" in missing.value.fields()
    with pytest.raises(ValidationError) as short:
        services.users.change_own_password(STAFF_PASSWORD, "123")
    assert short.value.fields() == {"new_password"}
    services.users.change_own_password(STAFF_PASSWORD, "brand-new-1")
    with pytest.raises(LoginFailed):
        services.users.login("nurse", STAFF_PASSWORD)
    services.users.login("nurse", "brand-new-1")


def test_unlocking_the_screen_checks_the_same_users_password(
    services: AppServices, clock: Clock
) -> None:
    login_as(services, "doctor")
    with pytest.raises(LoginFailed):
        services.users.unlock_screen("wrong-guess")
    services.users.unlock_screen(STAFF_PASSWORD)
    assert services.ctx.actor is not None and services.ctx.actor.username == "doctor"


def test_admin_edits_the_clinic_details_but_not_its_code(
    services: AppServices, data_dir: Path
) -> None:
    with pytest.raises(ValidationError) as err:
        services.users.update_clinic("  ", "")
    assert err.value.fields() == {"clinic_name", "county_hospital"}
    info = services.users.update_clinic("来安县桃花镇中心卫生院", "来安县人民医院")
    assert info.code == "TH001"
    assert services.users.clinic() == info
    login_as(services, "doctor")
    with pytest.raises(PermissionDenied):
        services.users.update_clinic("别的名字", "来安县人民医院")
    assert services.users.clinic() == info
    with sqlite3.connect(db_path(data_dir)) as c:
        row = c.execute(
            "SELECT action, record_type FROM audit_log WHERE record_type='clinic' "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert row == ("edit", "clinic")


def test_admin_password_for_someone_else_must_be_changed(services: AppServices) -> None:
    nurse = next(u for u in services.users.list_users() if u.username == "nurse")
    services.users.change_password(nurse.id, "given-by-admin")
    services.users.login("nurse", "given-by-admin")
    assert services.users.must_change_password
    assert ADMIN_PASSWORD  # admin's own password untouched
    services.users.login("admin", ADMIN_PASSWORD)
    assert not services.users.must_change_password
