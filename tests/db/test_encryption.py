"""Encryption at rest on real files: nothing readable on disk, every user's password opens the
data, wraps follow password changes, the recovery key, conversion and restore lose nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from app.db import encrypt, sqlconn
from app.db.paths import db_path
from app.domain.idcard import make_number
from app.domain.patient import PatientInput
from app.services import encryption
from app.services.backups import BackupService
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from app.services.users import AccountLocked, LoginFailed
from tests.conftest import ADMIN_PASSWORD, STAFF_PASSWORD, fast_hasher

CANARY_NAME = "金丝雀测试员"
CANARY_ID = make_number("110101", date(1961, 7, 9), 123)


@pytest.fixture(autouse=True)
def forget_key() -> Iterator[None]:
    yield
    encryption.lock()


def reopen(data_dir: Path) -> AppServices:
    return AppServices.create(
        ServiceContext.open(data_dir, password_hasher=fast_hasher()), data_dir
    )


def rows_of(path: Path, key: bytes | None) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, in rowid order, read through the right module."""
    conn = sqlconn.connect(path, readonly=True, key=key)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            t: [tuple(r) for r in conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid')]
            for t in sorted(tables)
        }
    finally:
        conn.close()


def files_holding(folder: Path, *needles: bytes) -> list[str]:
    found = []
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            data = f.read_bytes()
            found += [f"{f.name}: {n!r}" for n in needles if n in data]
    return found


def encrypted_clinic(services: AppServices) -> tuple[Path, encryption.EnableResult]:
    """The fixture clinic, with a canary resident, encrypted by its admin."""
    services.patients.create(
        PatientInput(name=CANARY_NAME, sex="1", birth_date=date(1961, 7, 9), id_number=CANARY_ID)
    )
    data_dir = services.data_dir
    services.ctx.dispose()
    return data_dir, encryption.enable(data_dir, "admin", ADMIN_PASSWORD)


def test_canary_is_nowhere_on_disk(services: AppServices) -> None:
    needles = (CANARY_NAME.encode(), CANARY_ID.encode())
    data_dir = services.data_dir
    services.patients.create(
        PatientInput(name=CANARY_NAME, sex="1", birth_date=date(1961, 7, 9), id_number=CANARY_ID)
    )
    from app.db.backup import backup

    backup(db_path(data_dir), data_dir / "backups", "daily", now=datetime(2026, 11, 1, 8, 0))
    assert files_holding(data_dir, *needles), "the grep finds the canary in a plain database"
    services.ctx.dispose()
    result = encryption.enable(data_dir, "admin", ADMIN_PASSWORD)
    assert len(result.plain_backups) == 1  # the backup from before encryption, named
    assert encryption.remove_plain_backups(data_dir) == result.plain_backups

    again = reopen(data_dir)
    again.users.login("admin", ADMIN_PASSWORD)
    found = again.patients.search(CANARY_NAME)
    assert [p.name for p in found] == [CANARY_NAME]
    edited = found[0].to_input()
    edited.village = "桃花村"
    again.patients.update(found[0].id, edited, expected_version=found[0].version)
    again.patients.create(
        PatientInput(name=CANARY_NAME + "乙", sex="2", birth_date=date(1970, 1, 1))
    )
    BackupService(data_dir).daily(force=True)
    wal = Path(str(db_path(data_dir)) + "-wal")
    assert wal.stat().st_size > 0, "the writes are still in the WAL"
    (data_dir / "logs").mkdir(exist_ok=True)
    assert not files_holding(data_dir, *needles)
    assert sqlconn.is_encrypted_file(db_path(data_dir))
    again.ctx.dispose()


def test_each_users_password_opens_it_and_a_wrong_one_does_not(services: AppServices) -> None:
    data_dir, result = encrypted_clinic(services)
    assert sorted(result.without_key) == ["doctor", "nurse"]
    encryption.lock()
    assert encryption.needs_key(data_dir)
    assert not encryption.unlock(data_dir, "doctor", STAFF_PASSWORD)  # no wrap yet
    assert encryption.unlock(data_dir, "admin", ADMIN_PASSWORD)
    opened = reopen(data_dir)
    # Logged in while the data is open: their own password opens it from now on.
    opened.users.login("doctor", STAFF_PASSWORD)
    opened.users.login("nurse", STAFF_PASSWORD)
    opened.ctx.dispose()
    for user, password in (
        ("admin", ADMIN_PASSWORD),
        ("doctor", STAFF_PASSWORD),
        ("nurse", STAFF_PASSWORD),
    ):
        encryption.lock()
        assert not sqlconn.readable(db_path(data_dir))
        assert encryption.unlock(data_dir, user, password), user
        s = reopen(data_dir)
        assert s.users.login(user, password).username == user
        assert [p.name for p in s.patients.search(CANARY_NAME)] == [CANARY_NAME]
        s.ctx.dispose()
    encryption.lock()
    assert not encryption.unlock(data_dir, "admin", STAFF_PASSWORD)
    assert not encryption.unlock(data_dir, "nobody", ADMIN_PASSWORD)
    assert not encryption.unlock(data_dir, "doctor", "")
    assert encryption.needs_key(data_dir)


def test_password_change_reset_create_and_deactivate_rewrap(services: AppServices) -> None:
    data_dir, _ = encrypted_clinic(services)
    s = reopen(data_dir)
    s.users.login("admin", ADMIN_PASSWORD)
    doctor = next(u for u in s.users.list_users() if u.username == "doctor")
    temp = s.users.reset_password(doctor.id)
    s.users.create_user("zhaoliu", "赵六", "doctor", "zhao-pass-1")  # type: ignore[arg-type]
    nurse = next(u for u in s.users.list_users() if u.username == "nurse")
    s.users.login("nurse", STAFF_PASSWORD)  # the nurse gets a wrap ...
    s.users.login("admin", ADMIN_PASSWORD)
    s.users.set_active(nurse.id, False)  # ... and loses it when deactivated
    s.users.change_own_password(ADMIN_PASSWORD, "admin-new-2")
    s.ctx.dispose()

    def opens(user: str, password: str) -> bool:
        encryption.lock()
        return encryption.unlock(data_dir, user, password)

    assert opens("doctor", temp) and not opens("doctor", STAFF_PASSWORD)
    assert opens("zhaoliu", "zhao-pass-1")
    assert not opens("nurse", STAFF_PASSWORD)
    assert opens("admin", "admin-new-2") and not opens("admin", ADMIN_PASSWORD)
    # The doctor logs in with the temporary password and must choose their own.
    assert opens("doctor", temp)
    s = reopen(data_dir)
    s.users.login("doctor", temp)
    assert s.users.must_change_password
    s.users.change_own_password(None, "doctor-own-3")
    s.ctx.dispose()
    assert opens("doctor", "doctor-own-3") and not opens("doctor", temp)
    keyfile_text = (data_dir / "cliniclink.keys").read_text(encoding="utf-8")
    for secret in ("doctor-own-3", "admin-new-2", "zhao-pass-1", temp):
        assert secret not in keyfile_text


def test_a_failed_password_change_keeps_the_old_wrap(services: AppServices) -> None:
    data_dir, _ = encrypted_clinic(services)
    s = reopen(data_dir)
    s.users.login("admin", ADMIN_PASSWORD)
    from app.domain.errors import ValidationError

    with pytest.raises(ValidationError):
        s.users.change_own_password("not-my-password", "admin-new-2")
    s.ctx.dispose()
    encryption.lock()
    assert encryption.unlock(data_dir, "admin", ADMIN_PASSWORD)
    encryption.lock()
    assert not encryption.unlock(data_dir, "admin", "admin-new-2")


def test_wrong_passwords_before_the_data_is_open_count_toward_lockout(
    services: AppServices,
) -> None:
    data_dir, _ = encrypted_clinic(services)
    encryption.lock()
    now = datetime(2026, 11, 30, 2, 0)
    for _ in range(5):
        assert not encryption.unlock(data_dir, "admin", "guess", now)
    assert encryption.minutes_locked(data_dir, "admin", now) == 15
    assert encryption.minutes_locked(data_dir, "doctor", now) == 0
    # The right password opens the data, but the account is locked as if typed at the login.
    assert encryption.unlock(data_dir, "admin", ADMIN_PASSWORD, now)
    s = AppServices.create(
        ServiceContext.open(data_dir, password_hasher=fast_hasher(), clock=lambda: now),
        data_dir,
    )
    s.users.count_failed_logins(encryption.pending_failures(data_dir))
    encryption.clear_failures(data_dir)
    with pytest.raises(AccountLocked):
        s.users.login("admin", ADMIN_PASSWORD)
    s.ctx.dispose()


def test_recovery_key_opens_and_resets_the_admin(services: AppServices, capsys) -> None:  # type: ignore[no-untyped-def]
    from app.cli import main

    data_dir, result = encrypted_clinic(services)
    encryption.lock()
    assert not encryption.unlock_recovery(data_dir, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    assert encryption.unlock_recovery(data_dir, result.recovery_key.lower().replace("-", " "))
    encryption.lock()
    env = {"CLINICLINK_RECOVERY_KEY": result.recovery_key, "CLINICLINK_NEW_PASSWORD": "found-it-9"}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        assert main(["--data-dir", str(data_dir), "recover-key", "--admin", "admin"]) == 0
    assert "已为管理员 admin 设定新密码" in capsys.readouterr().out
    encryption.lock()
    assert not encryption.unlock(data_dir, "admin", ADMIN_PASSWORD)
    assert encryption.unlock(data_dir, "admin", "found-it-9")
    s = reopen(data_dir)
    assert s.users.login("admin", "found-it-9").username == "admin"
    with pytest.raises(LoginFailed):
        s.users.login("admin", ADMIN_PASSWORD)
    s.ctx.dispose()


def test_conversion_keeps_every_record(services: AppServices) -> None:
    data_dir = services.data_dir
    for i in range(40):
        services.patients.create(
            PatientInput(
                name=f"居民{i}",
                sex="1" if i % 2 else "2",
                birth_date=date(1950, 1, 1 + i % 28),
                id_number=make_number("341122", date(1950, 1, 1 + i % 28), i),
            )
        )
    services.ctx.dispose()
    path = db_path(data_dir)
    before = rows_of(path, None)
    assert sum(len(v) for v in before.values()) > 100
    result = encryption.enable(data_dir, "admin", ADMIN_PASSWORD)
    after = rows_of(path, sqlconn.active_key())
    assert list(after) == list(before)
    for table in before:
        assert after[table] == before[table], table
    assert not path.with_name(path.name + encrypt.TMP_SUFFIX).exists()
    assert result.safety_backup is None  # removed once the encrypted backup verified
    encryption.lock()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT count(*) FROM patients").fetchone()


def test_an_interrupted_conversion_leaves_the_plain_database(
    services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = services.data_dir
    services.patients.create(PatientInput(name=CANARY_NAME, sex="1", birth_date=date(1961, 7, 9)))
    services.ctx.dispose()
    path = db_path(data_dir)
    before = rows_of(path, None)

    def power_cut(*_a: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(encrypt, "swap_in", power_cut)
    with pytest.raises(encryption.EncryptionError):
        encryption.enable(data_dir, "admin", ADMIN_PASSWORD)
    assert not sqlconn.is_encrypted_file(path) and rows_of(path, None) == before
    assert not encryption.is_on(data_dir)
    assert not (data_dir / "cliniclink.keys").exists()
    assert not path.with_name(path.name + encrypt.TMP_SUFFIX).exists()
    monkeypatch.undo()
    # A copy that does not match is never put in place.
    monkeypatch.setattr(encrypt, "same_rows", lambda *a: ["patients"])
    with pytest.raises(encryption.EncryptionError, match="不一致"):
        encryption.enable(data_dir, "admin", ADMIN_PASSWORD)
    assert rows_of(path, None) == before
    # The wrong admin password changes nothing either.
    monkeypatch.undo()
    with pytest.raises(encryption.EncryptionError, match="密码不正确"):
        encryption.enable(data_dir, "admin", "wrong")
    assert rows_of(path, None) == before and not encryption.is_on(data_dir)


def test_restore_of_an_encrypted_backup_equals_the_original(services: AppServices) -> None:
    data_dir, _ = encrypted_clinic(services)
    key = sqlconn.active_key()
    backups = BackupService(data_dir)
    made = backups.daily(force=True)
    assert made is not None and sqlconn.is_encrypted_file(made)
    original = rows_of(made, key)
    s = reopen(data_dir)
    s.users.login("admin", ADMIN_PASSWORD)
    s.patients.create(PatientInput(name="备份之后", sex="2", birth_date=date(1980, 3, 3)))
    s.ctx.dispose()
    preview = backups.preview(made)  # the preview reads the encrypted backup
    assert preview.info.counts["patients"] == 1
    assert [u.description for u in preview.unsent] == ["备份之后"]
    result = backups.restore(made)
    assert result.safety_backup is not None and sqlconn.is_encrypted_file(result.safety_backup)
    path = db_path(data_dir)
    assert sqlconn.is_encrypted_file(path)
    restored = rows_of(path, key)
    restored.pop("sync_meta"), original.pop("sync_meta")  # the restore notes the hub recovery
    assert restored == original
    assert sqlconn.is_encrypted_file(data_dir / "restore-base.db")


def test_a_backup_from_before_encryption_is_restored_encrypted(services: AppServices) -> None:
    from app.db.backup import backup

    data_dir = services.data_dir
    services.patients.create(PatientInput(name=CANARY_NAME, sex="1", birth_date=date(1961, 7, 9)))
    services.ctx.dispose()
    old = backup(db_path(data_dir), data_dir / "backups", "daily", now=datetime(2026, 11, 1, 8))
    before = rows_of(old, None)
    encryption.enable(data_dir, "admin", ADMIN_PASSWORD)
    BackupService(data_dir).restore(old)
    path = db_path(data_dir)
    assert sqlconn.is_encrypted_file(path) and sqlconn.is_encrypted_file(
        data_dir / "restore-base.db"
    )
    assert CANARY_NAME.encode() not in path.read_bytes()
    after = rows_of(path, sqlconn.active_key())
    after.pop("sync_meta"), before.pop("sync_meta")
    assert after == before


def test_a_write_during_the_conversion_is_held_off(
    services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = services.data_dir
    services.ctx.dispose()
    real = encrypt.export_encrypted
    seen: list[str] = []

    def export_while_someone_writes(plain: Path, dest: Path, key: bytes) -> None:
        other = sqlite3.connect(plain, timeout=0.1)
        try:
            other.execute("INSERT INTO sync_meta (key, value) VALUES ('late', 'write')")
            other.commit()
            seen.append("written")
        except sqlite3.OperationalError as exc:
            seen.append(str(exc))
        finally:
            other.close()
        real(plain, dest, key)

    monkeypatch.setattr(encrypt, "export_encrypted", export_while_someone_writes)
    encryption.enable(data_dir, "admin", ADMIN_PASSWORD)
    assert seen == ["database is locked"]


def test_a_wrap_copied_to_another_name_or_altered_does_not_open(services: AppServices) -> None:
    from app.db.keyfile import KeyFile

    data_dir, _ = encrypted_clinic(services)
    encryption.lock()
    kf = KeyFile.load(data_dir)
    kf.users["mallory"] = [dict(w) for w in kf.users["admin"]]
    kf.save(data_dir)
    assert not encryption.unlock(data_dir, "mallory", ADMIN_PASSWORD)
    ct = kf.users["admin"][0]["ct"]
    kf.users["admin"][0]["ct"] = ("A" if ct[0] != "A" else "B") + ct[1:]
    kf.save(data_dir)
    assert not encryption.unlock(data_dir, "admin", ADMIN_PASSWORD)
    assert encryption.needs_key(data_dir)


def test_figures_of_an_encrypted_database_while_another_program_holds_its_write_lock(
    services: AppServices, caplog: pytest.LogCaptureFixture
) -> None:
    """The 统计 figures store what they counted on the way back (stats_cache.write_derived).
    On an encrypted database the driver is sqlcipher3, whose errors are not sqlite3's: a busy
    database must still only mean "not stored", not a failed look."""
    from app.domain.periods import year

    data_dir, _result = encrypted_clinic(services)
    s = reopen(data_dir)
    s.users.login("admin", ADMIN_PASSWORD)
    holder = sqlconn.connect(db_path(data_dir), key=sqlconn.active_key())
    holder.execute("BEGIN IMMEDIATE")  # another program writing, for longer than we wait
    try:
        figures = s.stats.figures(year(2026))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert figures.referrals is not None and figures.followups is not None
    assert "not stored" in caplog.text
    s.ctx.dispose()
