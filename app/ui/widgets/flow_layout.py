"""A layout that puts its widgets side by side and wraps onto the next line when the window
is narrow (a row of filters or buttons at 1024×768, or in English, where labels are longer).
After Qt's own Flow Layout example."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QStyle, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)
        self._stretch: set[int] = set()

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt's name)
        self._items.append(item)

    def add_stretching(self, widget: QWidget) -> None:
        """Add a widget that takes the spare width of its line (e.g. a search box)."""
        self.addWidget(widget)
        self._stretch.add(len(self._items) - 1)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        if 0 <= index < len(self._items):
            self._stretch = {i if i < index else i - 1 for i in self._stretch if i != index}
            return self._items.pop(index)
        return None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._do_layout(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._do_layout(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        width = sum(i.sizeHint().width() + self._spacing for i in self._items)
        height = max((i.sizeHint().height() for i in self._items), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m: QMargins = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _gap(self, item: QLayoutItem) -> int:
        if self._spacing >= 0:
            return self._spacing
        w = item.widget()
        style = w.style() if w is not None else None
        if style is None:
            return 6
        return style.layoutSpacing(
            QSizePolicy.ControlType.PushButton,
            QSizePolicy.ControlType.PushButton,
            Qt.Orientation.Horizontal,
        ) or style.pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing)

    def _do_layout(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        visible = [(i, it) for i, it in enumerate(self._items) if not it.isEmpty()]
        # split into lines by the items' preferred widths
        lines: list[list[tuple[int, QLayoutItem]]] = []
        line: list[tuple[int, QLayoutItem]] = []
        used = 0
        for i, item in visible:
            w = item.sizeHint().width()
            gap = self._gap(item) if line else 0
            if line and used + gap + w > area.width():
                lines.append(line)
                line, used, gap = [], 0, 0
            line.append((i, item))
            used += gap + w
        if line:
            lines.append(line)
        y = area.y()
        for ln in lines:
            height = max(it.sizeHint().height() for _i, it in ln)
            widths = [it.sizeHint().width() for _i, it in ln]
            gaps = sum(self._gap(it) for _i, it in ln[1:])
            spare = max(0, area.width() - sum(widths) - gaps)
            stretchers = [k for k, (i, _it) in enumerate(ln) if i in self._stretch]
            for k in stretchers:
                widths[k] += spare // len(stretchers)
            x = area.x()
            for k, (_i, item) in enumerate(ln):
                if k:
                    x += self._gap(item)
                if apply:
                    item.setGeometry(QRect(QPoint(x, y), QSize(widths[k], height)))
                x += widths[k]
            y += height + self._spacing
        return y - self._spacing - rect.y() + m.bottom() if lines else 0
