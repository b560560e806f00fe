"""Patients as a sortable table that loads a page at a time as the user scrolls."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.services.patients import PatientRow, PatientService

Index = QModelIndex | QPersistentModelIndex

# (column key, sort key for the service or None when not sortable)
COLUMNS: list[tuple[str, str | None]] = [
    ("name", "name"),
    ("sex", "sex"),
    ("age", "birth_date"),
    ("birth_date", "birth_date"),
    ("id_number", "id_number"),
    ("phone", "phone"),
    ("village", "village"),
    ("record_number", "record_number"),
    ("payment", None),
    ("sync", "sync_state"),
]


def _header(key: str) -> str:
    return {
        "name": QCoreApplication.translate("PatientTable", "Name"),
        "sex": QCoreApplication.translate("PatientTable", "Sex"),
        "age": QCoreApplication.translate("PatientTable", "Age"),
        "birth_date": QCoreApplication.translate("PatientTable", "Date of birth"),
        "id_number": QCoreApplication.translate("PatientTable", "ID number"),
        "phone": QCoreApplication.translate("PatientTable", "Phone"),
        "village": QCoreApplication.translate("PatientTable", "Village"),
        "record_number": QCoreApplication.translate("PatientTable", "Health record no."),
        "payment": QCoreApplication.translate("PatientTable", "Payment type"),
        "sync": QCoreApplication.translate("PatientTable", "Sync"),
    }[key]


def sync_label(state: str) -> str:
    return {
        "pending": QCoreApplication.translate("PatientTable", "Not uploaded"),
        "synced": QCoreApplication.translate("PatientTable", "Uploaded"),
        "error": QCoreApplication.translate("PatientTable", "Upload error"),
    }.get(state, state)


class PatientTableModel(QAbstractTableModel):
    def __init__(self, service: PatientService, page_size: int = 100, today: date | None = None):
        super().__init__()
        self.service = service
        self.page_size = page_size
        self.today = today or date.today()
        self.query = ""
        self.sort_key = "updated_at"
        self.descending = True
        self._rows: list[PatientRow] = []
        self._more = True

    # -- loading -------------------------------------------------------------------------
    def set_query(self, query: str) -> None:
        self.query = query
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self.service.search(
            self.query, limit=self.page_size, sort=self.sort_key, descending=self.descending
        )
        self._more = len(self._rows) == self.page_size
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        page = self.service.search(
            self.query,
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

    def refresh_rows(self, ids: set[str]) -> None:
        """Re-read changed rows in place (a voided one disappears)."""
        for i in range(len(self._rows) - 1, -1, -1):
            row = self._rows[i]
            if row.id not in ids:
                continue
            fresh = self.service.get(row.id)
            if fresh.deleted:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
            else:
                self._rows[i] = fresh
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    # -- Qt model API --------------------------------------------------------------------
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

    def row_at(self, r: int) -> PatientRow:
        return self._rows[r]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        p = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "name": p.name,
                "sex": p.sex_label,
                "age": str(p.age(self.today)),
                "birth_date": p.birth_date.isoformat(),
                "id_number": p.id_number,
                "phone": p.phone,
                "village": p.village,
                "record_number": p.record_number,
                "payment": p.payment_label,
                "sync": sync_label(p.sync_state),
            }[key]
        if role == Qt.ItemDataRole.ForegroundRole and key == "sync" and p.sync_state != "synced":
            return QBrush(QColor("#c0392b" if p.sync_state == "error" else "#b9770e"))
        if role == Qt.ItemDataRole.UserRole:
            return p.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(COLUMNS)) or COLUMNS[column][1] is None:
            return
        key = COLUMNS[column][0]
        self.sort_key = COLUMNS[column][1] or "updated_at"
        descending = order == Qt.SortOrder.DescendingOrder
        # Age sorts opposite to birth date.
        self.descending = (not descending) if key == "age" else descending
        self.reload()
