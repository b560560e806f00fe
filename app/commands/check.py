"""``python -m app --data-dir DIR check``: integrity_check plus ClinicLink's own consistency rules.

Exit codes (README "Exit codes"): 0 all good, 4 the database is damaged, not ClinicLink's,
from a newer version or has lost writes, or breaks a consistency rule, 6 no database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.commands.exitcodes import DATABASE, NOT_SET_UP, OK
from app.db.migrate import current_revisions, refusal, script_heads
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
        problems += outbox_problems(conn, tables)
        if "clinic" in tables and conn.execute("SELECT count(*) FROM clinic").fetchone()[0] > 1:
            problems.append("clinic 表中有多于一条机构记录")
    finally:
        conn.close()
    return problems


TYPE_NAMES = {
    "patient": "居民",
    "referral": "转诊单",
    "referral_event": "转诊记录",
    "followup_plan": "随访计划",
    "followup_visit": "随访记录",
    "followup_contact": "随访联系记录",
}


def outbox_problems(conn: sqlite3.Connection, tables: set[str]) -> list[str]:
    """For every synced record type: a record waiting for upload has its outbox row at its
    version (else it would never upload), and no outbox row points at a missing record."""
    from app.db import all_models  # noqa: F401  (fills SYNCED_MODELS)
    from app.db.models import SYNCED_MODELS

    problems: list[str] = []
    if "outbox" not in tables:
        return problems
    for rtype, cls in SYNCED_MODELS.items():
        table = str(getattr(cls, "__tablename__", ""))
        if table not in tables:
            continue
        name = TYPE_NAMES.get(rtype, rtype)
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
    known = set(SYNCED_MODELS)
    for oid, rtype, rid in conn.execute("SELECT id, record_type, record_id FROM outbox"):
        if rtype not in known:
            problems.append(f"上传队列第 {oid} 项的记录类型 {rtype} 未知（{rid}）")
    return problems


def run_check(data_dir: Path) -> int:
    path = db_path(data_dir)
    if not path.exists():
        print(f"未找到数据库：{path}")
        return NOT_SET_UP
    refused = refusal(data_dir, full=True)
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
