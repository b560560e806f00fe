"""One clinic clock: dates the clinic sees, prints and numbers by are Beijing dates, whatever
time zone the PC is set to; storage stays UTC."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.domain import clinic_clock
from app.domain.referral import ReferralInput, Status
from app.services.bundle import AppServices
from app.services.referrals import ReferralFilter
from tests.services.test_referrals import downward, upward

# 07:30 on 1 December in Beijing is 23:30 on 30 November in UTC.
MORNING_UTC = datetime(2026, 11, 30, 23, 30)


@pytest.fixture(params=["UTC", "America/New_York"])
def pc_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The PC's own time zone (the process TZ), which must not matter."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def patient_id(services: AppServices) -> str:
    from app.domain.patient import PatientInput

    return services.patients.create(
        PatientInput(name="张三", id_number="11010519491231002X", phone="13812345678")
    ).id


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def test_clinic_today_is_the_beijing_date_from_the_injected_clock(
    services: AppServices, pc_zone: str
) -> None:
    services.ctx.clock = lambda: MORNING_UTC
    assert datetime.now().astimezone().tzname() != "CST"  # the PC is not on Beijing time
    assert services.ctx.today() == date(2026, 12, 1)
    assert services.ctx.now_local() == datetime(2026, 12, 1, 7, 30)
    services.ctx.clock = lambda: datetime(2026, 11, 30, 15, 59)
    assert services.ctx.today() == date(2026, 11, 30)  # 23:59 Beijing
    services.ctx.clock = lambda: datetime(2026, 11, 30, 16, 0)
    assert services.ctx.today() == date(2026, 12, 1)  # midnight Beijing


def test_the_real_clock_gives_the_beijing_date_too(services: AppServices, pc_zone: str) -> None:
    now_utc = datetime.now(UTC)
    expected = now_utc.astimezone(clinic_clock.zone("Asia/Shanghai")).date()
    assert services.ctx.today() in (expected, clinic_clock.today())


def test_a_morning_slip_is_numbered_and_printed_with_the_clinic_date(
    services: AppServices, patient_id: str, pc_zone: str
) -> None:
    services.ctx.clock = lambda: MORNING_UTC
    r = services.referrals.create_upward(upward(patient_id))
    assert "-20261201-" in r.number
    assert r.referred_at == MORNING_UTC  # stored in UTC
    pdf, _row, _reprint = services.referrals.slip_pdf(r.id, "A4")
    text = pdf_text(pdf)
    assert "2026年12月01日" in text
    assert "11月30日" not in text and "2026年11月30" not in text
    # The list's date filter works on clinic dates: 1 December finds it, 30 November does not.
    one_day = ReferralFilter(date_from=date(2026, 12, 1), date_to=date(2026, 12, 1))
    assert [x.id for x in services.referrals.search(one_day)] == [r.id]
    day_before = ReferralFilter(date_from=date(2026, 11, 30), date_to=date(2026, 11, 30))
    assert services.referrals.search(day_before) == []


def test_a_reprint_stamps_the_clinic_time(
    services: AppServices, patient_id: str, pc_zone: str
) -> None:
    services.ctx.clock = lambda: MORNING_UTC
    r = services.referrals.create_upward(upward(patient_id))
    services.referrals.slip_pdf(r.id)
    pdf, _row, reprint = services.referrals.slip_pdf(r.id)
    assert reprint
    assert "2026-12-01 07:30" in pdf_text(pdf)


def test_a_paper_slip_dated_today_keeps_its_date_and_starts_its_plan_that_day(
    services: AppServices, patient_id: str, pc_zone: str
) -> None:
    services.ctx.clock = lambda: MORNING_UTC
    data: ReferralInput = downward(patient_id, referred_on=date(2026, 12, 1), followup_date=None)
    r = services.referrals.enter_downward(data)
    assert "-20261201-" in r.number
    assert r.referred_at is not None
    assert clinic_clock.local_date(r.referred_at) == date(2026, 12, 1)
    plans = services.followups.plans(patient_id)
    assert [p.start_date for p in plans] == [date(2026, 12, 1)]
    pdf, _row, _ = services.referrals.slip_pdf(r.id, "A5")
    assert "2026年12月01日" in pdf_text(pdf)


def test_another_clinic_zone_from_settings(data_dir: Path) -> None:
    from app.config import Settings
    from app.services.context import ServiceContext

    Settings(clinic_timezone="Asia/Urumqi").save(data_dir)
    ctx = ServiceContext.open(data_dir, clock=lambda: datetime(2026, 11, 30, 17, 30))
    try:
        assert ctx.timezone == "Asia/Urumqi"
        assert ctx.today() == date(2026, 11, 30)  # 23:30 in Urumqi, 01:30 in Beijing
    finally:
        ctx.dispose()
    assert Settings.from_dict({"clinic_timezone": "Mars/Olympus"}).clinic_timezone == (
        "Asia/Shanghai"
    )


def test_status_history_stays_in_utc(services: AppServices, patient_id: str, pc_zone: str) -> None:
    services.ctx.clock = lambda: MORNING_UTC
    r = services.referrals.create_upward(upward(patient_id))
    assert r.status == Status.PENDING.value
    assert {h.at for h in services.referrals.history(r.id)} == {MORNING_UTC}
