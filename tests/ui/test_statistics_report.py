"""The report saved from the 统计 page is written from the figures on screen (not counted a
second time), and counted afresh when a record changed since they were shown."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.domain.periods import quarter
from app.services.bundle import AppServices
from app.ui.pages.statistics import StatisticsPage
from tests.services.test_stats import visit
from tests.ui.test_statistics_page import choose, data, page  # noqa: F401  (fixtures)


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return "".join(out.split())


def visits_done(path: Path) -> int:
    """已随访（次） of this period, as the report's figure table prints it."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    (line,) = [x for x in out.splitlines() if x.strip().startswith("已随访（次）")]
    return int(line.split()[1])


def test_the_report_is_written_from_the_figures_on_screen(
    qtbot: QtBot,
    page: StatisticsPage,  # noqa: F811
    services: AppServices,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    choose(qtbot, page, quarter(2026, 4))
    counted: list[object] = []
    real = services.stats.figures
    monkeypatch.setattr(
        services.stats, "figures", lambda *a, **k: counted.append(a) or real(*a, **k)
    )
    out = tmp_path / "q4.pdf"
    page.save_report(out, "pdf")
    qtbot.waitUntil(lambda: "报表已保存" in page.status.text(), timeout=15_000)
    assert counted == []  # the figures on screen, with the year before, as they are
    shown = page.figures
    assert shown is not None and shown.followups is not None
    text = pdf_text(out)
    assert "2026年第4季度" in text and visits_done(out) == shown.followups.visits_done


def test_a_change_since_the_figures_were_shown_is_counted_into_the_report(
    qtbot: QtBot,
    page: StatisticsPage,  # noqa: F811
    services: AppServices,
    data,  # noqa: F811
    tmp_path: Path,
) -> None:
    choose(qtbot, page, quarter(2026, 4))
    shown = page.figures
    assert shown is not None and shown.followups is not None
    before = shown.followups.visits_done
    services.followups.record_visit(data.plans["mid"], visit(date(2026, 10, 20), 150, 95))
    assert page._stale  # the change reached the page: its figures are no longer current
    out = tmp_path / "q4.pdf"
    page.save_report(out, "pdf")
    qtbot.waitUntil(lambda: "报表已保存" in page.status.text(), timeout=15_000)
    assert visits_done(out) == before + 1
