"""Hub-wide settings kept in the database (``python -m county set-hospital``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from county.office.accounts_tables import HubSetting

HOSPITAL = "hospital_name"


def get(s: Session, key: str, default: str = "") -> str:
    row = s.get(HubSetting, key)
    return row.value if row is not None else default


def put(s: Session, key: str, value: str) -> None:
    row = s.get(HubSetting, key)
    if row is None:
        s.add(HubSetting(key=key, value=value))
    else:
        row.value = value


def set_hospital(s: Session, name: str) -> None:
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("县医院名称不能为空，最多 100 字")
    put(s, HOSPITAL, name)
