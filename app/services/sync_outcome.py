"""One mapping from what a sync round (or a connection test) ran into to an outcome.

The 同步 page, the status bar, the connection test and ``python -m app sync`` all classify
with ``failure_outcome`` and ``round_outcome`` here, so a certificate problem is a
certificate problem everywhere, and the command line's exit code follows from the outcome
(``EXIT_CODES``). Anything not listed is a bug and is raised, never dressed up as a known
failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.commands import exitcodes
from app.domain.errors import ClinicNotSetUp, DatabaseBusy


class Outcome(StrEnum):
    OK = "ok"  # the round ran and nothing is left over
    PARKED = "parked"  # the round ran; some records are parked (listed on the 同步 page)
    NOT_CONFIGURED = "not_configured"  # no hub URL yet
    NOT_SET_UP = "not_set_up"  # first-run setup never finished (no clinic code)
    OFFLINE = "offline"  # hub unreachable or 5xx: not an error, try again later
    LOCKED = "locked"  # this PC's database stayed busy: try again later
    CERTIFICATE = "certificate"  # TLS verification failed or the CA bundle is unusable
    AUTH = "auth"  # token refused (401/403): an administrator must act
    UPGRADE = "upgrade"  # the hub and this ClinicLink speak different protocol versions
    FAILED = "failed"  # another known failure; the message says what
    BUSY = "busy"  # a round was already running; this one did not start
    DISK_FULL = "disk_full"  # no space left: what was stored is whole, the rest comes later
    # an http:// hub without the administrator's test-bench option: nothing was sent
    INSECURE_HTTP = "insecure_http"


ADMIN_OUTCOMES = frozenset(
    {Outcome.AUTH, Outcome.UPGRADE, Outcome.CERTIFICATE, Outcome.INSECURE_HTTP}
)

# ``python -m app sync`` (app/commands/exitcodes.py): 0 all sent; 1 something waits (retried by
# itself); 3 an administrator must act (also: an http:// hub without the test-bench option);
# 5 the disk is full; 6 this PC is not set up.
EXIT_CODES: dict[Outcome, int] = {
    Outcome.OK: exitcodes.OK,
    Outcome.PARKED: exitcodes.WAITING,
    Outcome.OFFLINE: exitcodes.WAITING,
    Outcome.LOCKED: exitcodes.WAITING,
    Outcome.BUSY: exitcodes.WAITING,
    Outcome.NOT_CONFIGURED: exitcodes.NEEDS_ADMIN,
    Outcome.NOT_SET_UP: exitcodes.NOT_SET_UP,
    Outcome.FAILED: exitcodes.NEEDS_ADMIN,
    Outcome.CERTIFICATE: exitcodes.NEEDS_ADMIN,
    Outcome.AUTH: exitcodes.NEEDS_ADMIN,
    Outcome.UPGRADE: exitcodes.NEEDS_ADMIN,
    Outcome.DISK_FULL: exitcodes.DISK_FULL,
    Outcome.INSECURE_HTTP: exitcodes.NEEDS_ADMIN,
}


@dataclass(frozen=True)
class Failure:
    outcome: Outcome
    message: str  # Chinese, for the user


def failure_outcome(exc: BaseException) -> Failure | None:
    """The outcome of a known failure, or None: ``exc`` is a bug (the caller re-raises)."""
    # Imported here, not with this module: the services open while the login window waits,
    # and the hub client brings httpx and pydantic, which nothing needs before a sync.
    from app.sync.client import (
        CERTIFICATE_MESSAGE,
        AuthError,
        CertificateError,
        InsecureHub,
        NetworkError,
        NotConfigured,
        SyncError,
        UpgradeRequired,
        is_certificate_problem,
    )

    if isinstance(exc, CertificateError) or (
        isinstance(exc, SyncError | OSError) and is_certificate_problem(exc)
    ):
        message = str(exc) if isinstance(exc, CertificateError) else CERTIFICATE_MESSAGE
        return Failure(Outcome.CERTIFICATE, message)
    if isinstance(exc, AuthError):
        return Failure(Outcome.AUTH, str(exc))
    if isinstance(exc, UpgradeRequired):
        return Failure(Outcome.UPGRADE, str(exc))
    if isinstance(exc, NotConfigured):
        return Failure(Outcome.NOT_CONFIGURED, str(exc))
    if isinstance(exc, InsecureHub):
        return Failure(Outcome.INSECURE_HTTP, str(exc))
    if isinstance(exc, NetworkError):
        return Failure(Outcome.OFFLINE, str(exc))
    if isinstance(exc, SyncError):
        return Failure(Outcome.FAILED, str(exc))
    if isinstance(exc, ClinicNotSetUp):
        return Failure(Outcome.NOT_SET_UP, str(exc))
    if isinstance(exc, DatabaseBusy):
        return Failure(Outcome.LOCKED, str(exc))
    from app.db.backup import is_disk_full

    if is_disk_full(exc):
        return Failure(
            Outcome.DISK_FULL,
            "磁盘空间不足：已保存的记录不受影响，未完成的部分下次再传。请清理磁盘后再同步。",
        )
    return None


def round_outcome(res: Any) -> Outcome:
    """A round that ran (``app.sync.engine.RoundResult``): OK only when nothing is left
    unsent and every record the county sent was stored here."""
    return Outcome.OK if res.complete and not res.errors else Outcome.PARKED
