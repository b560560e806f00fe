"""Which residents' 考核 may have changed, in order: ``stats_changes`` gets a row (an
increasing ``seq``, the resident and/or the plan) from triggers on every write that can
change a resident's 考核 standing, whoever writes (the services, a pull from the hub, bulk
seeding, plain SQL). The 统计 page keeps each managed patient's standing of a period and,
on the next look, recounts only the residents named since (app/services/stats_tally.py)
instead of the whole year.

What is named:
- a follow-up plan inserted, erased, or changed in a column the 考核 reads (resident, kind,
  doctor, start, status, voided flag, last-change time): its resident before and after,
  and the plan;
- a follow-up visit inserted, erased or changed in a column the 考核 reads: the resident it
  is recorded for and its plan, before and after (the plan is looked up when the log is
  read, so a visit whose resident disagrees with its plan's still names the right one);
- a resident inserted, erased, voided or restored, or given another birth date.

Triggers name no table but ``stats_changes`` (a later migration rebuilding a table the
trigger reads would otherwise fail). The log keeps about the last 50,000 rows: every 500th
row trims what is older; a reader that last looked before the oldest row kept counts the
whole period again.

Revision ID: 0020a_stats_changes
Revises: 0019d_stats_kept
"""

from __future__ import annotations

from alembic import op

revision = "0020a_stats_changes"
down_revision = "0019d_stats_kept"
branch_labels = None
depends_on = None

KEEP = 50_000
TRIM_EVERY = 500

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

PLAN_COLUMNS = "id, patient_id, kind, doctor, start_date, status, updated_at, deleted"
VISIT_COLUMNS = (
    "id, plan_id, patient_id, visit_date, method, sbp, dbp, fasting_glucose, created_at, deleted"
)


def _log(*rows: tuple[str, str]) -> str:
    values = ", ".join(f"({patient}, {plan})" for patient, plan in rows)
    return f"INSERT INTO stats_changes (patient_id, plan_id) VALUES {values};"


STATEMENTS = [
    f"""CREATE TRIGGER stats_change_plan_insert AFTER INSERT ON followup_plans BEGIN
      {_log(("NEW.patient_id", "NEW.id"))}
    END""",
    f"""CREATE TRIGGER stats_change_plan_update AFTER UPDATE OF {PLAN_COLUMNS}
    ON followup_plans BEGIN
      {_log(("OLD.patient_id", "OLD.id"), ("NEW.patient_id", "NEW.id"))}
    END""",
    f"""CREATE TRIGGER stats_change_plan_delete AFTER DELETE ON followup_plans BEGIN
      {_log(("OLD.patient_id", "OLD.id"))}
    END""",
    f"""CREATE TRIGGER stats_change_visit_insert AFTER INSERT ON followup_visits BEGIN
      {_log(("NEW.patient_id", "NEW.plan_id"))}
    END""",
    f"""CREATE TRIGGER stats_change_visit_update AFTER UPDATE OF {VISIT_COLUMNS}
    ON followup_visits BEGIN
      {_log(("OLD.patient_id", "OLD.plan_id"), ("NEW.patient_id", "NEW.plan_id"))}
    END""",
    f"""CREATE TRIGGER stats_change_visit_delete AFTER DELETE ON followup_visits BEGIN
      {_log(("OLD.patient_id", "OLD.plan_id"))}
    END""",
    f"""CREATE TRIGGER stats_change_patient_insert AFTER INSERT ON patients BEGIN
      {_log(("NEW.id", "NULL"))}
    END""",
    f"""CREATE TRIGGER stats_change_patient_update AFTER UPDATE OF id, deleted, birth_date
    ON patients
    WHEN OLD.id IS NOT NEW.id OR OLD.deleted IS NOT NEW.deleted
      OR OLD.birth_date IS NOT NEW.birth_date
    BEGIN
      {_log(("OLD.id", "NULL"), ("NEW.id", "NULL"))}
    END""",
    f"""CREATE TRIGGER stats_change_patient_delete AFTER DELETE ON patients BEGIN
      {_log(("OLD.id", "NULL"))}
    END""",
    f"""CREATE TRIGGER stats_change_trim AFTER INSERT ON stats_changes
    WHEN NEW.seq % {TRIM_EVERY} = 0 BEGIN
      DELETE FROM stats_changes WHERE seq <= NEW.seq - {KEEP};
    END""",
]


def upgrade() -> None:
    op.execute(
        "CREATE TABLE stats_changes (seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "
        "patient_id VARCHAR(36), plan_id VARCHAR(36))"
    )
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE stats_changes")
