"""设置 → 随访控制目标: the province's control targets for hypertension (by age) and diabetes,
and the pregnancy fasting-glucose cut-off, edited by an administrator."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDoubleSpinBox,
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
from app.domain.followup_criteria import ControlTargets
from app.domain.roles import Perm, allowed
from app.services.bundle import AppServices
from app.ui.domain_text import ui_error
from app.ui.widgets.form_errors import FieldErrors

# settings key -> ControlTargets field
FIELDS = {
    "followup_htn_sbp_target": "htn_sbp",
    "followup_htn_dbp_target": "htn_dbp",
    "followup_elderly_age": "elderly_age",
    "followup_elderly_sbp_target": "elderly_sbp",
    "followup_elderly_dbp_target": "elderly_dbp",
    "followup_dm_fpg_target": "dm_fpg",
    "followup_pregnancy_fpg": "pregnancy_fpg",
}


class FollowUpTargetsBox(QGroupBox):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Follow-up control targets"), parent)
        self.setObjectName("followupTargets")
        self.services = services
        self.errors = FieldErrors()
        self.spins: dict[str, QSpinBox | QDoubleSpinBox] = {}
        for key in FIELDS:
            lo, hi = RANGES[key]
            spin: QSpinBox | QDoubleSpinBox
            if isinstance(lo, float):
                spin = QDoubleSpinBox()
                spin.setDecimals(1)
                spin.setSingleStep(0.1)
                spin.setRange(lo, hi)
            else:
                spin = QSpinBox()
                spin.setRange(int(lo), int(hi))
            spin.setObjectName(key)
            spin.setMaximumWidth(90)
            self.spins[key] = spin
        self.save_button = QPushButton(self.tr("Save targets"))
        self.save_button.setObjectName("saveTargets")
        self.message = QLabel()
        self.message.setObjectName("targetsMessage")
        self.message.setWordWrap(True)
        note = QLabel(
            self.tr(
                "A visit is controlled when the target is met, with no drug adverse reaction and "
                "no new complication. "
                "National standard: blood pressure below 140/90, from age 65 below 150/90; "
                "fasting glucose below 7.0 mmol/L. A pregnant or breastfeeding diabetic from the "
                "pregnancy fasting glucose on is an emergency."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        s = self.spins
        rows = (
            (
                self.tr("Hypertension below (mmHg)"),
                s["followup_htn_sbp_target"],
                "/",
                s["followup_htn_dbp_target"],
                self.tr("From age"),
                s["followup_elderly_age"],
                self.tr("below"),
                s["followup_elderly_sbp_target"],
                "/",
                s["followup_elderly_dbp_target"],
            ),
            (
                self.tr("Diabetes fasting glucose below (mmol/L)"),
                s["followup_dm_fpg_target"],
                self.tr("Pregnancy emergency from (mmol/L)"),
                s["followup_pregnancy_fpg"],
            ),
        )
        grid = QGridLayout(self)  # compact: the settings page also holds the accounts table
        grid.addWidget(note, 0, 0, 1, 2)
        for r, cells in enumerate(rows, 1):
            line = QHBoxLayout()
            for cell in cells:
                line.addWidget(QLabel(cell) if isinstance(cell, str) else cell)
            line.addStretch(1)
            grid.addLayout(line, r, 0)
        grid.addWidget(self.save_button, 2, 1)
        for n, key in enumerate(FIELDS):
            grid.addWidget(self.errors.add(key, s[key]), 3 + n, 0, 1, 2)
        grid.addWidget(self.message, 10, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self.save_button.clicked.connect(self.save)
        self.refresh()

    def refresh(self) -> None:
        """Show the targets in force; only an administrator may change them."""
        t = self.services.followups.targets
        for key, name in FIELDS.items():
            self.spins[key].setValue(getattr(t, name))
        actor = self.services.ctx.actor
        admin = bool(actor and allowed(actor.role, Perm.SETTINGS_EDIT))
        for w in [*self.spins.values(), self.save_button]:
            w.setEnabled(admin)

    def value(self) -> ControlTargets:
        values: dict[str, Any] = {}
        for key, name in FIELDS.items():
            v = self.spins[key].value()
            values[name] = round(v, 1) if isinstance(v, float) else int(v)
        return ControlTargets(**values)

    def save(self) -> None:
        self.errors.clear()
        self.message.clear()
        try:
            self.services.followups.set_targets(self.value())
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
