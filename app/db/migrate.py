"""Open the database safely at start-up: check it, back it up, migrate it.

Order: ``quick_check`` (a damaged file is never written to), then, if the schema is behind,
a backup through the SQLite backup API and the upgrade in one transaction; if the upgrade
fails the transaction rolls back and the file is restored from the backup as well.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.db.backup import backup, backup_dir, restore
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


class DatabaseDamaged(Exception):
    """quick_check / integrity_check found a problem; the file must not be written to."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(
            f"数据库文件 {path} 检查未通过，程序不会再写入它。"
            "请勿删除该文件，请联系管理员用最近的备份（数据目录下 backups 文件夹）恢复，"
            f"或把该文件交给技术支持。问题：{'; '.join(problems[:3])}"
        )


class MigrationFailed(Exception):
    def __init__(self, backup_file: Path | None, cause: BaseException) -> None:
        self.backup_file = backup_file
        super().__init__(
            f"数据库升级失败，已恢复到升级前的状态（备份：{backup_file}）。原因：{cause}"
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
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def current_revisions(path: Path) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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


def open_database(data_dir: Path) -> OpenResult:
    """Check, back up and migrate the database in ``data_dir``; create it if missing."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = db_path(data_dir)
    created = not path.exists() or path.stat().st_size == 0
    if not created:
        problems = check_file(path)
        if problems:
            raise DatabaseDamaged(path, problems)
    revs = frozenset() if created else current_revisions(path)
    heads = script_heads()
    if revs == heads:
        return OpenResult(path, False, revs, heads, None)
    bfile = None if created else backup(path, backup_dir(data_dir), "before-upgrade")
    try:
        upgrade(path)
    except Exception as exc:
        log.exception("migration from %s failed", sorted(revs))
        if bfile is not None:
            restore(bfile, path)
        raise MigrationFailed(bfile, exc) from exc
    return OpenResult(path, created, revs, heads, bfile)
