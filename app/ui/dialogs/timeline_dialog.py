"""A patient's timeline: every referral and every follow-up visit, newest first."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import PermissionDenied
from app.services.bundle import AppServices
from app.services.followups import PatientVisit

EMERGENCY_COLOUR = QColor("#a93226")


def visit_line(v: PatientVisit) -> str:
    """How one visit reads in the timeline (domain words, as on the paper forms)."""
    parts = [f"{v.visit_date:%Y-%m-%d}", f"{v.kind_name}随访", v.method_name]
    if v.sbp is not None and v.dbp is not None:
        parts.append(f"血压 {v.sbp}/{v.dbp} mmHg")
    if v.fasting_glucose is not None:
        parts.append(f"空腹血糖 {v.fasting_glucose:g} mmol/L")
    if v.class_name:
        parts.append(v.class_name)
    if v.outcome:
        parts.append(f"转归：{v.outcome}")
    if v.emergency:
        parts.append("危急情况，建议立即转诊")
    if v.doctor:
        parts.append(v.doctor)
    return "　".join(p for p in parts if p)


class TimelineDialog(QDialog):
    def __init__(self, services: AppServices, patient_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        p = services.patients.get(patient_id)
        self.setWindowTitle(self.tr("Timeline of %1").replace("%1", p.name))
        self.resize(760, 460)
        header = QLabel(f"{p.name}　{p.sex_label}　{p.age_text()}　{p.id_number}　{p.village}")
        header.setStyleSheet("font-weight: bold;")
        self.entries = QListWidget()
        self.entries.setObjectName("timelineEntries")
        try:
            referrals = services.referrals.timeline(patient_id)
        except PermissionDenied:
            referrals = []
        try:
            visits = services.followups.visits_for_patient(patient_id)
        except PermissionDenied:
            visits = []
        # (day, order within the day, text, emergency); sorted newest first below
        lines: list[tuple[date, int, str, bool]] = []
        for r in referrals:
            when = services.ctx.local(r.referred_at or r.created_at)  # stored UTC
            place = r.to_institution if r.direction == "up" else r.from_institution
            dept = f" {r.to_department}" if r.direction == "up" and r.to_department else ""
            what = r.impression if r.direction == "up" else r.diagnosis
            kind = f"{r.direction_name}转诊　{r.status_name}"
            text = f"{when:%Y-%m-%d}　{kind}　{place}{dept}　{what}　{r.number}"
            lines.append((when.date(), 1, text, False))
        for v in visits:
            lines.append((v.visit_date, 0, visit_line(v), v.emergency))
        lines.sort(key=lambda x: (x[0], x[1]), reverse=True)
        for _day, _order, text, emergency in lines:
            item = QListWidgetItem(text)
            if emergency:
                item.setForeground(EMERGENCY_COLOUR)
            self.entries.addItem(item)
        if not lines:
            self.entries.addItem(self.tr("No referrals or follow-up visits yet."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.entries, 1)
        layout.addWidget(buttons)
