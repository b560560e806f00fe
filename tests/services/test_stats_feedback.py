"""上转反馈率 against plain SQL where the answer comes from every place it can: the slip's
receipt / arrival / 回执 times, the county's answers in a referral's history (only the
county's, only receipt, refusal or arrival), a refusal with no time of its own; and exactly
at 14 days, one second after, and times stored with a 'T'.

The figures read a referral's history only when its slip holds no answer in time
(app/services/stats_referrals.py); the plain SQL here takes the earliest of every answer.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain.idcard import make_number
from app.domain.patient import PatientInput
from app.domain.periods import month, quarter
from app.domain.referral import UP_INDICATIONS
from app.services.bundle import AppServices
from tests.services.test_stats import at, sql, upward

NOW = datetime(2026, 11, 30, 4, 0)  # UTC = 12:00 Beijing

# key: (referred at, UTC), what the county or the clinic recorded, the answer expected
CASES = {
    "history_in_time": (datetime(2026, 10, 1, 2), "in_time"),
    "history_late": (datetime(2026, 10, 2, 2), "late"),
    "slip_late_history_early": (datetime(2026, 10, 3, 2), "in_time"),
    "refused_no_time": (datetime(2026, 10, 4, 2), "in_time"),
    "refused_answer_late": (datetime(2026, 10, 5, 2), "late"),
    "receipt_at_14_days": (datetime(2026, 10, 7, 2), "in_time"),
    "receipt_a_second_late": (datetime(2026, 10, 8, 2), "late"),
    "history_with_t": (datetime(2026, 10, 9, 2), "in_time"),
    "clinic_side_only": (datetime(2026, 10, 10, 2), "late"),
    "county_completed_only": (datetime(2026, 10, 11, 2), "late"),
    "arrival_in_time": (datetime(2026, 10, 12, 2), "in_time"),
    "waiting": (datetime(2026, 11, 25, 2), "waiting"),
}


def event(c: sqlite3.Connection, rid: str, side: str, to_status: str, at_text: str) -> None:
    c.execute(
        "INSERT INTO referral_events (id, clinic_code, version, created_at, updated_at, deleted,"
        " sync_state, referral_id, from_status, to_status, side, actor, at, reason, kind)"
        " VALUES (?, 'TH001', 1, ?, ?, 0, 'synced', ?, 'pending', ?, ?, '县医院', ?, '', 'status')",
        (str(uuid.uuid4()), at_text, at_text, rid, to_status, side, at_text),
    )


@pytest.fixture
def refs(services: AppServices, data_dir: Path) -> dict[str, str]:
    at(services, datetime(2026, 9, 1, 4, 0))
    pid = services.patients.create(
        PatientInput(
            name="王老汉",
            id_number=make_number("341122", datetime(1956, 3, 10).date(), 10),
            village="桃花村",
            phone="13800000000",
        )
    ).id
    r = {}
    for key, (when, _answer) in CASES.items():
        at(services, when)
        r[key] = services.referrals.create_upward(upward(pid, "心血管内科", [UP_INDICATIONS[0]])).id
    at(services, NOW)
    with sqlite3.connect(db_path(data_dir)) as c:

        def slip(key: str, column: str, value: str, status: str = "received") -> None:
            c.execute(
                f"UPDATE referrals SET status = ?, {column} = ? WHERE id = ?",
                (status, value, r[key]),
            )

        event(c, r["history_in_time"], "county", "received", "2026-10-10 02:00:00.000000")
        event(c, r["history_late"], "county", "received", "2026-10-20 02:00:00.000000")
        slip("slip_late_history_early", "received_at", "2026-10-25 02:00:00.000000")
        event(c, r["slip_late_history_early"], "county", "arrived", "2026-10-05 02:00:00")
        c.execute(
            "UPDATE referrals SET status='rejected', rejected_reason='床位已满', updated_at=?"
            " WHERE id IN (?, ?)",
            ("2026-10-06 02:00:00.000000", r["refused_no_time"], r["refused_answer_late"]),
        )
        event(c, r["refused_answer_late"], "county", "rejected", "2026-10-30 02:00:00.000000")
        slip("receipt_at_14_days", "feedback_at", "2026-10-21 02:00:00", "completed")
        slip("receipt_a_second_late", "received_at", "2026-10-22 02:00:01.000000")
        event(c, r["history_with_t"], "county", "received", "2026-10-12T02:00:00")
        event(c, r["clinic_side_only"], "clinic", "received", "2026-10-11 02:00:00.000000")
        event(c, r["county_completed_only"], "county", "completed", "2026-10-12 02:00:00")
        slip("arrival_in_time", "arrived_at", "2026-10-20 02:00:00.000000", "arrived")
    return r


ANSWERS = """
  SELECT r.id,
    min(coalesce(strftime('%Y-%m-%d %H:%M:%f', r.received_at), '~'),
        coalesce(strftime('%Y-%m-%d %H:%M:%f', r.arrived_at), '~'),
        coalesce(strftime('%Y-%m-%d %H:%M:%f', r.feedback_at), '~'),
        coalesce((SELECT min(strftime('%Y-%m-%d %H:%M:%f', e.at)) FROM referral_events e
                  WHERE e.referral_id = r.id AND e.side = 'county'
                    AND e.to_status IN ('received', 'rejected', 'arrived')), '~')) AS answer,
    strftime('%Y-%m-%d %H:%M:%f', r.referred_at, '+14 days') AS answer_by,
    CASE WHEN r.rejected_reason != '' THEN strftime('%Y-%m-%d %H:%M:%f', r.updated_at) END
      AS refused
  FROM referrals r
  WHERE r.direction = 'up' AND r.deleted = 0 AND r.status NOT IN ('draft', 'cancelled')
    AND date(r.referred_at, '+8 hours') >= ? AND date(r.referred_at, '+8 hours') < ?
"""


def plain_answers(data_dir: Path, start: str, end: str, now: str) -> dict[str, str]:
    out = {}
    for rid, answer, answer_by, refused in sql(data_dir, ANSWERS, start, end):
        first = answer if answer != "~" else refused
        if first is not None and first <= answer_by:
            out[rid] = "in_time"
        else:
            out[rid] = "late" if now >= answer_by else "waiting"
    return out


def test_feedback_takes_the_earliest_answer_from_every_place(
    services: AppServices, data_dir: Path, refs: dict[str, str]
) -> None:
    plain = plain_answers(data_dir, "2026-10-01", "2027-01-01", "2026-11-30 04:00:00.000")
    assert plain == {refs[k]: answer for k, (_w, answer) in CASES.items()}
    q4 = services.stats.referral_figures(quarter(2026, 4))
    in_time = sum(1 for a in plain.values() if a == "in_time")
    late = sum(1 for a in plain.values() if a == "late")
    assert (q4.feedback.numerator, q4.feedback.denominator) == (in_time, in_time + late)
    assert (in_time, late, q4.feedback_waiting) == (6, 5, 1)
    no_answer = services.stats.drill("referrals.no_feedback", quarter(2026, 4))
    assert set(no_answer.ids) == {rid for rid, a in plain.items() if a == "late"}
    october = services.stats.referral_figures(month(2026, 10))
    assert (october.feedback.numerator, october.feedback.denominator) == (6, 11)
