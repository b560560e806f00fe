"""A data directory from any earlier schema upgrades (a verified backup first) and keeps every
record: databases built at earlier points of the migration history, filled with the demo
clinic's records (each table with the columns it had then), then opened by this version."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from app.db import migrate
from app.db.backup import list_backups
from app.db.engine import db_path


def earlier_states() -> list[tuple[str, ...]]:
    """Each revision alone (its ancestors applied), and each head left out of the full set:
    every schema a release could have shipped with, one per case."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    heads = sorted(script.get_heads())
    states: set[tuple[str, ...]] = set()
    for rev in script.walk_revisions():
        states.add((rev.revision,))
    for h in heads:
        rest = tuple(x for x in heads if x != h)
        if rest:
            states.add(rest)
    return sorted(s for s in states if frozenset(s) != frozenset(heads))


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo clinic at the current schema (the source of every older database's rows)."""
    from app.demo import seed_demo
    from app.services.bundle import AppServices
    from app.services.context import ServiceContext

    d = tmp_path_factory.mktemp("full")
    migrate.open_database(d)
    ctx = ServiceContext.open(
        d, password_hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    seed_demo(AppServices.create(ctx, d), patients=40)
    ctx.dispose()
    return db_path(d)


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def user_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables holding records (not stats_marks: its migration fills it, no record is in it;
    not stats_changes: a log of writes, as long as the writes that built the database)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT IN ('alembic_version', 'stats_marks', 'stats_changes')"
        )
    ]


def rows(conn: sqlite3.Connection, table: str, cols: list[str]) -> list[tuple[object, ...]]:
    q = ", ".join(f'"{c}"' for c in cols)
    return conn.execute(f'SELECT {q} FROM "{table}" ORDER BY 1').fetchall()


@pytest.mark.parametrize("state", earlier_states(), ids=lambda s: "+".join(s))
def test_an_earlier_schema_upgrades_and_keeps_every_record(
    state: tuple[str, ...], full: Path, tmp_path: Path
) -> None:
    path = db_path(tmp_path)
    for rev in state:
        migrate.upgrade(path, rev)
    src = sqlite3.connect(f"file:{full}?mode=ro", uri=True)
    old = sqlite3.connect(path)
    kept: dict[str, tuple[list[str], list[tuple[object, ...]]]] = {}
    with old:
        old.execute("PRAGMA foreign_keys=OFF")
        for table in user_tables(old):
            cols = [c for c in columns(old, table) if c in columns(src, table)]
            data = rows(src, table, cols)
            marks = ", ".join("?" for _ in cols)
            names = ", ".join(f'"{c}"' for c in cols)
            old.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', data)
            kept[table] = (cols, data)
    old.close()
    assert kept.get("patients", ([], []))[1] or "patients" not in kept
    result = migrate.open_database(tmp_path)
    assert result.to_revisions == migrate.script_heads()
    (made,) = [b for b in list_backups(tmp_path / "backups") if b.label == "before-upgrade"]
    assert made.counts.get("patients", 0) == len(kept.get("patients", ([], []))[1])
    new = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for table, (cols, data) in kept.items():
            assert rows(new, table, cols) == data, table
        assert new.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert new.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        new.close()
        src.close()
    shutil.rmtree(tmp_path / "backups")
