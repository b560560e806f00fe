"""The figures of closed periods, kept until a record they are counted from changes.

A year's referral or follow-up figures take about a second of SQLite work on a ten-year
clinic, and a period wholly in the past rarely changes (a late entry, an edit, a county
answer pulled from the hub). So figures of a closed period are kept here under the token
of their area and year in ``stats_marks``; triggers (migration 0019c) give that year a new
token on every write that can change its figures — whoever writes: the services, a pull
from the hub, bulk seeding, plain SQL. A restored backup brings its own tokens. Kept
figures are used only while the token read before counting them is still the database's.

Nothing is kept when the database has no marks or lacks any of the triggers (an older
schema, or a later migration that rebuilt a table and dropped them): the figures are then
counted every time, as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.services.context import ServiceContext

T = TypeVar("T")

TRIGGERS = (
    "stats_mark_referral_insert",
    "stats_mark_referral_update",
    "stats_mark_referral_delete",
    "stats_mark_referral_event_insert",
    "stats_mark_referral_event_update",
    "stats_mark_referral_event_delete",
    "stats_mark_visit_insert",
    "stats_mark_visit_update",
    "stats_mark_visit_delete",
    "stats_mark_plan_insert",
    "stats_mark_plan_update",
    "stats_mark_plan_delete",
    "stats_mark_patient_insert",
    "stats_mark_patient_update",
    "stats_mark_patient_delete",
)

_TOKEN = text(
    "SELECT (SELECT token FROM stats_marks WHERE area = :area AND year = :year), "
    "(SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ("
    + ", ".join(f"'{name}'" for name in TRIGGERS)
    + "))"
)


class ClosedPeriodFigures:
    """Figures per (area, period, what else they depend on), each under its year's token."""

    def __init__(self, ctx: ServiceContext, size: int = 96) -> None:
        self.ctx = ctx
        self.size = size
        self._kept: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.counted = 0  # how many times figures were counted rather than taken from here

    def token(self, area: str, year: int) -> int | None:
        """The area's token for ``year``; None when figures cannot be kept (see above)."""
        try:
            with self.ctx.reader() as s:
                token, triggers = s.execute(_TOKEN, {"area": area, "year": year}).one()
        except OperationalError:  # no stats_marks table: a database not migrated to 0019c
            return None
        if token is None or triggers != len(TRIGGERS):
            return None
        return int(token)

    def get(self, area: str, year: int, key: Hashable, count: Callable[[], T]) -> T:
        """The figures under ``key`` (counted by ``count`` unless kept under the current
        token). The token is read before counting and again after: figures are kept only
        when no write came in between, so they are never kept under a token they predate."""
        token = self.token(area, year)
        if token is not None:
            with self._lock:
                hit = self._kept.get(key)
                if hit is not None and hit[0] == token:
                    self._kept.move_to_end(key)
                    return hit[1]  # type: ignore[no-any-return]
        self.counted += 1
        value = count()
        if token is not None and self.token(area, year) == token:
            with self._lock:
                self._kept[key] = (token, value)
                self._kept.move_to_end(key)
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
