"""统计: the clinic's figures for a month, a quarter or a year as charts and figure cards,
beside the same period a year earlier; the monthly / quarterly / annual report as PDF or
Excel.

Every figure comes from ``services.stats`` (computed in the background; the page says when);
a click on a bar or a figure opens the records behind it (DrillDialog). A period without
records says so; a rate without a denominator shows "—" and why.
"""

from __future__ import annotations

import html
import math
from dataclasses import replace
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.domain.axis import round_step
from app.domain.periods import Period, PeriodKind
from app.domain.stats import (
    ClinicFigures,
    DrillList,
    FigureRow,
    MonthRow,
    Rate,
    followup_rows,
    local_time_text,
    referral_rows,
    training_rows,
)
from app.services.bundle import AppServices
from app.services.context import Changes
from app.ui import stats_text
from app.ui.change_bus import ChangeBus
from app.ui.dialogs.drill_dialog import DrillDialog
from app.ui.domain_text import ui, ui_error
from app.ui.tasks import TaskRunner
from app.ui.widgets import export_note

BLUE, ORANGE = QColor("#2e6da4"), QColor("#e08a2c")
LIGHT_BLUE, LIGHT_ORANGE = QColor("#a9c4e0"), QColor("#f3cfa6")
WATCHED = ("referral", "followup", "training", "staff", "secondment", "support_stationing")


class FigureCard(QFrame):
    """One figure: label, value, the year-earlier value and the definition under it.
    Click (or Enter / Space when focused) opens the records behind it."""

    clicked = Signal()

    def __init__(self, row: FigureRow, earlier_shown: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.row = row
        self.setObjectName("figureCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        clickable = bool(row.drill)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if clickable else Qt.FocusPolicy.NoFocus)
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip(self.tr("Click to list the records behind this figure"))
        self.setStyleSheet(
            "QFrame#figureCard { background: #fafafa; border: 1px solid #d0d0d0; "
            "border-radius: 4px; } QFrame#figureCard:focus { border: 2px solid #2e6da4; }"
        )
        title = QLabel(f"{stats_text.label(row)} ({stats_text.unit(row)})")
        title.setStyleSheet("color: #333; border: none;")
        title.setWordWrap(True)
        self.value = QLabel(stats_text.value_text(row, row.value))
        self.value.setObjectName("figureValue")
        colour = "#2e6da4" if clickable else "#222"
        self.value.setStyleSheet(
            f"font-size: 17px; font-weight: bold; color: {colour}; border: none;"
        )
        self.value.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 5, 8, 5)
        lay.setSpacing(1)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        lay.addLayout(top)
        line = QHBoxLayout()
        line.addWidget(self.value, 1)
        self.earlier = QLabel()
        self.earlier.setObjectName("figureEarlier")
        self.earlier.setStyleSheet("color: #777; border: none;")
        if row.comparable:
            shown = (
                stats_text.value_text(row, row.earlier)
                if row.earlier is not None
                else stats_text.reason("无数据")
            )
            self.earlier.setText(self.tr("A year earlier: %1").replace("%1", shown))
        self.earlier.setVisible(earlier_shown and row.comparable)
        line.addWidget(self.earlier)
        lay.addLayout(line)
        self.definition = QLabel(stats_text.definition(row.key))
        self.definition.setObjectName("figureDefinition")
        self.definition.setWordWrap(True)
        self.definition.setStyleSheet("color: #666; font-size: 11px; border: none;")
        lay.addWidget(self.definition)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.row.drill and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self.row.drill and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
            Qt.Key.Key_Space,
        ):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


LABEL_COLOUR = QColor("#333333")
LABEL_AIR = 10  # what Qt keeps around a category label (see BarChart._fit_labels)
VALUE_AIR = 1  # pixels between two neighbouring numbers above the bars


class BarChart(QChartView):
    """Grouped bars; ``bar_clicked(series index, category index)`` when a bar is clicked."""

    bar_clicked = Signal(int, int)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(210)
        self.chart_ = QChart()
        self.chart_.setTitle(title)
        self.chart_.setMargins(QMargins(2, 2, 2, 2))
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.setChart(self.chart_)
        self.series: QBarSeries | None = None
        self.sets: list[QBarSet] = []
        self.categories: list[str] = []
        self.x_axis: QBarCategoryAxis | None = None
        self.percent = False
        self.values: list[float] = []
        self.value_font = QBarSet("").labelFont()  # Qt's own, before a point or two off
        self.chart_.plotAreaChanged.connect(lambda _r: self._fit_labels())

    def show_bars(
        self, categories: list[str], sets: list[tuple[str, list[float], QColor]], percent: bool
    ) -> None:
        c = self.chart_
        c.removeAllSeries()
        for axis in c.axes():
            c.removeAxis(axis)
        series = QBarSeries()
        self.sets = []
        for i, (name, values, colour) in enumerate(sets):
            bar = QBarSet(name)
            bar.setColor(colour)
            bar.setBorderColor(colour)
            bar.setLabelColor(LABEL_COLOUR)  # above the bar, on the chart's white: not white
            bar.append([float(v) for v in values])
            bar.clicked.connect(lambda index, i=i: self.bar_clicked.emit(i, index))
            bar.hovered.connect(lambda over, index, i=i: self._hovered(over, i, index))
            series.append(bar)
            self.sets.append(bar)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value" + ("%" if percent else ""))
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        c.addSeries(series)
        x = QBarCategoryAxis()
        x.append(categories)
        c.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x)
        y = QValueAxis()
        top = max([max(v) for _n, v, _c in sets if v] + [0])
        # whole-number ticks: the top is a multiple of 4 above the highest bar (5 ticks)
        y.setLabelFormat("%d")
        if percent:
            # ticks to 100 and room above it for a 100% bar's label
            y.setRange(0, 112)
            y.setTickType(QValueAxis.TickType.TicksDynamic)
            y.setTickAnchor(0)
            y.setTickInterval(25)
        else:
            y.setRange(0, 4 * round_step(top * 1.1 / 4))
            y.setTickCount(5)
        c.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(y)
        self.series = series
        self.categories = categories
        self.x_axis = x
        self.percent = percent
        self.values = [v for _n, vs, _c in sets for v in vs]
        self._fit_labels()

    def _fit_labels(self) -> None:
        """Category labels whole: Qt cuts a label wider than its slot ("10月" became "1…" with
        twelve months, "高血压规范管理率" became "高血压规范…" with four categories, on a 1024×768
        screen). A point or two smaller while that is enough; else on two lines, a point or
        two smaller while needed; else upright at the normal size."""
        x = self.x_axis
        if x is None or not self.categories:
            return
        # Qt's room for a label, measured (widths 490-900, 3-12 categories): about the plot
        # width over two more than the categories, less LABEL_AIR
        slot = self.chart_.plotArea().width() / (len(self.categories) + 2) - LABEL_AIR
        base = self.font()
        font, angle, shown = QFont(base), -90, list(self.categories)
        for two_lines in (False, True):
            for smaller in (0.0, 1.0, 2.0):
                font = QFont(base)
                font.setPointSizeF(max(6.0, base.pointSizeF() - smaller))
                metrics = QFontMetrics(font)
                lines = [
                    _two_lines(c) if two_lines and metrics.horizontalAdvance(c) > slot else [c]
                    for c in self.categories
                ]
                if max(metrics.horizontalAdvance(part) for c in lines for part in c) <= slot:
                    angle = 0
                    break
            if angle == 0:
                if two_lines:
                    shown = [
                        "<br>".join(html.escape(part) for part in c) if len(c) > 1 else c[0]
                        for c in lines
                    ]
                break
        if angle:
            font = QFont(base)
        if x.categories() != shown:
            for old, new in zip(x.categories(), shown, strict=True):
                x.replace(old, new)
        if x.labelsAngle() != angle or x.labelsFont() != font:
            x.setLabelsFont(font)
            x.setLabelsAngle(angle)
        self._fit_values()

    def value_text(self, value: float) -> str:
        """A bar's label as Qt writes it ("@value": six significant digits)."""
        return f"{value:.6g}" + ("%" if self.percent else "")

    def _fit_values(self) -> None:
        """The numbers above the bars only where they stand apart: side by side needs the
        widest within the distance between two bars' centres (two neighbouring counts ran into
        one another, "16" "16" read "1616"). Bars a little wider, and the numbers a point or
        two smaller, when that is enough; else no numbers on the bars: each bar tells its
        number when the mouse is on it."""
        series = self.series
        if series is None or not self.values or not self.sets:
            return
        width = self.chart_.plotArea().width()
        if width <= 0:
            return
        base = self.value_font
        chosen: tuple[float, QFont] | None = None
        for bar_width in (0.5, 0.8):  # of a category's room (Qt's default 0.5)
            pitch = width / len(self.categories) * bar_width / len(self.sets)
            for smaller in (0.0, 1.0, 2.0):
                font = QFont(base)
                font.setPointSizeF(max(6.0, base.pointSizeF() - smaller))
                metrics = QFontMetrics(font)
                widest = max(metrics.horizontalAdvance(self.value_text(v)) for v in self.values)
                if widest + VALUE_AIR <= pitch:
                    chosen = (bar_width, font)
                    break
            if chosen:
                break
        bar_width, font = chosen or (0.5, base)
        if series.barWidth() != bar_width:
            series.setBarWidth(bar_width)
        for bar in self.sets:
            if bar.labelFont() != font:
                bar.setLabelFont(font)
        if series.isLabelsVisible() != (chosen is not None):
            series.setLabelsVisible(chosen is not None)

    def _hovered(self, over: bool, set_index: int, index: int) -> None:
        """A bar's category, series and number, by the mouse (also where no number is shown)."""
        if not over or not 0 <= set_index < len(self.sets) or not 0 <= index < len(self.categories):
            QToolTip.hideText()
            return
        bar = self.sets[set_index]
        label = self.categories[index].replace(ZERO_WIDTH_SPACE, "")
        text = f"{label} · {bar.label()}: {self.value_text(bar.at(index))}"
        QToolTip.showText(QCursor.pos(), text)


DEPARTMENT_ENDINGS = ("内科", "外科", "科")
ZERO_WIDTH_SPACE = "\u200b"  # in a label's translation: where it may break (U+200B)


def _two_lines(label: str) -> list[str]:
    """A category label in two lines: at the break its translation marks with a zero-width
    space, else at the space nearest the middle (English), else before a department's
    内科 / 外科 / 科, else in the middle; a label too short to break stays whole."""
    if len(label) < 4:
        return [label]
    middle = len(label) / 2
    for mark in (ZERO_WIDTH_SPACE, " "):
        cuts = [i for i, ch in enumerate(label) if ch == mark]
        if cuts:
            cut = min(cuts, key=lambda i: abs(i - middle))
            return [label[:cut], label[cut + 1 :]]
    for ending in DEPARTMENT_ENDINGS:  # a department: 心血管 / 内科, 内分泌 / 科
        if label.endswith(ending) and len(label) - len(ending) >= 2:
            return [label[: -len(ending)], ending]
    cut = math.ceil(middle)
    return [label[:cut], label[cut:]]


def _clear(layout: QGridLayout | QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        w = item.widget() if item is not None else None
        if w is not None:
            w.deleteLater()


class StatisticsPage(QWidget):
    figures_shown = Signal()  # after new figures are on screen (tests, screenshots)

    def __init__(
        self,
        services: AppServices,
        bus: ChangeBus,
        parent: QWidget | None = None,
        *,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks or TaskRunner(self)
        self.figures: ClinicFigures | None = None
        self.drill_dialog: DrillDialog | None = None
        self._generation = 0
        self._earlier_pending = False
        self._earlier_first: tuple[int, ClinicFigures] | None = None  # came before the period
        self._figures_generation = 0
        self._loaded = False
        self._stale = False
        today = self.services.ctx.today()  # the clinic's date, not the PC's

        self.kind = QComboBox()
        self.kind.setObjectName("periodKind")
        self.kind.addItem(self.tr("Month"), PeriodKind.MONTH.value)
        self.kind.addItem(self.tr("Quarter"), PeriodKind.QUARTER.value)
        self.kind.addItem(self.tr("Year"), PeriodKind.YEAR.value)
        self.kind.setCurrentIndex(2)
        self.year = QSpinBox()
        self.year.setObjectName("periodYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.number = QComboBox()
        self.number.setObjectName("periodNumber")
        self.compare = QCheckBox(self.tr("Same period a year earlier"))
        self.compare.setObjectName("compareEarlier")
        self.compare.setChecked(True)
        self.status = QLabel()
        self.status.setObjectName("computedAt")
        self.status.setStyleSheet("color: #555;")
        self.pdf_button = QPushButton(self.tr("Report as PDF…"))
        self.pdf_button.setObjectName("reportPdf")
        self.xlsx_button = QPushButton(self.tr("Report as Excel…"))
        self.xlsx_button.setObjectName("reportXlsx")
        self.no_data = QLabel(self.tr("No data for this period"))
        self.no_data.setObjectName("noData")
        self.no_data.setStyleSheet(
            "background: #fff4e0; color: #8a5a00; padding: 4px 8px; font-weight: bold;"
        )
        self.no_data.hide()

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Period")))
        bar.addWidget(self.kind)
        bar.addWidget(self.year)
        bar.addWidget(self.number)
        bar.addWidget(self.compare)
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(self.pdf_button)
        bar.addWidget(self.xlsx_button)

        # charts
        self.referral_chart = BarChart(self.tr("Upward and downward referrals by month"))
        self.referral_chart.setObjectName("referralChart")
        self.department_chart = BarChart(self.tr("Upward referrals by receiving department"))
        self.department_chart.setObjectName("departmentChart")
        self.indications = QTableWidget(0, 2)
        self.indications.setObjectName("indicationTable")
        self.indications.setHorizontalHeaderLabels(
            [self.tr("Indication"), self.tr("Upward referrals")]
        )
        self.indications.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.indications.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.indications.verticalHeader().hide()
        # The count column as wide as its header in either language; the indication takes
        # the rest (elided, with the full text in the cell's tooltip).
        head = self.indications.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.indications.setMaximumHeight(150)
        self.visit_chart = BarChart(self.tr("Follow-up visits done and due by month"))
        self.visit_chart.setObjectName("visitChart")
        self.rate_chart = BarChart(self.tr("Standard management and control rates (%)"))
        self.rate_chart.setObjectName("rateChart")
        self.training_chart = BarChart(self.tr("Training courses and attendances by month"))
        self.training_chart.setObjectName("trainingChart")
        self.short = QTableWidget(0, 5)
        self.short.setObjectName("shortOfCredits")
        self.short.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Hours"),
                self.tr("Class I"),
                self.tr("Class II"),
                self.tr("Missing"),
            ]
        )
        self.short.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.short.verticalHeader().hide()
        head = self.short.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setStretchLastSection(True)
        self.short_title = QLabel()

        self.cards: dict[str, QGridLayout] = {}
        self.tabs = QTabWidget()
        self.tabs.setObjectName("statisticsTabs")
        self.tabs.addTab(
            self._area("referrals", [self.referral_chart, self.department_chart, self.indications]),
            self.tr("Referrals"),
        )
        self.tabs.addTab(
            self._area("followups", [self.visit_chart, self.rate_chart]),
            self.tr("Follow-ups and assessment"),
        )
        self.tabs.addTab(
            self._area("training", [self.training_chart, self.short_title, self.short]),
            self.tr("Training and support"),
        )
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(bar)
        lay.addWidget(self.no_data)
        lay.addWidget(self.tabs, 1)

        self._fill_numbers()
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.year.valueChanged.connect(lambda _v: self.compute())
        self.number.currentIndexChanged.connect(lambda _i: self.compute())
        self.compare.toggled.connect(lambda _c: self._show_figures())
        self.referral_chart.bar_clicked.connect(self._referral_bar)
        self.department_chart.bar_clicked.connect(self._department_bar)
        self.indications.cellDoubleClicked.connect(self._indication_row)
        self.visit_chart.bar_clicked.connect(self._visit_bar)
        self.rate_chart.bar_clicked.connect(self._rate_bar)
        self.training_chart.bar_clicked.connect(self._training_bar)
        self.pdf_button.clicked.connect(lambda: self.ask_report("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.ask_report("xlsx"))
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(800)
        self._refresh_timer.timeout.connect(self.compute)
        bus.changed.connect(self.on_changed)

    def bind_scheduler(self, scheduler: object) -> None:
        """The main window hands every page that asks its sync scheduler; the page takes the
        window's background runner from it, the one the application waits for at exit (its
        own runner is only for a page shown on its own, as in tests)."""
        tasks = getattr(scheduler, "tasks", None)
        if isinstance(tasks, TaskRunner):
            self.tasks = tasks

    def _area(self, key: str, charts: list[QWidget]) -> QWidget:
        """A tab: charts on the left, figure cards on the right, scrolling when short."""
        inner = QWidget()
        row = QHBoxLayout(inner)
        row.setContentsMargins(2, 2, 2, 2)
        left = QVBoxLayout()
        for w in charts:
            left.addWidget(w)
        left.addStretch(0)
        cards = QGridLayout()
        cards.setSpacing(4)
        self.cards[key] = cards
        right = QVBoxLayout()
        right.addLayout(cards)
        right.addStretch(1)
        row.addLayout(left, 3)
        row.addLayout(right, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        scroll.setObjectName(f"area_{key}")
        return scroll

    # -- period ----------------------------------------------------------------------------
    def _fill_numbers(self) -> None:
        self.number.blockSignals(True)
        self.number.clear()
        kind = PeriodKind(self.kind.currentData())
        today = self.services.ctx.today()  # the clinic's date, not the PC's
        if kind is PeriodKind.MONTH:
            for m in range(1, 13):
                self.number.addItem(self.tr("Month %1").replace("%1", str(m)), m)
            self.number.setCurrentIndex(today.month - 1)
        elif kind is PeriodKind.QUARTER:
            for q in range(1, 5):
                self.number.addItem(self.tr("Q%1").replace("%1", str(q)), q)
            self.number.setCurrentIndex((today.month - 1) // 3)
        self.number.setVisible(kind is not PeriodKind.YEAR)
        self.number.blockSignals(False)

    def _kind_changed(self) -> None:
        self._fill_numbers()
        self.compute()

    def period(self) -> Period:
        kind = PeriodKind(self.kind.currentData())
        number = 0 if kind is PeriodKind.YEAR else int(self.number.currentData())
        return Period(kind, self.year.value(), number)

    def set_period(self, period: Period) -> None:
        """Choose a period (as a user would) and compute it."""
        for w in (self.kind, self.year, self.number):
            w.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(period.kind.value))
        self._fill_numbers()
        for w in (self.kind, self.year, self.number):
            w.blockSignals(True)
        self.year.setValue(period.year)
        if period.kind is not PeriodKind.YEAR:
            self.number.setCurrentIndex(self.number.findData(period.number))
        for w in (self.kind, self.year, self.number):
            w.blockSignals(False)
        self.compute()

    # -- computing in the background ---------------------------------------------------------
    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if not self._loaded or self._stale:
            self._loaded = True
            self.compute()

    def on_changed(self, changes: Changes) -> None:
        if not changes.record_type.startswith(WATCHED):
            return
        self._stale = True
        if self.isVisible():
            self._refresh_timer.start()

    def compute(self) -> None:
        self._refresh_timer.stop()
        self._stale = False
        self._generation += 1
        generation = self._generation
        period = self.period()
        self.status.setText(self.tr("Computing %1…").replace("%1", period.code))
        stats = self.services.stats
        # the period on screen as soon as it is counted; the year before it counted beside it
        # on the other (low-priority) thread: SQLite counts without the GIL, so on two cores
        # a first count of both takes the time of one
        self._earlier_pending = True
        self.tasks.run(
            lambda: stats.figures(period, with_earlier=False),
            lambda f: self._computed(f, generation),
            lambda exc: self._failed(exc, generation),
        )
        self.tasks.run(
            lambda: stats.figures(period.year_earlier(), with_earlier=False),
            lambda e: self._earlier_computed(e, generation),
            lambda exc: self._failed(exc, generation),
            idle=True,
        )

    def _computed(self, figures: ClinicFigures, generation: int) -> None:
        if generation != self._generation:
            return  # the user chose another period meanwhile
        early = self._earlier_first
        self._earlier_first = None
        if early is not None and early[0] == generation:  # the year before came first
            figures = replace(figures, earlier=early[1])
            self._earlier_pending = False
        self.figures = figures
        self._figures_generation = generation
        self.status.setText(
            self.tr("%1, computed at %2")
            .replace("%1", figures.period.code)
            .replace("%2", local_time_text(figures.computed_at, figures.timezone)[11:])
        )
        self._show_figures()
        if not self._earlier_pending:
            self.figures_shown.emit()

    def _earlier_computed(self, earlier: ClinicFigures, generation: int) -> None:
        if generation != self._generation:
            return
        if self.figures is None or self._figures_generation != generation:
            self._earlier_first = (generation, earlier)  # kept for the period's figures
            return
        self._earlier_pending = False
        self.figures = replace(self.figures, earlier=earlier)
        self._show_figures()
        self.figures_shown.emit()

    def _failed(self, exc: Exception, generation: int) -> None:
        if generation == self._generation:
            self.status.setText(
                self.tr("Could not compute the figures: %1").replace("%1", ui_error(exc))
            )

    # -- showing -----------------------------------------------------------------------------
    def _month_names(self, rows: list[MonthRow]) -> list[str]:
        names = [
            self.tr("Jan"),
            self.tr("Feb"),
            self.tr("Mar"),
            self.tr("Apr"),
            self.tr("May"),
            self.tr("Jun"),
            self.tr("Jul"),
            self.tr("Aug"),
            self.tr("Sep"),
            self.tr("Oct"),
            self.tr("Nov"),
            self.tr("Dec"),
        ]
        return [names[int(r.month[5:]) - 1] for r in rows]

    def _show_figures(self) -> None:
        f = self.figures
        if f is None:
            return
        earlier = self.compare.isChecked()
        self.no_data.setVisible(f.empty)
        e = f.earlier
        r = f.referrals
        if r is not None:
            months = self._month_names(r.by_month)
            sets = [
                (self.tr("Upward"), [float(m.a) for m in r.by_month], BLUE),
                (self.tr("Downward"), [float(m.b) for m in r.by_month], ORANGE),
            ]
            if earlier and e is not None and e.referrals is not None:
                sets += [
                    (
                        self.tr("Upward, last year"),
                        [m.a for m in e.referrals.by_month],
                        LIGHT_BLUE,
                    ),
                    (
                        self.tr("Downward, last year"),
                        [m.b for m in e.referrals.by_month],
                        LIGHT_ORANGE,
                    ),
                ]
            self.referral_chart.show_bars(months, sets, False)
            top = r.by_department[:8]
            self.department_chart.show_bars(
                [k for k, _n in top], [(self.tr("Upward"), [n for _k, n in top], BLUE)], False
            )
            self.indications.setRowCount(len(r.by_indication))
            for i, (k, n) in enumerate(r.by_indication):
                cell = QTableWidgetItem(ui(k))
                cell.setToolTip(ui(k))
                self.indications.setItem(i, 0, cell)
                self.indications.setItem(i, 1, QTableWidgetItem(str(n)))
        self._cards("referrals", referral_rows(f), earlier)
        x = f.followups
        if x is not None:
            self.visit_chart.show_bars(
                self._month_names(x.by_month),
                [
                    (self.tr("Done"), [m.a for m in x.by_month], BLUE),
                    (self.tr("Due"), [m.b for m in x.by_month], ORANGE),
                ],
                False,
            )

            def pct(rate: Rate | None) -> float:
                return 0.0 if rate is None or rate.value is None else round(rate.value * 100, 1)

            rates = [
                (
                    str(f.period.year),
                    [
                        pct(x.htn.standard),
                        pct(x.htn.control),
                        pct(x.dm.standard),
                        pct(x.dm.control),
                    ],
                    BLUE,
                )
            ]
            ex = e.followups if e is not None else None
            if earlier and ex is not None:
                rates.append(
                    (
                        str(f.period.year - 1),
                        [
                            pct(ex.htn.standard),
                            pct(ex.htn.control),
                            pct(ex.dm.standard),
                            pct(ex.dm.control),
                        ],
                        LIGHT_BLUE,
                    )
                )
            self.rate_chart.show_bars(
                [
                    self.tr("HTN standard"),
                    self.tr("BP control"),
                    self.tr("DM standard"),
                    self.tr("Glucose control"),
                ],
                rates,
                True,
            )
        self._cards("followups", followup_rows(f), earlier)
        t = f.training
        if t is not None:
            sets = [
                (self.tr("Courses"), [m.a for m in t.by_month], BLUE),
                (self.tr("Attendances"), [m.b for m in t.by_month], ORANGE),
            ]
            if earlier and e is not None and e.training is not None:
                sets.append(
                    (
                        self.tr("Attendances, last year"),
                        [m.b for m in e.training.by_month],
                        LIGHT_ORANGE,
                    )
                )
            self.training_chart.show_bars(self._month_names(t.by_month), sets, False)
            self.short_title.setText(
                self.tr("Short of credits in %1: %2 people")
                .replace("%1", str(f.period.year))
                .replace("%2", str(len(t.short)))
            )
            self.short.setRowCount(len(t.short))
            for i, p in enumerate(t.short):
                for c, v in enumerate(
                    (p.name, f"{p.hours:g}", f"{p.class_i:g}", f"{p.class_ii:g}", ui(p.missing))
                ):
                    cell = QTableWidgetItem(v)
                    cell.setToolTip(v)
                    self.short.setItem(i, c, cell)
        self._cards("training", training_rows(f), earlier)

    def _cards(self, area: str, rows: list[FigureRow], earlier: bool) -> None:
        grid = self.cards[area]
        _clear(grid)
        seen: set[str] = set()
        for i, row in enumerate(rows):
            card = FigureCard(row, earlier and not self._earlier_pending)
            card.definition.setVisible(row.key not in seen)  # once per definition
            seen.add(row.key)
            card.clicked.connect(lambda r=row: self.open_drill(r.drill, r.facet))
            grid.addWidget(card, i, 0)

    def card(self, label: str) -> FigureCard:
        """The card of a figure by its Chinese label (tests)."""
        for grid in self.cards.values():
            for i in range(grid.count()):
                item = grid.itemAt(i)
                w = item.widget() if item is not None else None
                if isinstance(w, FigureCard) and w.row.label == label:
                    return w
        raise KeyError(label)

    # -- clicks ------------------------------------------------------------------------------
    def _month_code(self, index: int) -> str:
        return self.period().months()[index].code if self.figures else ""

    def _referral_bar(self, series: int, index: int) -> None:
        f = self.figures
        if f is None:
            return
        key = "referrals.up" if series % 2 == 0 else "referrals.down"
        period = f.period if series < 2 else f.period.year_earlier()
        self.open_drill(key, period.months()[index].code, period)

    def _department_bar(self, _series: int, index: int) -> None:
        if self.figures and self.figures.referrals:
            self.open_drill("referrals.department", self.figures.referrals.by_department[index][0])

    def _indication_row(self, row: int, _col: int) -> None:
        if self.figures and self.figures.referrals:
            self.open_drill("referrals.indication", self.figures.referrals.by_indication[row][0])

    def _visit_bar(self, _series: int, index: int) -> None:
        if self.figures:
            self.open_drill("followups.visits", self.figures.period.months()[index].code)

    def _rate_bar(self, series: int, index: int) -> None:
        f = self.figures
        if f is None:
            return
        key = "followups.not_standard" if index % 2 == 0 else "followups.not_controlled"
        kind = "htn" if index < 2 else "dm"
        self.open_drill(key, kind, f.period if series == 0 else f.period.year_earlier())

    def _training_bar(self, series: int, index: int) -> None:
        f = self.figures
        if f is None:
            return
        period = f.period if series < 2 else f.period.year_earlier()
        self.open_drill("training.courses", period.months()[index].code, period)

    def open_drill(self, key: str, facet: str = "", period: Period | None = None) -> None:
        """List the records behind a figure, read in the background."""
        if not key or self.figures is None:
            return
        chosen = period or self.figures.period
        stats = self.services.stats
        self.tasks.run(lambda: stats.drill(key, chosen, facet), self._show_drill)

    def _show_drill(self, drill: DrillList) -> None:
        if self.drill_dialog is not None:
            self.drill_dialog.close()
        self.drill_dialog = DrillDialog(drill, self)
        self.drill_dialog.open()

    # -- reports -----------------------------------------------------------------------------
    def ask_report(self, fmt: str) -> None:
        period = self.period()
        suffix = "PDF (*.pdf)" if fmt == "pdf" else "Excel (*.xlsx)"
        path, _f = QFileDialog.getSaveFileName(
            self,
            export_note.caption(self.tr("Save the report")),
            str(Path.home() / f"{period.code}{period.report_name}.{fmt}"),
            suffix,
        )
        if path:
            self.save_report(Path(path), fmt, period)

    def save_report(self, path: Path, fmt: str, period: Period | None = None) -> None:
        chosen = period or self.period()
        stats = self.services.stats
        self.status.setText(self.tr("Writing the report…"))
        # the figures on screen, when they are complete and current: not counted again
        f = self.figures
        shown = f if f is not None and not (self._stale or self._earlier_pending) else None

        def work() -> Path:
            data = stats.report(chosen, fmt, shown)
            path.write_bytes(data)
            return path

        self.tasks.run(
            work,
            lambda p: self.status.setText(
                export_note.with_note(self.tr("Report saved: %1").replace("%1", str(p)))
            ),
            lambda exc: self.status.setText(
                self.tr("The report was not saved: %1").replace("%1", ui_error(exc))
            ),
        )
