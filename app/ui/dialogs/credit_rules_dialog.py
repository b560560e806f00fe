"""培训 → 学分规则: the province's continuing-education rules, edited by an administrator
(25 学分 with I类 5–10 and II类 15–20 by default; hours per credit; the 进修 months that meet
the year; yearly hours for 初级 staff and 乡村医生)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import RANGES
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.training import CreditRules
from app.services.bundle import AppServices
from app.ui.domain_text import ui_error
from app.ui.widgets.form_errors import FieldErrors

# settings key -> CreditRules field
FIELDS = {
    "credit_total": "total",
    "credit_i_min": "class_i_min",
    "credit_i_max": "class_i_max",
    "credit_ii_min": "class_ii_min",
    "credit_ii_max": "class_ii_max",
    "credit_hours_per_credit": "hours_per_credit",
    "credit_secondment_months": "secondment_months",
    "training_hours_junior": "junior_hours",
    "training_hours_village": "village_hours",
}


class CreditRulesDialog(QDialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Credit rules"))
        self.setObjectName("creditRulesDialog")
        self.services = services
        self.errors = FieldErrors()
        labels = {
            "credit_total": self.tr("Credits a year (intermediate title and higher)"),
            "credit_i_min": self.tr("Class I at least"),
            "credit_i_max": self.tr("Class I counted up to"),
            "credit_ii_min": self.tr("Class II at least"),
            "credit_ii_max": self.tr("Class II counted up to"),
            "credit_hours_per_credit": self.tr("Hours per credit (no own award)"),
            "credit_secondment_months": self.tr(
                "Months of full-time secondment that meet the year"
            ),
            "training_hours_junior": self.tr("Training hours a year (junior title)"),
            "training_hours_village": self.tr("Training hours a year (village doctors)"),
        }
        self.spins: dict[str, QSpinBox | QDoubleSpinBox] = {}
        form = QFormLayout()
        rules = services.training.rules
        for key, name in FIELDS.items():
            lo, hi = RANGES[key]
            spin: QSpinBox | QDoubleSpinBox
            if isinstance(lo, float):
                spin = QDoubleSpinBox()
                spin.setDecimals(1)
                spin.setRange(lo, hi)
            else:
                spin = QSpinBox()
                spin.setRange(lo, hi)
            spin.setObjectName(key)
            spin.setValue(getattr(rules, name))
            self.spins[key] = spin
            form.addRow(labels[key], spin)
            form.addRow("", self.errors.add(key, spin))
        note = QLabel(
            self.tr(
                "Credits beyond a class's cap count for nothing: surplus class I never makes "
                "up missing class II."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        self.message = QLabel()
        self.message.setObjectName("creditRulesMessage")
        self.message.setStyleSheet("color: #c0392b;")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    def value(self) -> CreditRules:
        values: dict[str, Any] = {name: self.spins[key].value() for key, name in FIELDS.items()}
        return CreditRules(**values)

    def save(self) -> None:
        self.errors.clear()
        self.message.clear()
        try:
            self.services.training.set_rules(self.value())
        except ValidationError as exc:
            self.errors.show(exc.errors, self.message)
            return
        except PermissionDenied as exc:
            self.message.setText(ui_error(exc))
            return
        self.accept()
