"""The 考核 counts (规范管理率, 控制率, 失访) are kept per patient and brought up to date from the
log of residents whose records changed, instead of counted again for the whole year: after
every kind of write — through the services, by plain SQL, a sequence of mixed writes — the
kept counts equal a count made from scratch on the same database, and only the residents
named were counted again. A log with rows missing, or a missing trigger, makes the whole
period count again, never a stale figure.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.db import migrate
from app.db.engine import db_path
from app.domain.followup import PlanStatus
from app.domain.periods import Period, month, year
from app.services.bundle import AppServices
from app.services.stats_kaohe import kaohe_counts, middle_resident
from app.services.stats_tally import TRIGGERS
from tests.services.test_stats import Dataset, build, visit

Y2026 = year(2026)


@pytest.fixture
def data(services: AppServices, data_dir: Path) -> Dataset:
    return build(services, data_dir)


def from_scratch(services: AppServices, period: Period) -> dict[str, tuple[int, ...]]:
    """The whole period counted on the database as it is (nothing kept)."""
    ctx = services.ctx
    with ctx.reader() as s:
        counts = kaohe_counts(s, period, ["htn", "dm"], services.stats._targets(), ctx.timezone)
    return {k: tuple(v) for k, v in counts.items()}


def kept(services: AppServices, period: Period) -> dict[str, tuple[int, ...]]:
    """What the 统计 page shows, through the service (kept verdicts brought up to date)."""
    out = {}
    for kind, f in services.stats.kaohe(period).items():
        if f.managed:
            out[kind] = (
                f.managed,
                f.standard.numerator,
                f.control.numerator,
                f.lost,
                f.not_visited,
            )
    return out


def plain(data_dir: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    with sqlite3.connect(db_path(data_dir)) as c:
        for query, args in statements:
            c.execute(query, args)


def test_every_write_is_followed_resident_by_resident(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    stats = services.stats
    start = kept(services, Y2026)
    assert start == from_scratch(services, Y2026) and stats.tally.whole == 1
    htn = start["htn"]
    fs = services.followups

    # mid (50): last reading 145/85 by phone, over 140/90 -> a visit at 130/80 brings them
    # under control
    late = fs.record_visit(data.plans["mid"], visit(date(2026, 11, 25), 130, 80)).visit_id
    now = kept(services, Y2026)
    assert now["htn"][2] == htn[2] + 1
    assert now == from_scratch(services, Y2026)

    # the visit voided again (plain SQL, as a pull from the hub would write it)
    plain(data_dir, ("UPDATE followup_visits SET deleted = 1 WHERE id = ?", (late,)))
    assert kept(services, Y2026) == start == from_scratch(services, Y2026)

    # jul's plan set to 失访: lost + 1, and not counted as controlled any more
    fs.set_status(data.plans["jul"], PlanStatus.LOST, "搬迁外地")
    now = kept(services, Y2026)
    assert now["htn"][3] == htn[3] + 1 and now["htn"][2] == htn[2] - 1
    assert now == from_scratch(services, Y2026)

    # old voided: one patient fewer; restored: back
    services.patients.void(data.patients["old"], "重复建档")
    assert kept(services, Y2026)["htn"][0] == htn[0] - 1
    assert kept(services, Y2026) == from_scratch(services, Y2026)
    services.patients.restore(data.patients["old"])
    assert kept(services, Y2026) == from_scratch(services, Y2026)

    # old's birth date moved 20 years later (plain SQL): 50 at the reading, 145/85 is over
    # the under-65 target of 140/90 -> no longer controlled
    before = kept(services, Y2026)["htn"][2]
    plain(
        data_dir,
        ("UPDATE patients SET birth_date = '1976-03-10' WHERE id = ?", (data.patients["old"],)),
    )
    assert kept(services, Y2026)["htn"][2] == before - 1
    assert kept(services, Y2026) == from_scratch(services, Y2026)

    # a visit moved out of the year (plain SQL) and the dm plan moved to another resident
    plain(
        data_dir,
        (
            "UPDATE followup_visits SET visit_date = '2025-12-30' WHERE plan_id = ? "
            "AND visit_date = '2026-10-01'",
            (data.plans["dm_ok"],),
        ),
        (
            "UPDATE followup_plans SET patient_id = ? WHERE id = ?",
            (data.patients["none"], data.plans["dm_edge"]),
        ),
    )
    assert kept(services, Y2026) == from_scratch(services, Y2026)
    # all of it without counting the whole year again
    assert stats.tally.whole == 1 and stats.tally.residents > 0


def test_a_partial_period_and_the_year_before_follow_too(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    periods = [month(2026, 6), year(2025), Y2026]
    for p in periods:
        assert kept(services, p) == from_scratch(services, p)
    whole = services.stats.tally.whole
    june = kept(services, month(2026, 6))["htn"]
    # mid's visit on 31 May at 180/110 is their last reading of June's year-to-date window
    services.followups.record_visit(data.plans["mid"], visit(date(2026, 5, 31), 180, 110))
    services.followups.record_visit(data.plans["mid"], visit(date(2025, 12, 30), 120, 70))
    assert kept(services, month(2026, 6))["htn"][2] == june[2] - 1
    for p in periods:
        assert kept(services, p) == from_scratch(services, p)
    assert services.stats.tally.whole == whole


def test_random_writes_keep_every_period_equal_to_a_count_from_scratch(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    """Forty writes of every kind, chosen by a fixed seed, each followed by a look."""
    rng = random.Random(20261130)
    periods = [Y2026, month(2026, 9), year(2025)]
    for p in periods:
        kept(services, p)
    whole = services.stats.tally.whole
    plans = list(data.plans.values())
    patients = list(data.patients.values())
    with sqlite3.connect(db_path(data_dir)) as c:
        visits = [r[0] for r in c.execute("SELECT id FROM followup_visits")]
    for step in range(40):
        kind = rng.choice(
            ["visit", "visit", "void_visit", "move_visit", "status", "void_plan", "resident"]
        )
        if kind == "visit":
            day = date(2025, 6, 1) + timedelta(days=rng.randrange(600))
            if day > date(2026, 11, 30):
                day = date(2026, 11, 30)
            plan = rng.choice(plans)
            created = f"{day.isoformat()} 00:00:00.000000"  # two visits alike: a tie
            vid = str(uuid.uuid4())
            plain(
                data_dir,
                (
                    "INSERT INTO followup_visits (id, clinic_code, version, created_at, "
                    "updated_at, deleted, sync_state, plan_id, patient_id, visit_date, method, "
                    "classification, suggested_classification, sbp, dbp, fasting_glucose, "
                    "emergency, doctor, form) SELECT ?, clinic_code, 1, ?, ?, 0, 'pending', "
                    "id, patient_id, ?, ?, '', '', ?, ?, ?, 0, '李秀英', '{}' "
                    "FROM followup_plans WHERE id = ?",
                    (
                        vid,
                        created,
                        created,
                        day.isoformat(),
                        rng.choice("123"),
                        rng.randrange(110, 190),
                        rng.randrange(60, 110),
                        rng.choice([None, 6.0, 7.0, 9.5]),
                        plan,
                    ),
                ),
            )
            visits.append(vid)
        elif kind == "void_visit":
            plain(
                data_dir,
                (
                    "UPDATE followup_visits SET deleted = 1 - deleted WHERE id = ?",
                    (rng.choice(visits),),
                ),
            )
        elif kind == "move_visit":
            plain(
                data_dir,
                (
                    "UPDATE followup_visits SET visit_date = date(visit_date, ?) WHERE id = ?",
                    (f"{rng.randrange(-200, 60)} days", rng.choice(visits)),
                ),
            )
        elif kind == "status":
            status = rng.choice(["active", "closed", "lost", "dead"])
            plain(
                data_dir,
                (
                    "UPDATE followup_plans SET status = ?, updated_at = ? WHERE id = ?",
                    (status, f"2026-0{rng.randrange(1, 10)}-15 02:00:00.000000", rng.choice(plans)),
                ),
            )
        elif kind == "void_plan":
            plain(
                data_dir,
                (
                    "UPDATE followup_plans SET deleted = 1 - deleted WHERE id = ?",
                    (rng.choice(plans),),
                ),
            )
        else:
            plain(
                data_dir,
                (
                    "UPDATE patients SET deleted = 1 - deleted WHERE id = ?",
                    (rng.choice(patients),),
                ),
            )
        for p in periods:
            assert kept(services, p) == from_scratch(services, p), (step, kind, p)
    assert services.stats.tally.whole == whole  # never the whole period again


def test_two_readings_written_at_the_same_instant_the_higher_counts(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    """A bulk import can write two visits of one day at the same instant: the higher
    reading counts, whichever way the visits are read (whole year, or one resident)."""
    kept(services, Y2026)
    before = kept(services, Y2026)["htn"]
    # old's last visit (10 Nov, 145/85: on target at 70) gets a twin at 185/100
    plain(
        data_dir,
        (
            "INSERT INTO followup_visits (id, clinic_code, version, created_at, updated_at, "
            "deleted, sync_state, plan_id, patient_id, visit_date, method, classification, "
            "suggested_classification, sbp, dbp, fasting_glucose, emergency, doctor, form) "
            "SELECT ?, clinic_code, 1, created_at, updated_at, 0, sync_state, plan_id, "
            "patient_id, visit_date, method, classification, suggested_classification, 185, "
            "100, NULL, 0, doctor, form FROM followup_visits WHERE plan_id = ? "
            "AND visit_date = '2026-11-10'",
            (str(uuid.uuid4()), data.plans["old"]),
        ),
    )
    after = kept(services, Y2026)["htn"]
    assert after[2] == before[2] - 1  # not controlled on the higher reading
    assert {"htn": after} | {"dm": kept(services, Y2026)["dm"]} == from_scratch(services, Y2026)
    old = [x for x in services.stats.standings(Y2026) if x.patient_id == data.patients["old"]]
    assert [x.last_reading for x in old] == ["185/100 mmHg"]


def test_a_log_with_rows_missing_counts_the_whole_period_again(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    kept(services, Y2026)
    whole = services.stats.tally.whole
    late = services.followups.record_visit(data.plans["mid"], visit(date(2026, 11, 25), 130, 80))
    # the log emptied by hand: the rows since the kept position are gone
    plain(data_dir, ("DELETE FROM stats_changes", ()))
    plain(data_dir, ("UPDATE followup_visits SET sbp = 120 WHERE id = ?", (late.visit_id,)))
    assert kept(services, Y2026) == from_scratch(services, Y2026)
    assert services.stats.tally.whole == whole + 1


def test_the_log_keeps_its_latest_rows_only(services: AppServices, data_dir: Path) -> None:
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000) "
            "INSERT INTO stats_changes (patient_id) SELECT NULL FROM n"
        )
        rows, first, last = c.execute(
            "SELECT count(*), min(seq), max(seq) FROM stats_changes"
        ).fetchone()
    assert rows <= 50_500 and last - first + 1 == rows and last >= 60_000


def test_without_its_triggers_the_tally_keeps_nothing(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    plain(data_dir, ("DROP TRIGGER stats_change_visit_update", ()))
    kept(services, Y2026)
    whole = services.stats.tally.whole
    with sqlite3.connect(db_path(data_dir)) as c:
        vid = c.execute(
            "SELECT id FROM followup_visits WHERE plan_id = ? ORDER BY visit_date DESC",
            (data.plans["mid"],),
        ).fetchone()[0]
        c.execute("UPDATE followup_visits SET sbp = 120, method = '1' WHERE id = ?", (vid,))
    assert kept(services, Y2026) == from_scratch(services, Y2026)
    assert services.stats.tally.whole == whole + 1


def test_every_log_trigger_exists_after_migrating(tmp_path: Path) -> None:
    """A later migration that rebuilds followup_plans, followup_visits or patients drops
    the triggers on it: this fails then (add a migration creating them again)."""
    path = db_path(tmp_path)
    migrate.upgrade(path)
    with sqlite3.connect(path) as c:
        names = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert set(TRIGGERS) <= names


def restarted(services: AppServices) -> AppServices:
    """The same database through services that keep nothing in memory (the workstation
    started again)."""
    return AppServices.create(services.ctx, services.data_dir)


def test_after_a_restart_the_stored_verdicts_are_brought_up_to_date(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    kept(services, Y2026)
    kept(services, month(2026, 6))
    # written while the workstation was closed: a visit, a voided resident (plain SQL)
    services.followups.record_visit(data.plans["mid"], visit(date(2026, 11, 25), 130, 80))
    plain(data_dir, ("UPDATE patients SET deleted = 1 WHERE id = ?", (data.patients["jul"],)))
    again = restarted(services)
    for p in (Y2026, month(2026, 6)):
        assert kept(again, p) == from_scratch(again, p)
    assert again.stats.tally.loaded == 2 and again.stats.tally.whole == 0
    assert again.stats.tally.residents > 0
    # the change was stored too: the next start reads it back with nothing left to count
    third = restarted(services)
    assert kept(third, Y2026) == from_scratch(third, Y2026)
    assert (third.stats.tally.loaded, third.stats.tally.whole, third.stats.tally.residents) == (
        1,
        0,
        0,
    )


def test_stored_verdicts_of_other_code_or_a_busy_database_are_not_used(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    kept(services, Y2026)
    plain(data_dir, ("UPDATE stats_verdict_sets SET code = 'another version'", ()))
    again = restarted(services)
    assert kept(again, Y2026) == from_scratch(again, Y2026)
    assert (again.stats.tally.loaded, again.stats.tally.whole) == (0, 1)
    # a stored row that cannot be read back: counted again, never a wrong figure
    for broken in ("[1, 2]", '{"htn": {"x": "a,b"}}', "not json"):
        plain(data_dir, ("UPDATE stats_verdict_sets SET verdicts = ?", (broken,)))
        later = restarted(services)
        assert kept(later, Y2026) == from_scratch(later, Y2026)
        assert (later.stats.tally.loaded, later.stats.tally.whole) == (0, 1)
    # a database busy with another writer: the figures are right, nothing is stored
    plain(data_dir, ("DELETE FROM stats_verdict_sets", ()))
    busy = restarted(services)
    with sqlite3.connect(db_path(data_dir), isolation_level=None) as other:
        other.execute("BEGIN IMMEDIATE")
        assert kept(busy, Y2026) == from_scratch(busy, Y2026)
        other.execute("ROLLBACK")
    with sqlite3.connect(db_path(data_dir)) as c:
        assert c.execute("SELECT count(*) FROM stats_verdict_sets").fetchone()[0] == 0


def test_only_the_last_periods_used_are_stored(services: AppServices, data: Dataset) -> None:
    services.stats.tally.stored = 3
    for m in range(1, 8):
        kept(services, month(2026, m))
    with sqlite3.connect(db_path(services.data_dir)) as c:
        names = [r[0] for r in c.execute("SELECT name FROM stats_verdict_sets ORDER BY used")]
    assert len(names) == 3
    assert all("2026" in n for n in names) and "number=7" in names[-1]


def test_a_whole_count_in_two_halves_is_one_snapshot_even_when_a_write_comes_between(
    services: AppServices, data_dir: Path, data: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A period counted from scratch is counted in two halves of the residents at once, the
    second in a read transaction of its own. A visit recorded after the first half's
    snapshot but before the second's must not be counted in this look (the look's figures
    are of one moment), and must be counted in the next."""
    stats = services.stats
    with services.ctx.reader() as s:
        middle = middle_resident(s)
    assert middle is not None
    # a resident of the second half with a plan of 2026 (the halves split the residents)
    second = [k for k, pid in data.patients.items() if pid >= middle and k in data.plans]
    assert second, "the dataset must have a managed resident in each half"
    key = next(k for k in second if k in ("old", "mid", "lost", "none", "jul"))
    before = from_scratch(services, Y2026)

    real_reader = services.ctx.reader
    opened: list[bool] = []

    def reader_after_a_write():  # type: ignore[no-untyped-def]
        # the second half's transaction (its own thread): a visit lands just before it
        if threading.current_thread().name.startswith("kaohe-half") and not opened:
            opened.append(True)
            services.followups.record_visit(data.plans[key], visit(date(2026, 11, 28), 200, 120))
        return real_reader()

    monkeypatch.setattr(services.ctx, "reader", reader_after_a_write)
    first_look = kept(services, Y2026)
    monkeypatch.undo()
    assert opened, "the second half was counted in a transaction of its own"
    assert stats.tally.halves_recounted >= 1
    assert first_look == before  # the look's figures are of the moment it started
    after = from_scratch(services, Y2026)
    assert after != before  # 200/120 on the 28th: no longer controlled (or newly read)
    assert kept(services, Y2026) == after  # the next look counts the visit


def test_a_second_half_that_cannot_be_read_is_counted_in_the_first_transaction(
    services: AppServices, data: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    real_reader = services.ctx.reader

    def failing_on_the_second_thread():  # type: ignore[no-untyped-def]
        if threading.current_thread().name.startswith("kaohe-half"):
            raise OperationalError("SELECT", {}, Exception("disk I/O error"))
        return real_reader()

    expected = from_scratch(services, Y2026)
    monkeypatch.setattr(services.ctx, "reader", failing_on_the_second_thread)
    figures = kept(services, Y2026)
    monkeypatch.undo()
    assert figures == expected
    assert services.stats.tally.halves_recounted == 1
