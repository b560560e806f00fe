"""Headless commands: one exit code per meaning, a Chinese message, never a traceback for a
known failure; ``sync`` checks the database before it saves anything."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from app.commands import exitcodes
from app.db.engine import db_path
from app.db.migrate import open_database
from app.services.bundle import AppServices

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def no_traceback(r: subprocess.CompletedProcess[str]) -> bool:
    return "Traceback" not in r.stdout + r.stderr


def test_sync_on_a_newer_database_says_so_and_saves_nothing(tmp_path: Path) -> None:
    open_database(tmp_path)
    with sqlite3.connect(db_path(tmp_path)) as c:
        c.execute("INSERT INTO alembic_version VALUES ('0099_newer')")
    r = run("--data-dir", str(tmp_path), "sync", "--hub", "http://127.0.0.1:9", "--token", "t")
    assert r.returncode == exitcodes.DATABASE, r.stdout + r.stderr
    assert "较新版本" in r.stdout and no_traceback(r)
    assert not (tmp_path / "settings.toml").exists()


def test_sync_on_a_damaged_database_says_so_and_saves_nothing(
    services: AppServices, data_dir: Path
) -> None:
    services.ctx.dispose()
    path = db_path(data_dir)
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = bytearray(path.read_bytes())
    for i in range(4096 * 2 + 100, min(len(data), 4096 * 6)):
        data[i] = 0x5A
    path.write_bytes(bytes(data))
    r = run("--data-dir", str(data_dir), "sync", "--hub", "http://127.0.0.1:9", "--token", "t")
    assert r.returncode == exitcodes.DATABASE, r.stdout + r.stderr
    assert "检查未通过" in r.stdout and no_traceback(r)
    assert not (data_dir / "settings.toml").exists()
    r = run("--data-dir", str(data_dir), "check")
    assert r.returncode == exitcodes.DATABASE and no_traceback(r)


def test_the_other_meanings(tmp_path: Path) -> None:
    r = run("--data-dir", str(tmp_path / "none"), "backup")
    assert r.returncode == exitcodes.NOT_SET_UP and no_traceback(r)
    r = run("--data-dir", str(tmp_path / "none"), "sync")
    assert r.returncode == exitcodes.NOT_SET_UP and no_traceback(r)
    r = run("--data-dir", str(tmp_path), "restore")  # argparse: the file is missing
    assert r.returncode == exitcodes.USAGE
    r = run("--data-dir", str(tmp_path), "restore", str(tmp_path / "nothing.db"), "--yes")
    assert r.returncode == exitcodes.REFUSED and "不存在" in r.stdout and no_traceback(r)
