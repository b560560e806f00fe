"""转诊: the referral list with filters, new slips, status changes, preview and printing."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.booking import booking_text
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.referral import (
    DIRECTION_NAMES,
    STATUS_NAMES,
    Direction,
    Side,
    Status,
    allowed_targets,
)
from app.domain.referral_feedback import OPEN as FEEDBACK_OPEN
from app.services.bundle import AppServices
from app.services.context import Changes, may
from app.services.referrals import ReferralFilter, ReferralRow
from app.ui.change_bus import ChangeBus
from app.ui.clinic_dates import clinic_qdate, local_text
from app.ui.dialogs.feedback_dialog import FeedbackDialog
from app.ui.dialogs.referral_dialog import ReferralDialog
from app.ui.domain_text import ui, ui_error
from app.ui.models.referral_table import ReferralTableModel
from app.ui.printing import PdfPreviewDialog
from app.ui.widgets.column_widths import set_column_widths
from app.ui.widgets.flow_layout import FlowLayout
from app.ui.widgets.status_note import select_record

NEEDS_REASON = {Status.CANCELLED, Status.REJECTED}


class ReferralsPage(QWidget):
    def __init__(self, services: AppServices, bus: ChangeBus, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.preview: PdfPreviewDialog | None = None
        self.direction = QComboBox()
        self.direction.setObjectName("filterDirection")
        self.direction.addItem(self.tr("All directions"), None)
        self.direction.addItem(self.tr("Upward"), "up")
        self.direction.addItem(self.tr("Downward"), "down")
        self.status = QComboBox()
        self.status.setObjectName("filterStatus")
        self.status.addItem(self.tr("All statuses"), None)
        for st, name in STATUS_NAMES.items():
            self.status.addItem(ui(name), st.value)
        self.use_dates = QCheckBox(self.tr("Filter by date"))
        self.use_dates.setObjectName("filterByDate")
        self.date_from = QDateEdit(clinic_qdate(self.services).addMonths(-3))
        self.date_to = QDateEdit(clinic_qdate(self.services))
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.destination = QComboBox()
        self.destination.setObjectName("filterDestination")
        self.destination.addItem(self.tr("All hospitals"), None)
        for inst in services.referrals.destinations():
            self.destination.addItem(inst, inst)
        self.doctor = QComboBox()
        self.doctor.setObjectName("filterDoctor")
        self.doctor.addItem(self.tr("All doctors"), None)
        for name in services.referrals.referring_doctors():
            self.doctor.addItem(name, name)
        self.overdue = QCheckBox(self.tr("No feedback 14+ days"))
        self.overdue.setObjectName("filterOverdue")
        self.unsynced = QCheckBox(self.tr("Not uploaded"))
        self.not_arrived = QCheckBox(self.tr("Received, not arrived"))
        self.not_arrived.setObjectName("filterNotArrived")
        self.search = QLineEdit()
        self.search.setObjectName("referralSearch")
        self.search.setPlaceholderText(self.tr("Patient: name, pinyin initials, ID, phone"))
        self.search.setClearButtonEnabled(True)

        self.new_up = QPushButton(self.tr("New upward referral"))
        self.new_up.setObjectName("newUpward")
        self.new_down = QPushButton(self.tr("Enter downward referral"))
        self.new_down.setObjectName("newDownward")
        self.preview_button = QPushButton(self.tr("Preview / print"))
        self.preview_button.setObjectName("previewReferral")
        self.edit_button = QPushButton(self.tr("Edit draft"))
        self.status_button = QPushButton(self.tr("Change status"))
        self.status_button.setObjectName("changeStatus")
        self.history_button = QPushButton(self.tr("History"))
        self.feedback_button = QPushButton(self.tr("Record receipt"))
        self.feedback_button.setObjectName("recordFeedback")
        self.feedback_button.setToolTip(
            self.tr("The county hospital's answer, heard by phone or on a paper receipt")
        )
        self.count_label = QLabel()

        self.model = ReferralTableModel(services.referrals)
        self.table = QTableView()
        self.table.setObjectName("referralTable")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        set_column_widths(
            self.table,
            (190, 50, 70, 80, 200, 80, 90, 130),
            {
                1: [ui(name) for name in DIRECTION_NAMES.values()],
                2: [ui(name) for name in STATUS_NAMES.values()],
            },
        )

        # Both rows wrap on a narrow screen (1024×768, or longer English labels).
        dates = QWidget()
        dates_row = QHBoxLayout(dates)
        dates_row.setContentsMargins(0, 0, 0, 0)
        for part in (self.use_dates, self.date_from, QLabel("—"), self.date_to):
            dates_row.addWidget(part)
        filters = FlowLayout()
        for w in (
            self.direction,
            self.status,
            self.destination,
            dates,
            self.overdue,
            self.not_arrived,
            self.unsynced,
        ):
            filters.addWidget(w)
        actions = FlowLayout()
        self.search.setMinimumWidth(260)
        actions.add_stretching(self.search)
        for b in (
            self.new_up,
            self.new_down,
            self.preview_button,
            self.edit_button,
            self.status_button,
            self.feedback_button,
            self.history_button,
        ):
            actions.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.direction, self.status, self.destination, self.doctor):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for box in (self.use_dates, self.overdue, self.unsynced, self.not_arrived):
            box.toggled.connect(lambda _c: self.reload())
        for d in (self.date_from, self.date_to):
            d.dateChanged.connect(self._dates_changed)
        self.new_up.clicked.connect(lambda: self.new_referral(Direction.UP))
        self.new_down.clicked.connect(lambda: self.new_referral(Direction.DOWN))
        self.preview_button.clicked.connect(self.preview_selected)
        self.edit_button.clicked.connect(self.edit_selected)
        self.status_button.clicked.connect(self.status_menu)
        self.history_button.clicked.connect(self.show_history)
        self.feedback_button.clicked.connect(self.record_feedback)
        self.table.doubleClicked.connect(lambda _i: self.preview_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        bus.changed.connect(self.on_changed)
        self._loaded = False
        self._update_buttons()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.reload()

    def _dates_changed(self) -> None:
        if self.use_dates.isChecked():
            self.reload()

    def current_filter(self) -> ReferralFilter:
        dates = self.use_dates.isChecked()
        return ReferralFilter(
            direction=self.direction.currentData(),
            status=self.status.currentData(),
            destination=self.destination.currentData(),
            doctor=self.doctor.currentData(),
            date_from=self.date_from.date().toPython() if dates else None,  # type: ignore[arg-type]
            date_to=self.date_to.date().toPython() if dates else None,  # type: ignore[arg-type]
            patient_query=self.search.text(),
            overdue_only=self.overdue.isChecked(),
            unsynced_only=self.unsynced.isChecked(),
            not_arrived_only=self.not_arrived.isChecked(),
        )

    def reload(self) -> None:
        self._timer.stop()
        self.model.set_filter(self.current_filter())
        shown = self.model.rowCount()
        more = "+" if self.model.canFetchMore() else ""
        self.count_label.setText(self.tr("%1 referrals shown").replace("%1", f"{shown}{more}"))
        self._update_buttons()

    def on_changed(self, changes: Changes) -> None:
        if self._loaded and changes.record_type in ("referral", "patient"):
            self.reload()

    def selected(self) -> ReferralRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        actor = self.services.ctx.actor
        role = actor.role if actor else None
        r = self.selected()
        can = lambda action: may(role, "referral", action)  # noqa: E731
        self.new_up.setEnabled(can("create"))
        self.new_down.setEnabled(can("create"))
        self.preview_button.setEnabled(r is not None and r.status != "draft")
        self.edit_button.setEnabled(r is not None and r.status == "draft" and can("edit"))
        self.status_button.setEnabled(r is not None and bool(self._targets(r)))
        self.history_button.setEnabled(r is not None)
        self.feedback_button.setEnabled(
            r is not None
            and r.direction == Direction.UP.value
            and Status(r.status) in FEEDBACK_OPEN
            and can("feedback")
        )

    def _targets(self, r: ReferralRow) -> list[Status]:
        return allowed_targets(Direction(r.direction), Status(r.status), Side.CLINIC)

    # -- actions -------------------------------------------------------------------------
    def new_referral(self, direction: Direction, patient=None) -> ReferralDialog:  # type: ignore[no-untyped-def]
        dialog = ReferralDialog(self.services, direction, patient=patient, parent=self)
        dialog.accepted.connect(lambda: self._after_save(dialog))
        dialog.open()
        return dialog

    def edit_selected(self) -> None:
        r = self.selected()
        if r is None:
            return
        dialog = ReferralDialog(self.services, Direction.UP, draft=r, parent=self)
        dialog.accepted.connect(lambda: self._after_save(dialog))
        dialog.open()

    def _after_save(self, dialog: ReferralDialog) -> None:
        saved = dialog.saved
        if saved is not None:
            select_record(self.table, saved.id)
        if saved is not None and saved.direction == "up" and saved.status == "pending":
            self.open_preview(saved)

    def preview_selected(self) -> None:
        r = self.selected()
        if r is not None and r.status != "draft":
            self.open_preview(r)

    def open_preview(self, r: ReferralRow) -> PdfPreviewDialog:
        svc = self.services.referrals
        self.preview = PdfPreviewDialog(
            self.tr("Referral slip %1").replace("%1", r.number),
            svc.preview_pdf(r.id, "A4"),
            make_pdf=lambda page: svc.preview_pdf(r.id, page),
            final_pdf=lambda page: svc.slip_pdf(r.id, page)[0],
            suggested_name=f"{r.number}.pdf",
            parent=self,
        )
        self.preview.setObjectName("referralPreview")
        self.preview.open()
        return self.preview

    def status_menu(self) -> None:
        r = self.selected()
        if r is None:
            return
        menu = QMenu(self)
        for target in self._targets(r):
            act = menu.addAction(ui(STATUS_NAMES[target]))
            act.triggered.connect(lambda _=False, t=target: self.change_status(r, t))
        menu.exec(self.status_button.mapToGlobal(self.status_button.rect().bottomLeft()))

    def change_status(self, r: ReferralRow, target: Status) -> None:
        reason = ""
        if target in NEEDS_REASON:
            reason, ok = QInputDialog.getText(
                self,
                self.tr("Reason"),
                self.tr("Reason for “%1” (required):").replace("%1", ui(STATUS_NAMES[target])),
            )
            if not ok:
                return
        try:
            self.services.referrals.transition(r.id, target, reason)
        except (ValidationError, PermissionDenied) as exc:
            QMessageBox.warning(self, self.tr("Status not changed"), ui_error(exc))

    def record_feedback(self) -> FeedbackDialog | None:
        """录入回执 for the selected upward referral (a small dialog; the list refreshes by the
        change signal once it is saved)."""
        r = self.selected()
        if r is None:
            return None
        dialog = FeedbackDialog(self.services, r, parent=self)
        dialog.open()
        return dialog

    def show_history(self) -> None:
        r = self.selected()
        if r is None:
            return
        county = self.tr(" (county hospital)")
        lines = []
        for h in self.services.referrals.history(r.id):
            before = ui(STATUS_NAMES[Status(h.from_status)]) if h.from_status else ""
            side = county if h.side == "county" else ""
            reason = f"　{h.reason}" if h.reason else ""
            if h.kind != "status":  # a 回执 or an outcome check: the status did not move
                lines.append(f"{local_text(self.services, h.at)}　{ui(h.reason)}　{h.actor}")
                continue
            lines.append(
                f"{local_text(self.services, h.at)}　{before} → "
                f"{ui(STATUS_NAMES[Status(h.to_status)])}"
                f"　{h.actor}{side}{reason}"
            )
        answers = []
        if r.received_at:
            answers.append(
                self.tr("Received: %1 %2")
                .replace("%1", local_text(self.services, r.received_at, "%Y-%m-%d"))
                .replace("%2", r.receiving_doctor)
            )
        if r.appointment_at is not None:
            answers.append(
                self.tr("Booked: %1").replace(
                    "%1", booking_text(r.receiving_doctor, r.appointment_at)
                )
            )
        if r.rejected_reason:
            answers.append(self.tr("Rejected: %1").replace("%1", r.rejected_reason))
        if r.arrived_at:
            answers.append(
                self.tr("Arrived: %1").replace("%1", local_text(self.services, r.arrived_at))
            )
        if r.not_arrived:
            answers.append(
                self.tr("Received, not arrived after %1 days").replace(
                    "%1", str(self.services.referrals.not_arrived_days())
                )
            )
        QMessageBox.information(
            self, self.tr("History of %1").replace("%1", r.number), "\n".join(lines + answers)
        )
