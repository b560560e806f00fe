"""设置 → 本机构: the clinic's name and county hospital (an administrator may correct them),
its code (fixed: the county hub knows the clinic by it), the data folder, and this PC's
idle-lock minutes."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.config import RANGES, Settings
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.roles import Perm, allowed
from app.services.bundle import AppServices
from app.ui.domain_text import ui_error
from app.ui.widgets.form_errors import FieldErrors


class ClinicDetailsBox(QGroupBox):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("This clinic"), parent)
        self.setObjectName("clinicDetails")
        self.services = services
        self.errors = FieldErrors()
        self.name = QLineEdit()
        self.name.setObjectName("clinic_name")
        self.name.setMaxLength(100)
        self.hospital = QLineEdit()
        self.hospital.setObjectName("county_hospital")
        self.hospital.setMaxLength(100)
        self.code = QLabel()
        self.code.setObjectName("clinicCode")
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setObjectName("idle_lock_minutes")
        self.idle_minutes.setRange(*RANGES["idle_lock_minutes"])
        self.idle_minutes.setSuffix(self.tr(" min"))
        self.idle_minutes.setMaximumWidth(110)
        # This PC's interface language: read at start-up, so a change applies on restart.
        self.language = QComboBox()
        self.language.setObjectName("language")
        self.language.addItem("简体中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setMaximumWidth(160)
        self.save_button = QPushButton(self.tr("Save clinic details"))
        self.save_button.setObjectName("saveClinic")
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setObjectName("clinicMessage")
        self.message.setWordWrap(True)
        # Compact (three rows): the settings page also holds the accounts table.
        grid = QGridLayout(self)
        grid.addWidget(QLabel(self.tr("Clinic name")), 0, 0)
        grid.addWidget(self.name, 0, 1)
        grid.addWidget(QLabel(self.tr("County hospital")), 0, 2)
        grid.addWidget(self.hospital, 0, 3)
        grid.addWidget(self.errors.add("clinic_name", self.name), 1, 1)
        grid.addWidget(self.errors.add("county_hospital", self.hospital), 1, 3)
        grid.addWidget(QLabel(self.tr("Clinic code")), 2, 0)
        grid.addWidget(self.code, 2, 1)
        grid.addWidget(QLabel(self.tr("Data folder")), 2, 2)
        grid.addWidget(QLabel(str(services.data_dir)), 2, 3)
        grid.addWidget(QLabel(self.tr("Screen lock after")), 3, 0)
        idle_row = QHBoxLayout()
        idle_row.addWidget(self.idle_minutes)
        idle_row.addStretch(1)
        grid.addLayout(idle_row, 3, 1)
        grid.addWidget(QLabel(self.tr("Interface language")), 3, 2)
        language_row = QHBoxLayout()
        language_row.addWidget(self.language)
        language_row.addStretch(1)
        grid.addLayout(language_row, 3, 3)
        # The hints under their fields, wrapping: beside them they widened the page.
        idle_hint = QLabel(self.tr("without keyboard or mouse locks this PC's screen"))
        language_hint = QLabel(self.tr("applies when ClinicLink is started again"))
        for col, hint in ((1, idle_hint), (3, language_hint)):
            hint.setStyleSheet("color: #666;")
            hint.setWordWrap(True)
            grid.addWidget(hint, 4, col)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        grid.addLayout(buttons, 5, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.refresh()

    def is_admin(self) -> bool:
        actor = self.services.ctx.actor
        return bool(actor and allowed(actor.role, Perm.USER_MANAGE))

    def refresh(self) -> None:
        clinic = self.services.users.clinic()
        if clinic is not None:
            self.name.setText(clinic.name)
            self.hospital.setText(clinic.county_hospital)
            self.code.setText(clinic.code)
        settings = Settings.load(self.services.data_dir)
        self.idle_minutes.setValue(settings.idle_lock_minutes)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        admin = self.is_admin()
        for w in (self.name, self.hospital, self.idle_minutes, self.language, self.save_button):
            w.setEnabled(admin)

    def save(self) -> None:
        self.errors.clear()
        # read first: the save below refreshes the box
        minutes, language = self.idle_minutes.value(), str(self.language.currentData())
        try:
            info = self.services.users.update_clinic(self.name.text(), self.hospital.text())
        except ValidationError as exc:
            first = self.errors.show(exc.errors, self.message)
            if first is not None:
                first.setFocus()
            return
        except PermissionDenied as exc:
            self.message.setStyleSheet("color: #c0392b;")
            self.message.setText(ui_error(exc))
            return
        # Re-read first: the sync settings may have been saved meanwhile.
        settings = Settings.load(self.services.data_dir)
        language_changed = settings.language != language
        settings.idle_lock_minutes = minutes
        settings.language = language
        settings.save(self.services.data_dir)
        self.idle_minutes.setValue(minutes)
        self.language.setCurrentIndex(self.language.findData(language))
        self.message.setStyleSheet("color: #1e8449;")
        text = self.tr("Saved: {name}. The screen-lock time applies from the next login.").format(
            name=info.name
        )
        if language_changed:
            text += " " + self.tr("The new language applies when ClinicLink is started again.")
        self.message.setText(text)
