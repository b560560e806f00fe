"""``python -m app --data-dir DIR check``: integrity_check plus ClinicLink's own consistency rules.

Exit codes (README "Exit codes"): 0 all good, 4 the database is damaged, not ClinicLink's,
from a newer version or has lost writes, or breaks a consistency rule, 6 no database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.commands.exitcodes import DATABASE, NOT_SET_UP, OK
from app.db import sqlconn
from app.db.consistency import outbox_problems
from app.db.migrate import current_revisions, refusal, script_heads
from app.db.paths import db_path


def consistency_problems(path: Path) -> list[str]:
    """Rules SQLite cannot check: ID checksums, outbox versions, foreign keys, audit presence."""
    from app.domain.idcard import IdCardError, parse

    problems: list[str] = []
    conn = sqlconn.connect(path, readonly=True)
    try:
        for row in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"外键不一致：表 {row[0]} 第 {row[1]} 行引用 {row[2]} 不存在")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "patients" in tables:
            for pid, name, number in conn.execute(
                "SELECT id, name, id_number FROM patients WHERE id_number IS NOT NULL"
            ):
                try:
                    parse(number)
                except IdCardError as exc:
                    problems.append(f"居民 {name}（{pid}）身份证号码无效：{exc.message}")
        problems += outbox_problems(conn, tables)
        problems.extend(audit_chain_problems(conn, tables))
        if "clinic" in tables and conn.execute("SELECT count(*) FROM clinic").fetchone()[0] > 1:
            problems.append("clinic 表中有多于一条机构记录")
    finally:
        conn.close()
    return problems


def audit_chain_problems(conn: sqlite3.Connection, tables: set[str]) -> list[str]:
    """The audit log's hash chain, walked from its first row (edits, deletions, reordering)."""
    from app.domain.audit_chain import ChainRow, chain_problems

    if "audit_log" not in tables:
        return []
    columns = {r[1] for r in conn.execute("PRAGMA table_info(audit_log)")}
    if "hash" not in columns:
        return []
    rows = conn.execute(
        "SELECT id, at, user_id, username, action, record_type, record_id, detail, "
        "prev_hash, hash FROM audit_log ORDER BY id"
    )
    return chain_problems(ChainRow(*r) for r in rows)


def run_check(data_dir: Path) -> int:
    path = db_path(data_dir)
    if not path.exists():
        print(f"未找到数据库：{path}")
        return NOT_SET_UP
    refused = refusal(data_dir, full=True, consistency=False)  # all rules listed below
    if refused is not None:
        print("数据库检查（integrity_check 等）未通过：")
        print(str(refused))
        return DATABASE
    revs, heads = current_revisions(path), script_heads()
    if revs != heads:
        print(f"数据库结构版本 {sorted(revs)} 比程序 {sorted(heads)} 旧：")
        print("请先正常启动一次程序完成升级（升级前会自动备份）。")
        return DATABASE
    problems = consistency_problems(path)
    if problems:
        print(f"一致性检查发现 {len(problems)} 个问题：")
        for p in problems[:200]:
            print(f"  - {p}")
        return DATABASE
    print(f"检查通过：{path}（integrity_check ok，一致性规则 ok）")
    return OK
