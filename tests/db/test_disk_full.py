"""A full disk at every step (a write, a backup, an upgrade, a sync): a clear message, no half
backup named like a good one, no hang, the data as it was.

A real small filesystem: a tmpfs mounted with ``size=`` where the test runs as root and may
mount; otherwise each case runs in a subprocess with a file-size limit (RLIMIT_FSIZE), which
SQLite and the OS report the same way ("database or disk is full" / EFBIG)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.db import migrate
from app.db.backup import BackupFailed, backup, list_backups
from app.db.engine import db_path
from app.domain.patient import PatientInput
from tests.conftest import ADMIN_PASSWORD, fast_hasher

ROOT = Path(__file__).resolve().parents[2]


def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = Path(f"/tmp/cliniclink-probe-{uuid.uuid4().hex}")
    probe.mkdir()
    try:
        ok = (
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
                capture_output=True,
            ).returncode
            == 0
        )
        if ok:
            subprocess.run(["umount", str(probe)], check=True)
        return ok
    finally:
        probe.rmdir()


CAN_MOUNT = _can_mount()
needs_mount = pytest.mark.skipif(not CAN_MOUNT, reason="needs root to mount a small tmpfs")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB filesystem of its own."""
    d = tmp_path / "disk"
    d.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(d)], check=True)
    try:
        yield d
    finally:
        subprocess.run(["umount", "-l", str(d)], check=False)


def fill_up(disk: Path) -> Path:
    """Take every free byte of ``disk``."""
    filler = disk / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (65536, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def make_clinic_db(data_dir: Path, template: Path, n: int = 40) -> None:
    from app.services.bundle import AppServices
    from app.services.context import ServiceContext

    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, db_path(data_dir))
    ctx = ServiceContext.open(data_dir, password_hasher=fast_hasher())
    s = AppServices.create(ctx, data_dir)
    s.users.setup(
        clinic_code="TH001",
        clinic_name="桃花镇卫生院",
        county_hospital="县医院",
        admin_username="admin",
        admin_display_name="管理员",
        admin_password=ADMIN_PASSWORD,
    )
    s.users.login("admin", ADMIN_PASSWORD)
    for i in range(n):
        s.patients.create(
            PatientInput(name=f"满{i}", sex="1", birth_date=date(1960, 1, 1 + i % 28)),
            allow_duplicate=True,
        )
    ctx.dispose()


def count(path: Path, table: str = "patients") -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


@needs_mount
def test_a_backup_onto_a_full_disk_leaves_nothing_named_like_a_backup(
    small_disk: Path, tmp_path: Path, migrated_template: Path
) -> None:
    data = tmp_path / "data"
    make_clinic_db(data, migrated_template, 200)
    fill_up(small_disk)
    with pytest.raises(BackupFailed) as err:
        backup(db_path(data), small_disk / "backups", "daily")
    assert err.value.disk_full and "磁盘空间不足" in str(err.value)
    assert sorted(p.name for p in small_disk.rglob("*") if p.is_file()) == ["filler.bin"]
    assert list_backups(small_disk / "backups") == []


@needs_mount
def test_no_upgrade_without_its_backup_and_the_file_unchanged(
    small_disk: Path, tmp_path: Path
) -> None:
    data = small_disk / "data"
    data.mkdir()
    path = db_path(data)
    migrate.upgrade(path, "0001_core")
    with sqlite3.connect(path) as c:
        c.execute(
            "INSERT INTO clinic (id, code, name, county_hospital, created_at) "
            "VALUES (1, 'TH001', '桃花镇卫生院', '县医院', '2025-01-01 00:00:00')"
        )
    c.close()
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    before = path.read_bytes()
    fill_up(small_disk)
    with pytest.raises(migrate.UpgradeBackupFailed) as err:
        migrate.open_database(data)
    assert "未升级" in str(err.value) and "磁盘空间不足" in str(err.value)
    assert path.read_bytes() == before
    assert migrate.current_revisions(path) == frozenset({"0001_core"})
    assert not [p for p in (data / "backups").glob("*") if p.is_file()]


@needs_mount
def test_an_upgrade_that_runs_out_of_space_rolls_back_and_is_not_restored_over(
    small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = small_disk / "data"
    data.mkdir()
    path = db_path(data)
    migrate.upgrade(path, "0001_core")
    with sqlite3.connect(path) as c:
        c.execute(
            "INSERT INTO clinic (id, code, name, county_hospital, created_at) "
            "VALUES (1, 'TH001', '桃花镇卫生院', '县医院', '2025-01-01 00:00:00')"
        )
    c.close()
    real_backup = migrate.backup
    restores: list[object] = []

    def backup_then_disk_fills(*a, **kw):  # type: ignore[no-untyped-def]
        made = real_backup(*a, **kw)
        fill_up(small_disk)  # the disk fills up between the backup and the upgrade
        return made

    monkeypatch.setattr(migrate, "backup", backup_then_disk_fills)
    monkeypatch.setattr(migrate, "restore", lambda *a: restores.append(a))
    with pytest.raises(migrate.MigrationFailed) as err:
        migrate.open_database(data)
    assert err.value.disk_full and "磁盘空间不足" in str(err.value)
    assert restores == []  # the rollback left it as it was: no restore onto a full disk
    assert migrate.current_revisions(path) == frozenset({"0001_core"})
    assert migrate.check_file(path, full=True) == []
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT code FROM clinic").fetchone() == ("TH001",)
    conn.close()
    # the backup it took is whole and verified
    (made,) = list_backups(data / "backups")
    assert migrate.check_file(made.path, full=True) == []


@needs_mount
def test_a_write_on_a_full_disk_changes_nothing_and_says_so(
    small_disk: Path, migrated_template: Path
) -> None:
    from app.crashlog import report_crash
    from app.services.bundle import AppServices
    from app.services.context import ServiceContext

    data = small_disk / "data"
    make_clinic_db(data, migrated_template, 5)
    ctx = ServiceContext.open(data, password_hasher=fast_hasher())
    s = AppServices.create(ctx, data)
    s.users.login("admin", ADMIN_PASSWORD)
    filler = fill_up(small_disk)
    big = "很长的备注" * 1500
    with pytest.raises(Exception) as err:  # noqa: PT011 - SQLAlchemy's OperationalError
        for i in range(50):
            s.patients.create(
                PatientInput(name=f"新{i}", sex="2", birth_date=date(1970, 1, 1), notes=big[:1900]),
                allow_duplicate=True,
            )
    message = report_crash(data, type(err.value), err.value, err.value.__traceback__)
    assert "磁盘空间不足" in message and "新" not in message
    filler.unlink()
    ctx.dispose()
    assert migrate.check_file(db_path(data), full=True) == []
    ctx = ServiceContext.open(data, password_hasher=fast_hasher())
    s = AppServices.create(ctx, data)
    s.users.login("admin", ADMIN_PASSWORD)
    n = count(db_path(data))
    s.patients.create(PatientInput(name="之后", sex="2", birth_date=date(1970, 1, 1)))
    ctx.dispose()
    assert count(db_path(data)) == n + 1


@needs_mount
def test_headless_sync_on_a_full_disk_exits_5_without_a_traceback(
    small_disk: Path, migrated_template: Path
) -> None:
    data = small_disk / "data"
    make_clinic_db(data, migrated_template, 3)
    fill_up(small_disk)
    result = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data), "sync", "--hub",
         "https://127.0.0.1:9", "--token", "t"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 5, result.stdout + result.stderr
    assert "磁盘" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_a_file_size_limit_stops_a_backup_cleanly(tmp_path: Path, migrated_template: Path) -> None:
    """Without a mount: the same guarantee under RLIMIT_FSIZE, in a subprocess."""
    data = tmp_path / "data"
    make_clinic_db(data, migrated_template, 300)
    dest = tmp_path / "out"
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (40000, 40000))\n"
        "import signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "from app.db.backup import BackupFailed, backup\n"
        "try:\n"
        f"    backup(Path({str(db_path(data))!r}), Path({str(dest)!r}), 'daily')\n"
        "except BackupFailed as e:\n"
        "    print('FAILED', e.disk_full, e); sys.exit(0)\n"
        "print('WROTE')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    # (under a size limit SQLite says "disk I/O error": the backup fails all the same)
    assert result.stdout.startswith("FAILED"), result.stdout + result.stderr
    assert not [p for p in dest.glob("*") if p.is_file()]


@needs_mount
def test_a_pull_that_fills_the_disk_stops_cleanly_and_resumes(
    small_disk: Path, migrated_template: Path, tmp_path: Path
) -> None:
    """The county sends 300 downward referrals; the disk fills while they are stored: exit 5,
    a clear message, the database whole; with space again the next round finishes the pull
    with every referral stored once."""
    from tests.hub_server import running_hub
    from tests.sync.conftest import register
    from tests.sync.test_ownership import send_down

    data = small_disk / "data"
    make_clinic_db(data, migrated_template, 1)
    with running_hub(tmp_path) as hub:
        token = register(hub, "TH001")
        ids = [send_down(hub, "TH001", patient_name=f"下转{i}") for i in range(300)]
        base = [sys.executable, "-m", "app", "--data-dir", str(data), "sync"]
        from app.config import Settings

        settings = Settings.load(data)
        settings.hub_url, settings.hub_token = hub.url, token
        settings.allow_insecure_http = True  # the test hub is plain http://127.0.0.1
        settings.save(data)
        filler = fill_up(small_disk)
        os.truncate(filler, max(0, filler.stat().st_size - 150_000))  # 150 kB left
        full = subprocess.run(base, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert full.returncode == 5, full.stdout + full.stderr
        assert "同步中断：磁盘空间不足" in full.stdout  # during the pull, not before it
        assert "Traceback" not in full.stdout + full.stderr
        filler.unlink()
        assert migrate.check_file(db_path(data), full=True) == []
        again = subprocess.run(base, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stdout + again.stderr
    conn = sqlite3.connect(db_path(data))
    stored = {r[0] for r in conn.execute("SELECT id FROM referrals")}
    conn.close()
    assert set(ids) <= stored
