"""录入回执: the county's receipt of an upward referral, as the clinic heard it by phone or read
it on a paper 回执 — who, when, received or refused (and why), and the arrival if known."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import PermissionDenied, ValidationError
from app.domain.referral_feedback import FeedbackInput
from app.services.bundle import AppServices
from app.services.referrals import ReferralRow
from app.ui.domain_text import ui_error
from app.ui.widgets.form_errors import FieldErrors


def _qdt(d: datetime) -> QDateTime:
    return QDateTime(QDate(d.year, d.month, d.day), QTime(d.hour, d.minute))


def _py(edit: QDateTimeEdit) -> datetime:
    d, t = edit.date(), edit.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


class FeedbackDialog(QDialog):
    def __init__(
        self, services: AppServices, referral: ReferralRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.referral = referral
        self.saved: ReferralRow | None = None
        self.errors = FieldErrors()
        self.setWindowTitle(self.tr("Record receipt — %1").replace("%1", referral.number))
        self.setMinimumWidth(520)
        header = QLabel(
            f"{referral.patient_name}　{referral.to_institution} {referral.to_department}"
        )
        header.setStyleSheet("font-weight: bold;")
        now = services.ctx.now_local()

        self.method = QComboBox()
        self.method.setObjectName("feedbackMethod")
        self.method.addItem(self.tr("By phone"), "phone")
        self.method.addItem(self.tr("Paper receipt"), "paper")
        self.by = QLineEdit()
        self.by.setObjectName("feedbackBy")
        self.by.setPlaceholderText(self.tr("County doctor or referral office staff"))
        self.by.setText(referral.feedback_by or referral.to_doctor)
        self.at = QDateTimeEdit(_qdt(now))
        self.at.setObjectName("feedbackAt")
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at.setCalendarPopup(True)
        self.answer = QComboBox()
        self.answer.setObjectName("feedbackResult")
        self.answer.addItem(self.tr("Received"), "received")
        self.answer.addItem(self.tr("Refused"), "refused")
        self.reason = QLineEdit()
        self.reason.setObjectName("feedbackReason")
        self.reason.setPlaceholderText(self.tr("Why the county hospital refused"))
        self.arrived = QCheckBox(self.tr("Patient has arrived"))
        self.arrived.setObjectName("feedbackArrived")
        self.arrived_at = QDateTimeEdit(_qdt(now))
        self.arrived_at.setObjectName("feedbackArrivedAt")
        self.arrived_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.arrived_at.setCalendarPopup(True)

        form = QFormLayout()
        rows: list[tuple[str, str, QWidget]] = [
            ("method", self.tr("How"), self.method),
            ("by", self.tr("Answered by *"), self.by),
            ("at", self.tr("Answered at *"), self.at),
            ("result", self.tr("Result *"), self.answer),
            ("reason", self.tr("Reason for refusal"), self.reason),
            ("arrived_at", self.tr("Arrival"), self.arrived),
        ]
        for key, label, widget in rows:
            form.addRow(label, widget)
            form.addRow("", self.errors.add(key, widget))
        form.addRow("", self.arrived_at)
        self.general = QLabel()
        self.general.setObjectName("feedbackGeneral")
        self.general.setStyleSheet("color: #c0392b;")
        self.general.setWordWrap(True)
        self.general.hide()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            self.tr("Save receipt"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("saveFeedback")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)

        self.answer.currentIndexChanged.connect(lambda _i: self._sync_enabled())
        self.arrived.toggled.connect(lambda _c: self._sync_enabled())
        self._sync_enabled()
        self.by.setFocus(Qt.FocusReason.OtherFocusReason)

    def _sync_enabled(self) -> None:
        refused = self.answer.currentData() == "refused"
        self.reason.setEnabled(refused)
        self.arrived.setEnabled(not refused)
        if refused:
            self.arrived.setChecked(False)
        self.arrived_at.setEnabled(self.arrived.isChecked())

    def value(self) -> FeedbackInput:
        return FeedbackInput(
            method=self.method.currentData(),
            by=self.by.text(),
            at=_py(self.at),
            result=self.answer.currentData(),
            reason=self.reason.text() if self.answer.currentData() == "refused" else "",
            arrived_at=_py(self.arrived_at) if self.arrived.isChecked() else None,
        )

    def save(self) -> None:
        try:
            self.saved = self.services.referrals.record_feedback(self.referral.id, self.value())
        except ValidationError as exc:
            first = self.errors.show(exc.errors, self.general)
            if first is not None:
                first.setFocus()
            return
        except PermissionDenied as exc:
            self.general.setText(ui_error(exc))
            self.general.show()
            return
        self.accept()
