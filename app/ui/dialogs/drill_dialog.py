"""The records behind a number on the 统计 page: a list with its filter set (the figure and the
period, month, department, indication or disease it was clicked on), non-modal."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.stats import DrillList
from app.ui.domain_text import ui


class DrillDialog(QDialog):
    def __init__(self, drill: DrillList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drillDialog")
        self.drill = drill
        # The list is the report's (Chinese); its labels and words shown in the UI's language.
        self.setWindowTitle(ui(drill.title))
        self.resize(860, 520)
        self.heading = QLabel(ui(drill.title))
        self.heading.setObjectName("drillTitle")
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.table = QTableWidget(len(drill.rows), len(drill.headers))
        self.table.setObjectName("drillTable")
        self.table.setHorizontalHeaderLabels([ui(h) for h in drill.headers])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for r, row in enumerate(drill.rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(ui(value)))
        self.empty = QLabel(self.tr("No records behind this figure."))
        self.empty.setVisible(not drill.rows)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)
        lay.addWidget(buttons)
