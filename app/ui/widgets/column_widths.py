"""Table column widths that fit the UI's language: the widths tuned for Chinese, widened
where a header or a label (an English status, a sex) would be cut."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtWidgets import QHeaderView, QTableView

PADDING = 16  # the cell's margins and a little air


def set_column_widths(
    table: QTableView,
    widths: Sequence[int],
    labels: Mapping[int, Iterable[str]] | None = None,
) -> None:
    """Each column at least as wide as given, as its header, and as its longest label."""
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    for col, width in enumerate(widths):
        need = max(width, header.sectionSizeHint(col))
        for text in (labels or {}).get(col, ()):
            need = max(need, metrics.horizontalAdvance(text) + PADDING)
        table.setColumnWidth(col, need)


def fit_columns(table: QTableView, stretch: int) -> None:
    """Every column as wide as its header and cells, except ``stretch`` (the free text),
    which takes the room left and is cut when short (its full text in the cell's tooltip):
    the table then scrolls sideways only when its short columns alone are too wide."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
