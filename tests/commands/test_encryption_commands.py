"""Headless commands on an encrypted database: the key from a user's password, or exit 3 with
a Chinese reason (never a traceback); encrypt, backups and exports from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.cli import main
from app.commands.exitcodes import DATABASE, NEEDS_ADMIN, OK, REFUSED
from app.db import sqlconn
from app.domain.patient import PatientInput
from app.services import encryption
from app.services.bundle import AppServices
from tests.conftest import ADMIN_PASSWORD, STAFF_PASSWORD


@pytest.fixture(autouse=True)
def forget_key() -> Iterator[None]:
    yield
    encryption.lock()


@pytest.fixture
def encrypted_dir(
    services: AppServices, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    services.patients.create(PatientInput(name="命令行", sex="1", birth_date=date(1950, 2, 2)))
    data_dir = services.data_dir
    services.ctx.dispose()
    monkeypatch.setenv("CLINICLINK_PASSWORD", ADMIN_PASSWORD)
    assert run(data_dir, "encrypt") == OK
    out = capsys.readouterr().out
    assert "恢复密钥" in out and "doctor、nurse" in out
    assert run(data_dir, "encrypt") == REFUSED  # already encrypted
    monkeypatch.delenv("CLINICLINK_PASSWORD")
    encryption.lock()
    return data_dir


def run(data_dir: Path, *args: str) -> int:
    return main(["--data-dir", str(data_dir), *args])


def test_without_the_key_commands_refuse_with_exit_3(
    encrypted_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for command in (
        ["check"],
        ["backup"],
        ["sync"],
        ["report", "--period", "2026", "--out", "r.pdf"],
    ):
        assert run(encrypted_dir, *command) == NEEDS_ADMIN, command
        out = capsys.readouterr().out
        assert "数据库已加密" in out and "CLINICLINK_PASSWORD" in out
        assert "Traceback" not in out
    monkeypatch.setenv("CLINICLINK_PASSWORD", "wrong")
    assert run(encrypted_dir, "--login", "admin", "check") == NEEDS_ADMIN
    assert "用户名或密码不正确" in capsys.readouterr().out
    monkeypatch.setenv("CLINICLINK_PASSWORD", STAFF_PASSWORD)  # the doctor has no wrap yet
    assert run(encrypted_dir, "--login", "doctor", "check") == NEEDS_ADMIN


def test_with_a_password_commands_run_and_stay_encrypted(
    encrypted_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("CLINICLINK_USER", "admin")
    monkeypatch.setenv("CLINICLINK_PASSWORD", ADMIN_PASSWORD)
    assert run(encrypted_dir, "check") == OK
    assert "检查通过" in capsys.readouterr().out
    assert run(encrypted_dir, "backup", "--to", str(tmp_path / "usb")) == OK
    made = list((tmp_path / "usb").glob("cliniclink-*.db"))
    assert len(made) == 1 and sqlconn.is_encrypted_file(made[0])
    assert "命令行".encode() not in made[0].read_bytes()
    capsys.readouterr()
    out_pdf = tmp_path / "report.pdf"
    assert run(encrypted_dir, "report", "--period", "2026", "--out", str(out_pdf)) == OK
    assert "没有加密" in capsys.readouterr().out and out_pdf.exists()
    encryption.lock()
    assert run(encrypted_dir, "restore", str(made[0]), "--yes") == OK
    assert sqlconn.is_encrypted_file(encrypted_dir / "cliniclink.db")


def test_a_missing_key_file_is_named(
    encrypted_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (encrypted_dir / "cliniclink.keys").rename(encrypted_dir / "elsewhere.keys")
    assert run(encrypted_dir, "--login", "admin", "check") == DATABASE
    out = capsys.readouterr().out
    assert "密钥文件" in out and "cliniclink.keys" in out and "Traceback" not in out
