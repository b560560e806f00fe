"""Referrals as a sortable table that loads a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor

from app.domain.booking import booking_text
from app.services.referrals import ReferralFilter, ReferralRow, ReferralService
from app.ui.domain_text import ui
from app.ui.models.paged import PagedTableModel
from app.ui.models.patient_table import sync_brush, sync_label


def _header(key: str) -> str:
    return {
        "number": QCoreApplication.translate("ReferralTable", "Referral no."),
        "direction": QCoreApplication.translate("ReferralTable", "Direction"),
        "status": QCoreApplication.translate("ReferralTable", "Status"),
        "patient": QCoreApplication.translate("ReferralTable", "Patient"),
        "destination": QCoreApplication.translate("ReferralTable", "To / from"),
        "doctor": QCoreApplication.translate("ReferralTable", "Referring doctor"),
        "date": QCoreApplication.translate("ReferralTable", "Date"),
        "feedback": QCoreApplication.translate("ReferralTable", "Feedback"),
        "sync": QCoreApplication.translate("ReferralTable", "Sync"),
    }[key]


class ReferralTableModel(PagedTableModel[ReferralRow]):
    COLUMNS = [
        ("number", "number"),
        ("direction", "direction"),
        ("status", "status"),
        ("patient", "patient"),
        ("destination", "destination"),
        ("doctor", "doctor"),
        ("date", "referred_at"),
        ("feedback", None),
        ("sync", None),
    ]

    def __init__(self, service: ReferralService, page_size: int = 100) -> None:
        super().__init__(page_size, "referred_at")
        self.service = service
        self.filter = ReferralFilter()
        self.not_arrived_days = service.not_arrived_days()

    def set_filter(self, f: ReferralFilter) -> None:
        self.filter = f
        self.reload()

    def fetch(self, offset: int, limit: int) -> list[ReferralRow]:
        if offset == 0:
            self.not_arrived_days = self.service.not_arrived_days()
        return self.service.search(
            self.filter, offset=offset, limit=limit, sort=self.sort_key, descending=self.descending
        )

    def header(self, key: str) -> str:
        return _header(key)

    def cell(self, r: ReferralRow, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            when = r.referred_at or r.created_at
            place = r.to_institution if r.direction == "up" else r.from_institution
            if r.direction == "up" and r.to_department:
                place = f"{place} {r.to_department}"
            flags = []
            if r.overdue:
                flags.append(QCoreApplication.translate("ReferralTable", "No answer for 14+ days"))
            if r.not_arrived:
                flags.append(
                    QCoreApplication.translate(
                        "ReferralTable", "Received, not arrived %1+ days"
                    ).replace("%1", str(self.not_arrived_days))
                )
            if r.feedback_result:
                result = {
                    "received": QCoreApplication.translate("ReferralTable", "received"),
                    "refused": QCoreApplication.translate("ReferralTable", "refused"),
                }.get(r.feedback_result, r.feedback_result)
                flags.append(
                    QCoreApplication.translate("ReferralTable", "Receipt: %1").replace("%1", result)
                )
            if r.appointment_at is not None:
                flags.append(
                    QCoreApplication.translate("ReferralTable", "Booked %1").replace(
                        "%1", booking_text(r.receiving_doctor, r.appointment_at)
                    )
                )
            return {
                "number": r.number,
                "direction": ui(r.direction_name),
                "status": ui(r.status_name),
                "patient": r.patient_name,
                "destination": place,
                "doctor": r.referring_doctor,
                "date": self.service.ctx.local(when).strftime("%Y-%m-%d"),
                "feedback": "；".join(flags),
                "sync": sync_label(r.sync_state),
            }[key]
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "feedback" and (r.overdue or r.not_arrived):
                return QBrush(QColor("#c0392b"))
            if key == "sync":
                return sync_brush(r.sync_state)
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None
