"""随访 年度达标: the year's 考核 figures (规范管理率 and 控制率 for hypertension and diabetes,
counted by ``services.stats`` exactly as the 统计 page and the report count them, with each
definition under the table) and the managed patients short of the face-to-face visits due
(pro rata from enrolment; 电话 does not count)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import followup as rules
from app.domain.errors import PermissionDenied
from app.domain.followup import PlanKind
from app.domain.periods import year as year_period
from app.domain.stats import DiseaseFigures, Standing
from app.services.bundle import AppServices
from app.ui import stats_text
from app.ui.domain_text import ui

DISEASES = [PlanKind.HYPERTENSION, PlanKind.DIABETES]  # the rows, in this order


def _table(headers: list[str], name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class ComplianceView(QWidget):
    """The 年度达标 tab. Double-clicking a patient asks to record a visit on that plan.

    Its queries cover a whole year of visits, so the page runs them only while the tab is
    shown (``refresh_if_stale``), not at start-up nor on every visit saved in the worklist.
    """

    open_plan = Signal(str)  # plan id

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.rows: list[Standing] = []
        self.stale = True  # something changed since the last refresh
        this_year = self.services.ctx.today().year
        self.year = QSpinBox()
        self.year.setObjectName("complianceYear")
        self.year.setRange(2000, this_year)
        self.year.setValue(this_year)
        self.rates = _table(
            [
                self.tr("Disease"),
                self.tr("Managed in the year"),
                self.tr("Managed to the standard"),
                self.tr("Standard management rate"),
                self.tr("Last reading on target"),
                self.tr("Control rate"),
                self.tr("Lost"),
            ],
            "controlRates",
        )
        self.rates.setMaximumHeight(100)
        self.short = _table(
            [
                self.tr("Name"),
                self.tr("Village"),
                self.tr("Phone"),
                self.tr("Kind"),
                self.tr("Doctor"),
                self.tr("Face-to-face visits"),
                self.tr("Enrolled"),
                self.tr("Last reading"),
            ],
            "complianceShort",
        )
        self.summary = QLabel()
        self.summary.setObjectName("complianceSummary")
        self.definitions = QLabel(
            "\n".join(stats_text.definition(k) for k in ("standard", "control_htn", "control_dm"))
        )
        self.definitions.setObjectName("complianceDefinitions")
        self.definitions.setWordWrap(True)
        self.definitions.setStyleSheet("color: #666;")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Year")))
        top.addWidget(self.year)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(QLabel(self.tr("Assessment figures")))
        lay.addWidget(self.rates)
        lay.addWidget(self.definitions)
        lay.addWidget(self.summary)
        lay.addWidget(self.short, 1)
        self.year.valueChanged.connect(lambda _y: self.refresh())
        self.short.doubleClicked.connect(self._open_current)

    def refresh_if_stale(self) -> None:
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        self.stale = False
        y = self.year.value()
        stats = self.services.stats
        try:
            standings = stats.standings(year_period(y))
        except PermissionDenied:
            standings = []
        figures: list[DiseaseFigures] = [stats.disease_figures(standings, k) for k in DISEASES]
        self.rows = [x for x in standings if not x.standard]
        self.rates.setRowCount(len(figures))
        for r, d in enumerate(figures):
            cells = (
                ui(rules.PLAN_KIND_NAMES[PlanKind(d.kind)]),
                str(d.managed),
                str(d.standard.numerator),
                self._rate(d.standard.text, d.standard.reason),
                str(d.control.numerator),
                self._rate(d.control.text, d.control.reason),
                str(d.lost),
            )
            for c, text in enumerate(cells):
                self.rates.setItem(r, c, QTableWidgetItem(text))
        self.short.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = [
                row.name,
                row.village,
                row.phone,
                ui(rules.PLAN_KIND_NAMES[PlanKind(row.kind)]),
                row.doctor,
                f"{row.face_to_face} / {row.required}",
                f"{row.enrolled:%Y-%m-%d}",
                row.last_reading or self.tr("no visit"),
            ]
            for c, text in enumerate(values):
                cell = QTableWidgetItem(text)
                if c == 5 and row.face_to_face == 0:
                    cell.setForeground(Qt.GlobalColor.red)
                self.short.setItem(r, c, cell)
        self.summary.setText(
            self.tr("%1 patient(s) short of the face-to-face visits due in %2")
            .replace("%1", str(len(self.rows)))
            .replace("%2", str(y))
        )

    @staticmethod
    def _rate(text: str, reason: str) -> str:
        return f"{text}（{stats_text.reason(reason)}）" if text == "—" and reason else text

    def _open_current(self) -> None:
        r = self.short.currentRow()
        if 0 <= r < len(self.rows):
            self.open_plan.emit(self.rows[r].plan_id)
