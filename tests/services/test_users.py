"""Users: first-run setup, login with argon2id, audit of login and failed login, admin-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.roles import Role
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from app.services.users import LoginFailed, UserService
from tests.conftest import ADMIN_PASSWORD, STAFF_PASSWORD, login_as


def audit_actions(data_dir: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path(data_dir)) as c:
        return c.execute("SELECT action, username FROM audit_log ORDER BY id").fetchall()


def test_first_run_setup_validates_every_field(ctx: ServiceContext) -> None:
    users = UserService(ctx)
    assert users.needs_setup()
    with pytest.raises(ValidationError) as err:
        users.setup(
            clinic_code="桃花",
            clinic_name="",
            county_hospital="",
            admin_username="a",
            admin_display_name="",
            admin_password="123",
        )
    assert err.value.fields() == {
        "clinic_code",
        "clinic_name",
        "county_hospital",
        "username",
        "display_name",
        "password",
    }
    assert users.needs_setup()


def test_password_is_stored_as_argon2id(services: AppServices, data_dir: Path) -> None:
    with sqlite3.connect(db_path(data_dir)) as c:
        hashes = [r[0] for r in c.execute("SELECT password_hash FROM users")]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(ADMIN_PASSWORD not in h and STAFF_PASSWORD not in h for h in hashes)


def test_login_and_failed_login_are_audited(services: AppServices, data_dir: Path) -> None:
    with pytest.raises(LoginFailed, match="用户名或密码错误"):
        services.users.login("nurse", "wrong-password")
    with pytest.raises(LoginFailed):
        services.users.login("nobody", "whatever")
    actor = services.users.login("nurse", STAFF_PASSWORD)
    assert actor.role is Role.NURSE
    tail = audit_actions(data_dir)[-3:]
    assert tail == [("login_failed", "nurse"), ("login_failed", "nobody"), ("login", "nurse")]


def test_a_deactivated_user_cannot_log_in(services: AppServices) -> None:
    nurse = next(u for u in services.users.list_users() if u.username == "nurse")
    services.users.set_active(nurse.id, False)
    with pytest.raises(LoginFailed):
        services.users.login("nurse", STAFF_PASSWORD)


@pytest.mark.parametrize("who", ["nurse", "doctor"])
def test_only_an_admin_manages_users(services: AppServices, who: str, data_dir: Path) -> None:
    login_as(services, who)
    before = audit_actions(data_dir)
    with pytest.raises(PermissionDenied):
        services.users.create_user("x1", "某某", Role.ADMIN, "password1")
    with pytest.raises(PermissionDenied):
        services.users.list_users()
    assert audit_actions(data_dir) == before


def test_usernames_are_unique(services: AppServices) -> None:
    with pytest.raises(ValidationError, match="用户名已存在"):
        services.users.create_user("nurse", "另一个", Role.NURSE, "password1")


def test_a_hash_made_with_argon2_defaults_is_rehashed_lighter_at_login(
    services: AppServices, data_dir: Path
) -> None:
    """Workstation hashes cost 19 MiB (not the library's 64 MiB, which raised the peak memory
    of every login); a password hashed before that still logs in and is then rehashed."""
    from argon2 import PasswordHasher, extract_parameters

    from app.services.context import clinic_password_hasher

    old = PasswordHasher().hash(STAFF_PASSWORD)  # argon2-cffi's defaults: 64 MiB, t=3
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("UPDATE users SET password_hash=? WHERE username='nurse'", (old,))
    ctx = ServiceContext.open(data_dir)  # the workstation's own hasher
    users = UserService(ctx)
    assert users.login("nurse", STAFF_PASSWORD).username == "nurse"
    with sqlite3.connect(db_path(data_dir)) as c:
        (new,) = c.execute("SELECT password_hash FROM users WHERE username='nurse'").fetchone()
    assert new != old
    params = extract_parameters(new)
    assert (params.memory_cost, params.time_cost) == (19 * 1024, 2)
    assert clinic_password_hasher().verify(new, STAFF_PASSWORD)
    ctx.actor = None
    assert users.login("nurse", STAFF_PASSWORD).username == "nurse"  # and again with it
    ctx.dispose()
