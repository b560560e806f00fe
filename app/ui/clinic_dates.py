"""The clinic's date and times for widgets: today as a QDate, stored UTC moments as local text.

Every date field defaults to the clinic's date (the services' clock in the clinic's zone),
never the PC's own date, and stored times (UTC) are shown in the clinic's zone.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate

from app.services.bundle import AppServices


def as_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def clinic_qdate(services: AppServices) -> QDate:
    """Today in the clinic, for a date field's default."""
    return as_qdate(services.ctx.today())


def local_text(services: AppServices, utc: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) moment as the clinic's local time."""
    return services.ctx.local(utc).strftime(fmt)
