"""The figures of closed periods, kept until a record they are counted from changes.

A year's referral or follow-up figures take about a second of SQLite work on a ten-year
clinic, and a period wholly in the past rarely changes (a late entry, an edit, a county
answer pulled from the hub). So figures of a closed period are kept here under the token
of their area and year in ``stats_marks``; triggers (migration 0019c) give that year a new
token on every write that can change its figures — whoever writes: the services, a pull
from the hub, bulk seeding, plain SQL. A restored backup brings its own tokens. Kept
figures are used only while the token read before counting them is still the database's.

Kept figures are also written to the database (``stats_kept``, migration 0019d) with the
token they were counted under and a fingerprint of the counting code, so the first look at a
closed year after the workstation starts is as quick as a kept one. A stored row is used only
while its token is the year's token and its code is this code's; anything else is counted
again. Storing is a short ``BEGIN IMMEDIATE`` write that waits for no one: when the database
is busy, read-only, full or older than 0019d the figures are simply not stored, and the read
that counted them never fails for it.

Nothing is kept when the database has no marks or lacks any of the triggers (an older
schema, or a later migration that rebuilt a table and dropped them): the figures are then
counted every time, as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import logging
import sqlite3
import threading
import types
import typing
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from app.db import sqlconn
from app.services.context import ServiceContext

T = TypeVar("T")
log = logging.getLogger(__name__)

# How long the write of kept figures may wait for the write lock: hardly at all (it is an
# optional write made on the way back from a read).
STORE_WAIT_MS = 20

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
        self.loaded = 0  # how many times they were read back from the database

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

    def get(
        self,
        area: str,
        year: int,
        key: Hashable,
        count: Callable[[], T],
        stored_as: type[T] | None = None,
    ) -> T:
        """The figures under ``key`` (counted by ``count`` unless kept under the current
        token). The token is read before counting and again after: figures are kept only
        when no write came in between, so they are never kept under a token they predate.
        ``stored_as``: the figures' dataclass, to keep them in the database too (None: in
        memory only)."""
        token = self.token(area, year)
        if token is not None:
            with self._lock:
                hit = self._kept.get(key)
                if hit is not None and hit[0] == token:
                    self._kept.move_to_end(key)
                    return hit[1]  # type: ignore[no-any-return]
            if stored_as is not None:
                stored = self._stored(key, token, stored_as)
                if stored is not None:
                    self.loaded += 1
                    self._keep(key, token, stored)
                    return stored
        self.counted += 1
        value = count()
        if token is not None and self.token(area, year) == token:
            self._keep(key, token, value)
            if stored_as is not None:
                self._store(key, area, year, token, value)
        return value

    def _keep(self, key: Hashable, token: int, value: Any) -> None:
        with self._lock:
            self._kept[key] = (token, value)
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    # -- in the database -------------------------------------------------------------------
    def _stored(self, key: Hashable, token: int, as_type: type[T]) -> T | None:
        """The figures stored under ``key`` if they were counted under ``token`` by this
        code; None otherwise (or when they cannot be read back)."""
        try:
            with self.ctx.reader() as s:
                row = s.execute(
                    text("SELECT token, code, figures FROM stats_kept WHERE key = :key"),
                    {"key": stored_key(key)},
                ).one_or_none()
        except DBAPIError:  # no stats_kept table: a database not migrated to 0019d
            return None
        if row is None or row[0] != token or row[1] != code_fingerprint():
            return None
        try:
            return decode(as_type, json.loads(row[2]))
        except (ValueError, TypeError, KeyError):
            log.warning("kept 统计 figures could not be read back; counting them again")
            return None

    def _store(self, key: Hashable, area: str, year: int, token: int, value: Any) -> None:
        """Store the figures under the token they were counted under: one short IMMEDIATE
        write, given up at once when the database is busy, read-only or full."""
        figures = json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"))
        params = (stored_key(key), area, year, token, code_fingerprint(), figures)

        def write(conn: sqlite3.Connection) -> None:
            # only while the token is still the year's (a write may have come since)
            conn.execute(
                "INSERT OR REPLACE INTO stats_kept (key, area, year, token, code, figures) "
                "SELECT ?, ?, ?, ?, ?, ? FROM stats_marks "
                "WHERE area = ? AND year = ? AND token = ?",
                (*params, area, year, token),
            )

        write_derived(self.ctx, write, "统计 figures")

    def clear(self) -> None:
        """Forget what is kept in memory (what is stored in the database stays)."""
        with self._lock:
            self._kept.clear()


def write_derived(
    ctx: ServiceContext, write: Callable[[sqlite3.Connection], None], what: str
) -> None:
    """Write figures derived from the records (stats_kept, stats_verdict_sets): one short
    ``BEGIN IMMEDIATE`` transaction on the way back from a read, given up at once when the
    database is busy, read-only, full or not migrated — the figures are right either way.

    The commit is not flushed to disk (``synchronous=NORMAL`` for this one transaction; WAL
    keeps the file intact): a power cut may lose it, which costs a recount, while an fsync
    cost the clinic ~0.3 s of waiting on every look that stored something. The next commit of
    a record (``synchronous=FULL``) flushes it with its own."""
    try:
        pooled = ctx.engine.raw_connection()
    except DBAPIError:
        return
    try:
        conn = pooled.driver_connection  # sqlite3, autocommit: the statements as written
        assert conn is not None
        waits = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        synchronous = conn.execute("PRAGMA synchronous").fetchone()[0]
        conn.execute(f"PRAGMA busy_timeout={STORE_WAIT_MS}")
        conn.execute("PRAGMA synchronous=NORMAL")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                write(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute(f"PRAGMA busy_timeout={int(waits)}")
            conn.execute(f"PRAGMA synchronous={int(synchronous)}")
    except sqlconn.Error as e:  # busy, read-only, full, not migrated: just not stored
        log.info("%s not stored (%s)", what, e)
    finally:
        pooled.close()


# -- the stored form ---------------------------------------------------------------------------


def stored_key(key: Hashable) -> str:
    """``key`` as text (its repr: areas, periods, zones and targets print all they hold)."""
    return repr(key)


_CODE: str | None = None
# The modules whose code decides the figures: a stored figure counted by other code (an
# older or newer ClinicLink on the same database) is counted again.
COUNTING_MODULES = (
    "app.services.stats",
    "app.services.stats_kaohe",
    "app.services.stats_referrals",
    "app.services.stats_cache",
    "app.services.stats_tally",
    "app.domain.stats",
    "app.domain.followup",
    "app.domain.followup_criteria",
    "app.domain.referral",
    "app.domain.periods",
    "app.domain.clinic_clock",
    "app.domain.training",
)


def code_fingerprint() -> str:
    global _CODE
    if _CODE is None:
        digest = hashlib.sha256()
        for name in COUNTING_MODULES:
            source = getattr(importlib.import_module(name), "__file__", None)
            digest.update(name.encode())
            try:
                digest.update(Path(source).read_bytes() if source else b"-")
            except OSError:
                digest.update(b"?")
        from app import __version__

        digest.update(__version__.encode())
        _CODE = digest.hexdigest()[:32]
    return _CODE


def encode(value: Any) -> Any:
    """A figures dataclass as JSON values (read back by :func:`decode`)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"cannot store {type(value).__name__}")


def decode(tp: Any, value: Any) -> Any:
    """``value`` (from :func:`encode`) as ``tp``; TypeError/KeyError when it does not fit."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return decode(inner, value)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise TypeError(tp.__name__)
        hints = typing.get_type_hints(tp)
        names = [f.name for f in dataclasses.fields(tp)]
        if set(value) != set(names):
            raise KeyError(tp.__name__)
        return tp(**{n: decode(hints[n], value[n]) for n in names})
    if origin is list:
        (inner,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise TypeError("list")
        return [decode(inner, v) for v in value]
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, list) or len(value) != len(args):
            raise TypeError("tuple")
        return tuple(decode(a, v) for a, v in zip(args, value, strict=True))
    if tp is date:
        return date.fromisoformat(value)
    if tp is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if tp in (int, str, bool) and type(value) is tp:
        return value
    raise TypeError(f"{value!r} is not {tp}")
