"""The 统计 page on a real database: figures computed in the background, a click on a bar or a
figure opens the records behind it, an empty period says so, reports are written."""

from __future__ import annotations

import subprocess
import threading
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QPointF, Qt
from pytestqt.qtbot import QtBot

from app.domain.periods import quarter, year
from app.domain.stats import DEFINITIONS
from app.services.bundle import AppServices
from app.ui import stats_text
from app.ui.change_bus import ChangeBus
from app.ui.pages.statistics import BarChart, StatisticsPage
from tests.services.test_stats import Dataset, build


@pytest.fixture
def data(services: AppServices, data_dir: Path) -> Dataset:
    return build(services, data_dir)


@pytest.fixture
def page(qtbot: QtBot, services: AppServices, bus: ChangeBus, data: Dataset):  # type: ignore[no-untyped-def]
    p = StatisticsPage(services, bus)
    qtbot.addWidget(p)
    p.resize(1246, 700)  # the main window's page area at 1366×768
    p.show()
    qtbot.waitUntil(lambda: p.figures is not None)
    yield p
    p.tasks.wait()


def choose(qtbot: QtBot, page: StatisticsPage, period) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.figures_shown, timeout=10_000):
        page.set_period(period)
    assert page.figures is not None and page.figures.period == period


def click_bar(qtbot: QtBot, chart: BarChart, set_index: int, category: int) -> None:
    """A real mouse click in the middle of one bar."""
    assert chart.series is not None
    sets = len(chart.sets)
    value = chart.sets[set_index].at(category)
    # bars of a category share 0.5 of its width, in set order
    x = category - 0.25 + (set_index + 0.5) * 0.5 / sets
    scene = chart.chart_.mapToScene(chart.chart_.mapToPosition(QPointF(x, value / 2), chart.series))
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.mapFromScene(scene))


def test_clicking_a_bar_opens_the_referrals_of_that_month(
    qtbot: QtBot, page: StatisticsPage, data: Dataset
) -> None:
    choose(qtbot, page, quarter(2026, 4))
    page.compare.setChecked(False)
    page.tabs.setCurrentIndex(0)
    assert page.card("上转人次").value.text() == "5"
    assert page.card("上转反馈率").value.text() == "50.0% (2/4)"
    assert "计算于" in page.status.text()
    chart = page.referral_chart
    assert chart.categories == ["10月", "11月", "12月"]
    click_bar(qtbot, chart, 0, 0)  # 上转, October
    qtbot.waitUntil(lambda: page.drill_dialog is not None and page.drill_dialog.isVisible())
    dialog = page.drill_dialog
    assert dialog is not None
    assert dialog.drill.title.startswith("2026-10 上转")
    assert dialog.table.rowCount() == 4
    assert set(dialog.drill.ids) == {
        data.referrals[k] for k in ("q4_first", "answered", "late", "refused")
    }
    click_bar(qtbot, chart, 1, 0)  # 下转, October
    qtbot.waitUntil(lambda: page.drill_dialog is not dialog and page.drill_dialog is not None)
    assert page.drill_dialog.drill.ids == [data.referrals["down"]]  # type: ignore[union-attr]


def test_a_figure_opens_its_list_by_click_and_by_keyboard(
    qtbot: QtBot, page: StatisticsPage
) -> None:
    choose(qtbot, page, year(2026))
    page.tabs.setCurrentIndex(1)
    card = page.card("高血压规范管理率")
    assert card.value.text() == "66.7% (4/6)"
    assert "11 月中旬纳入" in card.definition.text()  # the definition is under the figure
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.drill_dialog is not None)
    assert {r[0] for r in page.drill_dialog.drill.rows} == {"李中年", "周未访"}  # type: ignore[union-attr]
    page.drill_dialog.close()  # type: ignore[union-attr]
    page.drill_dialog = None
    page.tabs.setCurrentIndex(2)
    courses = page.card("培训班期数")
    courses.setFocus()
    qtbot.keyClick(courses, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.drill_dialog is not None)
    assert page.drill_dialog.table.rowCount() == 3  # type: ignore[union-attr]


def test_an_empty_period_says_no_data_and_why_a_rate_is_missing(
    qtbot: QtBot, page: StatisticsPage
) -> None:
    choose(qtbot, page, year(2019))
    assert page.no_data.isVisible() and page.no_data.text() == "本期无数据"
    assert page.card("上转反馈率").value.text() == "— (期内没有上转单)"
    assert page.card("高血压血压控制率").value.text().startswith("— (本年截至期末没有")
    assert "上年同期：无数据" in page.card("上转人次").earlier.text()


def test_the_report_buttons_write_the_report(
    qtbot: QtBot, page: StatisticsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    choose(qtbot, page, quarter(2026, 4))
    out = tmp_path / "q4.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.pdf_button.click()
    qtbot.waitUntil(lambda: "报表已保存" in page.status.text(), timeout=15_000)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True)
    assert "2026年第4季度" in text.stdout and "季报" in text.stdout


def test_the_screen_definitions_are_the_reports_wording() -> None:
    """The zh_CN glossary gives back the service's own Chinese text for every definition."""
    for key, english in stats_text.definitions().items():
        assert english == DEFINITIONS[key], key  # the UI runs in Chinese in these tests
    assert set(stats_text.definitions()) == set(DEFINITIONS)
    assert QCoreApplication.translate("StatsFigures", "Upward referrals") == "上转人次"


def test_the_figures_are_prepared_after_login_and_the_page_shows_them_without_counting(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data: Dataset, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """After login the main window counts this year and the year before on its low-priority
    thread; the 统计 page then finds both kept and counts nothing again."""
    from app.ui import main_window as mw

    monkeypatch.setattr(mw, "PREPARE_FIGURES_AFTER_MS", 50)
    w = mw.MainWindow(services, bus)
    qtbot.addWidget(w)
    w.show()
    tally = services.stats.tally
    qtbot.waitUntil(lambda: tally.whole == 2 and not w.tasks.busy(), timeout=20_000)
    counted = services.stats.closed.counted
    page = w.show_key("statistics")
    assert isinstance(page, StatisticsPage)
    qtbot.waitUntil(lambda: page.figures is not None and not page._earlier_pending, timeout=20_000)
    assert page.figures is not None and page.figures.period == year(2026)
    assert (tally.whole, services.stats.closed.counted) == (2, counted)
    assert page.card("上转人次").value.text() != ""
    w.tasks.wait()
    w.sync.stop()


def test_figures_that_could_not_be_prepared_after_login_are_logged(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, monkeypatch, caplog
) -> None:  # type: ignore[no-untyped-def]
    """A failure of the background preparation is not shown (the page counts again when it
    is opened, and shows its own error), but it is written to the log, not lost."""
    import logging

    from app.ui import main_window as mw

    def broken() -> None:
        raise RuntimeError("磁盘 I/O 错误")

    monkeypatch.setattr(mw, "PREPARE_FIGURES_AFTER_MS", 10)
    monkeypatch.setattr(services.stats, "prepare", broken)
    caplog.set_level(logging.WARNING, logger="app.ui.main_window")
    w = mw.MainWindow(services, bus)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: "not prepared" in caplog.text, timeout=10_000)
    assert "磁盘 I/O 错误" in caplog.text and "Traceback" in caplog.text
    w.tasks.wait()
    w.sync.stop()


def test_the_page_opens_on_the_clinics_year_not_the_pcs(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data: Dataset
) -> None:
    # 1 January 2027, 00:30 in Beijing, while a PC on UTC still says 31 December 2026
    services.ctx.clock = lambda: datetime(2026, 12, 31, 16, 30)
    p = StatisticsPage(services, bus)
    qtbot.addWidget(p)
    assert p.period() == year(2027)
    p.kind.setCurrentIndex(0)  # month
    assert p.period().code == "2027-01"
    p.tasks.wait()


def test_the_year_before_may_arrive_first_and_is_still_shown_beside_the_period(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data: Dataset
) -> None:
    """The year before is counted on the other thread, beside the period: when it is done
    first (the database thread still busy), it waits for the period's figures."""
    p = StatisticsPage(services, bus)
    qtbot.addWidget(p)
    gate = threading.Event()
    p.tasks.run(lambda: gate.wait(20))  # the database thread busy with something else
    p.compare.setChecked(True)
    p.show()
    qtbot.waitUntil(lambda: p._earlier_first is not None, timeout=20_000)
    assert p.figures is None  # the year before is in, the period not yet
    with qtbot.waitSignal(p.figures_shown, timeout=20_000):
        gate.set()
    assert p.figures is not None and p.figures.period == year(2026)
    assert p.figures.earlier is not None and p.figures.earlier.period == year(2025)
    assert not p._earlier_pending
    assert p.card("上转人次").earlier.text().startswith("上年同期")
    p.tasks.wait()
