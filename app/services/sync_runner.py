"""Sync for the workstation UI: one round or a connection check in, a plain outcome out.

The UI may not import the engine (it pulls in SQLAlchemy), so this thin service runs
``SyncEngine.run_round`` and ``HubClient.health`` and turns their exceptions into an
``Outcome`` with a Chinese message. Hub settings live in ``settings.toml`` (app/config.py);
they are re-read for every round, so a change on the 同步 page applies at the next round.
Nothing here knows about Qt; the UI runs these calls off the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import Settings
from app.domain.hub_address import check_hub_address
from app.domain.roles import Perm
from app.services.context import Changes, ServiceContext
from app.services.recording import audit
from app.services.sync_outcome import (
    ADMIN_OUTCOMES,
    Failure,
    Outcome,
    failure_outcome,
    round_outcome,
)
from app.services.sync_status import SyncStatusService, SyncSummary

__all__ = ["ADMIN_OUTCOMES", "ConnectionReport", "HubSettings", "Outcome", "RoundReport"]

if TYPE_CHECKING:
    from app.sync.protocol import Change, PullResponse, PushResult

log = logging.getLogger(__name__)
# A pull after this sequence returns nothing: used to check the token without moving data.
_TOKEN_PROBE_AFTER = 2**31 - 1


@dataclass(frozen=True)
class HubSettings:
    url: str
    token: str
    ca_bundle: str
    interval_minutes: int
    # the administrator's test-bench option: a plain http:// hub is accepted (warned in red)
    allow_http: bool = False

    @property
    def configured(self) -> bool:
        return bool(self.url.strip())


@dataclass(frozen=True)
class RoundReport:
    outcome: Outcome
    message: str
    summary: SyncSummary
    pushed: int = 0
    duplicates: int = 0
    parked: int = 0
    pulled: int = 0


@dataclass(frozen=True)
class ConnectionReport:
    outcome: Outcome
    message: str


def _recording_client(url: str, token: str, ca_bundle: str, allow_http: bool) -> Any:
    """A HubClient that remembers which records went up and came down (for change notices)."""
    from app.sync.client import HubClient

    class RecordingClient(HubClient):
        def __init__(self) -> None:
            super().__init__(url, token, ca_bundle, allow_http=allow_http)
            self.seen: dict[tuple[str, str], set[str]] = {}

        def _note(self, action: str, record_type: str, record_id: str) -> None:
            self.seen.setdefault((record_type, action), set()).add(record_id)

        def push(self, clinic_code: str, changes: list[Change]) -> list[PushResult]:
            results = super().push(clinic_code, changes)
            for r in results:
                self._note("sync", r.type, r.id)
            return results

        def pull(self, after: int, limit: int) -> PullResponse:
            page = super().pull(after, limit)
            for ch in page.changes:
                self._note("pull", ch.type, ch.id)
            return page

    return RecordingClient()


class SyncRunner:
    def __init__(self, ctx: ServiceContext, data_dir: Path) -> None:
        self.ctx = ctx
        self.data_dir = Path(data_dir)
        self.status = SyncStatusService(ctx)
        # Passed to SyncEngine (tests shorten the backoff; the app keeps the engine's own).
        self.engine_options: dict[str, Any] = {}
        self._round = threading.Lock()

    # -- settings -----------------------------------------------------------------------
    def hub_settings(self) -> HubSettings:
        s = Settings.load(self.data_dir)
        return HubSettings(
            s.hub_url, s.hub_token, s.ca_bundle, s.sync_interval_minutes, s.allow_insecure_http
        )

    def save_hub_settings(
        self, url: str, token: str, ca_bundle: str, *, allow_http: bool | None = None
    ) -> None:
        """Administrators only. Re-reads the file so other settings are kept as they are.

        ``allow_http`` sets this PC's test-bench option (None keeps it as saved). An http://
        address without it raises ValidationError naming the field; nothing is saved."""
        self.ctx.require(Perm.SETTINGS_EDIT)
        s = Settings.load(self.data_dir)
        if allow_http is not None:
            s.allow_insecure_http = allow_http
        check_hub_address(url, s.allow_insecure_http)
        s.hub_url, s.hub_token, s.ca_bundle = url.strip(), token.strip(), ca_bundle.strip()
        s.save(self.data_dir)
        with self.ctx.session() as session:  # the token itself is never written anywhere else
            audit(
                session,
                self.ctx,
                "sync_settings",
                detail={
                    "hub_url": s.hub_url,
                    "ca_bundle": s.ca_bundle,
                    "token_set": bool(s.hub_token),
                    "allow_insecure_http": s.allow_insecure_http,
                },
            )

    # -- a round ------------------------------------------------------------------------
    def run_round(self) -> RoundReport:
        """One push + pull. Known failures come back as an outcome; only bugs raise."""
        if not self._round.acquire(blocking=False):
            return RoundReport(Outcome.BUSY, "", self.status.summary())
        try:
            return self._run_round()
        finally:
            self._round.release()

    def _run_round(self) -> RoundReport:
        from app.sync.engine import SyncEngine

        hub = self.hub_settings()
        if not hub.configured:
            return RoundReport(
                Outcome.NOT_CONFIGURED, "尚未设置县医院同步地址", self.status.summary()
            )
        try:
            client = _recording_client(hub.url, hub.token, hub.ca_bundle, hub.allow_http)
        except Exception as e:  # the CA bundle file, or an http:// hub without the option
            failure = failure_outcome(e)
            if failure is None:
                raise
            return RoundReport(failure.outcome, failure.message, self.status.summary())
        outcome, message = Outcome.OK, ""
        counts: dict[str, int] = {}
        try:
            res = SyncEngine(self.ctx, client, **self.engine_options).run_round()
            counts = {
                "pushed": res.pushed,
                "duplicates": res.duplicates,
                "parked": res.parked,
                "pulled": res.pulled,
            }
            outcome = round_outcome(res)
            message = "；".join(res.errors)
        except Exception as e:
            failure = failure_outcome(e)
            if failure is None:
                raise
            outcome, message = failure.outcome, failure.message
        finally:
            client.close()
            self._notify(client.seen)
        log.info("sync round: %s %s", outcome.value, counts)
        return RoundReport(outcome, message, self.status.summary(), **counts)

    def _notify(self, seen: dict[tuple[str, str], set[str]]) -> None:
        # Also after a round cut short: what was acknowledged or pulled is already stored.
        for (record_type, action), ids in sorted(seen.items()):
            self.ctx.notify(Changes(record_type, frozenset(ids), action))
        if ("referral", "pull") in seen:
            # a downward referral may have brought a new resident and started a plan here
            self.ctx.notify(Changes("patient", frozenset(), "pull"))
            self.ctx.notify(Changes("followup_plan", frozenset(), "pull"))

    # -- checks -------------------------------------------------------------------------
    def ping(self) -> bool:
        """Is the hub reachable? (the cheap check while offline; no data moves)"""
        from app.sync.client import HubClient

        hub = self.hub_settings()
        if not hub.configured:
            return False
        try:
            with HubClient(
                hub.url, hub.token, hub.ca_bundle, timeout=10.0, allow_http=hub.allow_http
            ) as client:
                client.health()
        except Exception as e:
            if failure_outcome(e) is None:
                raise
            return False
        return True

    def test_connection(
        self, url: str, token: str, ca_bundle: str, allow_http: bool | None = None
    ) -> ConnectionReport:
        """Administrators check the values on the form (saved or not): reach, TLS, token.
        ``allow_http``: the form's test-bench option (None: as saved on this PC)."""
        from app.sync.client import HubClient
        from app.sync.protocol import PROTOCOL_VERSION

        self.ctx.require(Perm.SETTINGS_EDIT)
        url, token, ca_bundle = url.strip(), token.strip(), ca_bundle.strip()
        if not url:
            return ConnectionReport(Outcome.NOT_CONFIGURED, "请先填写县医院同步地址")
        if allow_http is None:
            allow_http = self.hub_settings().allow_http
        try:
            # an address that is not https:// (http:// without the option) is refused here,
            # before a connection is opened
            with HubClient(url, token, ca_bundle, timeout=15.0, allow_http=allow_http) as client:
                info = client.health()
                if not token:
                    return ConnectionReport(Outcome.AUTH, "能连上县医院，但还没有填写访问令牌")
                # health is public; a pull past the end checks the token and moves nothing
                client.pull(_TOKEN_PROBE_AFTER, 1)
        except Exception as e:
            failure = failure_outcome(e)
            if failure is None:
                raise
            return ConnectionReport(failure.outcome, _connection_message(failure, e))
        hub_protocol = info.get("protocol")
        note = "" if hub_protocol in (None, PROTOCOL_VERSION) else f"（县医院协议 {hub_protocol}）"
        return ConnectionReport(Outcome.OK, f"连接正常：县医院可以访问，令牌有效{note}")


def _connection_message(failure: Failure, exc: BaseException) -> str:
    """The connection test's wording of an outcome (it says what works so far)."""
    from app.sync.client import BadAddress, network_reason

    if failure.outcome is Outcome.AUTH:
        return "能连上县医院，但县医院拒绝了这个访问令牌。请核对令牌，或请县医院重新发放"
    if failure.outcome is Outcome.OFFLINE:
        if exc.__cause__ is None:  # the hub answered with a 5xx
            return f"{exc}，请稍后再试或联系县医院"
        return (
            f"连不上县医院（{network_reason(exc.__cause__)}）。"
            "请检查同步地址、本机网络，以及县医院服务器是否开启"
        )
    if failure.outcome is Outcome.FAILED and not isinstance(exc, BadAddress):
        return f"县医院的回答不正常：{failure.message}"
    return failure.message
