"""Patients as a sortable table that loads a page at a time as the user scrolls."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.services.patients import PatientRow, PatientService
from app.ui.domain_text import ui
from app.ui.models.paged import PagedTableModel


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


def sync_brush(state: str) -> QBrush | None:
    if state == "synced":
        return None
    return QBrush(QColor("#c0392b" if state == "error" else "#b9770e"))


class PatientTableModel(PagedTableModel[PatientRow]):
    # (column key, sort key for the service or None when not sortable)
    COLUMNS = [
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

    def __init__(self, service: PatientService, page_size: int = 100, today: date | None = None):
        super().__init__(page_size, "updated_at")
        self.service = service
        self.today = today or service.ctx.today()
        self.query = ""
        self.include_voided = False  # administrators look for a record voided by mistake

    def set_query(self, query: str) -> None:
        self.query = query
        self.reload()

    def fetch(self, offset: int, limit: int) -> list[PatientRow]:
        return self.service.search(
            self.query,
            offset=offset,
            limit=limit,
            sort=self.sort_key,
            descending=self.descending,
            include_voided=self.include_voided,
        )

    def refresh_rows(self, ids: set[str]) -> None:
        """Re-read changed rows in place (a voided one disappears)."""
        for i in range(len(self._rows) - 1, -1, -1):
            row = self._rows[i]
            if row.id not in ids:
                continue
            fresh = self.service.get(row.id)
            if fresh.deleted and not self.include_voided:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
            else:
                self._rows[i] = fresh
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.COLUMNS) - 1))

    def header(self, key: str) -> str:
        return _header(key)

    def cell(self, p: PatientRow, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            voided = QCoreApplication.translate("PatientTable", " (voided)") if p.deleted else ""
            return {
                "name": p.name + voided,
                "sex": ui(p.sex_label),
                "age": str(p.age(self.today)),
                "birth_date": p.birth_date.isoformat(),
                "id_number": p.id_number,
                "phone": p.phone,
                "village": p.village,
                "record_number": p.record_number,
                "payment": ui(p.payment_label),
                "sync": sync_label(p.sync_state),
            }[key]
        if role == Qt.ItemDataRole.ForegroundRole and p.deleted:
            return QBrush(QColor("#888888"))
        if role == Qt.ItemDataRole.ForegroundRole and key == "sync":
            return sync_brush(p.sync_state)
        if role == Qt.ItemDataRole.UserRole:
            return p.id
        return None

    def sorts_descending(self, key: str, order: Qt.SortOrder) -> bool:
        descending = order == Qt.SortOrder.DescendingOrder
        return not descending if key == "age" else descending  # age runs against birth date
