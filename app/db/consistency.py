"""Rules SQLite cannot check that, broken, lose data silently: a record waiting for upload
without its outbox row never uploads; an outbox row or a reference pointing at nothing.
Used by ``check`` and at start-up (app/db/migrate.py: refusal)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.db import sqlconn


def outbox_problems(conn: sqlite3.Connection, tables: set[str]) -> list[str]:
    """For every synced record type: a record waiting for upload has its outbox row at its
    version (else it would never upload), and no outbox row points at a missing record."""
    from app import registry

    problems: list[str] = []
    if "outbox" not in tables:
        return problems
    for t in registry.TYPES:
        rtype, table, name = t.name, t.table_name, t.label
        if table not in tables:
            continue
        for rid, version in conn.execute(
            f'SELECT r.id, r.version FROM "{table}" r LEFT JOIN outbox o '
            "ON o.record_type=? AND o.record_id=r.id "
            "WHERE r.sync_state IN ('pending', 'error') "
            "AND (o.id IS NULL OR o.version != r.version)",
            (rtype,),
        ):
            problems.append(f"{name}记录 {rid} 第 {version} 版待上传，但上传队列中没有这一版")
        for oid, rid in conn.execute(
            f'SELECT o.id, o.record_id FROM outbox o LEFT JOIN "{table}" r ON r.id=o.record_id '
            "WHERE o.record_type=? AND r.id IS NULL",
            (rtype,),
        ):
            problems.append(f"上传队列第 {oid} 项指向不存在的{name} {rid}")
    known = {t.name for t in registry.TYPES}
    for oid, rtype, rid in conn.execute("SELECT id, record_type, record_id FROM outbox"):
        if rtype not in known:
            problems.append(f"上传队列第 {oid} 项的记录类型 {rtype} 本程序不认识（{rid}）")
    return problems


def structural_problems(path: Path) -> list[str]:
    """Foreign keys and every synced type's outbox, read-only."""
    conn = sqlconn.connect(path, readonly=True)
    try:
        problems = [
            f"外键不一致：表 {row[0]} 第 {row[1]} 行引用 {row[2]} 不存在"
            for row in conn.execute("PRAGMA foreign_key_check")
        ]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        problems += outbox_problems(conn, tables)
    finally:
        conn.close()
    return problems
