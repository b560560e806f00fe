"""A short confirmation in the main window's status bar after a save ("已保存：…")."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMainWindow, QTableView, QWidget

SHOWN_MS = 8000


def main_window_of(widget: QWidget | None) -> QMainWindow | None:
    """The main window a page or dialog belongs to (dialogs are windows of their own)."""
    while widget is not None:
        if isinstance(widget, QMainWindow):
            return widget
        widget = widget.parentWidget()
    return None


def notify(widget: QWidget | None, text: str) -> bool:
    window = main_window_of(widget)
    if window is None:
        return False
    window.statusBar().showMessage(text, SHOWN_MS)
    return True


def notify_saved(widget: QWidget | None, what: str) -> bool:
    """``已保存：<what>`` in the status bar; False when there is no main window to show it."""
    return notify(widget, QCoreApplication.translate("StatusNote", "Saved: %1").replace("%1", what))


def select_record(table: QTableView, record_id: str) -> bool:
    """Select and scroll to the row of ``record_id`` in a list built on PagedTableModel."""
    model = table.model()
    row = model.row_of_id(record_id)  # type: ignore[attr-defined]
    if row < 0:
        return False
    index = model.index(row, 0)
    table.setCurrentIndex(index)
    table.selectRow(row)
    table.scrollTo(index)
    return True
