"""The referrals of a period as the 统计 figures count them, in SQL (the figures' hot path).

A year holds ~12,000 referrals; reading each into Python (its JSON indications, five
timestamps parsed) took ~0.35 s of CPU, so SQLite decides what each referral counts as —
its month, and whether the county (or a 回执 the clinic recorded) answered an upward
referral within 14 days — and groups them. ``PER_REFERRAL`` is the one definition:
``referral_groups`` counts its rows by what the figures need, ``referral_rows`` lists
them for the records behind a figure.

Stored timestamps are naive UTC text; the ones written by the ORM carry microseconds, the
ones written elsewhere may not (``2026-10-13 02:00:00``). Every timestamp is compared in
one normalised form (``NORM``), so the comparisons are those of the times themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.domain import clinic_clock
from app.domain.periods import Period
from app.domain.referral import FEEDBACK_DAYS, OTHER, Status

UNTICKED = "（未勾选）"
NO_DEPARTMENT = "（未填）"


def _norm(column: str) -> str:
    """``column`` as 'YYYY-MM-DD HH:MM:SS.ffffff' (NULL stays NULL)."""
    x = f"replace({column}, 'T', ' ')"
    return f"(CASE WHEN length({column}) = 19 THEN {x} || '.000000' ELSE {x} END)"


# '~' sorts after every digit: "no answer" in the smallest-of below.
ON_SLIP = f"""min(coalesce({_norm("r.received_at")}, '~'),
                 coalesce({_norm("r.arrived_at")}, '~'),
                 coalesce({_norm("r.feedback_at")}, '~'))"""
# the county's first answer in its history of a referral (NULL: none)
COUNTY_ANSWER = f"""(SELECT {_norm("min(e.at)")} FROM referral_events e
      WHERE e.referral_id = t.id AND e.side = 'county'
        AND e.to_status IN ('{Status.RECEIVED.value}', '{Status.REJECTED.value}',
                            '{Status.ARRIVED.value}'))"""

# An upward referral is answered in time when its earliest answer — the county's receipt,
# arrival or status change (on the slip or in its history), or a 回执 the clinic recorded;
# with none of these, a refusal counts from when it reached us — is within 14 days.
# The history is read only for a referral whose slip holds no answer in time (most do), and
# ``chosen`` is a co-routine (``LIMIT -1`` keeps SQLite from inlining it), so each row's
# normalised time is computed once, not once per month compared.
PER_REFERRAL = f"""
WITH chosen AS (
  SELECT r.id, r.number, r.direction, r.status, r.referred_at, r.patient_name,
         r.to_department, r.indications, r.rejected_reason, r.updated_at,
         {_norm("r.referred_at")} AS referred, {ON_SLIP} AS on_slip
  FROM referrals r
  WHERE r.deleted = 0 AND r.referred_at >= :start AND r.referred_at < :end
    AND r.status NOT IN ('{Status.DRAFT.value}', '{Status.CANCELLED.value}')
  LIMIT -1
), timed AS (
  SELECT *, date(referred, '+{FEEDBACK_DAYS} days') || substr(referred, 11) AS answer_by
  FROM chosen
), judged AS (
  SELECT *,
         CASE WHEN direction != 'up' THEN NULL
              WHEN on_slip <= answer_by THEN 'in_time'
              WHEN {COUNTY_ANSWER} <= answer_by THEN 'in_time'
              WHEN on_slip = '~' AND coalesce(rejected_reason, '') != ''
                   AND {_norm("updated_at")} <= answer_by
                   AND {COUNTY_ANSWER} IS NULL THEN 'in_time'
              WHEN :now >= answer_by THEN 'late'
              ELSE 'waiting' END AS feedback,
         {{month}} AS month
  FROM timed t
)
"""

GROUPS = """
SELECT direction, month, to_department, indications, status, feedback, count(*),
       min(referred_at || char(1) || number)
FROM judged GROUP BY direction, month, to_department, indications, status, feedback
"""

ROWS = """
SELECT id, number, direction, status, referred_at, patient_name, to_department, indications,
       feedback, month
FROM judged ORDER BY referred_at, number
"""


def _stamp(t: datetime) -> str:
    return f"{t:%Y-%m-%d %H:%M:%S.%f}"


def _sql(body: str, period: Period, tz: str) -> tuple[Any, dict[str, Any]]:
    """The statement and its parameters; months are cut at the clinic's local midnights."""
    months = period.months()
    bounds = [clinic_clock.day_start_utc(m.start, tz) for m in months]
    bounds.append(clinic_clock.day_start_utc(period.end, tz))
    params: dict[str, Any] = {f"b{i}": _stamp(b) for i, b in enumerate(bounds)}
    cases = " ".join(f"WHEN referred < :b{i + 1} THEN '{m.code}'" for i, m in enumerate(months))
    month = f"CASE WHEN referred < :b0 THEN NULL {cases} END"
    # the bounds as the ORM writes a datetime parameter (as the referral list filters)
    params["start"], params["end"] = params["b0"], params[f"b{len(months)}"]
    return text(PER_REFERRAL.format(month=month) + body), params


def referral_groups(s: Session, period: Period, now: datetime, tz: str) -> list[tuple[Any, ...]]:
    """The period's referrals grouped by direction, month, department, indications, status
    and answer (``in_time`` / ``late`` / ``waiting``; NULL downward), with their count and
    the first of them in list order (referred_at, number)."""
    stmt, params = _sql(GROUPS, period, tz)
    return [tuple(r) for r in s.execute(stmt, {**params, "now": _stamp(now)})]


def referral_rows(s: Session, period: Period, now: datetime, tz: str) -> list[Any]:
    """Every referral the figures count, in list order, with its answer and month."""
    stmt, params = _sql(ROWS, period, tz)
    return list(s.execute(stmt, {**params, "now": _stamp(now)}))


def indication_labels(raw: str | None) -> list[str]:
    """The indications ticked on a slip as counted (其他 with its text counts as 其他)."""
    try:
        values = json.loads(raw or "[]")
    except ValueError:
        return []
    return [OTHER if str(v).startswith(OTHER) else str(v) for v in values if str(v).strip()]


def counted_indications(raw: str | None) -> list[str]:
    return indication_labels(raw) or [UNTICKED]


def department(raw: str | None) -> str:
    return raw or NO_DEPARTMENT


def in_first_seen_order(counts: dict[str, int], first: dict[str, Any]) -> list[tuple[str, int]]:
    """Most frequent first; ties in the order the list shows them first (as a Counter of the
    listed rows would give)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], first[kv[0]]))


def tally(
    groups: Iterable[tuple[Any, ...]],
) -> tuple[dict[str, int], dict[str, Any], dict[str, int], dict[str, Any]]:
    """Upward referrals per department and per indication, with where each is first seen."""
    dept: dict[str, int] = {}
    dept_first: dict[str, Any] = {}
    ind: dict[str, int] = {}
    ind_first: dict[str, Any] = {}
    for direction, _month, to_dept, raw, _status, _fb, n, first in groups:
        if direction != "up":
            continue
        d = department(to_dept)
        dept[d] = dept.get(d, 0) + n
        dept_first[d] = min(dept_first.get(d, first), first)
        for pos, label in enumerate(counted_indications(raw)):
            ind[label] = ind.get(label, 0) + n
            key = (first, pos)
            ind_first[label] = min(ind_first.get(label, key), key)
    return dept, dept_first, ind, ind_first
