"""At 1024×768 in English (the longer labels) no header of the statistics and settings
tables is cut, the clinic's name fields show the whole name, and neither page scrolls
sideways: measured with the widgets' own font metrics on the real main window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QLineEdit,
    QStyle,
    QTableView,
    QTabWidget,
    QWidget,
)

from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.widgets import screen_fit
from tests.ui.test_english_ui import demo, english  # noqa: F401  (fixtures)

WIDTH, HEIGHT = 1024, 768 - 40  # a 40-pixel taskbar


def cut_headers(table: QTableView) -> list[str]:
    """The header labels of ``table`` narrower than their text (Qt elides them)."""
    header = table.horizontalHeader()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    metrics = header.fontMetrics()
    model = table.model()
    cut = []
    for col in range(header.count()):
        if header.isSectionHidden(col):
            continue
        text = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
        need = metrics.horizontalAdvance(text) + 2 * margin
        if header.sectionSize(col) < need:
            cut.append(f"{table.objectName()}: {text!r} {header.sectionSize(col)} < {need}")
    return cut


def cut_text(edit: QLineEdit) -> bool:
    """True when the field is narrower than the text it holds."""
    room = edit.contentsRect().width() - 2 * edit.style().pixelMetric(
        QStyle.PixelMetric.PM_DefaultFrameWidth, None, edit
    )
    return room < edit.fontMetrics().horizontalAdvance(edit.text())


def scrolls_sideways(page: QWidget) -> list[str]:
    return [
        a.objectName() or type(a).__name__
        for a in page.findChildren(QAbstractScrollArea)
        if a.isVisible() and a.horizontalScrollBar().maximum() > 0 and not isinstance(a, QTableView)
    ]


@pytest.fixture
def window(qtbot, demo: AppServices, english) -> Iterator[QWidget]:  # type: ignore[no-untyped-def]  # noqa: F811
    from app.ui.main_window import MainWindow

    w = MainWindow(demo, ChangeBus(demo.ctx))
    qtbot.addWidget(w)
    w.resize(WIDTH - screen_fit.FRAME_WIDTH, HEIGHT - screen_fit.FRAME_HEIGHT)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.sync.stop()
    w.tasks.wait(10_000)


def test_statistics_headers_are_not_cut_at_1024_in_english(qtbot, window, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    page = window.show_key("statistics")
    table = page.findChild(QTableView, "indicationTable")
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=15_000)
    tabs = page.findChild(QTabWidget, "statisticsTabs")
    cut: list[str] = []
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        QApplication.processEvents()
        for t in page.findChildren(QTableView):
            if t.isVisible():
                cut += cut_headers(t)
        assert scrolls_sideways(page) == [], tabs.tabText(i)
    assert cut == []
    # the full indication is in the tooltip of its (possibly elided) cell
    assert table.item(0, 0).toolTip() == table.item(0, 0).text()


def test_settings_names_and_headers_are_not_cut_at_1024_in_english(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    page = window.show_key("settings")
    QApplication.processEvents()
    box = page.clinic_details
    box.name.setText("来安县桃花镇中心卫生院（社区卫生服务中心）")
    QApplication.processEvents()
    for edit in (box.name, box.hospital):
        assert edit.text() and not cut_text(edit), edit.objectName()
    assert cut_headers(page.users_table) == []
    assert scrolls_sideways(page) == []


def test_training_activities_fit_1024_in_english(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    page = window.show_key("training")
    table = page.activity_table
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=15_000)
    QApplication.processEvents()
    assert cut_headers(table) == []
    # every column on screen: no sideways scrolling; a cut topic keeps its text in a tooltip
    assert table.horizontalScrollBar().maximum() == 0
    assert table.item(0, 2).toolTip() == table.item(0, 2).text()


def test_twelve_chinese_months_are_not_cut_on_a_narrow_chart(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor, QFontMetrics

    from app.ui.pages.statistics import LABEL_AIR, BarChart

    chart = BarChart("上转、下转人次（按月）")
    qtbot.addWidget(chart)
    chart.resize(490, 260)  # the chart's width on the 统计 page at 1024×768
    chart.show()
    qtbot.waitExposed(chart)
    months = [f"{m}月" for m in range(1, 13)]
    chart.show_bars(months, [("上转", [1.0] * 12, QColor("blue"))], False)
    QApplication.processEvents()
    axis = chart.x_axis
    assert axis is not None
    # the slot Qt gives each label before it elides it
    slot = chart.chart_.plotArea().width() / 13 - LABEL_AIR
    widest = max(QFontMetrics(axis.labelsFont()).horizontalAdvance(m) for m in months)
    assert widest <= slot or axis.labelsAngle() == -90


def test_training_support_and_totals_headers_are_not_cut_at_1024_in_english(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    page = window.show_key("training")
    tabs = page.findChild(QTabWidget)
    cut: list[str] = []
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        qtbot.wait(50)
        for t in page.findChildren(QTableView):
            if t.isVisible():
                cut += cut_headers(t)
    assert cut == []
    # the totals fit without sideways scrolling; a cut cell keeps its text in a tooltip
    for name in ("peopleTotals", "typeTotals", "summaryFigures"):
        table = page.findChild(QTableView, name)
        assert table.horizontalScrollBar().maximum() == 0, name


def test_no_table_header_on_any_page_is_cut_at_1024_in_english(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from app.ui.pages import PAGES

    cut: list[str] = []
    for key, _title, _factory in PAGES:
        page = window.show_key(key)
        qtbot.wait(50)
        tabs = [t for t in page.findChildren(QTabWidget) if t.isVisible()]
        for tab in tabs or [None]:
            for i in range(tab.count() if tab else 1):
                if tab:
                    tab.setCurrentIndex(i)
                qtbot.wait(50)
                for t in page.findChildren(QTableView):
                    if t.isVisible():
                        cut += [f"{key}: {c}" for c in cut_headers(t)]
    assert sorted(set(cut)) == []


def test_the_numbers_above_neighbouring_bars_do_not_run_together(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Twelve months of a large clinic (four-digit counts, two bars a month) on the chart's
    width at 1024×768: side by side the numbers would run into one another, so none is
    drawn and each bar tells its number under the mouse. Numbers that fit are drawn; the
    four rates fit once the bars are a little wider."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFontMetrics
    from PySide6.QtWidgets import QToolTip

    from app.ui.pages.statistics import BarChart

    chart = BarChart("已随访与应随访次数（按月）")
    qtbot.addWidget(chart)
    chart.resize(490, 300)
    chart.show()
    qtbot.waitExposed(chart)
    months = [f"{m}月" for m in range(1, 13)]
    done = [8012.0 + 37 * m for m in range(12)]
    due = [7990.0 + 41 * m for m in range(12)]
    chart.show_bars(
        months, [("已随访", done, QColor("blue")), ("应随访", due, QColor("red"))], False
    )
    QApplication.processEvents()
    series = chart.series
    assert series is not None
    metrics = QFontMetrics(chart.sets[0].labelFont())
    widest = max(metrics.horizontalAdvance(chart.value_text(v)) for v in done + due)
    pitch = chart.chart_.plotArea().width() / 12 * series.barWidth() / 2
    assert widest > pitch and not series.isLabelsVisible()
    # the value axis in round steps above the tallest bar (8,441): 0, 2500, … 10000
    (values,) = chart.chart_.axes(Qt.Orientation.Vertical)
    assert (values.min(), values.max()) == (0, 10000)
    chart.sets[1].hovered.emit(True, 3)  # the mouse on April's 应随访 bar
    assert QToolTip.text() == "4月 · 应随访: 8113"
    chart.sets[1].hovered.emit(False, 3)

    chart.show_bars(months, [("已随访", [9.0] * 12, QColor("blue"))], False)
    QApplication.processEvents()
    assert chart.series is not None and chart.series.isLabelsVisible()

    # a small clinic's two-digit counts, two a month: drawn, a point smaller, apart
    small = [("已随访", [17.0] * 12, QColor("blue")), ("应随访", [16.0] * 12, QColor("red"))]
    chart.show_bars(months, small, False)
    QApplication.processEvents()
    series = chart.series
    assert series is not None and series.isLabelsVisible()
    metrics = QFontMetrics(chart.sets[0].labelFont())
    pitch = chart.chart_.plotArea().width() / 12 * series.barWidth() / 2
    assert metrics.horizontalAdvance("17") < pitch

    rates = [
        ("2026", [24.1, 34.3, 21.3, 33.4], QColor("blue")),
        ("2025", [20.4, 33.3, 18.5, 33.6], QColor("gray")),
    ]
    chart.show_bars(
        ["高血压规范管理率", "血压控制率", "糖尿病规范管理率", "血糖控制率"], rates, True
    )
    QApplication.processEvents()
    series = chart.series
    assert series is not None and series.isLabelsVisible()
    pitch = chart.chart_.plotArea().width() / 4 * series.barWidth() / 2
    assert (
        max(
            QFontMetrics(chart.sets[0].labelFont()).horizontalAdvance(chart.value_text(v))
            for v in [24.1, 34.3, 21.3, 33.4, 20.4, 33.3, 18.5, 33.6]
        )
        <= pitch
    )


def axis_texts(chart) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts the chart draws (its title, axis labels, numbers, legend), as Qt laid them out."""
    from PySide6.QtWidgets import QGraphicsSimpleTextItem, QGraphicsTextItem

    out = []
    for item in chart.chart_.scene().items():
        if isinstance(item, QGraphicsTextItem):
            out.append(item.toPlainText())
        elif isinstance(item, QGraphicsSimpleTextItem):
            out.append(item.text())
    return [t for t in out if t]


def test_long_chinese_categories_are_whole_on_a_narrow_chart(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The 规范管理率与控制率 chart at its width on a 1024×768 screen: "高血压规范管理率" was cut
    to "高血压规范..."; now it breaks where its translation marks (U+200B), or in the middle."""
    from PySide6.QtGui import QColor

    from app.ui.pages.statistics import BarChart

    chart = BarChart("规范管理率与控制率（%）")
    qtbot.addWidget(chart)
    chart.resize(490, 300)
    chart.show()
    qtbot.waitExposed(chart)
    rates = [("2026", [24.1, 34.3, 21.3, 33.4], QColor("blue"))]
    marked = ["高血压\u200b规范管理率", "血压控制率", "糖尿病\u200b规范管理率", "血糖控制率"]
    chart.show_bars(marked, rates, True)
    QApplication.processEvents()
    texts = axis_texts(chart)
    assert not [t for t in texts if t.endswith("...") or t.endswith("…")], texts
    assert "高血压\n规范管理率" in texts and "血压控制率" in texts

    chart.show_bars(
        ["高血压规范管理率", "血压控制率", "糖尿病规范管理率", "血糖控制率"], rates, True
    )
    QApplication.processEvents()
    texts = axis_texts(chart)
    assert not [t for t in texts if t.endswith("...") or t.endswith("…")], texts
    assert "高血压规\n范管理率" in texts


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("高血压\u200b规范管理率", ["高血压", "规范管理率"]),  # where the translation marks it
        ("Glucose control", ["Glucose", "control"]),
        ("心血管内科", ["心血管", "内科"]),
        ("内分泌科", ["内分泌", "科"]),
        ("普外科", ["普外科"]),  # too short to break
        ("高血压规范管理率", ["高血压规", "范管理率"]),  # nothing to go by: the middle
    ],
)
def test_a_long_category_breaks_where_a_reader_would(label: str, lines: list[str]) -> None:
    from app.ui.pages.statistics import _two_lines

    assert _two_lines(label) == lines
