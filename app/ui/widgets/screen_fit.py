"""Windows that fit the clinic's screen (1366×768 or 1024×768 with a taskbar).

A dialog asks for its preferred size and gets at most what the screen has free: long forms
scroll inside (see :func:`scroll_body`) and keep their buttons in a bar below the scroll area,
so 保存 / 提交 are always on screen. ``available_rect`` is the one place that reads the screen
(tests replace it to play a 1024×768 PC on any display).
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

# What a window manager adds above and around a window (title bar and borders).
FRAME_HEIGHT = 34
FRAME_WIDTH = 8


def available_rect(widget: QWidget | None = None) -> QRect:
    """The free part of the screen the widget is on (without the taskbar)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to the preferred size, or to the screen's free area if that is smaller."""
    free = available_rect(widget)
    widget.resize(min(width, free.width() - FRAME_WIDTH), min(height, free.height() - FRAME_HEIGHT))


def scroll_body(body: QWidget) -> QScrollArea:
    """A frameless scroll area around a form's fields (the buttons stay outside it)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(body)
    return scroll


def reveal(widget: QWidget) -> None:
    """Scroll every scroll area around ``widget`` so it is on screen, then focus it."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None:
            parent.ensureWidgetVisible(widget, 20, 20)
        parent = parent.parentWidget()
    widget.setFocus()
