"""培训: activities and their sign-in, the staff roster, 进修 / 对口支援, and yearly totals."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import PermissionDenied, ValidationError
from app.domain.roles import Perm, allowed
from app.domain.training import ATTENDANCE_NAMES, PRACTICE_CATEGORIES, SUPPORT_COUNTS, Attendance
from app.services.bundle import AppServices
from app.services.context import Changes
from app.services.training import ActivityRow
from app.ui.change_bus import ChangeBus
from app.ui.clinic_dates import clinic_qdate
from app.ui.dialogs.activity_dialog import ActivityDialog
from app.ui.domain_text import ui, ui_error
from app.ui.printing import PdfPreviewDialog
from app.ui.widgets import export_note
from app.ui.widgets.column_widths import fit_columns, set_column_widths
from app.ui.widgets.flow_layout import FlowLayout
from app.ui.widgets.status_note import notify_saved

MARK_KEYS = {
    Qt.Key.Key_1: Attendance.PRESENT,
    Qt.Key.Key_2: Attendance.LATE,
    Qt.Key.Key_3: Attendance.LEAVE,
    Qt.Key.Key_4: Attendance.ABSENT,
}


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setStretchLastSection(True)
    t.setAlternatingRowColors(True)
    t.setSortingEnabled(True)
    return t


def _fill(table: QTableWidget, rows: list[list[object]]) -> None:
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            item = QTableWidgetItem()
            item.setData(Qt.ItemDataRole.DisplayRole, v if isinstance(v, int | float) else str(v))
            if isinstance(v, str) and v:
                item.setToolTip(v)  # the whole text of a cell cut to its column
            table.setItem(r, c, item)
    table.setSortingEnabled(True)


class AttendanceTable(QTableWidget):
    """Roster rows; keys 1–4 mark the selected rows 出席/迟到/请假/缺席. With one person
    selected, the key moves on to the next one, so a sheet is entered key after key."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        mark = MARK_KEYS.get(Qt.Key(event.key()))
        if mark is not None:
            rows = sorted({i.row() for i in self.selectedIndexes()})
            if not rows and self.currentRow() >= 0:
                rows = [self.currentRow()]
            for r in rows:
                combo = self.cellWidget(r, 3)
                if isinstance(combo, QComboBox):
                    combo.setCurrentIndex(combo.findData(mark.value))
            if len(rows) == 1 and rows[0] + 1 < self.rowCount():
                self.setCurrentCell(rows[0] + 1, 0)
                self.selectRow(rows[0] + 1)
            return
        super().keyPressEvent(event)


class TrainingPage(QWidget):
    def __init__(self, services: AppServices, bus: ChangeBus, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.t = services.training
        self.preview: PdfPreviewDialog | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._activities_tab(), self.tr("Activities"))
        self.tabs.addTab(self._attendance_tab(), self.tr("Sign-in"))
        self.tabs.addTab(self._roster_tab(), self.tr("Staff roster"))
        self.tabs.addTab(self._support_tab(), self.tr("Secondments / stationed support"))
        self.tabs.addTab(self._totals_tab(), self.tr("Totals"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        bus.changed.connect(self.on_changed)
        self._loaded = False

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.refresh()

    def refresh(self) -> None:
        self.load_activities()
        self.load_roster()
        self.load_support()
        self.load_totals()

    def on_changed(self, changes: Changes) -> None:
        kinds = {"training_activity", "staff", "secondment", "support_stationing"}
        if self._loaded and changes.record_type in kinds:
            self.refresh()

    # -- activities ----------------------------------------------------------------------
    def _activities_tab(self) -> QWidget:
        w = QWidget()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(self.services.ctx.today().year)
        self.year.valueChanged.connect(self._year_changed)
        self.activity_table = _table(
            [
                self.tr("Date"),
                self.tr("Type"),
                self.tr("Topic"),
                self.tr("Lecturer"),
                self.tr("Hours"),
                self.tr("Credits"),
                self.tr("Attended"),
                self.tr("Status"),
            ]
        )
        self.activity_table.setObjectName("activityTable")
        set_column_widths(self.activity_table, (130, 130, 280, 90, 50, 70, 70))
        # At 1024×768 every column fits: the topic (free text) takes what the others leave,
        # the status is as wide as its text.
        head = self.activity_table.horizontalHeader()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(7, QHeaderView.ResizeMode.ResizeToContents)
        self.activity_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.new_activity = QPushButton(self.tr("Plan activity"))
        self.edit_activity = QPushButton(self.tr("Edit"))
        self.print_sheet = QPushButton(self.tr("Print sign-in sheet"))
        self.enter_attendance = QPushButton(self.tr("Enter sign-in"))
        self.close_button = QPushButton(self.tr("Close activity"))
        self.void_button = QPushButton(self.tr("Delete"))
        bar = FlowLayout()  # wraps on a narrow screen
        bar.addWidget(QLabel(self.tr("Year")))
        bar.addWidget(self.year)
        for b in (
            self.new_activity,
            self.edit_activity,
            self.print_sheet,
            self.enter_attendance,
            self.close_button,
            self.void_button,
        ):
            bar.addWidget(b)
        layout = QVBoxLayout(w)
        layout.addLayout(bar)
        layout.addWidget(self.activity_table)
        self.new_activity.clicked.connect(self.plan_activity)
        self.edit_activity.clicked.connect(self.edit_selected)
        self.print_sheet.clicked.connect(self.print_selected_sheet)
        self.enter_attendance.clicked.connect(self.open_attendance)
        self.close_button.clicked.connect(self.close_selected)
        self.void_button.clicked.connect(self.void_selected)
        self.activity_table.doubleClicked.connect(lambda _i: self.open_attendance())
        self._activities: dict[str, ActivityRow] = {}
        return w

    def _year_changed(self) -> None:
        self.load_activities()
        self.load_totals()

    def _tag(self, table: QTableWidget, row: int, value: str) -> None:
        item = table.item(row, 0)
        if item is not None:
            item.setData(Qt.ItemDataRole.UserRole, value)

    def load_activities(self) -> None:
        rows = self.t.activities(self.year.value())
        self._activities = {a.id: a for a in rows}
        _fill(
            self.activity_table,
            [
                [
                    f"{a.day:%Y-%m-%d} {a.start:%H:%M}",
                    ui(a.activity_type),
                    a.topic,
                    a.lecturer,
                    a.hours,
                    f"{ui(a.credit_class)} {self.t.credits_of(a):g}"
                    if a.credit_class != "无"
                    else "—",
                    a.attended,
                    ui(a.status_name),
                ]
                for a in rows
            ],
        )
        for r, a in enumerate(rows):
            self._tag(self.activity_table, r, a.id)

    def selected_activity(self) -> ActivityRow | None:
        rows = self.activity_table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.activity_table.item(rows[0].row(), 0)
        return self._activities.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def plan_activity(self) -> ActivityDialog:
        dialog = ActivityDialog(self.services, parent=self)
        dialog.open()
        return dialog

    def edit_selected(self) -> None:
        a = self.selected_activity()
        if a:
            ActivityDialog(self.services, a, parent=self).open()

    def print_selected_sheet(self) -> PdfPreviewDialog | None:
        a = self.selected_activity()
        if a is None:
            return None
        pdf = self.t.signin_sheet_pdf(a.id)
        self.preview = PdfPreviewDialog(
            self.tr("Sign-in sheet"), pdf, suggested_name=f"签到表-{a.day:%Y%m%d}.pdf", parent=self
        )
        self.preview.open()
        return self.preview

    def close_selected(self) -> None:
        a = self.selected_activity()
        if a:
            self.t.close_activity(a.id)

    def void_selected(self) -> None:
        a = self.selected_activity()
        if a is None:
            return
        if self.t.has_attendance(a.id):
            answer = QMessageBox.question(
                self,
                self.tr("Delete activity"),
                self.tr(
                    "“%1” already has sign-in records. Delete it anyway? It is kept in the "
                    "records as voided."
                ).replace("%1", a.topic),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.t.void_activity(a.id)

    # -- attendance ----------------------------------------------------------------------
    def _attendance_tab(self) -> QWidget:
        w = QWidget()
        self.attendance_title = QLabel(self.tr("Choose an activity on the first tab."))
        self.attendance_title.setStyleSheet("font-weight: bold;")
        self.attendance_table = AttendanceTable(0, 5)
        self.attendance_table.setObjectName("attendanceTable")
        self.attendance_table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Department"),
                self.tr("Title / post"),
                self.tr("Status"),
                self.tr("Signed in at"),
            ]
        )
        self.attendance_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attendance_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attendance_table.horizontalHeader().setStretchLastSection(True)
        hint = QLabel(
            self.tr(
                "Keys 1 %1 · 2 %2 · 3 %3 · 4 %4 mark the selected rows; Ctrl+A selects everyone."
            )
            .replace("%1", ui(ATTENDANCE_NAMES[Attendance.PRESENT]))
            .replace("%2", ui(ATTENDANCE_NAMES[Attendance.LATE]))
            .replace("%3", ui(ATTENDANCE_NAMES[Attendance.LEAVE]))
            .replace("%4", ui(ATTENDANCE_NAMES[Attendance.ABSENT]))
        )
        hint.setStyleSheet("color: #666;")
        self.all_present = QPushButton(self.tr("Everyone present"))
        self.save_attendance = QPushButton(self.tr("Save sign-in"))
        self.save_attendance.setObjectName("saveAttendance")
        self.attendance_message = QLabel()
        self.attendance_message.setStyleSheet("color: #c0392b;")
        bar = QHBoxLayout()
        bar.addWidget(hint, 1)
        bar.addWidget(self.all_present)
        bar.addWidget(self.save_attendance)
        layout = QVBoxLayout(w)
        layout.addWidget(self.attendance_title)
        layout.addWidget(self.attendance_table)
        layout.addWidget(self.attendance_message)
        layout.addLayout(bar)
        self.all_present.clicked.connect(self.mark_all_present)
        self.save_attendance.clicked.connect(self.store_attendance)
        self.attendance_activity: ActivityRow | None = None
        return w

    def open_attendance(self) -> None:
        a = self.selected_activity()
        if a is None:
            return
        self.attendance_activity = a
        self.attendance_title.setText(f"{a.day:%Y-%m-%d}　{ui(a.activity_type)}　{a.topic}")
        lines = self.t.sheet(a.id)
        table = self.attendance_table
        table.setRowCount(len(lines))
        for r, line in enumerate(lines):
            for c, text in enumerate((line.name, line.department, line.title)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, line.staff_id)
                table.setItem(r, c, item)
            combo = QComboBox()
            combo.addItem(self.tr("(not entered)"), "")
            for mark, name in ATTENDANCE_NAMES.items():
                combo.addItem(ui(name), mark.value)
            combo.setCurrentIndex(max(0, combo.findData(line.status)))
            table.setCellWidget(r, 3, combo)
            when = QLineEdit(f"{line.signed_in_at:%H:%M}" if line.signed_in_at else "")
            when.setPlaceholderText("HH:MM")
            when.setInputMask("99:99;_")
            if not line.signed_in_at:
                when.clear()
            table.setCellWidget(r, 4, when)
        self.attendance_message.clear()
        self.tabs.setCurrentIndex(1)
        if table.rowCount():  # keys 1–4 work at once, starting with the first person
            table.setCurrentCell(0, 0)
            table.selectRow(0)
        table.setFocus()

    def mark_all_present(self) -> None:
        self.attendance_table.selectAll()
        for r in range(self.attendance_table.rowCount()):
            combo = self.attendance_table.cellWidget(r, 3)
            if isinstance(combo, QComboBox):
                combo.setCurrentIndex(combo.findData(Attendance.PRESENT.value))

    def store_attendance(self) -> None:
        a = self.attendance_activity
        if a is None:
            return
        marks = {}
        signed: dict[str, datetime] = {}
        for r in range(self.attendance_table.rowCount()):
            combo = self.attendance_table.cellWidget(r, 3)
            when = self.attendance_table.cellWidget(r, 4)
            item = self.attendance_table.item(r, 0)
            if not (isinstance(combo, QComboBox) and combo.currentData() and item):
                continue
            staff_id = item.data(Qt.ItemDataRole.UserRole)
            marks[staff_id] = Attendance(combo.currentData())
            raw = when.text() if isinstance(when, QLineEdit) else ""
            if raw.strip(":_ "):
                try:
                    hh, mm = (int(x) for x in raw.split(":"))
                    signed[staff_id] = datetime.combine(a.day, time(hh, mm))
                except ValueError:
                    self.attendance_message.setStyleSheet("color: #c0392b;")
                    self.attendance_message.setText(
                        self.tr("Sign-in time of %1 is not a time like 14:05").replace(
                            "%1", item.text()
                        )
                    )
                    return
        try:
            self.t.record_attendance(a.id, marks, signed)
        except (ValidationError, PermissionDenied) as exc:
            self.attendance_message.setStyleSheet("color: #c0392b;")
            self.attendance_message.setText(ui_error(exc))
            return
        self.attendance_message.setStyleSheet("color: #1e8449;")
        self.attendance_message.setText(
            self.tr("Saved: %1 people marked").replace("%1", str(len(marks)))
        )

    # -- roster --------------------------------------------------------------------------
    def _roster_tab(self) -> QWidget:
        w = QWidget()
        self.roster_table = _table(
            [
                self.tr("Name"),
                self.tr("Department"),
                self.tr("Title / post"),
                self.tr("Practice category"),
                self.tr("Village doctor"),
            ]
        )
        self.roster_table.setObjectName("rosterTable")
        fit_columns(self.roster_table, stretch=4)
        self.staff_name = QLineEdit()
        self.staff_dept = QLineEdit()
        self.staff_title = QLineEdit()
        self.staff_category = QComboBox()
        for name in PRACTICE_CATEGORIES:
            self.staff_category.addItem(ui(name), name)
        self.staff_village = QCheckBox(self.tr("Village doctor"))
        self.add_staff_button = QPushButton(self.tr("Add to roster"))
        self.left_button = QPushButton(self.tr("Mark as left"))
        self.roster_message = QLabel()
        self.roster_message.setStyleSheet("color: #c0392b;")
        form = FlowLayout()  # wraps on a narrow screen
        for label, widget in (
            (self.tr("Name"), self.staff_name),
            (self.tr("Department"), self.staff_dept),
            (self.tr("Title / post"), self.staff_title),
            (self.tr("Category"), self.staff_category),
        ):
            form.addWidget(QLabel(label))
            form.addWidget(widget)
        form.addWidget(self.staff_village)
        form.addWidget(self.add_staff_button)
        form.addWidget(self.left_button)
        layout = QVBoxLayout(w)
        layout.addWidget(self.roster_table)
        layout.addLayout(form)
        layout.addWidget(self.roster_message)
        self.add_staff_button.clicked.connect(self.add_staff)
        self.left_button.clicked.connect(self.mark_left)
        self._staff_ids: list[str] = []
        return w

    def load_roster(self) -> None:
        people = self.t.roster()
        _fill(
            self.roster_table,
            [
                [p.name, p.department, ui(p.title), ui(p.category), "✓" if p.village_doctor else ""]
                for p in people
            ],
        )
        for r, p in enumerate(people):
            self._tag(self.roster_table, r, p.id)

    def add_staff(self) -> None:
        try:
            self.t.add_staff(
                self.staff_name.text(),
                self.staff_dept.text(),
                self.staff_title.text(),
                self.staff_category.currentData(),
                self.staff_village.isChecked(),
            )
        except (ValidationError, PermissionDenied) as exc:
            self.roster_message.setText(ui_error(exc))
            return
        self.roster_message.clear()
        self.staff_name.clear()

    def mark_left(self) -> None:
        rows = self.roster_table.selectionModel().selectedRows()
        if not rows:
            return
        item = self.roster_table.item(rows[0].row(), 0)
        if item is None:
            return
        staff_id = item.data(Qt.ItemDataRole.UserRole)
        try:
            self.t.staff_left(staff_id, self.services.ctx.today())
        except PermissionDenied as exc:
            self.roster_message.setText(ui_error(exc))

    # -- 进修 and 对口支援 -----------------------------------------------------------------
    def _support_tab(self) -> QWidget:
        w = QWidget()
        self.secondment_table = _table(
            [
                self.tr("Name"),
                self.tr("Host hospital"),
                self.tr("Department"),
                self.tr("From"),
                self.tr("To"),
                self.tr("Months"),
                self.tr("Tutor"),
            ]
        )
        self.stationing_table = _table(
            [
                self.tr("Doctor"),
                self.tr("Sending unit"),
                self.tr("From"),
                self.tr("To"),
                *(ui(v) for v in SUPPORT_COUNTS.values()),
            ]
        )
        self.stationing_table.setObjectName("stationingTable")
        # more columns than a 1024×768 screen holds: it scrolls sideways, but no header is cut
        set_column_widths(self.stationing_table, [90] * self.stationing_table.columnCount())
        box = QGroupBox(self.tr("New stationed-support record"))
        form = QFormLayout(box)
        self.st_doctor = QLineEdit()
        self.st_unit = QLineEdit()
        clinic = self.services.users.clinic()
        self.st_unit.setText(clinic.county_hospital if clinic else "")
        self.st_from = QDateEdit(clinic_qdate(self.services).addMonths(-1))
        self.st_to = QDateEdit(clinic_qdate(self.services))
        self.st_counts = {k: QSpinBox() for k in SUPPORT_COUNTS}
        form.addRow(self.tr("Doctor"), self.st_doctor)
        form.addRow(self.tr("Sending unit"), self.st_unit)
        form.addRow(self.tr("From"), self.st_from)
        form.addRow(self.tr("To"), self.st_to)
        counts = QGridLayout()
        for i, (k, spin) in enumerate(self.st_counts.items()):
            spin.setRange(0, 100000)
            counts.addWidget(QLabel(ui(SUPPORT_COUNTS[k])), i // 3, (i % 3) * 2)
            counts.addWidget(spin, i // 3, (i % 3) * 2 + 1)
        form.addRow(counts)
        self.st_save = QPushButton(self.tr("Add record"))
        self.st_message = QLabel()
        self.st_message.setStyleSheet("color: #c0392b;")
        form.addRow(self.st_save, self.st_message)
        self.st_save.clicked.connect(self.add_stationing)
        sec_box = QGroupBox(self.tr("New secondment record"))
        sec_form = QGridLayout(sec_box)
        self.sec_staff = QComboBox()
        self.sec_host = QLineEdit(clinic.county_hospital if clinic else "")
        self.sec_dept = QLineEdit()
        self.sec_speciality = QLineEdit()
        self.sec_from = QDateEdit(clinic_qdate(self.services))
        self.sec_to = QDateEdit(clinic_qdate(self.services).addMonths(6))
        self.sec_tutor = QLineEdit()
        self.sec_appraisal = QLineEdit()
        for i, (label, widget) in enumerate(
            (
                (self.tr("Name"), self.sec_staff),
                (self.tr("Host hospital"), self.sec_host),
                (self.tr("Department"), self.sec_dept),
                (self.tr("Speciality"), self.sec_speciality),
                (self.tr("From"), self.sec_from),
                (self.tr("To"), self.sec_to),
                (self.tr("Tutor"), self.sec_tutor),
                (self.tr("Appraisal"), self.sec_appraisal),
            )
        ):
            sec_form.addWidget(QLabel(label), i // 4, (i % 4) * 2)
            sec_form.addWidget(widget, i // 4, (i % 4) * 2 + 1)
        self.sec_save = QPushButton(self.tr("Add record"))
        self.sec_message = QLabel()
        self.sec_message.setStyleSheet("color: #c0392b;")
        sec_form.addWidget(self.sec_save, 2, 0)
        sec_form.addWidget(self.sec_message, 2, 1, 1, 7)
        self.sec_save.clicked.connect(self.add_secondment)
        layout = QVBoxLayout(w)
        layout.addWidget(QLabel(self.tr("Secondments (staff sent for training)")))
        layout.addWidget(self.secondment_table)
        layout.addWidget(sec_box)
        layout.addWidget(QLabel(self.tr("Stationed support (county doctors stationed here)")))
        layout.addWidget(self.stationing_table)
        layout.addWidget(box)
        return w

    def load_support(self) -> None:
        self.sec_staff.clear()
        for p in self.t.roster():
            self.sec_staff.addItem(f"{p.name}（{p.department}）", p.id)
        _fill(
            self.secondment_table,
            [
                [
                    s.staff_name,
                    s.host_hospital,
                    s.host_department,
                    f"{s.start_on}",
                    f"{s.end_on}",
                    s.months,
                    s.tutor,
                ]
                for s in self.t.secondments()
            ],
        )
        _fill(
            self.stationing_table,
            [
                [
                    x["doctor"],
                    x["sending_unit"],
                    f"{x['start_on']}",
                    f"{x['end_on']}",
                    *[x[k] for k in SUPPORT_COUNTS],
                ]
                for x in self.t.stationings()
            ],
        )

    def add_secondment(self) -> None:
        start: date = self.sec_from.date().toPython()  # type: ignore[assignment]
        end: date = self.sec_to.date().toPython()  # type: ignore[assignment]
        try:
            self.t.add_secondment(
                self.sec_staff.currentData() or "",
                self.sec_host.text(),
                start,
                end,
                self.sec_dept.text(),
                self.sec_speciality.text(),
                self.sec_tutor.text(),
                self.sec_appraisal.text(),
            )
        except (ValidationError, PermissionDenied) as exc:
            self.sec_message.setText(ui_error(exc))
            return
        self.sec_message.clear()

    def add_stationing(self) -> None:
        try:
            start: date = self.st_from.date().toPython()  # type: ignore[assignment]
            end: date = self.st_to.date().toPython()  # type: ignore[assignment]
            self.t.add_stationing(
                self.st_doctor.text(),
                self.st_unit.text(),
                start,
                end,
                {k: spin.value() for k, spin in self.st_counts.items()},
            )
        except (ValidationError, PermissionDenied) as exc:
            self.st_message.setText(ui_error(exc))
            return
        self.st_message.clear()

    # -- totals --------------------------------------------------------------------------
    def _totals_tab(self) -> QWidget:
        w = QWidget()
        self.quarter = QComboBox()
        self.quarter.addItem(self.tr("Whole year"), None)
        for q in (1, 2, 3, 4):
            self.quarter.addItem(self.tr("Quarter %1").replace("%1", str(q)), q)
        self.quarter.currentIndexChanged.connect(lambda _i: self.load_totals())
        self.people_table = _table(
            [
                self.tr("Name"),
                self.tr("Hours"),
                self.tr("Class I credits"),
                self.tr("Class II credits"),
                self.tr("Still missing"),
            ]
        )
        self.people_table.setObjectName("peopleTotals")
        fit_columns(self.people_table, stretch=4)
        self.types_table = _table(
            [self.tr("Type"), self.tr("Sessions"), self.tr("Attended"), self.tr("Hours")]
        )
        self.types_table.setObjectName("typeTotals")
        fit_columns(self.types_table, stretch=0)
        self.figures_table = _table([self.tr("Figure"), self.tr("Count")])
        self.figures_table.setObjectName("summaryFigures")
        fit_columns(self.figures_table, stretch=0)
        self.export_pdf = QPushButton(self.tr("Summary as PDF…"))
        self.export_xlsx = QPushButton(self.tr("Summary as Excel…"))
        self.export_pdf.clicked.connect(self.show_summary_pdf)
        self.export_xlsx.clicked.connect(self.save_summary_xlsx)
        from app.services.training import requirement_text

        note = QLabel(ui(requirement_text(self.t.rules)))
        note.setWordWrap(True)
        self.requirement_note = note
        self.rules_button = QPushButton(self.tr("Credit rules…"))
        self.rules_button.setObjectName("creditRules")
        actor = self.services.ctx.actor
        self.rules_button.setEnabled(bool(actor and allowed(actor.role, Perm.SETTINGS_EDIT)))
        self.rules_button.clicked.connect(self.edit_credit_rules)
        bar = QHBoxLayout()
        bar.addWidget(note, 1)
        bar.addWidget(self.rules_button)
        bar.addWidget(self.quarter)
        bar.addWidget(self.export_pdf)
        bar.addWidget(self.export_xlsx)
        tables = QHBoxLayout()
        tables.addWidget(self.people_table, 3)
        side = QVBoxLayout()
        side.addWidget(self.figures_table)
        side.addWidget(self.types_table)
        tables.addLayout(side, 2)
        layout = QVBoxLayout(w)
        layout.addLayout(bar)
        layout.addLayout(tables)
        return w

    def edit_credit_rules(self) -> QDialog:
        """Administrators: the province's credit rules (non-blocking; the totals follow)."""
        from app.services.training import requirement_text
        from app.ui.dialogs.credit_rules_dialog import CreditRulesDialog

        dialog = CreditRulesDialog(self.services, self)

        def applied() -> None:
            self.requirement_note.setText(ui(requirement_text(self.t.rules)))
            self.load_totals()

        dialog.accepted.connect(applied)
        self.rules_dialog = dialog
        dialog.open()
        return dialog

    def load_totals(self) -> None:
        year = self.year.value()
        people = self.t.person_year(year)
        rows: list[list[object]] = []
        for p in people:
            text = ui(p.status_text(self.t.rules))
            rows.append([p.name, round(p.hours, 1), p.credits["I类"], p.credits["II类"], text])
        _fill(self.people_table, rows)
        _fill(
            self.types_table,
            [
                [ui(t), n, people_, round(h, 1)]
                for t, (n, people_, h) in self.t.by_type(year).items()
            ],
        )
        figures = self.t.summary(year, self.quarter.currentData())
        _fill(self.figures_table, [[ui(label), n] for label, n in figures.rows()])

    def show_summary_pdf(self) -> PdfPreviewDialog:
        pdf = self.t.summary_pdf(self.year.value(), self.quarter.currentData())
        self.preview = PdfPreviewDialog(
            self.tr("Annual summary"),
            pdf,
            suggested_name=f"培训统计-{self.year.value()}.pdf",
            parent=self,
        )
        self.preview.open()
        return self.preview

    def save_summary_xlsx(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            export_note.caption(self.tr("Summary as Excel")),
            f"培训统计-{self.year.value()}.xlsx",
            self.tr("Excel files (*.xlsx)"),
        )
        if path:
            Path(path).write_bytes(
                self.t.summary_xlsx(self.year.value(), self.quarter.currentData())
            )
            self.services.audit.exported("training_summary_xlsx", Path(path).name)
            notify_saved(self, export_note.with_note(path))
