"""The audit log as a hash chain: each row carries the hash of the row before it.

Editing a row changes its hash; deleting or reordering rows breaks the link the next row
holds. ``check`` walks the chain from the first row. The hash covers what a row says (time,
who, action, record, detail) and the previous hash, in one fixed text form, so the chain can be
verified from the database file alone, by SQL rows or ORM objects alike.

What it cannot see on its own: rows cut off the end of the log (nothing follows them to
notice). The database's own protections apply there: SQLite triggers refuse UPDATE and DELETE
on the table, and backups keep older copies of the log to compare with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

GENESIS = ""  # the "previous hash" of the first row
# How SQLAlchemy stores a DateTime in SQLite; the chain hashes the time in this same text.
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def time_text(at: datetime | str) -> str:
    if isinstance(at, str):
        # As read back by plain sqlite3; a value stored without microseconds gets them.
        return datetime.fromisoformat(at).strftime(TIME_FORMAT)
    return at.strftime(TIME_FORMAT)


def row_hash(
    prev_hash: str,
    at: datetime | str,
    user_id: str | None,
    username: str,
    action: str,
    record_type: str,
    record_id: str,
    detail: str,
) -> str:
    text = json.dumps(
        [prev_hash, time_text(at), user_id, username, action, record_type, record_id, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainRow:
    id: int
    at: datetime | str
    user_id: str | None
    username: str
    action: str
    record_type: str
    record_id: str
    detail: str
    prev_hash: str | None
    hash: str | None


def chain_problems(rows: Iterable[ChainRow], limit: int = 20) -> list[str]:
    """Walk rows in id order; say (in Chinese) where the chain is broken."""
    problems: list[str] = []
    prev = GENESIS
    for row in rows:
        if row.prev_hash != prev:
            problems.append(
                f"操作日志第 {row.id} 条与前一条接不上（前面的记录被删除、插入或调换过顺序）"
            )
        expected = row_hash(
            row.prev_hash or "",
            row.at,
            row.user_id,
            row.username,
            row.action,
            row.record_type,
            row.record_id,
            row.detail,
        )
        if row.hash != expected:
            problems.append(f"操作日志第 {row.id} 条的内容被改动过（校验值不符）")
        prev = row.hash or ""
        if len(problems) >= limit:
            problems.append("……操作日志还有更多问题，未全部列出")
            break
    return problems
