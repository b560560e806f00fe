"""Figures of closed periods are kept in the database too: after a restart (new services on
the same file) they are read back instead of counted — and counted again, with the new value
shown, as soon as a record of that year changed, whoever changed it. Storing them never fails
the read that counted them (a busy or read-only database: just not stored)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from app.db.engine import db_path, make_engine
from app.domain.periods import quarter, year
from app.domain.referral_feedback import FeedbackInput
from app.domain.stats import FollowUpFigures, ReferralFigures
from app.services import stats_cache
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from app.services.stats_cache import decode, encode
from tests.conftest import fast_hasher
from tests.services.test_stats import Dataset, build, one, visit
from tests.services.test_stats_cache import VISITS_IN_Q3

Q3 = quarter(2026, 3)  # closed on the dataset's clock (30 November 2026)


@pytest.fixture
def data(services: AppServices, data_dir: Path) -> Dataset:
    return build(services, data_dir)


@pytest.fixture
def restarted(services: AppServices, data_dir: Path) -> Iterator[list[ServiceContext]]:
    opened: list[ServiceContext] = []
    yield opened
    for c in opened:
        c.dispose()


def restart(services: AppServices, opened: list[ServiceContext], **kw: object) -> AppServices:
    """New services on the same database file, as after the workstation restarts: nothing
    kept in memory."""
    if "engine" in kw:
        ctx = ServiceContext(clock=services.ctx.clock, password_hasher=fast_hasher(), **kw)  # type: ignore[arg-type]
    else:
        ctx = ServiceContext.open(
            services.data_dir, clock=services.ctx.clock, password_hasher=fast_hasher()
        )
    ctx.actor = services.ctx.actor
    opened.append(ctx)
    return AppServices.create(ctx, services.data_dir)


def kept_rows(data_dir: Path) -> int:
    return int(str(one(data_dir, "SELECT count(*) FROM stats_kept")))


def test_after_a_restart_closed_figures_come_from_the_database(
    services: AppServices, data_dir: Path, data: Dataset, restarted: list[ServiceContext]
) -> None:
    fu, refs = services.stats.followup_figures(Q3), services.stats.referral_figures(Q3)
    assert kept_rows(data_dir) == 2
    again = restart(services, restarted).stats
    assert again.followup_figures(Q3) == fu
    assert again.referral_figures(Q3) == refs
    assert (again.closed.counted, again.closed.loaded) == (0, 2)
    assert fu.visits_done == one(data_dir, VISITS_IN_Q3)


def test_a_visit_recorded_after_the_restart_is_counted_and_shown(
    services: AppServices, data_dir: Path, data: Dataset, restarted: list[ServiceContext]
) -> None:
    before = services.stats.followup_figures(Q3)
    later = restart(services, restarted)
    later.followups.record_visit(data.plans["mid"], visit(date(2026, 8, 20), 150, 95))
    third = restart(services, restarted).stats
    after = third.followup_figures(Q3)
    assert after.visits_done == before.visits_done + 1 == one(data_dir, VISITS_IN_Q3)
    assert third.closed.counted == 1 and third.closed.loaded == 0
    # and what is stored now is the new figure
    fourth = restart(services, restarted).stats
    assert fourth.followup_figures(Q3) == after and fourth.closed.loaded == 1


def test_an_edit_by_plain_sql_while_stopped_is_counted(
    services: AppServices, data_dir: Path, data: Dataset, restarted: list[ServiceContext]
) -> None:
    before = services.stats.followup_figures(Q3)
    refs = services.stats.referral_figures(Q3)
    services.ctx.dispose()
    with sqlite3.connect(db_path(data_dir)) as c:  # no service, no audit row: only the data
        c.execute(
            "UPDATE followup_visits SET method='3' WHERE plan_id=? AND visit_date='2026-08-01'",
            (data.plans["mid"],),
        )
    again = restart(services, restarted).stats
    assert again.followup_figures(Q3).face_to_face == before.face_to_face - 1
    assert again.referral_figures(Q3) == refs  # referrals untouched: read back
    assert (again.closed.counted, again.closed.loaded) == (1, 1)


def test_a_receipt_recorded_by_another_workstation_process_is_counted(
    services: AppServices, data: Dataset, restarted: list[ServiceContext]
) -> None:
    first = restart(services, restarted)
    assert first.stats.referral_figures(Q3).feedback.numerator == 0
    services.referrals.record_feedback(
        data.referrals["q3_last"],
        FeedbackInput(method="phone", by="转诊办", at=datetime(2026, 10, 3, 10, 0)),
    )
    assert first.stats.referral_figures(Q3).feedback.numerator == 1
    assert restart(services, restarted).stats.referral_figures(Q3).feedback.numerator == 1


def test_a_stored_figure_is_not_used_under_another_token_or_by_other_code(
    services: AppServices,
    data_dir: Path,
    data: Dataset,
    restarted: list[ServiceContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = services.stats.followup_figures(Q3)
    with sqlite3.connect(db_path(data_dir)) as c:  # a forged figure under an old token
        c.execute(
            "UPDATE stats_kept SET token = token + 1, figures = replace(figures, "
            "'\"visits_done\":', '\"visits_done\":9') WHERE area = 'followups'"
        )
    again = restart(services, restarted).stats
    assert again.followup_figures(Q3) == real and again.closed.counted == 1
    # the same figure stored by other counting code (an older ClinicLink): counted again
    monkeypatch.setattr(stats_cache, "_CODE", "other code")
    other = restart(services, restarted).stats
    assert other.followup_figures(Q3) == real and other.closed.counted == 1
    # unreadable stored figures are counted again, not shown
    monkeypatch.setattr(stats_cache, "_CODE", None)
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("UPDATE stats_kept SET figures = '{\"up\": 1}'")
    broken = restart(services, restarted).stats
    assert broken.followup_figures(Q3) == real and broken.closed.counted == 1


def test_a_busy_database_does_not_fail_the_read_and_stores_nothing(
    services: AppServices, data_dir: Path, data: Dataset, restarted: list[ServiceContext]
) -> None:
    fresh = restart(services, restarted).stats
    holder = sqlite3.connect(db_path(data_dir), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        figures = fresh.followup_figures(Q3)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert figures.visits_done == one(data_dir, VISITS_IN_Q3)
    assert kept_rows(data_dir) == 0
    assert fresh.followup_figures(Q3) == figures  # still kept in memory
    # the connection waits the usual time again for the services' own writes
    assert fresh.ctx.engine.connect().exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_read_only_database_does_not_fail_the_read(
    services: AppServices, data_dir: Path, data: Dataset, restarted: list[ServiceContext]
) -> None:
    engine = make_engine(db_path(data_dir))

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.execute("PRAGMA query_only=ON")

    reader = restart(services, restarted, engine=engine).stats
    assert reader.followup_figures(Q3).visits_done == one(data_dir, VISITS_IN_Q3)
    assert reader.referral_figures(Q3) == services.stats.referral_figures(Q3)
    assert kept_rows(data_dir) == 1  # only the one the writable services stored


def test_figures_read_back_equal_the_counted_ones(services: AppServices, data: Dataset) -> None:
    for period in (Q3, year(2025), year(2026)):
        fu, refs = services.stats.followup_figures(period), services.stats.referral_figures(period)
        assert decode(FollowUpFigures, encode(fu)) == fu
        assert decode(ReferralFigures, encode(refs)) == refs
