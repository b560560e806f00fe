"""Each managed patient's 考核 verdicts of a period, kept and brought up to date instead of
counted again for the whole year.

Counting a year's 规范管理率 and 控制率 reads every plan and visit of the year (~40,000
patients, ~100,000 visits on a ten-year clinic: most of a second of SQLite work). The open
year changes with every visit recorded, so its figures could not be kept whole. What is kept
here instead is each patient's verdicts (kind, 规范管理, 控制, 失访, no reading), per period,
zone, control targets and plan kinds, with the position in ``stats_changes`` they were
counted at. Triggers (migration 0020a) add a row to that log for every write that can
change a resident's standing, whoever writes. On the next look, only the residents named
since are counted again (app/services/stats_kaohe.py, the same statement restricted to
them) and their verdicts replaced; the totals follow.

Everything of one look is read in one read transaction (one snapshot): the log position,
the residents named and their verdicts agree with each other. The whole period is counted
again when:
- nothing is kept yet for it (the first look in this process), or more than
  ``RECOUNT_ABOVE`` residents were named since (a pull or an import: one pass is cheaper);
- the log lacks any row between the kept position and now (rows trimmed, or deleted by
  hand), or is behind the kept position (another database under the same path);
- the log table or any of its triggers is missing (an older schema, or a later migration
  that rebuilt a table and dropped its triggers): then nothing is kept at all.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.domain import clinic_clock
from app.domain.followup_criteria import ControlTargets
from app.domain.periods import Period
from app.services.stats_kaohe import CONTROLLED, LOST, STANDARD, UNVISITED, kaohe_verdicts

TRIGGERS = (
    "stats_change_plan_insert",
    "stats_change_plan_update",
    "stats_change_plan_delete",
    "stats_change_visit_insert",
    "stats_change_visit_update",
    "stats_change_visit_delete",
    "stats_change_patient_insert",
    "stats_change_patient_update",
    "stats_change_patient_delete",
    "stats_change_trim",
)

# Residents named since the kept position above which the whole period is counted again
RECOUNT_ABOVE = 2000

_POSITION = text(
    "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'stats_changes'), 0), "
    "(SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ("
    + ", ".join(f"'{name}'" for name in TRIGGERS)
    + "))"
)
_SINCE = text("SELECT count(*) FROM stats_changes WHERE seq > :since AND seq <= :now")
_NAMED = text(
    "SELECT patient_id FROM stats_changes WHERE seq > :since AND seq <= :now "
    "AND patient_id IS NOT NULL "
    "UNION SELECT p.patient_id FROM followup_plans p "
    "WHERE p.id IN (SELECT plan_id FROM stats_changes WHERE seq > :since AND seq <= :now)"
)

Counts = dict[str, tuple[int, int, int, int, int]]


@dataclass
class _Kept:
    """One period's verdicts per (resident, kind), and how many patients of each kind have
    each combination of verdicts (so the totals cost nothing to read)."""

    position: int
    verdicts: dict[tuple[str, str], int] = field(default_factory=dict)
    by_resident: dict[str, list[str]] = field(default_factory=dict)  # resident -> kinds
    combos: Counter[tuple[str, int]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def replace(self, residents: Iterable[str], rows: Iterable[tuple[str, str, int]]) -> None:
        """Forget the verdicts of ``residents``, then take ``rows`` (kind, resident, verdicts)."""
        for resident in residents:
            for kind in self.by_resident.pop(resident, ()):
                self.combos[(kind, self.verdicts.pop((resident, kind)))] -= 1
        for kind, resident, verdicts in rows:
            self.verdicts[(resident, kind)] = verdicts
            self.by_resident.setdefault(resident, []).append(kind)
            self.combos[(kind, verdicts)] += 1

    def counts(self) -> Counts:
        out: dict[str, list[int]] = {}
        for (kind, v), n in self.combos.items():
            if n:
                c = out.setdefault(kind, [0, 0, 0, 0, 0])
                c[0] += n
                for i, bit in enumerate((STANDARD, CONTROLLED, LOST, UNVISITED), start=1):
                    if v & bit:
                        c[i] += n
        return {k: (c[0], c[1], c[2], c[3], c[4]) for k, c in out.items()}


class KaoheTally:
    """The 考核 counts of periods (``counts``), kept per patient and brought up to date from
    the change log. ``size``: how many periods' verdicts are kept (least recently used go)."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self.whole = 0  # how many times a whole period was counted
        self.residents = 0  # how many residents were counted again one by one

    def counts(
        self,
        s: Session,
        period: Period,
        kinds: list[str],
        targets: ControlTargets,
        tz: str = clinic_clock.DEFAULT_TIMEZONE,
    ) -> Counts:
        """Per kind: managed, 规范管理, 控制, 失访, no reading in the year — what
        ``stats_kaohe.kaohe_counts`` counts, read inside the session ``s`` (one snapshot)."""
        now = _position(s)
        key = (period, tuple(kinds), targets, tz)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        if now is None:  # no log: count the whole period, keep nothing
            self.whole += 1
            return _whole(s, period, kinds, targets, tz).counts()
        if kept is not None:
            with kept.lock:
                if kept.position == now:
                    return kept.counts()
                named = _named_since(s, kept.position, now)
                if named is not None and len(named) <= RECOUNT_ABOVE:
                    if named:
                        rows = kaohe_verdicts(s, period, kinds, targets, tz, only=sorted(named))
                        kept.replace(named, rows)
                        self.residents += len(named)
                    kept.position = now
                    return kept.counts()
        self.whole += 1
        fresh = _whole(s, period, kinds, targets, tz)
        fresh.position = now
        with self._lock:
            self._kept[key] = fresh
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return fresh.counts()

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


def _position(s: Session) -> int | None:
    """The log's position (the last row ever written), or None when there is no log to
    follow (no table, or a trigger missing)."""
    try:
        position, triggers = s.execute(_POSITION).one()
    except OperationalError:
        return None
    if triggers != len(TRIGGERS):
        return None
    return int(position)


def _named_since(s: Session, since: int, now: int) -> set[str] | None:
    """The residents named in the log after ``since`` up to ``now``; None when the log does
    not hold every row between them (trimmed, deleted, or ``since`` is ahead of it)."""
    if since > now:
        return None
    if int(s.execute(_SINCE, {"since": since, "now": now}).scalar_one()) != now - since:
        return None
    return {str(r[0]) for r in s.execute(_NAMED, {"since": since, "now": now}) if r[0]}


def _whole(s: Session, period: Period, kinds: list[str], targets: ControlTargets, tz: str) -> _Kept:
    kept = _Kept(position=0)
    kept.replace((), kaohe_verdicts(s, period, kinds, targets, tz))
    return kept
