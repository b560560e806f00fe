"""Backups: verified before they get a backup's name, one per day for N days, restored record
by record, with a safety backup first and the records not yet uploaded named beforehand."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main as app_main
from app.commands import exitcodes
from app.db.backup import (
    backup,
    backup_dir,
    daily_backup,
    list_backups,
    read_info,
    unsent_dropped,
)
from app.db.engine import db_path
from app.domain.followup import PlanKind
from app.domain.patient import PatientInput
from app.services.bundle import AppServices

ROOT = Path(__file__).resolve().parents[2]


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        conn.close()


def fill(services: AppServices, n: int, prefix: str = "张") -> list[str]:
    ids = []
    for i in range(n):
        p = services.patients.create(
            PatientInput(name=f"{prefix}{i}", sex="1", birth_date=date(1950, 1, 1 + i % 28)),
            allow_duplicate=True,
        )
        ids.append(p.id)
    services.followups.create_plan(ids[0], PlanKind.HYPERTENSION)
    return ids


def test_a_backup_is_verified_and_its_counts_recorded(
    services: AppServices, data_dir: Path
) -> None:
    fill(services, 12)
    made = backup(db_path(data_dir), backup_dir(data_dir), "daily")
    manifest = json.loads(made.with_name(made.name + ".json").read_text(encoding="utf-8"))
    assert manifest["integrity_check"] == "ok"
    assert manifest["counts"]["patients"] == 12 and manifest["counts"]["followup_plans"] == 1
    conn = sqlite3.connect(made)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # no -wal needed
    conn.close()
    assert [b.path for b in list_backups(backup_dir(data_dir))] == [made]
    assert not list(backup_dir(data_dir).glob("*.partial"))


def test_one_daily_backup_per_day_and_n_days_kept(services: AppServices, tmp_path: Path) -> None:
    fill(services, 2)
    folder = tmp_path / "usb"
    day0 = datetime(2026, 11, 1, 8, 0)
    path = db_path(services.data_dir)
    for i in range(6):
        at = day0 + timedelta(days=i)
        assert daily_backup(path, folder, keep=3, now=at) is not None
        assert daily_backup(path, folder, keep=3, now=at + timedelta(hours=1)) is None  # 2nd start
        # on close the same day: replaces that day's
        assert daily_backup(path, folder, keep=3, now=at + timedelta(hours=9), force=True)
    kept = list_backups(folder)
    assert [b.created_at for b in kept] == [day0 + timedelta(days=d, hours=9) for d in (5, 4, 3)]


def test_restore_gives_back_the_backup_record_by_record(
    services: AppServices, data_dir: Path
) -> None:
    ids = fill(services, 20)
    made = backup(db_path(data_dir), backup_dir(data_dir), "daily")
    before = snapshot(made)
    # after the backup: an edit, a void, a new record (not uploaded)
    services.patients.void(ids[1], "重复建档")
    services.patients.create(PatientInput(name="新来的", sex="2", birth_date=date(1990, 5, 5)))
    services.ctx.dispose()
    code = app_main(["--data-dir", str(data_dir), "restore", str(made), "--yes"])
    assert code == exitcodes.OK
    after = snapshot(db_path(data_dir))
    meta = after.pop("sync_meta")
    assert [r for r in meta if r[0] != "recover_from_hub"] == before.pop("sync_meta")
    assert after == before  # every table, every row, every column
    safety = [b for b in list_backups(backup_dir(data_dir)) if b.label == "before-restore"]
    assert len(safety) == 1 and safety[0].counts["patients"] == 21


def test_restore_names_what_was_not_uploaded_and_asks_first(
    services: AppServices, data_dir: Path
) -> None:
    fill(services, 3)
    made = backup(db_path(data_dir), backup_dir(data_dir), "daily")
    services.patients.create(PatientInput(name="未上传甲", sex="2", birth_date=date(1990, 5, 5)))
    lost = unsent_dropped(db_path(data_dir), made)
    assert [u.description for u in lost] == ["未上传甲"]
    services.ctx.dispose()
    before = snapshot(db_path(data_dir))
    result = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "restore", str(made)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == exitcodes.REFUSED, result.stdout + result.stderr
    assert "未上传甲" in result.stdout and "--yes" in result.stdout
    assert "Traceback" not in result.stderr
    assert snapshot(db_path(data_dir)) == before  # nothing changed


def test_backup_command_writes_to_the_folder_given(
    services: AppServices, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(services, 4)
    services.ctx.dispose()
    to = tmp_path / "share"
    assert app_main(["--data-dir", str(data_dir), "backup", "--to", str(to)]) == exitcodes.OK
    out = capsys.readouterr().out
    made = list_backups(to)
    assert len(made) == 1 and str(made[0].path) in out and "居民 4" in out
    assert read_info(made[0].path).counts["patients"] == 4


def test_a_backup_of_another_clinic_is_refused(
    services: AppServices, data_dir: Path, tmp_path: Path
) -> None:
    fill(services, 1)
    made = backup(db_path(data_dir), backup_dir(data_dir), "daily")
    with sqlite3.connect(made) as c:
        c.execute("UPDATE clinic SET code='OTHER1'")
    services.ctx.dispose()
    before = snapshot(db_path(data_dir))
    code = app_main(["--data-dir", str(data_dir), "restore", str(made), "--yes"])
    assert code == exitcodes.REFUSED
    assert snapshot(db_path(data_dir)) == before


def test_restore_over_a_damaged_database_keeps_it_aside(
    services: AppServices, data_dir: Path
) -> None:
    fill(services, 5)
    made = backup(db_path(data_dir), backup_dir(data_dir), "daily")
    services.ctx.dispose()
    path = db_path(data_dir)
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    wrecked = bytearray(path.read_bytes())
    for i in range(4096 + 100, min(len(wrecked), 4096 * 6)):
        wrecked[i] = 0x5A
    path.write_bytes(bytes(wrecked))
    assert app_main(["--data-dir", str(data_dir), "check"]) == exitcodes.DATABASE
    assert app_main(["--data-dir", str(data_dir), "restore", str(made), "--yes"]) == exitcodes.OK
    (aside,) = data_dir.glob("cliniclink-damaged-*.db")
    assert aside.read_bytes() == bytes(wrecked)  # kept as it was, never deleted
    after = snapshot(path)
    after.pop("sync_meta")
    expected = snapshot(made)
    expected.pop("sync_meta")
    assert after == expected
    assert app_main(["--data-dir", str(data_dir), "check"]) == exitcodes.OK
