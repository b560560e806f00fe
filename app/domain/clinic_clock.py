"""The clinic's clock: storage is naive UTC, every date the clinic sees, prints or numbers by is
the clinic's local date (China Standard Time unless the clinic's settings name another zone),
whatever time zone the PC itself is set to.

Pure functions over naive datetimes so the same rule serves services, reports and the UI.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"


@lru_cache(maxsize=8)
def zone(name: str = DEFAULT_TIMEZONE) -> ZoneInfo:
    """The named zone; an unknown or empty name falls back to China Standard Time.

    ``tzdata`` ships with the app so the lookup works on Windows, which has no zone database.
    """
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def zone_label(name: str = DEFAULT_TIMEZONE) -> str:
    """How a printed page names the clinic's clock: 北京时间, or the zone a clinic elsewhere set."""
    key = zone(name).key
    return "北京时间" if key == DEFAULT_TIMEZONE else f"当地时间，{key}"


def is_known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse_stored(value: object) -> datetime | None:
    """A stored UTC time, as a naive datetime or as ISO text (how the hub keeps a record's
    times), as naive UTC; None when absent or unreadable."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed
    return None


def to_local(utc: datetime, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """A stored (naive UTC) moment as the clinic's naive local time."""
    if utc.tzinfo is not None:
        utc = utc.astimezone(UTC).replace(tzinfo=None)
    return utc.replace(tzinfo=UTC).astimezone(zone(tz)).replace(tzinfo=None)


def local_date(utc: datetime, tz: str = DEFAULT_TIMEZONE) -> date:
    """The clinic's calendar date at a stored (naive UTC) moment."""
    return to_local(utc, tz).date()


def to_utc(local: datetime, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """A clinic-local naive time as naive UTC, for storage and for comparing with stored times."""
    return local.replace(tzinfo=zone(tz)).astimezone(UTC).replace(tzinfo=None)


def day_start_utc(day: date, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """The UTC moment the clinic's calendar day ``day`` begins (for date-range filters)."""
    return to_utc(datetime.combine(day, time.min), tz)


def day_bounds_utc(
    first: date, last: date, tz: str = DEFAULT_TIMEZONE
) -> tuple[datetime, datetime]:
    """[start, end) in UTC covering the clinic's days ``first`` .. ``last`` inclusive."""
    return day_start_utc(first, tz), day_start_utc(last + timedelta(days=1), tz)


def local_noon_utc(day: date, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """A stored moment for a date-only entry (a paper slip's date): that day's local noon.

    Noon rather than midnight so the date reads back the same in any zone a few hours away.
    """
    return to_utc(datetime.combine(day, time(12, 0)), tz)


def utc_now() -> datetime:
    """Now, naive UTC (the storage convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today(tz: str = DEFAULT_TIMEZONE) -> date:
    """The clinic's date now from the real clock, for code with no service context to ask.

    Code that has a ServiceContext uses ``ctx.today()`` (its clock can be set in tests).
    """
    return local_date(utc_now(), tz)


def utc_offsets(
    first: date, last: date, tz: str = DEFAULT_TIMEZONE
) -> list[tuple[datetime, timedelta]]:
    """The zone's offsets from UTC over the clinic's days ``first`` .. ``last``, as
    (the UTC moment it starts, offset) pairs in order, the first from the start of ``first``.

    For code that turns many stored times into local dates at once (an SQL statement): one
    pair for China Standard Time; one more per daylight-saving change in zones that have it.
    """
    z = zone(tz)

    def offset(utc: datetime) -> timedelta:
        return utc.replace(tzinfo=UTC).astimezone(z).utcoffset() or timedelta(0)

    moment = day_start_utc(first, tz)
    end = day_start_utc(last + timedelta(days=1), tz)
    out = [(moment, offset(moment))]
    step = timedelta(days=1)
    while moment < end:
        following = min(moment + step, end)
        if offset(following) != out[-1][1]:
            lo, hi = moment, following  # the change lies in (lo, hi]: find its second
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if offset(mid) == out[-1][1]:
                    lo = mid
                else:
                    hi = mid
            out.append((hi, offset(hi)))
        moment = following
    return out
