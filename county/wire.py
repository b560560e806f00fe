"""What the hub accepts from a clinic, checked without trusting it.

A push body is parsed as plain JSON (``pydantic_core.from_json``: bounded nesting, no
recursion error, big numbers refused); then each change on its own: its envelope (a known
type, an id that is a UUID, a 64-bit version) and every value against the column it names
in the record type's table (a scalar of the column's kind, finite numbers, integers within
64 bits, no control characters, text within the column's length). A change that fails is
refused with a short Chinese reason naming the field; the rest of the batch goes on. Nothing
refused is stored as it came: what ``refused_writes`` keeps of it is ``safe_payload``.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any, TypeGuard

import pydantic_core
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, Time

from app.domain.field_labels import field_label
from app.sync.protocol import Change

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
TEXT_LIMIT = 20000  # a Text column (no length of its own)
KEY_LIMIT = 64
# C0 controls and DEL, except tab, line feed and carriage return (text areas keep those).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NOT_SENT = frozenset({"sync_state", "sync_error"})


class BodyRefused(Exception):
    """The whole request cannot be read (not JSON, nested too deep, not an object)."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


@dataclass
class PushBody:
    protocol: Any
    changes: list[Any]


def parse_push(body: bytes) -> PushBody:
    try:
        obj = pydantic_core.from_json(body, allow_inf_nan=True)
    except ValueError as e:  # not JSON, nested past the parser's limit, a number too long
        raise BodyRefused(400, "bad_body", "请求不是合法的 JSON") from e
    if not isinstance(obj, dict):
        raise BodyRefused(400, "bad_body", "请求不是合法的 JSON 对象")
    changes = obj.get("changes")
    if not isinstance(changes, list):
        raise BodyRefused(422, "invalid", "请求格式错误：缺少 changes 列表")
    return PushBody(protocol=obj.get("protocol"), changes=changes)


def protocol_number(value: Any) -> int | None:
    """The protocol version a client sent, or None when it is not a plain (64-bit) integer."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if INT64_MIN <= value <= INT64_MAX else None


def is_record_id(value: object) -> bool:
    """A record id as the workstations make them: a UUID in its 36-character form. Never
    ``/ ? # %`` or anything else a URL would read differently."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def is_int64(value: object) -> TypeGuard[int]:
    return (
        isinstance(value, int) and not isinstance(value, bool) and INT64_MIN <= value <= INT64_MAX
    )


@dataclass(frozen=True)
class Column:
    kind: str  # "str", "int", "float", "bool", "date", "datetime", "time"
    limit: int = 0  # characters, for "str"


@cache
def columns(type_: str) -> dict[str, Column]:
    """Column -> what a value of it may be, for a synced record type (what a clinic may send:
    its table's columns less local bookkeeping)."""
    from app import registry

    entry = registry.get(type_)
    if entry is None:
        return {}
    cls: Any = entry.model
    local = entry.local_fields
    out: dict[str, Column] = {}
    for col in cls.__table__.columns:
        if col.key in local or col.key in NOT_SENT:
            continue
        t = col.type
        if isinstance(t, Boolean):
            out[col.key] = Column("bool")
        elif isinstance(t, Integer):
            out[col.key] = Column("int")
        elif isinstance(t, Float):
            out[col.key] = Column("float")
        elif isinstance(t, DateTime):
            out[col.key] = Column("datetime")
        elif isinstance(t, Date):
            out[col.key] = Column("date")
        elif isinstance(t, Time):
            out[col.key] = Column("time")
        elif isinstance(t, String) and not isinstance(t, Text) and t.length:
            out[col.key] = Column("str", t.length)
        else:
            out[col.key] = Column("str", TEXT_LIMIT)
    return out


KIND_NAMES = {"bool": "应为是/否", "int": "应为整数", "float": "应为数字", "str": "应为文字"}


def value_problem(col: Column, value: Any) -> str | None:
    """Why ``value`` cannot be stored in ``col`` (a few Chinese words), or None."""
    t = type(value)
    if t is str:  # the common case first: most values are text
        if not value.isprintable() and CONTROL.search(value):
            return "含有不可见的控制字符"
        if col.kind == "str":
            return None if len(value) <= col.limit else f"过长（最多{col.limit}字）"
        if col.kind in ("date", "datetime", "time"):
            return _when_problem(col.kind, value)
        return KIND_NAMES[col.kind]
    if value is None:
        return None
    if t is list or t is dict:
        return "应为单个值，不能是列表或对象"
    if col.kind == "bool":
        return None if t is bool else KIND_NAMES["bool"]
    if col.kind == "int":
        if t is not int:
            return KIND_NAMES["int"]
        return None if INT64_MIN <= value <= INT64_MAX else "数值超出范围"
    if col.kind == "float":
        if t is int:
            return None if INT64_MIN <= value <= INT64_MAX else "数值超出范围"
        if t is not float:
            return KIND_NAMES["float"]
        return None if math.isfinite(value) else "不是有效的数字"
    return "应为文字" if col.kind == "str" else "日期时间格式不对"


def _when_problem(kind: str, value: str) -> str | None:
    if len(value) > 40:
        return "日期时间格式不对"
    try:
        if kind == "date":
            date.fromisoformat(value[:10])
        elif kind == "datetime":
            datetime.fromisoformat(value)
        else:
            time.fromisoformat(value)
    except ValueError:
        return "日期时间格式不对"
    return None


def change_problem(raw: Any, types: frozenset[str]) -> tuple[Change | None, str | None]:
    """One change from the wire: (the change, None) when every part of it can be stored, else
    (None, the reason in Chinese, naming the field by its label)."""
    if isinstance(raw, Change):  # a caller inside the hub: checked like the wire's
        raw = raw.model_dump()
    if not isinstance(raw, dict):
        return None, "记录格式错误"
    type_ = raw.get("type")
    if not isinstance(type_, str) or type_ not in types:
        return None, "未知的记录类型"
    if not is_record_id(raw.get("id")):
        return None, "记录编号（id）不是有效的 UUID"
    version = raw.get("version")
    if not is_int64(version) or version < 1:
        return None, "版本号应为 1 到 2^63-1 之间的整数"
    deleted = raw.get("deleted", False)
    if not isinstance(deleted, bool):
        return None, "作废标记应为是/否"
    data = raw.get("data", {})
    if not isinstance(data, dict):
        return None, "记录内容应为对象"
    cols = columns(type_)
    for key, value in data.items():
        col = cols.get(key)
        if col is None:  # named only when it is a plain name (never echo anything else)
            plain = len(key) <= KEY_LIMIT and key.isascii() and key.isidentifier()
            return None, f"未知字段：{key}" if plain else "未知字段"
        problem = value_problem(col, value)
        if problem:
            return None, f"{field_label(type_, key)}：{problem}"
    # every part checked above: built without validating it again
    return Change.model_construct(
        type=type_, id=raw["id"], version=version, deleted=deleted, data=data
    ), None


def safe_ref(raw: Any) -> tuple[str, str, int]:
    """(type, id, version) of a refused change, as far as they can be stored and echoed:
    text cut to its column and stripped of control characters, a version outside 64 bits
    as 0."""
    if not isinstance(raw, dict):
        return "", "", 0
    t, i, v = raw.get("type"), raw.get("id"), raw.get("version")
    t = CONTROL.sub("", t)[:30] if isinstance(t, str) else ""
    i = CONTROL.sub("", i)[:36] if isinstance(i, str) else ""
    return t, i, v if is_int64(v) else 0
