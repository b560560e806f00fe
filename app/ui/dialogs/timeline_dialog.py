"""A patient's timeline: every referral (later also every follow-up visit), newest first."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from app.domain.errors import PermissionDenied
from app.services.bundle import AppServices


class TimelineDialog(QDialog):
    def __init__(self, services: AppServices, patient_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        p = services.patients.get(patient_id)
        self.setWindowTitle(self.tr("Timeline of %1").replace("%1", p.name))
        self.resize(640, 420)
        header = QLabel(f"{p.name}　{p.sex_label}　{p.age_text()}　{p.id_number}　{p.village}")
        header.setStyleSheet("font-weight: bold;")
        self.entries = QListWidget()
        self.entries.setObjectName("timelineEntries")
        try:
            referrals = services.referrals.timeline(patient_id)
        except PermissionDenied:
            referrals = []
        for r in referrals:
            when = (r.referred_at or r.created_at).strftime("%Y-%m-%d")
            place = r.to_institution if r.direction == "up" else r.from_institution
            dept = f" {r.to_department}" if r.direction == "up" and r.to_department else ""
            what = r.impression if r.direction == "up" else r.diagnosis
            kind = f"{r.direction_name}转诊　{r.status_name}"
            self.entries.addItem(f"{when}　{kind}　{place}{dept}　{what}　{r.number}")
        if not referrals:
            self.entries.addItem(self.tr("No referrals yet."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.entries, 1)
        layout.addWidget(buttons)
