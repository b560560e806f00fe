"""Show a ValidationError beside the fields it names: red text under each, field highlighted."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QLabel, QWidget

from app.domain.errors import FieldError
from app.ui.domain_text import ui

ERROR_STYLE = "color: #c0392b;"
INVALID_PROPERTY = "invalid"


class FieldErrors:
    """Pairs each field key with its input widget and an error label placed beside it."""

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def add(self, key: str, widget: QWidget) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error_{key}")
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        self._fields[key] = (widget, label)
        self._watch(key, widget)
        return label

    def _watch(self, key: str, widget: QWidget) -> None:
        """The message goes as soon as the field is changed (it may be fixed now)."""
        from app.ui.widgets import form_state

        targets = form_state.inputs(widget) or [(key, widget)]
        if form_state.read(widget) is not None:
            targets = [(key, widget)]
        for _k, w in targets:
            form_state.on_change(w, partial(self.clear_field, key))

    def clear_field(self, key: str) -> None:
        widget, label = self._fields[key]
        if label.isHidden():
            return
        label.clear()
        label.hide()
        widget.setProperty(INVALID_PROPERTY, False)
        widget.setStyleSheet("")

    def clear(self) -> None:
        for widget, label in self._fields.values():
            label.clear()
            label.hide()
            widget.setProperty(INVALID_PROPERTY, False)
            widget.setStyleSheet("")

    def show(self, errors: list[FieldError], fallback: QLabel | None = None) -> QWidget | None:
        """Display errors; returns the first offending widget (to focus it)."""
        self.clear()
        first: QWidget | None = None
        unplaced: list[str] = []
        for err in errors:
            pair = self._fields.get(err.field)
            if pair is None:
                unplaced.append(ui(err.message))
                continue
            widget, label = pair
            text = label.text()
            message = ui(err.message)
            label.setText(f"{text}\n{message}" if text else message)
            label.show()
            widget.setProperty(INVALID_PROPERTY, True)
            # Scoped to the field itself, so a group (e.g. checkboxes) is framed, not each child.
            name = widget.objectName() or f"field_{err.field}"
            widget.setObjectName(name)
            widget.setStyleSheet(f"#{name} {{ border: 1px solid #c0392b; }}")
            first = first or widget
        if fallback is not None:
            fallback.setText("\n".join(unplaced))
            fallback.setVisible(bool(unplaced))
        return first

    def text(self, key: str) -> str:
        return self._fields[key][1].text()
