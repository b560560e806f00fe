"""Plan or edit a training activity (培训 · 教学查房 · 手术示教 ...)."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import PermissionDenied, ValidationError
from app.domain.training import ACTIVITY_TYPES, CREDIT_CLASSES, ActivityInput, duration_hours
from app.services.bundle import AppServices
from app.services.training import ActivityRow
from app.ui.clinic_dates import clinic_qdate
from app.ui.domain_text import ui, ui_error
from app.ui.widgets.form_errors import FieldErrors
from app.ui.widgets.status_note import notify_saved


class ActivityDialog(QDialog):
    def __init__(
        self,
        services: AppServices,
        activity: ActivityRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.activity = activity
        self.saved: ActivityRow | None = None
        self.setWindowTitle(self.tr("Training activity"))
        self.setMinimumWidth(520)
        self.activity_type = QComboBox()
        for name in ACTIVITY_TYPES:
            self.activity_type.addItem(ui(name), name)
        self.topic = QLineEdit()
        self.day = QDateEdit(clinic_qdate(self.services))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.start = QTimeEdit(QTime(14, 30))
        self.end = QTimeEdit(QTime(17, 30))
        for t in (self.start, self.end):
            t.setDisplayFormat("HH:mm")
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 24)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(3.0)
        self.start.timeChanged.connect(self._suggest_hours)
        self.end.timeChanged.connect(self._suggest_hours)
        self.place = QLineEdit()
        self.lecturer = QLineEdit()
        self.lecturer_title = QLineEdit()
        self.lecturer_unit = QLineEdit()
        self.organiser = QLineEdit()
        clinic = services.users.clinic()
        if clinic:
            self.lecturer_unit.setText(clinic.county_hospital)
            self.organiser.setText(clinic.county_hospital)
        self.credit_class = QComboBox()
        for name in CREDIT_CLASSES:
            self.credit_class.addItem(ui(name), name)
        self.credit_class.setCurrentIndex(self.credit_class.findData("无"))
        self.credits = QDoubleSpinBox()
        self.credits.setRange(-100, 100)
        self.credits.setSingleStep(0.5)
        self.credits_stated = QCheckBox(self.tr("The project states its own credits"))
        self.credits_stated.setToolTip(
            self.tr("Unticked: each attendee earns 1 credit per 3 hours attended")
        )
        self.credits.setEnabled(False)
        self.credits_stated.toggled.connect(self.credits.setEnabled)
        self.course = QLineEdit()
        self.course.setPlaceholderText(self.tr("Name of the course this session belongs to"))
        self.assessment = QLineEdit()
        actor = services.ctx.actor
        self.recorder = QLineEdit(actor.display_name if actor else "")
        self.errors = FieldErrors()
        form = QFormLayout()
        for key, label, widget in (
            ("activity_type", self.tr("Type *"), self.activity_type),
            ("topic", self.tr("Topic *"), self.topic),
            ("day", self.tr("Date *"), self.day),
            ("start", self.tr("Starts"), self.start),
            ("end", self.tr("Ends *"), self.end),
            ("hours", self.tr("Hours *"), self.hours),
            ("place", self.tr("Place"), self.place),
            ("lecturer", self.tr("Lecturer / teacher"), self.lecturer),
            ("lecturer_title", self.tr("Lecturer's title"), self.lecturer_title),
            ("lecturer_unit", self.tr("Lecturer's unit"), self.lecturer_unit),
            ("organiser", self.tr("Organiser"), self.organiser),
            ("credit_class", self.tr("Credit class"), self.credit_class),
            ("credits_stated", self.tr("Own award"), self.credits_stated),
            ("credits", self.tr("Credits"), self.credits),
            ("course", self.tr("Training course"), self.course),
            ("assessment", self.tr("Assessment"), self.assessment),
            ("recorder", self.tr("Recorded by"), self.recorder),
        ):
            widget.setObjectName(key)
            form.addRow(label, widget)
            form.addRow("", self.errors.add(key, widget))
        self.general_error = QLabel()
        self.general_error.setStyleSheet("color: #c0392b;")
        self.general_error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        if activity:
            self._fill(activity)

    def _suggest_hours(self) -> None:
        start: time = self.start.time().toPython()  # type: ignore[assignment]
        end: time = self.end.time().toPython()  # type: ignore[assignment]
        if end > start:
            self.hours.setValue(round(duration_hours(start, end) * 2) / 2)

    def _fill(self, a: ActivityRow) -> None:
        self.activity_type.setCurrentIndex(max(0, self.activity_type.findData(a.activity_type)))
        self.topic.setText(a.topic)
        self.day.setDate(QDate(a.day.year, a.day.month, a.day.day))
        self.start.setTime(QTime(a.start.hour, a.start.minute))
        self.end.setTime(QTime(a.end.hour, a.end.minute))
        self.hours.setValue(a.hours)
        for key in (
            "place",
            "lecturer",
            "lecturer_title",
            "lecturer_unit",
            "organiser",
            "assessment",
            "recorder",
        ):
            getattr(self, key).setText(getattr(a, key))
        self.credit_class.setCurrentIndex(max(0, self.credit_class.findData(a.credit_class)))
        self.credits_stated.setChecked(a.credits_stated)
        self.credits.setValue(a.credits)
        self.course.setText(a.course)

    def collect(self) -> ActivityInput:
        day: date = self.day.date().toPython()  # type: ignore[assignment]
        start: time = self.start.time().toPython()  # type: ignore[assignment]
        end: time = self.end.time().toPython()  # type: ignore[assignment]
        return ActivityInput(
            activity_type=self.activity_type.currentData(),
            day=day,
            start=start,
            end=end,
            hours=self.hours.value(),
            topic=self.topic.text(),
            place=self.place.text(),
            lecturer=self.lecturer.text(),
            lecturer_unit=self.lecturer_unit.text(),
            lecturer_title=self.lecturer_title.text(),
            organiser=self.organiser.text(),
            credit_class=self.credit_class.currentData(),
            credits=self.credits.value() if self.credits_stated.isChecked() else 0.0,
            assessment=self.assessment.text(),
            recorder=self.recorder.text(),
            course=self.course.text().strip(),
            credits_stated=self.credits_stated.isChecked(),
        )

    def save(self) -> None:
        try:
            data = self.collect()
            if self.activity is None:
                self.saved = self.services.training.plan_activity(data)
            else:
                self.saved = self.services.training.update_activity(self.activity.id, data)
        except ValidationError as exc:
            first = self.errors.show(exc.errors, self.general_error)
            if first:
                first.setFocus()
            return
        except PermissionDenied as exc:
            self.general_error.setText(ui_error(exc))
            self.general_error.show()
            return
        notify_saved(self, self.tr("training activity %1").replace("%1", self.saved.topic))
        self.accept()
