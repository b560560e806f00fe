"""The 考核 of a year, per managed patient, in one SQL statement (the 统计 figures' hot path).

A year holds ~40,000 managed patients and ~100,000 visits; building them in Python took
seconds, so SQLite does it: every patient managed for hypertension or diabetes in
``[year start, window end)``, their face-to-face visits, the visits due (pro rata from
enrolment), the last reading and whether it is on target, and 失访. ``PER_PATIENT`` is the
one definition: ``StatsService.standings`` lists its rows, ``kaohe_counts`` counts them,
``kaohe_verdicts`` gives each patient's verdicts (for some residents only, when asked: the
statement then reads their plans and visits alone, through the resident and plan indexes).
The rules and thresholds are app/domain/stats.py's, passed in as parameters.

A patient's current plan is the one started last (then changed last, then the greater record
id); their last reading is the one of the latest visit date, then recorded last, then the
higher reading (two readings of one day written at the same instant, as a bulk import can
write them: the higher one counts). So the same records always give the same standing,
however SQLite happens to read them (a whole year, or one resident recounted), and reading
the visits' index alone is enough to decide it.
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

# Plans ended (结案 / 死亡 / 失访) end on the local day of their last change; a plan ended
# after the window is still managed in it; one ended before the year is not managed in it.
PER_PATIENT = """
WITH plans AS (
  SELECT p.id, p.patient_id, p.kind, p.doctor, p.start_date, p.status,
         p.start_date || ' ' || p.updated_at || ' ' || p.id AS order_key,
         CASE WHEN p.status = 'active' THEN NULL
              WHEN date(p.updated_at, {local}) >= :window_end THEN NULL
              ELSE date(p.updated_at, {local}) END AS ended
  FROM followup_plans p
  WHERE p.deleted = 0 AND p.kind IN ({kinds}) AND p.start_date < :window_end
    AND (p.status = 'active' OR p.updated_at >= :year_start_utc)
    AND p.patient_id NOT IN (SELECT id FROM patients WHERE deleted = 1){only_patients}
), live AS MATERIALIZED (
  SELECT * FROM plans WHERE ended IS NULL OR ended >= :year_start
), visits AS MATERIALIZED (
  SELECT plan_id,
         sum(CASE WHEN method IN ({face_to_face}) THEN 1 ELSE 0 END) AS f2f,
         max(CASE WHEN sbp IS NOT NULL AND dbp IS NOT NULL
                  THEN visit_date || ' ' || created_at || ' ' || (10000 + sbp) || (10000 + dbp) END)
           AS bp_key,
         sbp, dbp
  FROM followup_visits
  WHERE deleted = 0 AND visit_date >= :year_start AND visit_date < :window_end{only_plans}
  GROUP BY plan_id
), glucose AS MATERIALIZED (
  SELECT plan_id,
         max(visit_date || ' ' || created_at || ' '
             || (100000000 + CAST(round(fasting_glucose * 1000) AS INTEGER))) AS fpg_key,
         fasting_glucose
  FROM followup_visits
  WHERE deleted = 0 AND visit_date >= :year_start AND visit_date < :window_end
    AND fasting_glucose IS NOT NULL{only_plans}
  GROUP BY plan_id
), per_plan AS MATERIALIZED (
  SELECT l.*, coalesce(v.f2f, 0) AS f2f,
         CASE WHEN l.kind = 'htn' THEN v.bp_key ELSE g.fpg_key END AS reading_key,
         v.sbp, v.dbp, g.fasting_glucose
  FROM live l
  LEFT JOIN visits v ON v.plan_id = l.id
  LEFT JOIN glucose g ON g.plan_id = l.id
), spans AS MATERIALIZED (
  SELECT patient_id, kind, min(start_date) AS enrolled, sum(f2f) AS f2f,
         max(ended IS NULL) AS still_open, max(ended) AS last_end
  FROM per_plan GROUP BY patient_id, kind
), current AS MATERIALIZED (  -- the latest plan: its status says 失访, a visit is recorded on it
  SELECT patient_id, kind, max(order_key) AS k, id, doctor, status, ended
  FROM per_plan GROUP BY patient_id, kind
), readings AS MATERIALIZED (  -- the last reading of the year, over all their plans
  SELECT patient_id, kind, max(reading_key) AS reading_key, sbp, dbp, fasting_glucose
  FROM per_plan WHERE reading_key IS NOT NULL GROUP BY patient_id, kind
), people AS (
  SELECT s.patient_id, s.kind, c.id AS plan_id, c.doctor, s.enrolled, s.f2f,
         CAST(julianday(CASE WHEN s.still_open THEN :window_end
                             ELSE min(date(s.last_end, '+1 day'), :window_end) END)
              - julianday(max(s.enrolled, :year_start)) AS INTEGER) AS days,
         r.reading_key, r.sbp, r.dbp, r.fasting_glucose,
         (c.status = 'lost' AND c.ended IS NOT NULL) AS lost,
         pa.birth_date
  FROM spans s
  JOIN current c ON c.patient_id = s.patient_id AND c.kind = s.kind
  LEFT JOIN readings r ON r.patient_id = s.patient_id AND r.kind = s.kind
  JOIN patients pa ON pa.id = s.patient_id
), judged AS (
  SELECT *,
         CASE WHEN days <= 0 THEN 0
              ELSE max(1, min(:per_year, (2 * :per_year * days + :days_in_year)
                                          / (2 * :days_in_year))) END AS required,
         CASE
           WHEN reading_key IS NULL THEN 0
           WHEN kind = 'htn' THEN
             CASE WHEN (CAST(substr(reading_key, 1, 4) AS INTEGER)
                        - CAST(substr(birth_date, 1, 4) AS INTEGER)
                        - (substr(reading_key, 6, 5) < substr(birth_date, 6, 5)))
                       >= :elderly_age
                  THEN sbp < :elderly_sbp AND dbp < :elderly_dbp
                  ELSE sbp < :sbp AND dbp < :dbp END
           ELSE fasting_glucose < :fpg END AS on_target
  FROM people
)
"""

# a patient's verdicts in one number: 1 规范管理, 2 控制, 4 失访, 8 no reading in the year
VERDICTS = """
SELECT kind, patient_id,
       (f2f >= required) + 2 * coalesce(on_target AND NOT lost, 0) + 4 * lost
       + 8 * (reading_key IS NULL)
FROM judged
"""

COUNTS = """
SELECT kind, count(*), sum(f2f >= required), sum(on_target AND NOT lost), sum(lost),
       sum(reading_key IS NULL)
FROM judged GROUP BY kind
"""

ROWS = """
SELECT j.patient_id, j.plan_id, pa.name, pa.village, pa.phone, j.kind, j.doctor, j.enrolled,
       j.days, j.required, j.f2f, j.reading_key, j.sbp, j.dbp, j.fasting_glucose,
       j.on_target, j.lost
FROM judged j JOIN patients pa ON pa.id = j.patient_id
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


ONLY_PATIENTS = "\n    AND p.patient_id IN (SELECT value FROM json_each(:only_patients))"
ONLY_PLANS = "\n    AND plan_id IN (SELECT id FROM live)"


def _sql(body: str, kinds: list[str], local: str, only: bool = False) -> Any:
    marks = ", ".join(f"'{k}'" for k in kinds if k.isalnum())  # plan kinds: fixed words
    f2f = ", ".join(f"'{m}'" for m in sorted(fu.FACE_TO_FACE) if m.isalnum())
    return text(
        PER_PATIENT.format(
            kinds=marks,
            face_to_face=f2f,
            local=local,
            only_patients=ONLY_PATIENTS if only else "",
            only_plans=ONLY_PLANS if only else "",
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
) -> tuple[Any, dict[str, Any]]:
    local, shifts = _local_shift(period, tz)
    params = {**_params(period, targets, tz), **shifts}
    if only is not None:
        params["only_patients"] = json.dumps(only)
    return _sql(body, kinds, local, only is not None), params


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
) -> list[tuple[str, str, int]]:
    """Each managed patient's (kind, resident id, verdicts: STANDARD | CONTROLLED | LOST |
    UNVISITED) — of the residents in ``only`` alone when given (what ``kaohe_counts`` counts,
    patient by patient)."""
    rows = s.execute(*_statement(VERDICTS, period, kinds, targets, tz, only)).all()
    return [(r[0], r[1], int(r[2])) for r in rows]


def kaohe_rows(
    s: Session,
    period: Period,
    kinds: list[str],
    targets: ControlTargets | None = None,
    tz: str = clinic_clock.DEFAULT_TIMEZONE,
) -> list[Any]:
    """Every managed patient's row (see ROWS)."""
    return list(s.execute(*_statement(ROWS, period, kinds, targets, tz)))
