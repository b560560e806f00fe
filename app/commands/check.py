"""``python -m app --data-dir DIR check``: integrity_check plus ClinicLink's own consistency rules.

Exit codes: 0 all good, 1 problems found, 2 no database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.db.migrate import check_file, current_revisions, script_heads
from app.db.paths import db_path


def consistency_problems(path: Path) -> list[str]:
    """Rules SQLite cannot check: ID checksums, outbox versions, foreign keys, audit presence."""
    from app.domain.idcard import IdCardError, parse

    problems: list[str] = []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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
        if "outbox" in tables:
            problems += _outbox_problems(conn, tables)
        if "clinic" in tables and conn.execute("SELECT count(*) FROM clinic").fetchone()[0] > 1:
            problems.append("clinic 表中有多于一条机构记录")
    finally:
        conn.close()
    return problems


def _outbox_problems(conn: sqlite3.Connection, tables: set[str]) -> list[str]:
    """For every synced type of the registry: each record waiting to go up has its version in
    the upload queue, and each queued row points to a record; no queued row of a type this
    version does not know."""
    from app import registry

    problems: list[str] = []
    for t in registry.TYPES:
        table = t.table_name
        if table not in tables:
            continue
        for rid, version in conn.execute(
            f"SELECT r.id, r.version FROM {table} r LEFT JOIN outbox o "
            "ON o.record_type=? AND o.record_id=r.id "
            "WHERE r.sync_state='pending' AND (o.id IS NULL OR o.version != r.version)",
            (t.name,),
        ):
            problems.append(f"{t.label}记录 {rid} 第 {version} 版待上传，但上传队列中没有这一版")
        for oid, rid in conn.execute(
            f"SELECT o.id, o.record_id FROM outbox o LEFT JOIN {table} r ON r.id=o.record_id "
            "WHERE o.record_type=? AND r.id IS NULL",
            (t.name,),
        ):
            problems.append(f"上传队列第 {oid} 项指向不存在的{t.label} {rid}")
    known = [t.name for t in registry.TYPES]
    marks = ",".join("?" * len(known))
    for oid, rtype in conn.execute(
        f"SELECT id, record_type FROM outbox WHERE record_type NOT IN ({marks})", known
    ):
        problems.append(f"上传队列第 {oid} 项的记录类型 {rtype} 本程序不认识")
    return problems


def run_check(data_dir: Path) -> int:
    path = db_path(data_dir)
    if not path.exists():
        print(f"未找到数据库：{path}")
        return 2
    problems = check_file(path, full=True)
    if problems:
        print("数据库完整性检查（integrity_check）未通过：")
        for p in problems:
            print(f"  - {p}")
        print("请勿继续使用此数据库，请用数据目录下 backups 文件夹中的最近备份恢复。")
        return 1
    revs, heads = current_revisions(path), script_heads()
    if revs != heads:
        print(f"数据库结构版本 {sorted(revs)} 与程序 {sorted(heads)} 不一致：")
        print("请先正常启动一次程序完成升级。")
        return 1
    problems = consistency_problems(path)
    if problems:
        print(f"一致性检查发现 {len(problems)} 个问题：")
        for p in problems[:200]:
            print(f"  - {p}")
        return 1
    print(f"检查通过：{path}（integrity_check ok，一致性规则 ok）")
    return 0
