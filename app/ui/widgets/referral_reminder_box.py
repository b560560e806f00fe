"""设置 → 转诊提醒: after how many days a received referral with no arrival is flagged
已接收未到诊 on the referral list (administrators edit it)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from app.config import RANGES
from app.domain.errors import PermissionDenied
from app.domain.roles import Perm, allowed
from app.services.bundle import AppServices
from app.services.referral_feedback import save_not_arrived_days
from app.ui.domain_text import ui_error


class ReferralReminderBox(QWidget):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralReminder")
        self.services = services
        self.days = QSpinBox()
        self.days.setObjectName("notArrivedDays")
        lo, hi = RANGES["referral_not_arrived_days"]
        self.days.setRange(lo, hi)
        self.days.setSuffix(self.tr(" days"))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("saveNotArrivedDays")
        self.message = QLabel()
        self.message.setObjectName("notArrivedMessage")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Flag a referral received but not arrived after")))
        row.addWidget(self.days)
        row.addWidget(self.save_button)
        row.addWidget(self.message, 1)
        self.save_button.clicked.connect(self.save)
        self.refresh()

    def refresh(self) -> None:
        self.days.setValue(self.services.referrals.not_arrived_days())
        actor = self.services.ctx.actor
        editable = bool(actor and allowed(actor.role, Perm.SETTINGS_EDIT))
        self.days.setEnabled(editable)
        self.save_button.setEnabled(editable)

    def save(self) -> None:
        try:
            days = save_not_arrived_days(self.services.ctx, self.days.value())
        except (ValueError, PermissionDenied) as exc:
            self.message.setStyleSheet("color: #c0392b;")
            self.message.setText(ui_error(exc))
            return
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Saved: %1 days").replace("%1", str(days)))
