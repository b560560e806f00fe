"""The main window's size and place, kept between runs in ``<data dir>/window.ini``.

The first run opens maximised (the clinic's screen is small; a fixed size was cut off at
1024×768); after that the window comes back as the user left it, maximised or not.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

FILE = "window.ini"
KEY = "main_window/geometry"


def _store(data_dir: Path) -> QSettings:
    return QSettings(str(Path(data_dir) / FILE), QSettings.Format.IniFormat)


def show_restored(window: QWidget, data_dir: Path) -> None:
    """Show the window where it was last closed, or maximised the first time."""
    saved = _store(data_dir).value(KEY)
    if isinstance(saved, QByteArray) and not saved.isEmpty() and window.restoreGeometry(saved):
        window.show()
    else:
        window.showMaximized()


def remember(window: QWidget, data_dir: Path) -> None:
    store = _store(data_dir)
    store.setValue(KEY, window.saveGeometry())
    store.sync()
