"""A patient's timeline: every referral and every follow-up visit, newest first."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.booking import booking_text
from app.domain.errors import PermissionDenied
from app.services.bundle import AppServices
from app.services.followups import PatientVisit
from app.ui.domain_text import ui

EMERGENCY_COLOUR = QColor("#a93226")


def visit_line(v: PatientVisit) -> str:
    """How one visit reads in the timeline (the paper forms' words, in the UI's language)."""
    parts = [
        f"{v.visit_date:%Y-%m-%d}",
        QCoreApplication.translate("Timeline", "%1 follow-up").replace("%1", ui(v.kind_name)),
        ui(v.method_name),
    ]
    if v.sbp is not None and v.dbp is not None:
        parts.append(
            QCoreApplication.translate("Timeline", "BP %1/%2 mmHg")
            .replace("%1", str(v.sbp))
            .replace("%2", str(v.dbp))
        )
    if v.fasting_glucose is not None:
        parts.append(
            QCoreApplication.translate("Timeline", "Fasting glucose %1 mmol/L").replace(
                "%1", f"{v.fasting_glucose:g}"
            )
        )
    if v.class_name:
        parts.append(ui(v.class_name))
    if v.outcome:
        parts.append(
            QCoreApplication.translate("Timeline", "Outcome: %1").replace("%1", ui(v.outcome))
        )
    if v.emergency:
        parts.append(QCoreApplication.translate("Timeline", "Emergency signs: refer at once"))
    if v.doctor:
        parts.append(v.doctor)
    return "　".join(p for p in parts if p)


class TimelineDialog(QDialog):
    """Enter or double-click on an entry opens it: a slip as it prints, a visit on its year's
    随访服务记录表 (other visits as a short summary)."""

    def __init__(self, services: AppServices, patient_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.preview: QDialog | None = None
        p = services.patients.get(patient_id)
        self.setWindowTitle(self.tr("Timeline of %1").replace("%1", p.name))
        self.resize(760, 460)
        header = QLabel(
            f"{p.name}　{ui(p.sex_label)}　{ui(p.age_text())}　{p.id_number}　{p.village}"
        )
        header.setStyleSheet("font-weight: bold;")
        self.entries = QListWidget()
        self.entries.setObjectName("timelineEntries")
        try:
            referrals = services.referrals.timeline(patient_id)
        except PermissionDenied:
            referrals = []
        try:
            visits = services.followups.visits_for_patient(patient_id)
        except PermissionDenied:
            visits = []
        # (day, order within the day, text, emergency, what opens); newest first below
        lines: list[tuple[date, int, str, bool, tuple[str, object]]] = []
        for r in referrals:
            when = services.ctx.local(r.referred_at or r.created_at)  # stored UTC
            place = r.to_institution if r.direction == "up" else r.from_institution
            dept = f" {r.to_department}" if r.direction == "up" and r.to_department else ""
            what = r.impression if r.direction == "up" else r.diagnosis
            kind = self.tr("%1 referral").replace("%1", ui(r.direction_name))
            kind += "　" + ui(r.status_name)
            text = f"{when:%Y-%m-%d}　{kind}　{place}{dept}　{what}　{r.number}"
            if r.appointment_at is not None:
                text += "　" + self.tr("Booked %1").replace(
                    "%1", booking_text(r.receiving_doctor, r.appointment_at)
                )
            lines.append((when.date(), 1, text, False, ("referral", r)))
        for v in visits:
            lines.append((v.visit_date, 0, visit_line(v), v.emergency, ("visit", v)))
        lines.sort(key=lambda x: (x[0], x[1]), reverse=True)
        self._targets: list[tuple[str, object]] = []
        for _day, _order, text, emergency, target in lines:
            item = QListWidgetItem(text)
            if emergency:
                item.setForeground(EMERGENCY_COLOUR)
            item.setData(Qt.ItemDataRole.UserRole, len(self._targets))
            self._targets.append(target)
            self.entries.addItem(item)
        if not lines:
            self.entries.addItem(self.tr("No referrals or follow-up visits yet."))
        self.entries.itemActivated.connect(self.open_item)
        self.entries.setCurrentRow(0)
        self.open_button = QPushButton(self.tr("Open (Enter)"))
        self.open_button.setObjectName("openEntry")
        self.open_button.setAutoDefault(False)
        self.open_button.setEnabled(bool(lines))
        self.open_button.clicked.connect(lambda: self.open_item(self.entries.currentItem()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.entries, 1)
        layout.addWidget(buttons)
        self.entries.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        # The list opens the entry on Enter and passes the key on; it must not also press a
        # default button (QDialog looks for one among all its descendants: it would find the
        # 打印 button of the preview just opened).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def open_item(self, item: QListWidgetItem | None) -> QDialog | None:
        if item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return None
        kind, what = self._targets[int(item.data(Qt.ItemDataRole.UserRole))]
        if kind == "referral":
            return self.open_slip(what)
        assert isinstance(what, PatientVisit)
        return self.open_visit(what)

    def open_slip(self, r) -> QDialog | None:  # type: ignore[no-untyped-def]
        from app.ui.printing import PdfPreviewDialog

        if r.status == "draft":
            QMessageBox.information(
                self,
                self.tr("Draft"),
                self.tr("This slip is a draft: open it from the Referrals page to finish it."),
            )
            return None
        svc = self.services.referrals
        self.services.audit.viewed("referral", r.id)
        self.preview = PdfPreviewDialog(
            self.tr("Referral slip %1").replace("%1", r.number),
            svc.preview_pdf(r.id, "A4"),
            make_pdf=lambda page: svc.preview_pdf(r.id, page),
            final_pdf=lambda page: svc.slip_pdf(r.id, page)[0],
            suggested_name=f"{r.number}.pdf",
            parent=self,
        )
        self.preview.open()
        return self.preview

    def open_visit(self, v: PatientVisit) -> QDialog | None:
        from app.domain import followup as rules
        from app.domain.followup import PlanKind
        from app.ui.pages.followups import year_form_pdf
        from app.ui.printing import PdfPreviewDialog

        self.services.audit.viewed("followup_visit", v.visit_id)
        if PlanKind(v.kind) not in rules.CHRONIC:
            box = QMessageBox(
                QMessageBox.Icon.Information, self.tr("Follow-up visit"), visit_line(v), parent=self
            )
            box.open()
            self.preview = box
            return box
        year = v.visit_date.year
        self.preview = PdfPreviewDialog(
            self.tr("Follow-up record"),
            year_form_pdf(self.services, v.plan_id, year),
            suggested_name=f"followup-record-{year}.pdf",
            parent=self,
        )
        self.preview.open()
        return self.preview
