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


def test_check_covers_every_synced_type_from_the_registry(
    services: AppServices, data_dir: Path
) -> None:
    """Not only residents: a training record waiting without its queue row, a queue row whose
    record is gone, and a queue row of a type this version does not know are all named."""
    from app.commands.check import consistency_problems

    staff = services.training.add_staff("刘护士")
    services.ctx.dispose()
    assert consistency_problems(db_path(data_dir)) == []
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("DELETE FROM outbox WHERE record_id=?", (staff.id,))
        c.execute(
            "INSERT INTO outbox (record_type, record_id, version, state, attempts, queued_at) "
            "VALUES ('followup_visit', 'gone', 1, 'pending', 0, '2026-11-30 08:00:00'), "
            "('vaccination', 'v1', 1, 'pending', 0, '2026-11-30 08:00:00')"
        )
    problems = consistency_problems(db_path(data_dir))
    assert f"人员记录 {staff.id} 第 1 版待上传，但上传队列中没有这一版" in problems
    assert any("指向不存在的随访记录 gone" in p for p in problems)
    assert any("记录类型 vaccination 本程序不认识" in p for p in problems)
    assert len(problems) == 3
