"""The 统计 figures of a closed period are kept until a record they are counted from changes:
``stats_marks`` holds a random token per area (referrals / followups) and year, and triggers
give a year a new token on every write that can change its figures, whoever writes (the
services, a pull from the hub, bulk seeding, plain SQL). See app/services/stats_cache.py.

What each trigger marks (years are calendar years; a stored UTC time marks the years of the
day before and after it too, so any clinic time zone is covered):
- a referral: the years of its referral time, before and after the change (only when a
  column the figures read changes: not for a sync acknowledgement or a print count);
- a county answer in a referral's history (received / rejected / arrived): every year of
  referrals (a trigger may name no other table: a later migration rebuilding that table
  would fail); the answer changes the referral's own row too, which marks its years;
- a follow-up visit: the years of its visit date and next-visit date, before and after;
- a follow-up plan: every year from its start (or the year before its last change, if
  earlier) when its voided flag, resident, kind, start, status or, for a plan no longer
  active or one with a sibling started the same day, its last-change time changes (these
  decide which years manage it and which of a resident's plans is current); every year
  when it is voided, moved to another resident or erased;
- a resident: every year when voided, restored or erased, or when the birth date changes
  (the ≥ 65 blood-pressure target).

Revision ID: 0019c_stats_marks
Revises: 0014a_stats_ix, 0003_referrals
"""

from __future__ import annotations

from alembic import op

revision = "0019c_stats_marks"
# after the 统计 indexes (and so the follow-up tables) and the referral tables its triggers
# are on (a column named in UPDATE OF may come later: 0010a adds feedback_at in place)
down_revision = ("0014a_stats_ix", "0003_referrals")
branch_labels = None
depends_on = None

FIRST_YEAR, LAST_YEAR = 1990, 2100
AREAS = ("referrals", "followups")

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


def _utc_years(t: str) -> str:
    """The years of the day before and after a stored UTC time (NULL: none)."""
    return (
        f"CAST(strftime('%Y', {t}, '-1 day') AS INTEGER), "
        f"CAST(strftime('%Y', {t}, '+1 day') AS INTEGER)"
    )


def _date_year(d: str) -> str:
    return f"CAST(strftime('%Y', {d}) AS INTEGER)"


def _mark(area: str, condition: str) -> str:
    return f"UPDATE stats_marks SET token = random() WHERE area = '{area}' AND {condition};"


def _county_answer(row: str) -> str:
    """A history row the 上转反馈率 reads: the county receiving, refusing or seeing the patient."""
    return f"({row}.side = 'county' AND {row}.to_status IN ('received', 'rejected', 'arrived'))"


REFERRAL_COLUMNS = (
    "id, number, direction, status, referred_at, patient_name, to_department, indications, "
    "rejected_reason, updated_at, received_at, arrived_at, feedback_at, deleted"
)
REFERRAL_YEARS_BEFORE_AND_AFTER = (
    f"{_utc_years('OLD.referred_at')}, {_utc_years('NEW.referred_at')}"
)
VISIT_COLUMNS = (
    "id, plan_id, patient_id, visit_date, next_date, method, sbp, dbp, fasting_glucose, "
    "created_at, deleted"
)


def _plan_from(row: str) -> str:
    return f"min({_date_year(f'{row}.start_date')}, {_date_year(f'{row}.updated_at')} - 1)"


PLAN_SIBLING = (
    "EXISTS (SELECT 1 FROM followup_plans q WHERE q.patient_id = NEW.patient_id "
    "AND q.kind = NEW.kind AND q.start_date = NEW.start_date AND q.id != NEW.id)"
)

STATEMENTS = [
    # referrals
    f"""CREATE TRIGGER stats_mark_referral_insert AFTER INSERT ON referrals BEGIN
      {_mark("referrals", f"year IN ({_utc_years('NEW.referred_at')})")}
    END""",
    f"""CREATE TRIGGER stats_mark_referral_update AFTER UPDATE OF {REFERRAL_COLUMNS}
    ON referrals BEGIN
      {_mark("referrals", f"year IN ({REFERRAL_YEARS_BEFORE_AND_AFTER})")}
    END""",
    f"""CREATE TRIGGER stats_mark_referral_delete AFTER DELETE ON referrals BEGIN
      {_mark("referrals", f"year IN ({_utc_years('OLD.referred_at')})")}
    END""",
    # a county answer in a referral's history: every year (a trigger naming another table
    # would stop later migrations from rebuilding that table); the answer also changes the
    # referral itself (status, times), which marks its own years as above
    f"""CREATE TRIGGER stats_mark_referral_event_insert AFTER INSERT ON referral_events
    WHEN {_county_answer("NEW")} BEGIN
      {_mark("referrals", "year >= 0")}
    END""",
    f"""CREATE TRIGGER stats_mark_referral_event_update AFTER UPDATE ON referral_events
    WHEN {_county_answer("OLD")} OR {_county_answer("NEW")} BEGIN
      {_mark("referrals", "year >= 0")}
    END""",
    f"""CREATE TRIGGER stats_mark_referral_event_delete AFTER DELETE ON referral_events
    WHEN {_county_answer("OLD")} BEGIN
      {_mark("referrals", "year >= 0")}
    END""",
    # follow-up visits
    f"""CREATE TRIGGER stats_mark_visit_insert AFTER INSERT ON followup_visits BEGIN
      {
        _mark(
            "followups",
            f"year IN ({_date_year('NEW.visit_date')}, {_date_year('NEW.next_date')})",
        )
    }
    END""",
    f"""CREATE TRIGGER stats_mark_visit_update AFTER UPDATE OF {VISIT_COLUMNS}
    ON followup_visits BEGIN
      {
        _mark(
            "followups",
            f"year IN ({_date_year('OLD.visit_date')}, {_date_year('OLD.next_date')}, "
            f"{_date_year('NEW.visit_date')}, {_date_year('NEW.next_date')})",
        )
    }
    END""",
    f"""CREATE TRIGGER stats_mark_visit_delete AFTER DELETE ON followup_visits BEGIN
      {
        _mark(
            "followups",
            f"year IN ({_date_year('OLD.visit_date')}, {_date_year('OLD.next_date')})",
        )
    }
    END""",
    # follow-up plans
    f"""CREATE TRIGGER stats_mark_plan_insert AFTER INSERT ON followup_plans BEGIN
      {_mark("followups", f"year >= coalesce({_plan_from('NEW')}, 0)")}
    END""",
    f"""CREATE TRIGGER stats_mark_plan_update AFTER UPDATE ON followup_plans
    WHEN OLD.deleted IS NOT NEW.deleted OR OLD.patient_id IS NOT NEW.patient_id
      OR OLD.kind IS NOT NEW.kind OR OLD.start_date IS NOT NEW.start_date
      OR OLD.status IS NOT NEW.status OR OLD.id IS NOT NEW.id
      OR (OLD.updated_at IS NOT NEW.updated_at
          AND (OLD.status != 'active' OR NEW.status != 'active' OR {PLAN_SIBLING}))
    BEGIN
      {
        _mark(
            "followups",
            "year >= CASE WHEN OLD.deleted IS NOT NEW.deleted "
            "OR OLD.patient_id IS NOT NEW.patient_id OR OLD.id IS NOT NEW.id THEN 0 "
            f"ELSE coalesce(min({_plan_from('OLD')}, {_plan_from('NEW')}), 0) END",
        )
    }
    END""",
    f"""CREATE TRIGGER stats_mark_plan_delete AFTER DELETE ON followup_plans BEGIN
      {_mark("followups", "year >= 0")}
    END""",
    # residents
    f"""CREATE TRIGGER stats_mark_patient_insert AFTER INSERT ON patients
    WHEN NEW.deleted != 0 BEGIN
      {_mark("followups", "year >= 0")}
    END""",
    f"""CREATE TRIGGER stats_mark_patient_update AFTER UPDATE OF deleted, birth_date, id
    ON patients
    WHEN OLD.deleted IS NOT NEW.deleted OR OLD.birth_date IS NOT NEW.birth_date
      OR OLD.id IS NOT NEW.id
    BEGIN
      {_mark("followups", "year >= 0")}
    END""",
    f"""CREATE TRIGGER stats_mark_patient_delete AFTER DELETE ON patients BEGIN
      {_mark("followups", "year >= 0")}
    END""",
]


def upgrade() -> None:
    op.execute(
        "CREATE TABLE stats_marks (area VARCHAR(20) NOT NULL, year INTEGER NOT NULL, "
        "token INTEGER NOT NULL, CONSTRAINT pk_stats_marks PRIMARY KEY (area, year))"
    )
    for area in AREAS:
        op.execute(
            "WITH RECURSIVE y(n) AS (SELECT " + str(FIRST_YEAR) + " UNION ALL "
            "SELECT n + 1 FROM y WHERE n < " + str(LAST_YEAR) + ") "
            f"INSERT INTO stats_marks (area, year, token) SELECT '{area}', n, random() FROM y"
        )
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE stats_marks")
