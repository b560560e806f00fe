"""设置 → 本机构: the clinic's name and county hospital (an administrator may correct them),
its code (fixed: the county hub knows the clinic by it), the data folder, and this PC's
idle-lock minutes."""

from __future__ import annotations

from PySide6.QtCore import Qt
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

NAME_PADDING = 16  # the field's frame and text margins


def fit_name_width(edit: QLineEdit) -> None:
    """A name field at least as wide as the name it holds (and some twenty characters when
    shorter or empty), so a clinic's or hospital's full name is not cut; measured in the
    field's own font, whatever the language."""
    metrics = edit.fontMetrics()
    floor = metrics.averageCharWidth() * 20
    text = metrics.horizontalAdvance(edit.text())
    edit.setMinimumWidth(min(max(floor, text), metrics.averageCharWidth() * 60) + NAME_PADDING)


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
        # One field a row, label on the left: two fields side by side squeezed the names
        # (and pushed the page wider than a 1024×768 screen beside the backups box).
        grid = QGridLayout(self)
        folder = QLabel(str(services.data_dir))
        folder.setObjectName("dataFolder")
        folder.setToolTip(str(services.data_dir))
        folder.setWordWrap(True)  # a long Windows path wraps at its separators
        folder.setTextInteractionFlags(
            folder.textInteractionFlags() | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        idle_row = QHBoxLayout()
        idle_row.addWidget(self.idle_minutes)
        idle_row.addWidget(
            self._hint(self.tr("without keyboard or mouse locks this PC's screen")), 1
        )
        language_row = QHBoxLayout()
        language_row.addWidget(self.language)
        language_row.addWidget(self._hint(self.tr("applies when ClinicLink is started again")), 1)
        rows: list[tuple[str, QWidget | QHBoxLayout]] = [
            (self.tr("Clinic name"), self.name),
            ("", self.errors.add("clinic_name", self.name)),
            (self.tr("County hospital"), self.hospital),
            ("", self.errors.add("county_hospital", self.hospital)),
            (self.tr("Clinic code"), self.code),
            (self.tr("Data folder"), folder),
            (self.tr("Screen lock after"), idle_row),
            (self.tr("Interface language"), language_row),
        ]
        for row, (label, field) in enumerate(rows):
            if label:
                grid.addWidget(QLabel(label), row, 0)
            if isinstance(field, QHBoxLayout):
                grid.addLayout(field, row, 1)
            else:
                grid.addWidget(field, row, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        grid.addLayout(buttons, len(rows), 0, 1, 2)
        grid.setColumnStretch(1, 1)
        for edit in (self.name, self.hospital):
            fit_name_width(edit)
            edit.textChanged.connect(lambda _t, e=edit: fit_name_width(e))
        self.refresh()

    @staticmethod
    def _hint(text: str) -> QLabel:
        hint = QLabel(text)
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        return hint

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
