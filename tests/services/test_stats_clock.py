"""统计 follows the clinic's clock (the zone of its settings), not a fixed +8 hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from app.domain import clinic_clock
from app.domain.periods import quarter, year
from app.domain.stats import local_time_text
from app.services.bundle import AppServices
from tests.services.test_stats import Dataset, build


def test_china_standard_time_has_one_offset_and_a_summer_time_zone_its_changes() -> None:
    assert clinic_clock.utc_offsets(date(2026, 1, 1), date(2026, 12, 31)) == [
        (datetime(2025, 12, 31, 16, 0), timedelta(hours=8))
    ]
    berlin = clinic_clock.utc_offsets(date(2026, 1, 1), date(2026, 12, 31), "Europe/Berlin")
    assert berlin == [
        (datetime(2025, 12, 31, 23, 0), timedelta(hours=1)),
        (datetime(2026, 3, 29, 1, 0), timedelta(hours=2)),  # 02:00 local becomes 03:00
        (datetime(2026, 10, 25, 1, 0), timedelta(hours=1)),
    ]


def test_referral_periods_are_cut_at_the_clinics_own_midnight(
    services: AppServices, data_dir: Path
) -> None:
    data: Dataset = build(services, data_dir)
    assert data.referrals
    stats = services.stats
    # Beijing: 16:00 UTC on 30 September is 00:00 on 1 October (Q4)
    assert (
        stats.referral_figures(quarter(2026, 3)).up,
        stats.referral_figures(quarter(2026, 4)).up,
    ) == (1, 5)
    # a clinic set to Xinjiang time (UTC+6): the same moment is 22:00 on 30 September (Q3),
    # and 16:00 UTC on 31 December 2025 is still 2025 there
    services.ctx.timezone = "Asia/Urumqi"
    assert (
        stats.referral_figures(quarter(2026, 3)).up,
        stats.referral_figures(quarter(2026, 4)).up,
    ) == (2, 4)
    assert stats.referral_figures(year(2025)).up == 1
    f = stats.figures(quarter(2026, 4), with_earlier=False)
    assert f.timezone == "Asia/Urumqi"
    assert (
        local_time_text(f.computed_at, f.timezone)
        == f"{f.computed_at + timedelta(hours=6):%Y-%m-%d %H:%M}"
    )
