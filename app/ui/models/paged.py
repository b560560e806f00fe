"""The lazy-loading, database-sorted table model both lists are built on."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class PagedTableModel(QAbstractTableModel, Generic[Row]):
    """Loads ``page_size`` rows at a time as the view scrolls; sorting asks the database.

    Subclasses give ``COLUMNS`` (key, sort key or None), ``fetch(offset, limit)``, ``header``
    and ``cell``; ``sort_key``/``descending`` are passed to their service.
    """

    COLUMNS: list[tuple[str, str | None]] = []

    def __init__(self, page_size: int, sort_key: str) -> None:
        super().__init__()
        self.page_size = page_size
        self.sort_key = sort_key
        self.descending = True
        self._rows: list[Row] = []
        self._more = True
        self._changing = False

    def fetch(self, offset: int, limit: int) -> list[Row]:
        raise NotImplementedError

    def header(self, key: str) -> str:
        raise NotImplementedError

    def cell(self, row: Row, key: str, role: int) -> Any:
        raise NotImplementedError

    # -- loading -------------------------------------------------------------------------
    def reload(self) -> None:
        rows = self.fetch(0, self.page_size)  # read before the reset: views wait less
        # Views may ask for more rows while a reset is signalled; they get none until it ends.
        self._changing = True
        try:
            self.beginResetModel()
            self._rows = rows
            self._more = len(rows) == self.page_size
            self.endResetModel()
        finally:
            self._changing = False

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._changing

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):  # views may call it unasked, even mid-reset
            return
        page = self.fetch(len(self._rows), self.page_size)
        # Listeners of the insert signals may ask for more at once: they wait for this page.
        self._changing = True
        try:
            self._more = len(page) == self.page_size
            if page:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
                self._rows.extend(page)
                self.endInsertRows()
        finally:
            self._changing = False

    def row_at(self, r: int) -> Row:
        return self._rows[r]

    def row_of_id(self, record_id: str) -> int:
        """The row of the loaded record with this ``id``, or -1 (not loaded or not listed)."""
        return next(
            (i for i, row in enumerate(self._rows) if getattr(row, "id", None) == record_id), -1
        )

    # -- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.COLUMNS):
            return self.header(self.COLUMNS[section][0])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        return self.cell(self._rows[index.row()], self.COLUMNS[index.column()][0], role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self.COLUMNS)) or self.COLUMNS[column][1] is None:
            return
        self.sort_key = self.COLUMNS[column][1] or self.sort_key
        self.descending = self.sorts_descending(self.COLUMNS[column][0], order)
        self.reload()

    def sorts_descending(self, key: str, order: Qt.SortOrder) -> bool:
        """Whether the database sorts descending for this header click (a hook)."""
        return order == Qt.SortOrder.DescendingOrder
