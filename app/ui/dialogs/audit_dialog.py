"""设置 → 操作日志: an administrator searches who viewed, changed, printed or exported what."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.audit import ACTION_NAMES
from app.services.bundle import AppServices
from app.ui.domain_text import ui


def _detail_keys() -> dict[str, str]:
    return {
        "number": QCoreApplication.translate("AuditDialog", "Number"),
        "to": QCoreApplication.translate("AuditDialog", "To"),
        "reason": QCoreApplication.translate("AuditDialog", "Reason"),
        "kind": QCoreApplication.translate("AuditDialog", "Kind"),
        "referral": QCoreApplication.translate("AuditDialog", "Referral"),
        "by": QCoreApplication.translate("AuditDialog", "By"),
        "fields": QCoreApplication.translate("AuditDialog", "Fields"),
        "count": QCoreApplication.translate("AuditDialog", "Records"),
        "username": QCoreApplication.translate("AuditDialog", "Username"),
        "role": QCoreApplication.translate("AuditDialog", "Role"),
        "active": QCoreApplication.translate("AuditDialog", "Active"),
        "file": QCoreApplication.translate("AuditDialog", "File"),
        "rows": QCoreApplication.translate("AuditDialog", "Rows"),
        "institutions": QCoreApplication.translate("AuditDialog", "Institutions"),
        "before": QCoreApplication.translate("AuditDialog", "Before"),
        "after": QCoreApplication.translate("AuditDialog", "After"),
    }


def _code_names() -> dict[str, str]:
    """Status, plan kind and role codes the audit details hold, by their names."""
    from app.domain import followup, referral, roles, training

    names: dict[str, str] = {}
    for table in (
        training.STATUS_NAMES,
        followup.PLAN_STATUS_NAMES,
        followup.PLAN_KIND_NAMES,
        referral.STATUS_NAMES,
        roles.ROLE_NAMES,
    ):
        names.update({str(code): name for code, name in table.items()})
    return names


def detail_text(detail: str) -> str:
    """An audit detail ("number: …；to: received") with its keys and codes in words."""
    keys, codes = _detail_keys(), _code_names()
    parts = []
    for part in detail.split("；"):
        key, sep, value = part.partition(": ")
        if not sep or key not in keys:
            parts.append(ui(part))
            continue
        value = ui(codes.get(value, value))
        parts.append(f"{keys[key]}: {value}" if value else keys[key])
    return "；".join(parts)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class AuditDialog(QDialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Audit log"))
        self.resize(960, 560)
        self.user = QComboBox()
        self.user.setObjectName("auditUser")
        self.user.addItem(self.tr("All users"), "")
        for name in services.audit.usernames():
            self.user.addItem(name, name)
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.action.addItem(self.tr("All actions"), "")
        for key, name in ACTION_NAMES.items():
            self.action.addItem(ui(name), key)
        self.patient = QLineEdit()
        self.patient.setObjectName("auditPatient")
        self.patient.setPlaceholderText(self.tr("Patient name or ID number"))
        self.patient.returnPressed.connect(self.search)
        today = services.ctx.today()
        self.use_dates = QCheckBox(self.tr("Dates from"))
        self.use_dates.setObjectName("auditUseDates")
        self.date_from = QDateEdit(_qdate(today.replace(day=1)))
        self.date_from.setCalendarPopup(True)
        self.date_to = QDateEdit(_qdate(today))
        self.date_to.setCalendarPopup(True)
        for w in (self.date_from, self.date_to):
            w.setDisplayFormat("yyyy-MM-dd")
            w.setEnabled(False)
        self.use_dates.toggled.connect(self.date_from.setEnabled)
        self.use_dates.toggled.connect(self.date_to.setEnabled)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.setObjectName("auditSearch")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("User")))
        filters.addWidget(self.user)
        filters.addWidget(QLabel(self.tr("Action")))
        filters.addWidget(self.action)
        filters.addWidget(self.patient, 1)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel(self.tr("to")))
        filters.addWidget(self.date_to)
        filters.addWidget(self.search_button)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("auditTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("User"),
                self.tr("Action"),
                self.tr("Record"),
                self.tr("Patient"),
                self.tr("Details"),
            ]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.count = QLabel()
        self.count.setObjectName("auditCount")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.search()

    def search(self) -> None:
        dates = self.use_dates.isChecked()
        page = self.services.audit.search(
            username=self.user.currentData() or "",
            action=self.action.currentData() or "",
            patient=self.patient.text(),
            date_from=self.date_from.date().toPython() if dates else None,  # type: ignore[arg-type]
            date_to=self.date_to.date().toPython() if dates else None,  # type: ignore[arg-type]
        )
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(page.rows))
        for r, row in enumerate(page.rows):
            record = ui(row.record_name)
            cells = (
                row.at_local.strftime("%Y-%m-%d %H:%M:%S"),
                row.username,
                ui(row.action_name),
                f"{record} {row.record_id[:8]}" if row.record_id else record,
                row.patient_name,
                detail_text(row.detail),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3 and row.record_id:
                    item.setToolTip(row.record_id)
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
        self.table.sortItems(0, Qt.SortOrder.DescendingOrder)
        if page.total > len(page.rows):
            self.count.setText(
                self.tr("{total} entries; the newest {shown} are shown").format(
                    total=page.total, shown=len(page.rows)
                )
            )
        else:
            self.count.setText(self.tr("{total} entries").format(total=page.total))
