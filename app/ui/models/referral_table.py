"""Referrals as a sortable table that loads a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.services.referrals import ReferralFilter, ReferralRow, ReferralService
from app.ui.models.patient_table import sync_label

Index = QModelIndex | QPersistentModelIndex

COLUMNS: list[tuple[str, str | None]] = [
    ("number", "number"),
    ("direction", "direction"),
    ("status", "status"),
    ("patient", "patient"),
    ("destination", "destination"),
    ("doctor", "doctor"),
    ("date", "referred_at"),
    ("feedback", None),
    ("sync", None),
]


def _header(key: str) -> str:
    return {
        "number": QCoreApplication.translate("ReferralTable", "Referral no."),
        "direction": QCoreApplication.translate("ReferralTable", "Direction"),
        "status": QCoreApplication.translate("ReferralTable", "Status"),
        "patient": QCoreApplication.translate("ReferralTable", "Patient"),
        "destination": QCoreApplication.translate("ReferralTable", "To / from"),
        "doctor": QCoreApplication.translate("ReferralTable", "Referring doctor"),
        "date": QCoreApplication.translate("ReferralTable", "Date"),
        "feedback": QCoreApplication.translate("ReferralTable", "Feedback"),
        "sync": QCoreApplication.translate("ReferralTable", "Sync"),
    }[key]


class ReferralTableModel(QAbstractTableModel):
    def __init__(self, service: ReferralService, page_size: int = 100) -> None:
        super().__init__()
        self.service = service
        self.page_size = page_size
        self.filter = ReferralFilter()
        self.sort_key = "referred_at"
        self.descending = True
        self._rows: list[ReferralRow] = []
        self._more = True

    def set_filter(self, f: ReferralFilter) -> None:
        self.filter = f
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self.service.search(
            self.filter, limit=self.page_size, sort=self.sort_key, descending=self.descending
        )
        self._more = len(self._rows) == self.page_size
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        page = self.service.search(
            self.filter,
            offset=len(self._rows),
            limit=self.page_size,
            sort=self.sort_key,
            descending=self.descending,
        )
        self._more = len(page) == self.page_size
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def row_at(self, r: int) -> ReferralRow:
        return self._rows[r]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return _header(COLUMNS[section][0])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        r = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            when = r.referred_at or r.created_at
            place = r.to_institution if r.direction == "up" else r.from_institution
            if r.direction == "up" and r.to_department:
                place = f"{place} {r.to_department}"
            return {
                "number": r.number,
                "direction": r.direction_name,
                "status": r.status_name,
                "patient": r.patient_name,
                "destination": place,
                "doctor": r.referring_doctor,
                "date": when.strftime("%Y-%m-%d"),
                "feedback": QCoreApplication.translate("ReferralTable", "No answer for 14+ days")
                if r.overdue
                else "",
                "sync": sync_label(r.sync_state),
            }[key]
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "feedback" and r.overdue:
                return QBrush(QColor("#c0392b"))
            if key == "sync" and r.sync_state != "synced":
                return QBrush(QColor("#c0392b" if r.sync_state == "error" else "#b9770e"))
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(COLUMNS)) or COLUMNS[column][1] is None:
            return
        self.sort_key = COLUMNS[column][1] or "referred_at"
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()
