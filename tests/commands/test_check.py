"""``python -m app check`` exits 0 on a sound database and non-zero naming the problem."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from app.db.engine import db_path
from app.domain.patient import PatientInput
from app.services.bundle import AppServices

ROOT = Path(__file__).resolve().parents[2]


def run_check(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_passes_on_a_sound_database(services: AppServices, data_dir: Path) -> None:
    services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    services.ctx.dispose()
    result = run_check(data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "检查通过" in result.stdout


def test_check_reports_an_invalid_id_number_and_a_lost_outbox_row(
    services: AppServices, data_dir: Path
) -> None:
    row = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    services.ctx.dispose()
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("UPDATE patients SET id_number='110105194912310021' WHERE id=?", (row.id,))
        c.execute("DELETE FROM outbox")
    result = run_check(data_dir)
    assert result.returncode == 4  # DATABASE
    assert "身份证号码无效" in result.stdout
    assert "上传队列中没有这一版" in result.stdout


def test_check_without_a_database(tmp_path: Path) -> None:
    result = run_check(tmp_path / "empty")
    assert result.returncode == 6  # NOT_SET_UP
    assert "未找到数据库" in result.stdout
