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


def test_the_report_names_the_clock_its_period_is_cut_by(
    services: AppServices, data_dir: Path
) -> None:
    """北京时间 on the report of a clinic on China Standard Time; a clinic that set another
    zone sees that zone named, not a Beijing cut it does not use (PDF and xlsx)."""
    import io
    import subprocess

    from openpyxl import load_workbook

    build(services, data_dir)

    def printed(fmt: str) -> str:
        data = services.stats.report(quarter(2026, 4), fmt)
        if fmt == "pdf":
            return subprocess.run(
                ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
            ).stdout.decode()
        book = load_workbook(io.BytesIO(data))
        return "\n".join(
            str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
        )

    for fmt in ("pdf", "xlsx"):
        assert "2026-10-01 至 2026-12-31（北京时间）" in printed(fmt), fmt
    services.ctx.timezone = "Asia/Urumqi"
    for fmt in ("pdf", "xlsx"):
        text = printed(fmt)
        assert "2026-10-01 至 2026-12-31（当地时间，Asia/Urumqi）" in text, fmt
        assert "北京时间）" not in text, fmt
