"""设置 → 随访间隔: the province's follow-up intervals, edited by an administrator."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.config import RANGES
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.roles import Perm, allowed
from app.services.bundle import AppServices
from app.ui.domain_text import ui_error
from app.ui.widgets.flow_layout import FlowLayout
from app.ui.widgets.form_errors import FieldErrors


class FollowUpIntervalsBox(QGroupBox):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Follow-up intervals"), parent)
        self.setObjectName("followupIntervals")
        self.services = services
        self.errors = FieldErrors()
        self.controlled = self._spin("followup_controlled_days")
        self.uncontrolled = self._spin("followup_uncontrolled_days")
        self.referral = self._spin("followup_referral_days")
        self.rehab = self._spin("followup_rehab_days")
        self.save_button = QPushButton(self.tr("Save intervals"))
        self.save_button.setObjectName("saveIntervals")
        self.message = QLabel()
        self.message.setObjectName("intervalsMessage")
        self.message.setWordWrap(True)
        note = QLabel(
            self.tr(
                "Days to the next visit of a hypertension or diabetes patient. The national "
                "standard: about 3 months when controlled, within 2 weeks otherwise; your "
                "province may differ. Applies to visits recorded from now on. The first "
                "rehabilitation visit after a downward referral without a booked date is due "
                "after the last interval."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        # one compact row: the settings page also holds the accounts table
        grid = QGridLayout(self)
        grid.addWidget(note, 0, 0, 1, 10)
        fields = FlowLayout()  # wraps at 1024×768 and in English, never widens the page
        for n, (key, label, spin) in enumerate(
            (
                ("followup_controlled_days", self.tr("Controlled"), self.controlled),
                ("followup_uncontrolled_days", self.tr("Not controlled"), self.uncontrolled),
                ("followup_referral_days", self.tr("After an emergency referral"), self.referral),
                ("followup_rehab_days", self.tr("First rehabilitation visit"), self.rehab),
            )
        ):
            pair = QWidget()  # a label stays with its field when the row wraps
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 0, 0)
            pair_layout.addWidget(QLabel(label))
            pair_layout.addWidget(spin)
            fields.addWidget(pair)
            grid.addWidget(self.errors.add(key, spin), 2 + n, 0, 1, 10)
        grid.addLayout(fields, 1, 0, 1, 9)
        grid.addWidget(self.save_button, 1, 9)
        grid.addWidget(self.message, 6, 0, 1, 10)
        grid.setColumnStretch(8, 1)
        self.save_button.clicked.connect(self.save)
        self.refresh()

    def _spin(self, key: str) -> QSpinBox:
        s = QSpinBox()
        s.setObjectName(key)
        lo, hi = RANGES[key]
        s.setRange(lo, hi)
        s.setSuffix(self.tr(" days"))
        s.setMaximumWidth(120)
        return s

    def refresh(self) -> None:
        """Show the intervals in force; only an administrator may change them."""
        i = self.services.followups.intervals
        self.controlled.setValue(i.satisfied)
        self.uncontrolled.setValue(i.unsatisfied)
        self.referral.setValue(i.after_emergency_referral)
        self.rehab.setValue(i.rehab_default)
        actor = self.services.ctx.actor
        admin = bool(actor and allowed(actor.role, Perm.SETTINGS_EDIT))
        for w in (self.controlled, self.uncontrolled, self.referral, self.rehab, self.save_button):
            w.setEnabled(admin)

    def save(self) -> None:
        self.errors.clear()
        self.message.clear()
        try:
            self.services.followups.set_intervals(
                self.controlled.value(),
                self.uncontrolled.value(),
                self.referral.value(),
                self.rehab.value(),
            )
        except ValidationError as exc:
            self.errors.show(exc.errors, self.message)
            self.message.setStyleSheet("color: #c0392b;")
            return
        except PermissionDenied as exc:
            self.message.setStyleSheet("color: #c0392b;")
            self.message.setText(ui_error(exc))
            return
        self.message.setStyleSheet("color: #1e8449;")
        self.message.setText(self.tr("Saved"))
