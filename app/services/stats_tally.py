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
them) and their verdicts replaced; the totals follow. A whole period is counted in two halves
of the residents at once, on two threads, in one snapshot (``KaoheTally._whole``).

The verdicts are also stored in the database (``stats_verdict_sets``, migration 0020c): one
row per period with the position, a fingerprint of the counting code and the verdicts as
text (~1.7 MB for a ten-year clinic's year), so the first look after the workstation starts
reads them back and recounts only the residents named since. The row is replaced whole after
each count or recount: what is stored is always one consistent state, whichever process
wrote it last. The write is one short ``BEGIN IMMEDIATE`` transaction on the way back from
the read, given up when the database is busy, read-only or full; the last ``stored``
periods used are kept.

Everything of one look is read in one read transaction (one snapshot): the log position,
the residents named, the stored verdicts and the recounted ones agree with each other. The
whole period is counted again when:
- nothing is kept for it, in memory or stored by this code (the first look ever), or more than
  ``RECOUNT_ABOVE`` residents were named since (a pull or an import: one pass is cheaper);
- the log lacks any row between the kept position and now (rows trimmed, or deleted by
  hand), or is behind the kept position (another database under the same path);
- the log table or any of its triggers is missing (an older schema, or a later migration
  that rebuilt a table and dropped its triggers): then nothing is kept at all.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app.domain import clinic_clock
from app.domain.followup_criteria import ControlTargets
from app.domain.periods import Period
from app.services.context import ServiceContext
from app.services.stats_cache import code_fingerprint, write_derived
from app.services.stats_kaohe import (
    CONTROLLED,
    LOST,
    STANDARD,
    UNVISITED,
    kaohe_verdicts,
    middle_resident,
)

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

log = logging.getLogger(__name__)

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
    """One period's verdicts per kind and resident, and how many patients of each kind have
    each combination of verdicts (so the totals cost nothing to read)."""

    position: int
    verdicts: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> resident -> v
    combos: Counter[tuple[str, int]] = field(default_factory=Counter)

    @classmethod
    def of(cls, position: int, rows: list[tuple[str, str, int]]) -> _Kept:
        """A whole period's verdicts from ``rows`` (kind, resident, verdicts)."""
        kept = cls(position)
        for kind, resident, v in rows:
            by = kept.verdicts.get(kind)
            if by is None:
                by = kept.verdicts[kind] = {}
            by[resident] = v
        kept.combos = Counter((kind, v) for kind, _r, v in rows)
        return kept

    def replace(self, residents: Iterable[str], rows: Iterable[tuple[str, str, int]]) -> None:
        """Forget the verdicts of ``residents``, then take ``rows`` (kind, resident, verdicts)."""
        for resident in residents:
            for kind, by in self.verdicts.items():
                old = by.pop(resident, None)
                if old is not None:
                    self.combos[(kind, old)] -= 1
        for kind, resident, v in rows:
            by = self.verdicts.setdefault(kind, {})
            old = by.get(resident)
            if old is not None:
                self.combos[(kind, old)] -= 1
            by[resident] = v
            self.combos[(kind, v)] += 1

    def packed(self) -> str:
        """The verdicts as text: per kind and combination of verdicts, the residents."""
        out: dict[str, dict[str, str]] = {}
        for kind, by in self.verdicts.items():
            groups: dict[int, list[str]] = {}
            for resident, v in by.items():
                groups.setdefault(v, []).append(resident)
            out[kind] = {str(v): ",".join(rs) for v, rs in groups.items()}
        return json.dumps(out, separators=(",", ":"))

    @classmethod
    def unpacked(cls, position: int, packed: str) -> _Kept:
        kept = cls(position)
        for kind, groups in json.loads(packed).items():
            by = kept.verdicts.setdefault(str(kind), {})
            for v, text_ in groups.items():
                residents = [r for r in str(text_).split(",") if r]
                by.update(dict.fromkeys(residents, int(v)))
                kept.combos[(str(kind), int(v))] += len(residents)
        return kept

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
    the change log. ``size``: how many periods' verdicts are kept in memory (least recently
    used go); ``stored``: how many are kept in the database."""

    def __init__(self, ctx: ServiceContext, size: int = 4, stored: int = 6) -> None:
        self.ctx = ctx
        self.size = size
        self.stored = stored
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self._counting: dict[Hashable, threading.Lock] = {}
        self.whole = 0  # how many times a whole period was counted
        self.residents = 0  # how many residents were counted again one by one
        self.loaded = 0  # how many times a period's verdicts were read back from the database
        self.halves_recounted = 0  # second halves counted again (a write came between)

    def counts(
        self,
        period: Period,
        kinds: list[str],
        targets: ControlTargets,
        tz: str = clinic_clock.DEFAULT_TIMEZONE,
    ) -> Counts:
        """Per kind: managed, 规范管理, 控制, 失访, no reading in the year — what
        ``stats_kaohe.kaohe_counts`` counts."""
        key = (period, tuple(kinds), targets, tz)
        with self._lock:
            counting = self._counting.setdefault(key, threading.Lock())
        # one look at a period at a time: a second one (the page while the figures are
        # prepared in the background) waits, then finds them kept
        with counting:
            return self._counts(key, period, kinds, targets, tz)

    def _counts(
        self,
        key: Hashable,
        period: Period,
        kinds: list[str],
        targets: ControlTargets,
        tz: str,
    ) -> Counts:
        name = repr(key)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        store: Callable[[], None] | None = None
        with self.ctx.reader() as s:  # one snapshot: the position, the log, the verdicts
            now = _position(s)
            if now is None:  # no log: count the whole period, keep nothing
                self.whole += 1
                return self._whole(s, period, kinds, targets, tz, None).counts()
            if kept is None:
                kept = _load(s, name)
                if kept is not None:
                    self.loaded += 1
            if kept is not None:
                base = kept.position
                named = None if base == now else _named_since(s, base, now)
                if base == now or (named is not None and len(named) <= RECOUNT_ABOVE):
                    if named:
                        rows = kaohe_verdicts(s, period, kinds, targets, tz, sorted(named))
                        kept.replace(named, rows)
                        self.residents += len(named)
                        store = partial(self._store, name, now, kept.packed())
                    kept.position = now
                    result = kept.counts()
                else:
                    kept = None
            if kept is None:
                self.whole += 1
                kept = self._whole(s, period, kinds, targets, tz, now)
                result = kept.counts()
                store = partial(self._store, name, now, kept.packed())
        with self._lock:
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        if store is not None:
            store()
        return result

    def _whole(
        self,
        s: Session,
        period: Period,
        kinds: list[str],
        targets: ControlTargets,
        tz: str,
        position: int | None,
    ) -> _Kept:
        """The whole period's verdicts as ``s`` sees it (at ``position`` in the log), counted
        in two halves of the residents at once: this thread counts the first half in ``s``,
        a second thread the other half in a read transaction of its own (SQLite counts
        without holding Python's lock and, with its memory count off, app/db/sqlite_setup.py,
        without a lock of its own, so on two cores this takes about half the time). The
        second half is used only if its transaction saw the log at the same position, i.e.
        the same records; otherwise (a write came between, or its read failed) it is counted
        again in ``s``."""
        count = partial(kaohe_verdicts, period=period, kinds=kinds, targets=targets, tz=tz)
        middle = middle_resident(s) if position is not None else None
        if middle is None:
            return _Kept.of(position or 0, count(s))

        def other_half() -> tuple[int | None, list[tuple[str, str, int]]]:
            with self.ctx.reader() as other:
                return _position(other), count(other, span=(middle, None))

        with ThreadPoolExecutor(1, thread_name_prefix="kaohe-half") as pool:
            second = pool.submit(other_half)
            rows = count(s, span=(None, middle))
            try:
                seen, others = second.result()
            except DBAPIError:
                log.warning("考核: the second half could not be read; counting it here")
                seen, others = None, []
        if seen != position:
            self.halves_recounted += 1
            others = count(s, span=(middle, None))
        return _Kept.of(position or 0, rows + others)

    def clear(self) -> None:
        """Forget what is kept in memory (what is stored in the database stays)."""
        with self._lock:
            self._kept.clear()

    # -- in the database -------------------------------------------------------------------
    def _store(self, name: str, position: int, packed: str) -> None:
        """Store a period's verdicts (``packed``) as they were at ``position``: one row,
        replaced whole, so what is stored is always one consistent state (rows written since
        are in the log for whoever reads it back)."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO stats_verdict_sets (name, code, position, used, verdicts) VALUES "
                "(?, ?, ?, (SELECT coalesce(max(used), 0) + 1 FROM stats_verdict_sets), ?) "
                "ON CONFLICT (name) DO UPDATE SET code = excluded.code, "
                "position = excluded.position, used = excluded.used, "
                "verdicts = excluded.verdicts",
                (name, code_fingerprint(), position, packed),
            )
            conn.execute(
                "DELETE FROM stats_verdict_sets WHERE name IN (SELECT name FROM "
                "stats_verdict_sets ORDER BY used DESC LIMIT -1 OFFSET ?)",
                (self.stored,),
            )

        write_derived(self.ctx, write, "考核 verdicts")


def _load(s: Session, name: str) -> _Kept | None:
    """A period's verdicts as stored by this counting code, at their position; None when
    there are none, they cannot be read back, or the database has no such table."""
    try:
        found = s.execute(
            text(
                "SELECT position, verdicts FROM stats_verdict_sets "
                "WHERE name = :name AND code = :code"
            ),
            {"name": name, "code": code_fingerprint()},
        ).one_or_none()
    except DBAPIError:
        return None
    if found is None:
        return None
    try:
        return _Kept.unpacked(int(found[0]), str(found[1]))
    except (ValueError, TypeError, KeyError, AttributeError):
        log.warning("stored 考核 verdicts could not be read back; counting them again")
        return None


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
