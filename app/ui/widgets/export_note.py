"""A plain word when an export leaves the encrypted database: the PDF or Excel file written is
not encrypted. Shown in the save dialog's title and in the status message after saving, only
when this PC's database is encrypted."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def encrypted() -> bool:
    from app.services.encryption import unlocked

    return unlocked()


def note() -> str:
    """The one-line notice ("" when the database is not encrypted)."""
    if not encrypted():
        return ""
    return QCoreApplication.translate(
        "ExportNote", "This file is not encrypted: it leaves the database's protection."
    )


def caption(title: str) -> str:
    """A save dialog's title with the notice."""
    extra = note()
    return f"{title} — {extra}" if extra else title


def with_note(message: str) -> str:
    """A status message after saving, with the notice."""
    extra = note()
    return f"{message}  {extra}" if extra else message
