"""The one background-work helper: run a callable off the GUI thread, get the result by signal.

Database work goes to a pool of one thread (SQLite likes one writer); network work to another;
work that only prepares something ahead of time (reads, never in a user's way) to a third, of
one low-priority thread, so it neither waits behind nor delays what a user asked for.
Results come back on the GUI thread through a queued signal, so callbacks may touch widgets.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the caller's on_error, never swallowed
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class TaskRunner(QObject):
    """Owns the pools; keep one per application."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_pool = QThreadPool(self)
        self.db_pool.setMaxThreadCount(1)
        self.net_pool = QThreadPool(self)
        self.net_pool.setMaxThreadCount(2)
        self.idle_pool = QThreadPool(self)
        self.idle_pool.setMaxThreadCount(1)
        self.idle_pool.setThreadPriority(QThread.Priority.LowPriority)
        self._live: set[_Relay] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        *,
        network: bool = False,
        idle: bool = False,
    ) -> None:
        relay = _Relay()
        self._live.add(relay)

        def finish_ok(result: Any) -> None:
            self._live.discard(relay)
            if on_success:
                on_success(result)

        def finish_err(exc: Exception) -> None:
            self._live.discard(relay)
            if on_error:
                on_error(exc)
            else:
                log.error("background task failed: %s", getattr(exc, "__traceback_text__", exc))
                raise exc

        relay.done.connect(finish_ok)
        relay.failed.connect(finish_err)
        pool = self.net_pool if network else self.idle_pool if idle else self.db_pool
        pool.start(_Job(fn, relay))

    def busy(self) -> bool:
        """Work queued or running whose result has not been delivered yet."""
        return bool(self._live)

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for queued work (used at shutdown and in tests)."""
        return (
            self.db_pool.waitForDone(msecs)
            and self.net_pool.waitForDone(msecs)
            and self.idle_pool.waitForDone(msecs)
        )
