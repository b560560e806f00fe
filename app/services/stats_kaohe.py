"""The 考核 of a year, per managed patient, in one SQL statement (the 统计 figures' hot path).

A year holds ~40,000 managed patients and ~100,000 visits; building them in Python took
seconds, so SQLite does it: every patient managed for hypertension or diabetes in
``[year start, window end)``, their face-to-face visits, the visits due (pro rata from
enrolment), the last reading and whether it is on target, and 失访. ``PER_PATIENT`` is the
one definition: ``StatsService.standings`` lists its rows, ``kaohe_counts`` counts them,
``kaohe_verdicts`` gives each patient's verdicts (for some residents only, when asked: the
statement then reads their plans alone, through the resident index).
The rules and thresholds are app/domain/stats.py's, passed in as parameters.

How it reads (migration 0021a; ~310 ms of SQLite for a year of the ten-year clinic, from
~720 ms when it grouped every visit of the year): the plans in resident order from an index
holding every column it needs, so one resident's plans of one disease come together and are
grouped as they come (``spans``); for each plan, its visits of the window from an index by
resident, plan and date, so they lie right after the last plan's, counted (face to face) and
the newest reading taken as the first one read backwards. The current plan and the last
reading are each the greatest of a text key that sorts as the rule says and carries what is
needed after a tab: whether the plan is 失访; whether the reading meets the target under 65
and the target from 65, then the reading as shown.

A patient's current plan is the one started last (then changed last, then the greater record
id); their last reading is the one of the latest visit date, then recorded last, then the
higher reading (two readings of one day written at the same instant, as a bulk import can
write them: the higher one counts). So the same records always give the same standing,
however SQLite happens to read them (a whole year, or one resident recounted). Whether a
glucose is on target is decided on the value as stored (the key holds it rounded to
0.001 only to sort); a blood pressure is judged on the patient's age on the day of the
reading (the 65th birthday counts as 65).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.domain import clinic_clock
from app.domain import followup as fu
from app.domain.followup_criteria import ControlTargets
from app.domain.periods import Period
from app.domain.stats import REQUIRED_VISITS_A_YEAR

# Plans ended (结案 / 死亡 / 失访) end on the local day of their last change (ENDED); a plan
# ended after the window is still managed in it; one ended before the year is not managed in
# it. ``+p.kind``: the kinds are a filter, not a search of the index by kind (which would
# give up the resident order the grouping streams on).
PER_PATIENT = """
WITH spans AS (
  SELECT p.patient_id, p.kind, min(p.start_date) AS enrolled,
         sum((SELECT count(*) FROM followup_visits v
              WHERE v.patient_id = p.patient_id AND v.plan_id = p.id AND v.deleted = 0
                AND v.visit_date >= :year_start AND v.visit_date < :window_end
                AND v.method IN ({face_to_face}))) AS f2f,
         max({ended} IS NULL) AS still_open, max({ended}) AS last_end,
         max(p.start_date || ' ' || p.updated_at || char(9) || p.id || char(9)
             || (p.status = 'lost' AND {ended} IS NOT NULL)) AS current,
         max(CASE WHEN p.kind = 'htn' THEN (
           SELECT v.visit_date || ' ' || v.created_at || ' ' || (10000 + v.sbp)
                  || (10000 + v.dbp) || char(9) || (v.sbp < :sbp AND v.dbp < :dbp)
                  || (v.sbp < :elderly_sbp AND v.dbp < :elderly_dbp) || v.sbp || '/' || v.dbp
           FROM followup_visits v
           WHERE v.patient_id = p.patient_id AND v.plan_id = p.id AND v.deleted = 0
             AND v.visit_date >= :year_start AND v.visit_date < :window_end
             AND v.sbp IS NOT NULL AND v.dbp IS NOT NULL
           ORDER BY v.visit_date DESC, v.created_at DESC, v.sbp DESC, v.dbp DESC LIMIT 1)
         ELSE (
           SELECT v.visit_date || ' ' || v.created_at || ' '
                  || (100000000 + CAST(round(v.fasting_glucose * 1000) AS INTEGER)) || char(9)
                  || (v.fasting_glucose < :fpg) || (v.fasting_glucose < :fpg)
                  || v.fasting_glucose
           FROM followup_visits v
           WHERE v.patient_id = p.patient_id AND v.plan_id = p.id AND v.deleted = 0
             AND v.visit_date >= :year_start AND v.visit_date < :window_end
             AND v.fasting_glucose IS NOT NULL
           ORDER BY v.visit_date DESC, v.created_at DESC, v.fasting_glucose DESC LIMIT 1)
         END) AS reading_key
  FROM followup_plans p
  WHERE p.deleted = 0 AND +p.kind IN ({kinds}) AND p.start_date < :window_end
    AND (p.status = 'active' OR p.updated_at >= :year_start_utc)
    AND ({ended} IS NULL OR {ended} >= :year_start){only_patients}{span}
  GROUP BY p.patient_id, p.kind
), people AS (
  SELECT s.patient_id, s.kind, s.enrolled, s.f2f, s.reading_key, s.current, pa.birth_date,
         CAST((CASE WHEN s.still_open THEN julianday(:window_end)
                    ELSE min(julianday(s.last_end) + 1, julianday(:window_end)) END)
              - (CASE WHEN s.enrolled <= :year_start THEN julianday(:year_start)
                      ELSE julianday(s.enrolled) END) AS INTEGER) AS days,
         substr(s.reading_key, instr(s.reading_key, char(9)) + 1) AS reading
  FROM spans s JOIN patients pa ON pa.id = s.patient_id AND pa.deleted = 0
), judged AS (
  SELECT patient_id, kind, enrolled, f2f, days, reading_key, reading, current,
         substr(current, -1) = '1' AS lost,
         CASE WHEN days <= 0 THEN 0
              ELSE max(1, min(:per_year, (2 * :per_year * days + :days_in_year)
                                          / (2 * :days_in_year))) END AS required,
         CASE
           WHEN reading IS NULL THEN 0
           WHEN kind = 'htn' AND substr(reading_key, 1, 10) >= (
                  (CAST(substr(birth_date, 1, 4) AS INTEGER) + :elderly_age)
                  || substr(birth_date, 5, 6))  -- the elderly_age-th birthday or after
             THEN substr(reading, 2, 1) = '1'
           ELSE substr(reading, 1, 1) = '1' END AS on_target
  FROM people
)
"""

# a patient's verdicts in one number: 1 规范管理, 2 控制, 4 失访, 8 no reading in the year
# per kind and combination of verdicts, its patients (as a JSON list: one row per
# combination rather than one per patient, which Python would take ~4 µs each to read)
VERDICTS = """
SELECT kind, verdicts, json_group_array(patient_id)
FROM (SELECT kind, patient_id,
             (f2f >= required) + 2 * coalesce(on_target AND NOT lost, 0) + 4 * lost
             + 8 * (reading_key IS NULL) AS verdicts
      FROM judged)
GROUP BY kind, verdicts
"""

COUNTS = """
SELECT kind, count(*), sum(f2f >= required), sum(on_target AND NOT lost), sum(lost),
       sum(reading_key IS NULL)
FROM judged GROUP BY kind
"""

ROWS = """
SELECT j.patient_id, pl.id, pa.name, pa.village, pa.phone, j.kind, pl.doctor, j.enrolled,
       j.days, j.required, j.f2f, j.reading_key,
       CASE WHEN j.kind = 'htn' THEN CAST(substr(j.reading, 3, instr(j.reading, '/') - 3)
                                          AS INTEGER) END,
       CASE WHEN j.kind = 'htn' THEN CAST(substr(j.reading, instr(j.reading, '/') + 1)
                                          AS INTEGER) END,
       CASE WHEN j.kind <> 'htn' THEN CAST(substr(j.reading, 3) AS REAL) END,
       j.on_target, j.lost
FROM judged j
JOIN patients pa ON pa.id = j.patient_id
JOIN followup_plans pl
  ON pl.id = substr(j.current, instr(j.current, char(9)) + 1, length(j.current)
                               - instr(j.current, char(9)) - 2)
"""


def _local_shift(period: Period, tz: str) -> tuple[str, dict[str, Any]]:
    """An SQLite date modifier moving a plan's stored (UTC) last-change time to the clinic's
    local time (clinic_clock), as an expression and its parameters: one offset for China
    Standard Time, a CASE over the changes in a zone with daylight saving. The local dates
    that decide anything lie within a day of the year's window; outside it the nearest
    offset is used."""
    spans = clinic_clock.utc_offsets(
        date(period.year, 1, 1) - timedelta(days=2), period.end + timedelta(days=1), tz
    )
    params: dict[str, Any] = {}
    for i, (since, offset) in enumerate(spans):
        params[f"shift{i}"] = f"{int(offset.total_seconds() // 60):+d} minutes"
        params[f"since{i}"] = str(since)
    if len(spans) == 1:
        return ":shift0", params
    cases = " ".join(
        f"WHEN p.updated_at < :since{i} THEN :shift{i - 1}" for i in range(1, len(spans))
    )
    return f"(CASE {cases} ELSE :shift{len(spans) - 1} END)", params


# the local day a plan ended (结案 / 死亡 / 失访: the day of its last change); NULL while it
# runs, and for a plan ended after the window (still managed in it)
ENDED = (
    "(CASE WHEN p.status = 'active' THEN NULL"
    " WHEN date(p.updated_at, {local}) >= :window_end THEN NULL"
    " ELSE date(p.updated_at, {local}) END)"
)
ONLY_PATIENTS = "\n    AND p.patient_id IN (SELECT value FROM json_each(:only_patients))"
FROM_RESIDENT = "\n    AND p.patient_id >= :from_resident"
BELOW_RESIDENT = "\n    AND p.patient_id < :below_resident"

# Residents by record id: from the first, below the second (None: no bound)
Span = tuple[str | None, str | None]


def _sql(
    body: str, kinds: list[str], local: str, only: bool = False, span: Span = (None, None)
) -> Any:
    marks = ", ".join(f"'{k}'" for k in kinds if k.isalnum())  # plan kinds: fixed words
    f2f = ", ".join(f"'{m}'" for m in sorted(fu.FACE_TO_FACE) if m.isalnum())
    return text(
        PER_PATIENT.format(
            kinds=marks,
            face_to_face=f2f,
            ended=ENDED.format(local=local),
            only_patients=ONLY_PATIENTS if only else "",
            span=(FROM_RESIDENT if span[0] is not None else "")
            + (BELOW_RESIDENT if span[1] is not None else ""),
        )
        + body
    )


def _params(
    period: Period, targets: ControlTargets | None = None, tz: str = clinic_clock.DEFAULT_TIMEZONE
) -> dict[str, Any]:
    """The statement's parameters; ``targets``: the province's control targets (设置), the
    same ones a visit is classified against (the standard's values when not given)."""
    t = targets or ControlTargets()
    year_start = date(period.year, 1, 1)
    year_start_utc = clinic_clock.day_start_utc(year_start, tz)
    return {
        "year_start": year_start.isoformat(),
        "window_end": period.end.isoformat(),
        "year_start_utc": str(year_start_utc),
        "days_in_year": (date(period.year + 1, 1, 1) - year_start).days,
        "per_year": REQUIRED_VISITS_A_YEAR,
        "elderly_age": t.elderly_age,
        "elderly_sbp": t.elderly_sbp,
        "elderly_dbp": t.elderly_dbp,
        "sbp": t.htn_sbp,
        "dbp": t.htn_dbp,
        "fpg": t.dm_fpg,
    }


def _statement(
    body: str,
    period: Period,
    kinds: list[str],
    targets: ControlTargets | None,
    tz: str,
    only: list[str] | None = None,
    span: Span = (None, None),
) -> tuple[Any, dict[str, Any]]:
    local, shifts = _local_shift(period, tz)
    params = {**_params(period, targets, tz), **shifts}
    if only is not None:
        params["only_patients"] = json.dumps(only)
    params["from_resident"], params["below_resident"] = span
    return _sql(body, kinds, local, only is not None, span), params


def kaohe_counts(
    s: Session,
    period: Period,
    kinds: list[str],
    targets: ControlTargets | None = None,
    tz: str = clinic_clock.DEFAULT_TIMEZONE,
) -> dict[str, tuple[int, ...]]:
    """Per disease: managed, 规范管理, 控制 (last reading on target, not 失访), 失访, no
    reading in the year."""
    rows = s.execute(*_statement(COUNTS, period, kinds, targets, tz))
    return {r[0]: tuple(int(x or 0) for x in r[1:]) for r in rows}


STANDARD, CONTROLLED, LOST, UNVISITED = 1, 2, 4, 8


def kaohe_verdicts(
    s: Session,
    period: Period,
    kinds: list[str],
    targets: ControlTargets | None = None,
    tz: str = clinic_clock.DEFAULT_TIMEZONE,
    only: list[str] | None = None,
    span: Span = (None, None),
) -> list[tuple[str, str, int]]:
    """Each managed patient's (kind, resident id, verdicts: STANDARD | CONTROLLED | LOST |
    UNVISITED) — of the residents in ``only`` alone when given, of those whose record id is
    in ``span`` when given (what ``kaohe_counts`` counts, patient by patient)."""
    rows = s.execute(*_statement(VERDICTS, period, kinds, targets, tz, only, span)).all()
    return [(k, r, int(v)) for k, v, rs in rows for r in json.loads(rs)]


def middle_resident(s: Session) -> str | None:
    """The resident in the middle of the plans in resident order (None: no plans): where a
    whole count splits into two halves of about the same work."""
    found = s.execute(
        text(
            "SELECT patient_id FROM followup_plans ORDER BY patient_id "
            "LIMIT 1 OFFSET (SELECT count(*) / 2 FROM followup_plans)"
        )
    ).scalar()
    return None if found is None else str(found)


def kaohe_rows(
    s: Session,
    period: Period,
    kinds: list[str],
    targets: ControlTargets | None = None,
    tz: str = clinic_clock.DEFAULT_TIMEZONE,
) -> list[Any]:
    """Every managed patient's row (see ROWS)."""
    return list(s.execute(*_statement(ROWS, period, kinds, targets, tz)))
