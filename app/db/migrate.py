"""Open the database safely at start-up: check it, back it up, migrate it.

Order: nothing is written to a file that is not a sound ClinicLink database of this or an
older version: a zero-byte file, a damaged one (``integrity_check``), another program's
SQLite file, one made by a newer ClinicLink, or one that lost committed writes (its ``-wal``
gone; see ``app/db/guard.py``) is refused with a message naming the backups. Then, if the
schema is behind, a verified backup through the SQLite backup API (no backup, no upgrade) and
the upgrade in one transaction; if the upgrade fails the transaction rolls back, and the
file is restored from the backup only if the rollback did not leave it as it was.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from app.db import guard, sqlconn
from app.db.backup import BackupFailed, backup, backup_dir, is_disk_full, list_backups, restore
from app.db.paths import db_path

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_REV = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(.+)$", re.M)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def script_heads() -> frozenset[str]:
    """The head revisions of the migration scripts, read as text.

    Each area (patients, referrals, follow-ups, training, sync) may add its own branch off the
    core; the database is current when its alembic_version rows equal these heads. Reading
    the few files as text, not importing Alembic, keeps start-up fast when nothing needs
    migrating; tests/db/test_migrations.py checks this agrees with Alembic.
    """
    revs: set[str] = set()
    downs: set[str] = set()
    for f in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = f.read_text(encoding="utf-8")
        m = _REV.search(text)
        if not m:
            continue
        revs.add(m.group(1))
        d = _DOWN.search(text)
        if d:
            downs.update(_QUOTED.findall(d.group(1)))
    return frozenset(revs - downs)


def script_revisions() -> frozenset[str]:
    """Every revision id this program knows (a database at any other is from a newer one)."""
    revs: set[str] = set()
    for f in (MIGRATIONS_DIR / "versions").glob("*.py"):
        m = _REV.search(f.read_text(encoding="utf-8"))
        if m:
            revs.add(m.group(1))
    return frozenset(revs)


def backups_hint(data_dir: Path, limit: int = 3) -> str:
    """Where the backups are, and the newest few by name and date, for a refusal message."""
    from app.config import Settings

    folders = [backup_dir_path(data_dir)]
    configured = Settings.load(data_dir).backup_folder
    if configured and Path(configured) not in folders:
        folders.insert(0, Path(configured))
    found = []
    for folder in folders:
        for b in list_backups(folder):
            found.append(b)
    found.sort(key=lambda b: b.created_at.timestamp() if b.created_at else 0, reverse=True)
    where = "、".join(str(f) for f in folders)
    if not found:
        return f"备份文件夹（{where}）中没有找到备份。"
    newest = "；".join(
        f"{b.path.name}（{b.created_at:%Y-%m-%d %H:%M}）" if b.created_at else b.path.name
        for b in found[:limit]
    )
    return f"备份在 {where}，最近的：{newest}。"


def backup_dir_path(data_dir: Path) -> Path:
    return Path(data_dir) / "backups"


RESTORE_HOW = (
    "请管理员从备份恢复：在本窗口点“从备份恢复…”，或在命令行运行 "
    "python -m app --data-dir {data_dir} restore 备份文件。"
)


class DatabaseDamaged(Exception):
    """The file must not be written to (damaged, foreign, newer, or lost writes)."""

    def __init__(
        self, path: Path, problems: list[str], message: str | None = None, hint: str = ""
    ) -> None:
        self.path = path
        self.problems = problems
        if message is None:
            message = (
                f"数据库文件 {path} 检查未通过，程序不会再写入它。"
                "请勿删除该文件，请联系管理员用最近的备份恢复，"
                f"或把该文件交给技术支持。问题：{'; '.join(problems[:3])}"
            )
        if hint:
            message = f"{message}\n{hint}"
        super().__init__(message)


class NotClinicLinkDatabase(DatabaseDamaged):
    """A zero-byte file or another program's SQLite file where cliniclink.db should be."""


class NewerDatabase(DatabaseDamaged):
    """Made by a newer ClinicLink: never changed, no backup taken."""

    def __init__(self, path: Path, unknown: frozenset[str]) -> None:
        self.unknown = unknown
        super().__init__(
            path,
            [],
            f"数据库 {path} 由较新版本的 ClinicLink 创建（版本 {'、'.join(sorted(unknown))}），"
            "本程序不会改动它。请安装较新版本的 ClinicLink 后再打开。",
        )


class DatabaseBehind(DatabaseDamaged):
    """Committed writes are missing (a lost or damaged -wal, or an older copy put back)."""


class MigrationFailed(Exception):
    def __init__(
        self, backup_file: Path | None, cause: BaseException, message: str | None = None
    ) -> None:
        self.backup_file = backup_file
        self.disk_full = is_disk_full(cause)
        if message is None:
            if self.disk_full:
                message = (
                    f"数据库升级失败：磁盘空间不足。数据库保持升级前的状态，未做任何改动"
                    f"（升级前的备份：{backup_file}）。请清理磁盘后重新启动程序。"
                )
            else:
                message = (
                    f"数据库升级失败，已恢复到升级前的状态（备份：{backup_file}）。原因：{cause}"
                )
        super().__init__(message)


class UpgradeBackupFailed(MigrationFailed):
    """The backup before an upgrade could not be written: the upgrade did not run."""

    def __init__(self, cause: BackupFailed) -> None:
        super().__init__(
            None,
            cause,
            f"升级前的备份没有写成，数据库未升级、未做任何改动。{cause}",
        )


@dataclass
class OpenResult:
    path: Path
    created: bool
    from_revisions: frozenset[str]
    to_revisions: frozenset[str]
    backup_file: Path | None


def check_file(path: Path, full: bool = False) -> list[str]:
    """Run quick_check (or integrity_check) read-only; returns the problems found."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        conn = sqlconn.connect(path, readonly=True)
        try:
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
        finally:
            conn.close()
    except sqlconn.OperationalError as exc:
        no_space(path.parent, exc)
        return [str(exc)]
    except sqlconn.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


LOW_SPACE = 1 << 20  # bytes: below this, an I/O error opening a database is a full disk


def no_space(folder: Path, exc: BaseException) -> None:
    """Raise ENOSPC if ``exc`` (an I/O error) comes from a full disk: never call that damage."""
    import errno
    import shutil

    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < LOW_SPACE:
        raise OSError(errno.ENOSPC, "磁盘空间不足", str(folder)) from exc


def current_revisions(path: Path) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    conn = sqlconn.connect(path, readonly=True)
    try:
        has = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not has:
            return frozenset()
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        return frozenset(r[0] for r in rows)
    finally:
        conn.close()


def alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade(path: Path, target: str = "heads") -> None:
    """Apply migrations up to ``target`` in one transaction (foreign keys off meanwhile)."""
    from alembic import command

    from app.db.engine import make_engine

    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    finally:
        engine.dispose()


def downgrade(path: Path, target: str) -> None:
    from alembic import command

    from app.db.engine import make_engine

    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, target)
    finally:
        engine.dispose()


def _tables(path: Path) -> set[str]:
    conn = sqlconn.connect(path, readonly=True)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def refusal(
    data_dir: Path, full: bool = True, consistency: bool | None = None
) -> DatabaseDamaged | None:
    """Why the database in ``data_dir`` must not be opened for writing, or None (also None
    when there is no database yet). Read-only: never changes the file. ``full``: the
    ``integrity_check`` and (unless ``consistency`` is False) the rules that, broken, lose
    data silently (foreign keys, every synced type's outbox: app/db/consistency.py)."""
    data_dir = Path(data_dir)
    path = db_path(data_dir)
    if not path.exists():
        return None
    hint = backups_hint(data_dir) + "\n" + RESTORE_HOW.format(data_dir=data_dir)
    if path.stat().st_size == 0:
        wal = Path(str(path) + "-wal")
        extra = "（旁边的 -wal 文件里还有数据）" if wal.exists() and wal.stat().st_size else ""
        return NotClinicLinkDatabase(
            path,
            ["zero-byte file"],
            f"数据库文件 {path} 是空的（0 字节）{extra}：数据已丢失或文件被截断，"
            "程序不会把它当作新安装，也不会写入它。请勿删除它和旁边的文件。"
            "如果这台电脑确实是新装、从未录入过数据，可删除该文件后重新启动。",
            hint,
        )
    problems = check_file(path, full=full)
    if problems:
        return DatabaseDamaged(path, problems, hint=hint)
    tables = _tables(path)
    if tables and ("alembic_version" not in tables or "clinic" not in tables):
        return NotClinicLinkDatabase(
            path,
            ["not a ClinicLink database"],
            f"文件 {path} 不是 ClinicLink 的数据库（可能是别的程序的文件），程序不会改动它。"
            "请把它移走，或把 ClinicLink 的数据库放回原处。",
            hint,
        )
    unknown = current_revisions(path) - script_revisions()
    if unknown:
        return NewerDatabase(path, unknown)
    if (full if consistency is None else consistency) and not unknown:
        from app.db.consistency import structural_problems

        if current_revisions(path) == script_heads():
            broken = structural_problems(path)
            if broken:
                return DatabaseDamaged(
                    path,
                    broken,
                    f"数据库 {path} 的一致性检查未通过，程序不会再写入它"
                    f"（{len(broken)} 个问题，例如：{'；'.join(broken[:3])}）。"
                    f"完整的列表：python -m app --data-dir {data_dir} check",
                    hint,
                )
    lost = guard.behind(path)
    if lost:
        marked, found = lost
        return DatabaseBehind(
            path,
            [f"write counter {found} < {marked}"],
            f"数据库 {path} 比上次使用时少了已保存的记录（上次记到第 {marked} 次操作，"
            f"现在只到第 {found} 次）：数据库旁的 -wal 文件丢失或损坏，"
            "或有人把较旧的数据库文件复制了回来。程序不会写入它。"
            "请勿删除数据目录中的任何文件。从最近的备份恢复后，"
            "下一次同步会从县医院取回本站已上传的记录。",
            hint,
        )
    return None


def open_database(data_dir: Path, *, full_check: bool = True) -> OpenResult:
    """Check, back up and migrate the database in ``data_dir``; create it if missing."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = db_path(data_dir)
    created = not path.exists()
    if not created:
        refused = refusal(data_dir, full=full_check)
        if refused is not None:
            raise refused
        created = not _tables(path)  # an empty SQLite file (no tables): nothing to lose
    revs = frozenset() if created else current_revisions(path)
    heads = script_heads()
    if revs == heads:
        return OpenResult(path, False, revs, heads, None)
    bfile = None
    if not created:
        try:
            bfile = backup(path, backup_dir(data_dir), "before-upgrade")
        except BackupFailed as exc:
            raise UpgradeBackupFailed(exc) from exc
    try:
        upgrade(path)
    except Exception as exc:
        log.exception("migration from %s failed", sorted(revs))
        # The upgrade runs in one transaction: after its rollback the file is as it was.
        # Restore only if it is not (and never onto a disk that just ran out of space).
        if bfile is not None and not _rolled_back(path, revs):
            try:
                restore(bfile, path)
            except Exception:  # noqa: BLE001 - the message below names the backup
                log.exception("restore after the failed migration failed too")
        raise MigrationFailed(bfile, exc) from exc
    if created:
        guard.reset_mark(path)
    return OpenResult(path, created, revs, heads, bfile)


def _rolled_back(path: Path, revs: frozenset[str]) -> bool:
    try:
        return current_revisions(path) == revs and not check_file(path)
    except sqlconn.Error:
        return False
