"""Read and restore everything typed into a form, to tell whether it changed and to keep a
draft of it. The inputs are found in creation order, so the same form built again restores
the same values into the same fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

State = dict[str, Any]


def _composite(w: QWidget) -> bool:
    """A composite input (e.g. the patient picker) reads and sets its own value with
    ``form_value()`` / ``set_form_value(v)`` and says so with a ``changed`` signal."""
    return callable(getattr(w, "form_value", None))


def _inside_composite(w: QWidget, root: QWidget) -> bool:
    """True for the line edit inside a combo box or spin box, or anything inside a
    composite field: their value is read from the outer widget."""
    parent = w.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, (QComboBox, QAbstractSpinBox)) or _composite(parent):
            return True
        parent = parent.parentWidget()
    return False


def inputs(root: QWidget) -> list[tuple[str, QWidget]]:
    """(key, widget) for each input under ``root``, keyed by position, type and name."""
    found: list[tuple[str, QWidget]] = []
    kinds = (
        QLineEdit,
        QPlainTextEdit,
        QComboBox,
        QAbstractButton,
        QAbstractSpinBox,
        QTableWidget,
    )
    for w in root.findChildren(QWidget):
        if not (isinstance(w, kinds) or _composite(w)) or _inside_composite(w, root):
            continue
        if isinstance(w, QAbstractButton) and not isinstance(w, (QCheckBox, QRadioButton)):
            continue
        found.append((f"{len(found)}:{type(w).__name__}:{w.objectName()}", w))
    return found


def read(w: QWidget) -> Any:
    if _composite(w):
        return w.form_value()  # type: ignore[attr-defined]
    if isinstance(w, QLineEdit):
        return w.text()
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, QComboBox):
        return w.currentText() if w.isEditable() else w.currentIndex()
    if isinstance(w, QAbstractButton):
        return w.isChecked()
    if isinstance(w, QDateEdit):
        return w.date().toString("yyyy-MM-dd")
    if isinstance(w, (QSpinBox, QDoubleSpinBox)):
        return w.value()
    if isinstance(w, QTableWidget):
        return [
            [(w.item(r, c).text() if w.item(r, c) else "") for c in range(w.columnCount())]  # type: ignore[union-attr]
            for r in range(w.rowCount())
        ]
    return None


def write(w: QWidget, value: Any) -> None:
    if _composite(w):
        w.set_form_value(value)  # type: ignore[attr-defined]
    elif isinstance(w, QLineEdit):
        w.setText(str(value))
    elif isinstance(w, QPlainTextEdit):
        w.setPlainText(str(value))
    elif isinstance(w, QComboBox):
        if w.isEditable():
            w.setCurrentText(str(value))
        elif isinstance(value, int) and 0 <= value < w.count():
            w.setCurrentIndex(value)
    elif isinstance(w, QAbstractButton):
        w.setChecked(bool(value))
    elif isinstance(w, QDateEdit):
        d = QDate.fromString(str(value), "yyyy-MM-dd")
        if d.isValid():
            w.setDate(d)
    elif isinstance(w, (QSpinBox, QDoubleSpinBox)):
        w.setValue(value)  # type: ignore[arg-type]
    elif isinstance(w, QTableWidget) and isinstance(value, list):
        for r, row in enumerate(value[: w.rowCount()]):
            for c, text in enumerate(row[: w.columnCount()]):
                if text or w.item(r, c) is not None:
                    w.setItem(r, c, QTableWidgetItem(str(text)))


def capture(root: QWidget) -> State:
    return {key: read(w) for key, w in inputs(root)}


def restore(root: QWidget, state: State) -> None:
    for key, w in inputs(root):
        if key in state:
            write(w, state[key])


def on_any_change(root: QWidget, slot: Callable[[], None]) -> None:
    """Call ``slot`` whenever any input under ``root`` changes."""
    for _key, w in inputs(root):
        on_change(w, slot)


def on_change(w: QWidget, slot: Callable[[], None]) -> None:
    """Call ``slot`` whenever the input ``w`` changes."""
    signal = None
    if _composite(w):
        signal = getattr(w, "changed", None)
    elif isinstance(w, (QLineEdit, QPlainTextEdit)):
        signal = w.textChanged
    elif isinstance(w, QComboBox):
        signal = w.currentTextChanged
    elif isinstance(w, QAbstractButton):
        signal = w.toggled
    elif isinstance(w, QDateEdit):
        signal = w.dateChanged
    elif isinstance(w, (QSpinBox, QDoubleSpinBox)):
        signal = w.valueChanged
    elif isinstance(w, QTableWidget):
        signal = w.itemChanged
    if signal is not None:
        signal.connect(lambda *_a: slot())
