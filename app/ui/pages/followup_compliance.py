"""随访 年度达标: for a chosen year, the control rate (控制满意 share) per chronic disease and
the chronic patients with fewer than four face-to-face visits (电话 does not count)."""

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
from app.services.bundle import AppServices
from app.services.followups import ComplianceRow

REQUIRED_VISITS = 4
DISEASES = [PlanKind.HYPERTENSION.value, PlanKind.DIABETES.value]  # the rows, in this order


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
        self.rows: list[ComplianceRow] = []
        self.stale = True  # something changed since the last refresh
        this_year = self.services.ctx.today().year
        self.year = QSpinBox()
        self.year.setObjectName("complianceYear")
        self.year.setRange(2000, this_year)
        self.year.setValue(this_year)
        self.rates = _table(
            [
                self.tr("Disease"),
                self.tr("Patients visited"),
                self.tr("Controlled"),
                self.tr("Control rate"),
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
            ],
            "complianceShort",
        )
        self.summary = QLabel()
        self.summary.setObjectName("complianceSummary")
        note = QLabel(
            self.tr(
                "The standard asks for at least four face-to-face visits (clinic or home) a "
                "year; phone calls do not count. Control rate: the share of patients whose "
                "last visit of the year was classified as controlled."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Year")))
        top.addWidget(self.year)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(QLabel(self.tr("Control rates")))
        lay.addWidget(self.rates)
        lay.addWidget(self.summary)
        lay.addWidget(self.short, 1)
        lay.addWidget(note)
        self.year.valueChanged.connect(lambda _y: self.refresh())
        self.short.doubleClicked.connect(self._open_current)

    def refresh_if_stale(self) -> None:
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        self.stale = False
        year = self.year.value()
        try:
            rates = self.services.followups.control_rates(year)
            self.rows = self.services.followups.compliance(year)
        except PermissionDenied:
            rates, self.rows = {}, []
        ordered = [(k, rates[k]) for k in DISEASES if k in rates]
        self.rates.setRowCount(len(ordered))
        for r, (kind, (good, total)) in enumerate(ordered):
            share = f"{good / total:.1%}" if total else "—"
            for c, text in enumerate(
                (rules.PLAN_KIND_NAMES[PlanKind(kind)], str(total), str(good), share)
            ):
                self.rates.setItem(r, c, QTableWidgetItem(text))
        self.short.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = [
                row.name,
                row.village,
                row.phone,
                rules.PLAN_KIND_NAMES[PlanKind(row.kind)],
                row.doctor,
                f"{row.face_to_face} / {REQUIRED_VISITS}",
            ]
            for c, text in enumerate(values):
                cell = QTableWidgetItem(text)
                if c == 5 and row.face_to_face == 0:
                    cell.setForeground(Qt.GlobalColor.red)
                self.short.setItem(r, c, cell)
        self.summary.setText(
            self.tr("%1 chronic patient(s) with fewer than four face-to-face visits in %2")
            .replace("%1", str(len(self.rows)))
            .replace("%2", str(year))
        )

    def _open_current(self) -> None:
        r = self.short.currentRow()
        if 0 <= r < len(self.rows):
            self.open_plan.emit(self.rows[r].plan_id)
