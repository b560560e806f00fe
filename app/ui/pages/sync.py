"""同步: where the clinic stands with the county hub, the records it refused, and (for the
administrator) the hub address, token and CA certificate with a connection test.

An http:// hub is refused unless the administrator ticks the test-bench option; while that
option is saved on this PC, a red warning stays at the top of the page for everyone.

Rounds are started through the main window's ``SyncScheduler`` (one at a time, in the
background); the page only shows what the scheduler and the services report.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
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

from app.domain.errors import PermissionDenied, ValidationError
from app.domain.hub_address import HTTP_NOT_ALLOWED, address_problem
from app.domain.roles import Perm, allowed
from app.services.bundle import AppServices
from app.services.context import Changes
from app.services.sync_runner import ConnectionReport, Outcome, RoundReport
from app.services.sync_status import SyncErrorRow
from app.ui.change_bus import ChangeBus
from app.ui.domain_text import ui, ui_error
from app.ui.sync_scheduler import SyncScheduler, SyncStatus, local_time

STATE_COLOURS = {
    "ok": "#1e8449",
    "pending": "#b9770e",
    "error": "#c0392b",
    "off": "#666666",
    "admin": "#8e44ad",
}
GOOD, BAD, NEUTRAL = "color: #1e8449;", "color: #c0392b;", "color: #666666;"
WARNING = (
    "background-color: #c0392b; color: #ffffff; font-weight: bold; padding: 6px;"
    " border-radius: 3px;"
)


class SyncPage(QWidget):
    def __init__(self, services: AppServices, bus: ChangeBus, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.scheduler: SyncScheduler | None = None
        self.rows: list[SyncErrorRow] = []

        # -- the test-bench option, in red while it is on (everyone sees it) ---------------
        self.insecure_warning = QLabel(
            self.tr(
                "TEST BENCH ONLY: this PC accepts an unencrypted http:// county hub. Patient "
                "data and the access token cross the network in plain text. Never use this in "
                "a clinic; an administrator turns it off on this page."
            )
        )
        self.insecure_warning.setObjectName("insecureHttpWarning")
        self.insecure_warning.setWordWrap(True)
        self.insecure_warning.setStyleSheet(WARNING)

        # -- where we stand --------------------------------------------------------------
        summary_box = QGroupBox(self.tr("Synchronisation with the county hospital"))
        self.status_label = QLabel()
        self.status_label.setObjectName("syncPageStatus")
        self.status_label.setWordWrap(True)
        self.last_success = QLabel()
        self.last_success.setObjectName("lastSuccess")
        self.pending = QLabel()
        self.pending.setObjectName("pendingCount")
        self.error_count = QLabel()
        self.error_count.setObjectName("errorCount")
        self.round_message = QLabel()
        self.round_message.setObjectName("roundMessage")
        self.round_message.setWordWrap(True)
        self.round_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.setObjectName("syncNow")
        self.sync_button.setMinimumWidth(120)
        facts = QFormLayout()
        facts.addRow(self.tr("Last successful sync"), self.last_success)
        facts.addRow(self.tr("Waiting to upload"), self.pending)
        facts.addRow(self.tr("In error"), self.error_count)
        top = QHBoxLayout()
        top.addLayout(facts, 1)
        top.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignTop)
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.addWidget(self.status_label)
        summary_layout.addLayout(top)
        summary_layout.addWidget(self.round_message)

        # -- records in error ------------------------------------------------------------
        errors_box = QGroupBox(
            self.tr(
                "Records in error (refused by the county hospital, or sent by it and not "
                "storable here)"
            )
        )
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("syncErrors")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Record"), self.tr("Patient"), self.tr("Reason")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.empty_note = QLabel(self.tr("No records in error."))
        self.empty_note.setObjectName("noErrors")
        self.empty_note.setStyleSheet(NEUTRAL)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.setObjectName("retrySelected")
        self.retry_all_button = QPushButton(self.tr("Retry all"))
        self.retry_all_button.setObjectName("retryAll")
        self.retry_message = QLabel()
        self.retry_message.setObjectName("retryMessage")
        self.retry_message.setWordWrap(True)
        retry_row = QHBoxLayout()
        retry_row.addWidget(self.retry_message, 1)
        retry_row.addWidget(self.retry_button)
        retry_row.addWidget(self.retry_all_button)
        errors_layout = QVBoxLayout(errors_box)
        errors_layout.addWidget(self.empty_note)
        errors_layout.addWidget(self.table, 1)
        errors_layout.addLayout(retry_row)

        # -- connection settings (administrators) ----------------------------------------
        self.settings_box = QGroupBox(self.tr("County hospital connection (administrator)"))
        self.hub_url = QLineEdit()
        self.hub_url.setObjectName("hubUrl")
        self.hub_url.setPlaceholderText("https://hub.example.cn")
        self.token = QLineEdit()
        self.token.setObjectName("hubToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("The token the county hospital issued"))
        self.ca_bundle = QLineEdit()
        self.ca_bundle.setObjectName("caBundle")
        self.ca_bundle.setPlaceholderText(
            self.tr("Only if the county hospital uses its own certificate")
        )
        self.allow_http = QCheckBox(
            self.tr("Test bench only: allow unencrypted http:// connections")
        )
        self.allow_http.setObjectName("allowInsecureHttp")
        self.allow_http.setToolTip(
            self.tr(
                "Over http:// patient data and the access token travel unencrypted. Only for a "
                "test hub; a clinic's hub address starts with https://."
            )
        )
        self.choose_ca = QPushButton(self.tr("Choose…"))
        self.choose_ca.setObjectName("chooseCaBundle")
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(self.choose_ca)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("saveHubSettings")
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setObjectName("testConnection")
        self.settings_message = QLabel()
        self.settings_message.setObjectName("connectionMessage")
        self.settings_message.setWordWrap(True)
        form = QFormLayout(self.settings_box)
        form.addRow(self.tr("Hub address"), self.hub_url)
        form.addRow(self.tr("Access token"), self.token)
        form.addRow(self.tr("CA certificate file"), ca_row)
        form.addRow("", self.allow_http)
        # the message on a row of its own, the full width: a long one (the connection test's
        # reason, in English at 1024×768) wraps onto lines the form makes room for, where
        # squeezed beside the buttons its second line was cut off
        form.addRow(self.settings_message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        self.admin_note = QLabel(
            self.tr(
                "Only an administrator can change the county hospital connection "
                "or send refused records again."
            )
        )
        self.admin_note.setObjectName("syncAdminNote")
        self.admin_note.setStyleSheet(NEUTRAL)

        layout = QVBoxLayout(self)
        layout.addWidget(self.insecure_warning)
        layout.addWidget(summary_box)
        layout.addWidget(errors_box, 1)
        layout.addWidget(self.settings_box)
        layout.addWidget(self.admin_note)

        self.sync_button.clicked.connect(self.sync_now)
        self.retry_button.clicked.connect(self.retry_selected)
        self.retry_all_button.clicked.connect(self.retry_all)
        self.choose_ca.clicked.connect(self.choose_ca_bundle)
        self.save_button.clicked.connect(self.save_settings)
        self.test_button.clicked.connect(self.test_connection)
        bus.changed.connect(self.on_changed)
        self.apply_role()
        self.reload_errors()

    # -- wiring -------------------------------------------------------------------------
    def bind_scheduler(self, scheduler: SyncScheduler) -> None:
        """The main window hands over its one scheduler (one round at a time, app-wide)."""
        self.scheduler = scheduler
        scheduler.status_changed.connect(self.show_status)
        scheduler.running_changed.connect(self._running)
        scheduler.round_finished.connect(self.show_round)
        self._running(scheduler.running)
        self.show_status(scheduler.status)

    def is_admin(self) -> bool:
        actor = self.services.ctx.actor
        return bool(actor and allowed(actor.role, Perm.SETTINGS_EDIT))

    def apply_role(self) -> None:
        admin = self.is_admin()
        self.settings_box.setVisible(admin)
        self.admin_note.setVisible(not admin)
        self.retry_button.setEnabled(admin)
        self.retry_all_button.setEnabled(admin)
        hub = self.services.sync_runner.hub_settings()
        self.insecure_warning.setVisible(hub.allow_http)
        if admin:  # the token is never loaded into a widget a non-administrator sees
            self.hub_url.setText(hub.url)
            self.token.setText(hub.token)
            self.ca_bundle.setText(hub.ca_bundle)
            self.allow_http.setChecked(hub.allow_http)

    def on_changed(self, changes: Changes) -> None:
        if changes.record_type == "sync" or changes.action in ("sync", "pull"):
            self.reload_errors()

    # -- status -------------------------------------------------------------------------
    def show_status(self, status: SyncStatus) -> None:
        self.status_label.setText(status.text)
        self.status_label.setStyleSheet(
            f"color: {STATE_COLOURS.get(status.state, '#666666')}; font-size: 15px;"
            " font-weight: bold;"
        )
        s = status.summary
        last = s.last_success_at if s else None
        self.last_success.setText(
            local_time(last, self.services.ctx.timezone) if last else self.tr("never")
        )
        self.pending.setText(str(s.pending) if s else "—")
        self.error_count.setText(str(s.errors) if s else "—")
        self.error_count.setStyleSheet(BAD if s and s.errors else "")
        if not status.configured and self.is_admin():
            self.round_message.setStyleSheet(NEUTRAL)
            self.round_message.setText(
                self.tr("Enter the hub address and token below, test the connection, then save.")
            )
        elif not status.configured:
            self.round_message.setStyleSheet(NEUTRAL)
            self.round_message.setText(
                self.tr("Synchronisation is not set up yet; ask the administrator.")
            )

    def _running(self, running: bool) -> None:
        self.sync_button.setEnabled(not running)
        self.sync_button.setText(self.tr("Syncing…") if running else self.tr("Sync now"))

    def show_round(self, report: RoundReport) -> None:
        if report.outcome is Outcome.BUSY:
            return
        if report.outcome in (Outcome.OK, Outcome.PARKED):
            text = self.tr("Uploaded %1, downloaded %2.").replace("%1", str(report.pushed))
            text = text.replace("%2", str(report.pulled))
            if report.parked:
                text += " " + self.tr("%1 refused: see the list below.").replace(
                    "%1", str(report.parked)
                )
            style = BAD if report.parked else GOOD
        elif report.outcome is Outcome.OFFLINE:
            text = self.tr(
                "The county hospital cannot be reached right now. Nothing is lost: the records "
                "wait on this PC and are sent automatically when the connection is back. (%1)"
            ).replace("%1", ui(report.message))
            style = NEUTRAL
        elif report.outcome is Outcome.NOT_CONFIGURED:
            return
        else:
            text, style = ui(report.message), BAD
        self.round_message.setStyleSheet(style)
        self.round_message.setText(text)
        self.reload_errors()

    def sync_now(self) -> None:
        if self.scheduler is None:
            return
        if not self.scheduler.configured:
            self.round_message.setStyleSheet(BAD)
            self.round_message.setText(
                self.tr("Enter and save the hub address first.")
                if self.is_admin()
                else self.tr("Synchronisation is not set up yet; ask the administrator.")
            )
            return
        self.round_message.setStyleSheet(NEUTRAL)
        self.round_message.setText(self.tr("Syncing in the background…"))
        self.scheduler.sync_now()

    # -- records in error ---------------------------------------------------------------
    def reload_errors(self) -> None:
        self.rows = self.services.sync.errors()
        self.table.setRowCount(0)
        for row in self.rows:
            r = self.table.rowCount()
            self.table.insertRow(r)
            patient = row.patient_name or "—"
            for c, text in enumerate((ui(row.type_name), patient, ui(row.message))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self.empty_note.setVisible(not self.rows)
        self.table.setVisible(bool(self.rows))
        admin = self.is_admin()
        self.retry_button.setEnabled(admin and bool(self.rows))
        self.retry_all_button.setEnabled(admin and bool(self.rows))

    def selected_rows(self) -> list[SyncErrorRow]:
        picked = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.rows[i] for i in sorted(picked) if i < len(self.rows)]

    def retry_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            self.retry_message.setStyleSheet(BAD)
            self.retry_message.setText(self.tr("Select the records to send again."))
            return
        self._retry([r.record_id for r in rows])

    def retry_all(self) -> None:
        self._retry(None)

    def _retry(self, ids: list[str] | None) -> None:
        try:
            n = self.services.sync.retry(ids)
        except PermissionDenied as exc:
            self.retry_message.setStyleSheet(BAD)
            self.retry_message.setText(ui_error(exc))
            return
        self.retry_message.setStyleSheet(NEUTRAL)
        self.retry_message.setText(
            self.tr("%1 record(s) queued again; they are sent at the next sync.").replace(
                "%1", str(n)
            )
        )
        self.reload_errors()

    # -- connection settings ------------------------------------------------------------
    def choose_ca_bundle(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("CA certificate of the county hospital"),
            self.ca_bundle.text(),
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.ca_bundle.setText(path)

    def _form_error(self) -> str:
        url = self.hub_url.text().strip()
        problem = address_problem(url, self.allow_http.isChecked()) if url else None
        if problem == HTTP_NOT_ALLOWED:
            return self.tr(
                "Hub address: http:// is not encrypted, so patient data and the access token "
                "would cross the network in plain text. Use an https:// address (only on a test "
                "bench may an administrator tick “Test bench only: allow unencrypted http:// "
                "connections”)."
            )
        if problem is not None:
            return self.tr("Hub address: it starts with https://, e.g. https://hub.example.cn")
        return ""

    def save_settings(self) -> None:
        problem = self._form_error()
        if problem:
            self._settings_said(problem, BAD)
            return
        try:
            self.services.sync_runner.save_hub_settings(
                self.hub_url.text(),
                self.token.text(),
                self.ca_bundle.text(),
                allow_http=self.allow_http.isChecked(),
            )
        except (PermissionDenied, ValidationError) as exc:
            self._settings_said(ui_error(exc), BAD)
            return
        except OSError as exc:
            self._settings_said(
                self.tr("The settings could not be saved: %1").replace(
                    "%1", exc.strerror or ui_error(exc)
                ),
                BAD,
            )
            return
        self._settings_said(self.tr("Saved."), GOOD)
        self.insecure_warning.setVisible(self.allow_http.isChecked())
        if self.scheduler is not None:
            self.scheduler.apply_settings()

    def test_connection(self) -> None:
        if self.scheduler is None:
            return
        problem = self._form_error()
        if problem:
            self._settings_said(problem, BAD)
            return
        url, token, ca = self.hub_url.text(), self.token.text(), self.ca_bundle.text()
        allow_http = self.allow_http.isChecked()
        runner = self.services.sync_runner
        self.test_button.setEnabled(False)
        self._settings_said(self.tr("Testing the connection…"), NEUTRAL)
        self.scheduler.tasks.run(
            lambda: runner.test_connection(url, token, ca, allow_http),
            self._tested,
            self._test_failed,
            network=True,
        )

    def _tested(self, report: ConnectionReport) -> None:
        self.test_button.setEnabled(True)
        self._settings_said(ui(report.message), GOOD if report.outcome is Outcome.OK else BAD)

    def _test_failed(self, exc: Exception) -> None:
        self.test_button.setEnabled(True)
        if isinstance(exc, PermissionDenied):
            self._settings_said(ui_error(exc), BAD)
            return
        raise exc  # a bug: the crash handler logs it (the admin pressed the button)

    def _settings_said(self, text: str, style: str) -> None:
        self.settings_message.setStyleSheet(style)
        self.settings_message.setText(text)
