"""``python -m app setup``: a PC set up by script, ready to log in and sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.services.startup import open_services


def test_setup_then_login(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "pc1"
    args = [
        "--data-dir",
        str(d),
        "setup",
        "--clinic-code",
        "341122dx",
        "--clinic-name",
        "来安县大英镇卫生院",
        "--county-hospital",
        "来安县人民医院",
        "--password",
        "Secret-2026",
    ]
    assert main(args) == 0
    assert "341122DX" in capsys.readouterr().out
    services = open_services(d)
    try:
        assert services.ctx.clinic_code == "341122DX"
        services.users.login("admin", "Secret-2026")
        assert services.ctx.actor is not None and services.ctx.actor.username == "admin"
    finally:
        services.ctx.dispose()
    # a second setup never overwrites a clinic
    assert (
        main(
            args[:3] + ["--clinic-code", "OTHER", "--clinic-name", "x", "--password", "Secret-2026"]
        )
        == 7  # REFUSED
    )
    assert "已完成设置" in capsys.readouterr().out


def test_setup_names_the_bad_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "pc2"
    assert (
        main(
            [
                "--data-dir",
                str(d),
                "setup",
                "--clinic-code",
                "",
                "--clinic-name",
                "卫生院",
                "--password",
                "Secret-2026",
            ]
        )
        == 2  # USAGE
    )
    out = capsys.readouterr().out
    assert "未能完成设置" in out and "编码" in out
    services = open_services(d)
    try:
        assert services.users.needs_setup()  # nothing half-saved
    finally:
        services.ctx.dispose()
