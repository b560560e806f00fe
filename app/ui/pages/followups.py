"""随访: the worklist a doctor opens first in the morning — due today, this week, overdue
(with days overdue), all active plans, filtered by doctor and village; contact outcomes; the
phone list; starting and ending plans; and the 年度达标 tab (app/ui/pages/followup_compliance)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabBar,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import followup as rules
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.followup import PlanKind
from app.services.bundle import AppServices
from app.services.context import Changes
from app.services.followups import WorkItem
from app.ui.change_bus import ChangeBus
from app.ui.clinic_dates import clinic_qdate
from app.ui.domain_text import ui, ui_error
from app.ui.widgets.flow_layout import FlowLayout

WHICH = ["today", "week", "overdue", "all"]
VILLAGE_DELAY_MS = 250
WORKLIST_PAGE = 500  # rows shown; the count above the list says how many in all


class FollowUpsPage(QWidget):
    def __init__(self, services: AppServices, bus: ChangeBus, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.items: list[WorkItem] = []
        self.total = 0
        self.tabs = QTabBar()
        self.tabs.setObjectName("worklistTabs")
        for title in (
            self.tr("Due today"),
            self.tr("This week"),
            self.tr("Overdue"),
            self.tr("All active plans"),
        ):
            self.tabs.addTab(title)
        self.tabs.setCurrentIndex(2)
        self.doctor = QComboBox()
        self.doctor.setObjectName("filterDoctor")
        self.doctor.addItem(self.tr("All doctors"), None)
        self.village = QLineEdit()
        self.village.setObjectName("filterVillage")
        self.village.setPlaceholderText(self.tr("Village"))
        self.village.setClearButtonEnabled(True)
        self.count = QLabel()
        self.record = QPushButton(self.tr("Record visit…"))
        self.record.setObjectName("recordVisit")
        self.contact = QPushButton(self.tr("Contact outcome…"))
        self.contact.setObjectName("contactOutcome")
        self.print_form = QPushButton(self.tr("Print record form…"))
        self.print_form.setObjectName("printYearForm")
        self.print_list = QPushButton(self.tr("Print phone list"))
        self.print_list.setObjectName("printPhoneList")
        self.new_plan_button = QPushButton(self.tr("New plan…"))
        self.new_plan_button.setObjectName("newPlan")
        self.end_plan_button = QPushButton(self.tr("End plan…"))
        self.end_plan_button.setObjectName("endPlan")

        self.table = QTableWidget(0, 8)
        self.table.setObjectName("worklist")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Village"),
                self.tr("Phone"),
                self.tr("Kind"),
                self.tr("Doctor"),
                self.tr("Due"),
                self.tr("Days overdue"),
                self.tr("Last contact"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        # Both rows wrap on a narrow screen (1024×768, or longer English labels).
        filters = FlowLayout()
        filters.addWidget(self.tabs)
        filters.addWidget(QLabel(self.tr("Doctor")))
        filters.addWidget(self.doctor)
        filters.addWidget(self.village)
        filters.addWidget(self.new_plan_button)
        actions = FlowLayout()
        actions.add_stretching(self.count)
        for b in (
            self.record,
            self.contact,
            self.end_plan_button,
            self.print_form,
            self.print_list,
        ):
            actions.addWidget(b)
        worklist = QWidget()
        wl = QVBoxLayout(worklist)
        wl.addLayout(filters)
        wl.addWidget(self.table, 1)
        wl.addLayout(actions)
        from app.ui.pages.followup_compliance import ComplianceView

        self.compliance = ComplianceView(services)
        self.sections = QTabWidget()
        self.sections.setObjectName("followupSections")
        self.sections.addTab(worklist, self.tr("Worklist"))
        self.sections.addTab(self.compliance, self.tr("Annual compliance"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.sections)

        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.doctor.currentIndexChanged.connect(lambda _i: self.refresh())
        # The village filters as you type (like patient search), after a short pause.
        self._village_timer = QTimer(self)
        self._village_timer.setSingleShot(True)
        self._village_timer.setInterval(VILLAGE_DELAY_MS)
        self._village_timer.timeout.connect(self.refresh)
        self.village.textChanged.connect(lambda _t: self._village_timer.start())
        self.village.returnPressed.connect(self.refresh)
        self.record.clicked.connect(self.record_visit)
        self.contact.clicked.connect(self.record_contact)
        self.print_list.clicked.connect(self.print_phone_list)
        self.print_form.clicked.connect(self.print_year_form)
        self.new_plan_button.clicked.connect(self.new_plan)
        self.end_plan_button.clicked.connect(self.end_plan)
        self.table.doubleClicked.connect(lambda _i: self.record_visit())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.compliance.open_plan.connect(self.open_visit)
        self.sections.currentChanged.connect(lambda _i: self._refresh_compliance_if_shown())
        bus.changed.connect(self.on_changed)
        self._load_doctors()
        self.refresh()

    # -- data ----------------------------------------------------------------------------
    @property
    def which(self) -> str:
        return WHICH[self.tabs.currentIndex()]

    def _load_doctors(self) -> None:
        try:
            names = self.services.followups.doctors()
        except (AttributeError, PermissionDenied):
            names = []
        for n in names:
            self.doctor.addItem(n, n)

    def on_changed(self, changes: Changes) -> None:
        if changes.record_type.startswith("followup"):
            self.refresh()
            self.compliance.stale = True
            self._refresh_compliance_if_shown()

    def _refresh_compliance_if_shown(self) -> None:
        if self.sections.currentWidget() is self.compliance:
            self.compliance.refresh_if_stale()

    def refresh(self) -> None:
        self._village_timer.stop()
        doctor = self.doctor.currentData()
        village = self.village.text().strip() or None
        total = 0  # how many the list holds in all (the table shows the first page)
        try:
            self.items = self.services.followups.worklist(
                self.which, doctor=doctor, village=village, limit=WORKLIST_PAGE
            )
            total = len(self.items)
            if total >= WORKLIST_PAGE:  # only then is there more than the page
                total = self.services.followups.worklist_count(
                    self.which, doctor=doctor, village=village
                )
        except PermissionDenied:
            self.items = []
        self.table.setRowCount(len(self.items))
        for r, it in enumerate(self.items):
            values = [
                it.name,
                it.village,
                it.phone,
                ui(rules.PLAN_KIND_NAMES[PlanKind(it.kind)]),
                it.doctor,
                it.due.isoformat(),
                str(it.days_overdue) if it.days_overdue else "",
                ui(it.contact_text),
            ]
            for c, v in enumerate(values):
                cell = QTableWidgetItem(v)
                if c == 6 and it.days_overdue >= 14:
                    cell.setForeground(Qt.GlobalColor.red)
                self.table.setItem(r, c, cell)
        if total > len(self.items):
            self.count.setText(
                self.tr("%1 patient(s); showing the %2 due earliest (filter by doctor or village)")
                .replace("%1", str(total))
                .replace("%2", str(len(self.items)))
            )
        else:
            self.count.setText(self.tr("%1 patient(s)").replace("%1", str(len(self.items))))
        self.total = total
        self.print_list.setEnabled(bool(self.items))
        self._selection_changed()

    def _selection_changed(self) -> None:
        it = self.current()
        for b in (self.record, self.contact, self.end_plan_button):
            b.setEnabled(it is not None)
        # only the chronic plans have a national 随访服务记录表
        self.print_form.setEnabled(it is not None and PlanKind(it.kind) in rules.CHRONIC)

    def current(self) -> WorkItem | None:
        if not self.table.selectionModel().hasSelection():
            return None
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    # -- actions -------------------------------------------------------------------------
    def record_visit(self) -> None:
        it = self.current()
        if it is not None:
            self.open_visit(it.plan_id)

    def open_visit(self, plan_id: str) -> None:
        from app.ui.dialogs.visit_dialog import VisitDialog

        VisitDialog(self.services, plan_id, self).exec()

    def new_plan(self) -> QDialog:
        """新建随访计划 (non-blocking; the worklist refreshes through the change bus)."""
        from app.ui.dialogs.plan_dialog import PlanDialog

        dialog = PlanDialog(self.services, self)
        dialog.open()
        return dialog

    def end_plan(self) -> QDialog | None:
        """End the selected plan as 已结束 / 失访 / 死亡, after a confirmation."""
        from app.ui.dialogs.plan_dialog import EndPlanDialog

        it = self.current()
        if it is None:
            return None
        dialog = EndPlanDialog(self.services, it.plan_id, self)
        dialog.open()
        return dialog

    def record_contact(self) -> None:
        it = self.current()
        if it is None:
            return
        labels = [ui(v) for v in rules.CONTACT_OUTCOMES.values()]
        label, ok = QInputDialog.getItem(
            self, self.tr("Contact outcome"), it.name, labels, 0, False
        )
        if not ok:
            return
        outcome = next(k for k, v in rules.CONTACT_OUTCOMES.items() if ui(v) == label)
        remind_on: date | None = None
        if outcome == "remind":
            text, ok = QInputDialog.getText(
                self,
                self.tr("Remind on"),
                self.tr("Date (yyyy-MM-dd)"),
                text=clinic_qdate(self.services).addDays(3).toString("yyyy-MM-dd"),
            )
            if not ok:
                return
            try:
                remind_on = date.fromisoformat(text.strip())
            except ValueError:
                QMessageBox.warning(self, self.tr("Contact outcome"), self.tr("Invalid date"))
                return
        self.save_contact(it.plan_id, outcome, remind_on)

    def save_contact(self, plan_id: str, outcome: str, remind_on: date | None = None) -> bool:
        try:
            self.services.followups.record_contact(plan_id, outcome, remind_on)
        except ValidationError as e:
            QMessageBox.warning(self, self.tr("Contact outcome"), ui_error(e))
            return False
        self.refresh()
        return True

    def phone_list_pdf(self) -> bytes:
        from app.reports.followup_form import worklist_pdf

        title = {
            "today": "今日应随访名单",
            "week": "本周应随访名单",
            "overdue": "逾期未随访名单",
            "all": "随访中患者名单",
        }[self.which]
        return worklist_pdf(title, self.items, self.services.ctx.today(), self.total)

    def print_phone_list(self) -> None:
        from app.ui.printing import PdfPreviewDialog

        PdfPreviewDialog(
            self.tr("Phone list"),
            self.phone_list_pdf(),
            suggested_name="phone-list.pdf",
            parent=self,
        ).exec()

    def form_years(self, plan_id: str) -> tuple[list[int], int]:
        """Years to choose from (this year and every year with visits, newest first) and the
        one to offer: this year if it has visits yet, else the latest year that has."""
        with_visits = self.services.followups.visit_years(plan_id)
        this = self.services.ctx.today().year
        years = sorted(set(with_visits) | {this}, reverse=True)
        offered = this if this in with_visits or not with_visits else with_visits[0]
        return years, offered

    def year_form_pdf(self, plan_id: str, year: int | None = None) -> bytes:
        """The patient's year on the national 4-column 随访服务记录表."""
        return year_form_pdf(self.services, plan_id, year or self.services.ctx.today().year)

    def print_year_form(self) -> QInputDialog | None:
        """Ask which year's 随访服务记录表 to print, then preview it (both non-blocking)."""
        it = self.current()
        if it is None or PlanKind(it.kind) not in rules.CHRONIC:
            return None
        years, offered = self.form_years(it.plan_id)
        dialog = QInputDialog(self)
        dialog.setObjectName("formYearDialog")
        dialog.setWindowTitle(self.tr("Follow-up record"))
        dialog.setLabelText(self.tr("Print the form of the year"))
        dialog.setComboBoxItems([str(y) for y in years])
        dialog.setTextValue(str(offered))
        plan_id = it.plan_id
        dialog.textValueSelected.connect(lambda text: self.preview_year_form(plan_id, int(text)))
        self.year_dialog = dialog
        dialog.open()
        return dialog

    def preview_year_form(self, plan_id: str, year: int) -> QDialog:
        from app.ui.printing import PdfPreviewDialog

        preview = PdfPreviewDialog(
            self.tr("Follow-up record"),
            self.year_form_pdf(plan_id, year),
            suggested_name=f"followup-record-{year}.pdf",
            parent=self,
        )
        self.preview = preview
        preview.open()
        return preview


def year_form_pdf(services: AppServices, plan_id: str, year: int) -> bytes:
    """A plan's year on the national 4-column 随访服务记录表 (the 随访 page, the timeline)."""
    from app.reports.followup_form import followup_year_pdf

    plan, name = services.followups.plan(plan_id)
    number = services.patients.get(plan.patient_id).record_number
    visits = [v for v in services.followups.visits(plan_id) if v["visit_date"].year == year]
    ending = services.followups.plan_ending(plan_id)
    # 失访 / 死亡 go on the form of the year they were recorded in
    shown = ending[:2] if ending and ending[2].year == year else None
    return followup_year_pdf(PlanKind(plan.kind), name, number, year, visits, shown)
