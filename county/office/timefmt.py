"""Times for the office: stored in UTC, shown and entered in China Standard Time.

China has no daylight saving time, so a fixed UTC+8 offset is exact and needs no tz database
on the server.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from app.domain.clinic_clock import parse_stored  # a stored UTC time, naive or ISO text

CST = timezone(timedelta(hours=8), "CST")


def local(value: object, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """UTC (naive or ISO text) -> local wall-clock text; "" when absent or unreadable."""
    t = parse_stored(value)
    if t is None:
        return ""
    return t.replace(tzinfo=UTC).astimezone(CST).strftime(fmt)


def local_today(now_utc: datetime) -> date:
    return now_utc.replace(tzinfo=UTC).astimezone(CST).date()


def day_start_utc(day: date) -> datetime:
    """00:00 local time on ``day``, as naive UTC."""
    start = datetime(day.year, day.month, day.day, tzinfo=CST)
    return start.astimezone(UTC).replace(tzinfo=None)


def iso(t: datetime) -> str:
    """How the office stores a time in a record: naive UTC, ISO, to the second."""
    return t.isoformat(timespec="seconds")
