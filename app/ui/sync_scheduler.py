"""When the workstation syncs, and what the status bar says about it.

Rounds run on the network pool of ``ui/tasks.py``, one at a time, started by
- the timer (``sync_interval_minutes`` in settings.toml, 5 minutes by default, plus one
  round a few seconds after the main window opens);
- the network coming back. Two cheap signals, because neither is enough alone: Qt's
  ``QNetworkInformation`` (NetworkListManager on Windows, NetworkManager/glib on Linux) says
  when the PC regains a network, but not whether the county hub is reachable on it; so after
  a round that found the hub unreachable we also send a health ping every 30 seconds, and
  run a round as soon as one answers;
- the 立即同步 button (``sync_now``).
Automatic rounds never open a dialog: everything they have to say goes to the status bar and
the 同步 page. The summary (pending / errors / last success) is re-read after every local
write, so the status is never green while something is unsent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.clinic_clock import DEFAULT_TIMEZONE, to_local
from app.services.bundle import AppServices
from app.services.context import Changes
from app.services.sync_runner import ADMIN_OUTCOMES, Outcome, RoundReport
from app.services.sync_status import SyncSummary
from app.ui.change_bus import ChangeBus
from app.ui.domain_text import ui
from app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows. state: ok / pending / error / off / admin."""

    text: str
    state: str
    detail: str  # the last round's message (tooltip), "" when there is nothing to add
    summary: SyncSummary | None
    outcome: Outcome | None
    running: bool
    configured: bool


def local_time(utc: datetime, timezone: str = DEFAULT_TIMEZONE) -> str:
    """A stored (UTC) moment in the clinic's zone, not the PC's."""
    return to_local(utc, timezone).strftime("%m-%d %H:%M")


class SyncScheduler(QObject):
    status_changed = Signal(object)  # SyncStatus
    running_changed = Signal(bool)
    round_finished = Signal(object)  # RoundReport

    first_round_ms = 3_000
    offline_retry_ms = 30_000
    network_settle_ms = 2_000  # after the OS says "online", DHCP/DNS need a moment

    def __init__(
        self,
        services: AppServices,
        bus: ChangeBus,
        tasks: TaskRunner,
        parent: QObject | None = None,
        *,
        watch_network: bool = True,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = services.sync_runner
        self.tasks = tasks
        self.configured = False
        self.running = False
        self.outcome: Outcome | None = None
        self.message = ""
        self.summary: SyncSummary | None = None
        self._pinging = False
        self._stopped = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._automatic_round)
        self.offline_timer = QTimer(self)
        self.offline_timer.setInterval(self.offline_retry_ms)
        self.offline_timer.timeout.connect(self._ping)
        self.summary_timer = QTimer(self)  # a burst of writes re-reads the summary once
        self.summary_timer.setSingleShot(True)
        self.summary_timer.setInterval(200)
        self.summary_timer.timeout.connect(self.refresh_summary)
        bus.changed.connect(self._on_changed)
        self.network_backend = self._watch_network() if watch_network else ""
        self.status = self._describe()

    # -- life -------------------------------------------------------------------------------
    def start(self) -> None:
        self.apply_settings()
        if self.configured:
            QTimer.singleShot(self.first_round_ms, self, self._automatic_round)

    def stop(self) -> None:
        self._stopped = True
        for t in (self.timer, self.offline_timer, self.summary_timer):
            t.stop()

    def apply_settings(self) -> None:
        """Re-read the hub settings (after the admin saved them) and restart the timer."""
        hub = self.runner.hub_settings()
        self.configured = hub.configured
        self.timer.setInterval(hub.interval_minutes * 60_000)
        if self.configured and not self._stopped:
            self.timer.start()
        else:
            self.timer.stop()
            self.offline_timer.stop()
            self.outcome, self.message = None, ""
        self.refresh_summary()

    # -- rounds -----------------------------------------------------------------------------
    def sync_now(self) -> bool:
        """Start a round in the background; False if one is running or there is no hub."""
        if self.running or self._stopped:
            return False
        if not self.configured:
            self.outcome, self.message = Outcome.NOT_CONFIGURED, ""
            self._publish()
            return False
        self.running = True
        self.running_changed.emit(True)
        self._publish()
        self.tasks.run(self.runner.run_round, self._round_done, self._round_failed, network=True)
        return True

    def _automatic_round(self) -> None:
        if self.configured:
            self.sync_now()

    def _round_done(self, report: RoundReport) -> None:
        self.running = False
        self.running_changed.emit(False)
        if report.outcome is not Outcome.BUSY:
            self.outcome, self.message = report.outcome, report.message
            self.summary = report.summary
        if self.configured and not self._stopped:
            self.timer.start()  # the next automatic round counts from this one
            if report.outcome is Outcome.OFFLINE:
                if not self.offline_timer.isActive():
                    self.offline_timer.start()
            else:
                self.offline_timer.stop()
        self._publish()
        self.round_finished.emit(report)

    def _round_failed(self, exc: Exception) -> None:
        # A bug, not a known sync failure: logged with its traceback (logs/cliniclink.log),
        # shown in the status bar, never in a dialog (this may be an automatic round).
        log.error(
            "sync round failed unexpectedly:\n%s", getattr(exc, "__traceback_text__", repr(exc))
        )
        self.running = False
        self.running_changed.emit(False)
        logs = self.services.data_dir / "logs" / "cliniclink.log"
        self.outcome = Outcome.FAILED
        message = self.tr("Unexpected error while syncing; details were written to %1")
        self.message = message.replace("%1", str(logs))
        self.refresh_summary()
        summary = self.summary or SyncSummary(0, 0, None)
        self.round_finished.emit(RoundReport(Outcome.FAILED, self.message, summary))

    # -- network back -----------------------------------------------------------------------
    def _watch_network(self) -> str:
        from PySide6.QtNetwork import QNetworkInformation

        if not QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            return ""
        info = QNetworkInformation.instance()
        if info is None:
            return ""
        info.reachabilityChanged.connect(self._reachability_changed)
        return info.backendName()

    def _reachability_changed(self, reachability: object) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability != QNetworkInformation.Reachability.Online:
            return
        if self.outcome is Outcome.OFFLINE or (self.summary and self.summary.pending):
            QTimer.singleShot(self.network_settle_ms, self, self._automatic_round)

    def _ping(self) -> None:
        if self._pinging or self.running or not self.configured:
            return
        self._pinging = True

        def answered(reachable: bool) -> None:
            self._pinging = False
            if reachable and self.outcome is Outcome.OFFLINE:
                self._automatic_round()

        def failed(exc: Exception) -> None:
            self._pinging = False
            log.error(
                "hub ping failed unexpectedly:\n%s", getattr(exc, "__traceback_text__", repr(exc))
            )

        self.tasks.run(self.runner.ping, answered, failed, network=True)

    # -- summary and status -----------------------------------------------------------------
    def _on_changed(self, changes: Changes) -> None:
        if not self._stopped:
            self.summary_timer.start()

    def refresh_summary(self) -> None:
        # Two COUNTs on an indexed table: milliseconds, and WAL readers never wait for the
        # sync round writing at the same time.
        self.summary = self.services.sync.summary()
        self._publish()

    def _publish(self) -> None:
        self.status = self._describe()
        self.status_changed.emit(self.status)

    def _describe(self) -> SyncStatus:
        s, outcome = self.summary, self.outcome
        pending = s.pending if s else 0
        errors = s.errors if s else 0
        if not self.configured:
            text = self.tr("Sync: not configured")
            if pending:
                text += " · " + self.tr("%1 waiting to upload").replace("%1", str(pending))
            return SyncStatus(text, "off", "", s, outcome, self.running, False)
        parts: list[str] = []
        detail = ui(self.message)
        if self.running:
            head, state = self.tr("syncing…"), "pending"
        elif outcome is Outcome.AUTH:
            head, state = self.tr("token refused, an administrator is needed"), "admin"
        elif outcome is Outcome.CERTIFICATE:
            head, state = self.tr("certificate problem, an administrator is needed"), "admin"
        elif outcome is Outcome.INSECURE_HTTP:
            head = self.tr("unencrypted http:// hub refused, an administrator is needed")
            state = "admin"
        elif outcome in ADMIN_OUTCOMES:
            head = self.tr("ClinicLink must be upgraded, an administrator is needed")
            state = "admin"
        elif outcome is Outcome.OFFLINE:
            head, state = self.tr("offline"), "off"
        elif outcome is Outcome.FAILED:
            head, state = self.tr("failed"), "error"
        elif pending or errors:
            head, state = "", "pending"
        else:
            head = self.tr("all sent") if s and s.last_success_at else ""
            state = "ok" if s and s.last_success_at else "pending"
        if errors and state in ("ok", "pending", "off"):
            state = "error"  # parked records need someone whether or not the hub is reachable
        if head:
            parts.append(head)
        if pending:
            parts.append(self.tr("%1 waiting to upload").replace("%1", str(pending)))
        if errors:
            parts.append(self.tr("%1 in error").replace("%1", str(errors)))
        if s and s.last_success_at:
            parts.append(
                self.tr("last synced %1").replace(
                    "%1", local_time(s.last_success_at, self.services.ctx.timezone)
                )
            )
        else:
            parts.append(self.tr("never synced"))
        text = self.tr("Sync: %1").replace("%1", " · ".join(parts))
        return SyncStatus(text, state, detail, s, outcome, self.running, True)
