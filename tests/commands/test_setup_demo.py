"""``setup --demo`` honours --admin, --password and --county-hospital, and prints only the
passwords it made up."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.db.engine import db_path
from app.services.startup import open_services
from app.services.users import LoginFailed

ROOT = Path(__file__).resolve().parents[2]


def test_demo_setup_by_subprocess_uses_the_given_admin_password_and_hospital(
    tmp_path: Path,
) -> None:
    d = tmp_path / "pc"
    out = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(d), "setup",
         "--clinic-code", "341122DY", "--clinic-name", "来安县大英镇卫生院",
         "--county-hospital", "滁州市第一人民医院", "--admin", "zhangsan",
         "--admin-name", "张院长", "--password", "Secret-2026", "--demo"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Secret-2026" not in out.stdout  # the admin's own password is never printed
    assert "admin123" not in out.stdout  # and no made-up admin password either
    assert "zhangsan" in out.stdout
    assert "doctor / doctor123" in out.stdout and "nurse / nurse123" in out.stdout
    services = open_services(d)
    try:
        clinic = services.users.clinic()
        assert clinic is not None and clinic.county_hospital == "滁州市第一人民医院"
        with pytest.raises(LoginFailed):
            services.users.login("admin", "admin123")  # no demo admin was made
        services.users.login("zhangsan", "Secret-2026")
        assert services.ctx.actor is not None
        assert services.ctx.actor.display_name == "张院长"
    finally:
        services.ctx.dispose()
    with sqlite3.connect(db_path(d)) as c:
        places = {
            r[0]
            for r in c.execute(
                "SELECT CASE direction WHEN 'up' THEN to_institution ELSE from_institution END"
                " FROM referrals"
            )
        }
        users = {r[0] for r in c.execute("SELECT username FROM users")}
    assert places == {"滁州市第一人民医院"}  # the demo referrals go to the given hospital
    assert users == {"zhangsan", "doctor", "nurse"}


def test_demo_setup_with_an_admin_name_and_no_password_prints_the_made_up_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = tmp_path / "pc"
    args = ["--data-dir", str(d), "setup", "--clinic-code", "341122DY",
            "--clinic-name", "来安县大英镇卫生院", "--admin", "doctor", "--demo"]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "doctor / admin123（管理员）" in out  # made up by the demo: printed
    assert "doctor123" not in out  # the demo doctor account clashed with the admin: not made
    services = open_services(d)
    try:
        services.users.login("doctor", "admin123")
        clinic = services.users.clinic()
        assert clinic is not None and clinic.county_hospital == "来安县人民医院"  # the default
    finally:
        services.ctx.dispose()


def test_demo_setup_refuses_a_bad_password_and_saves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = tmp_path / "pc"
    args = ["--data-dir", str(d), "setup", "--clinic-code", "341122DY",
            "--clinic-name", "来安县大英镇卫生院", "--password", "1", "--demo"]  # fmt: skip
    assert main(args) == 1
    assert "未能完成设置" in capsys.readouterr().out
    services = open_services(d)
    try:
        assert services.users.needs_setup()
    finally:
        services.ctx.dispose()
