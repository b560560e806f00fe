"""The one app-level change signal: services report each write, pages refresh what changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.services.context import Changes, ServiceContext


class ChangeBus(QObject):
    # Emitted on the GUI thread (queued when the write ran in a worker thread).
    changed = Signal(object)

    def __init__(self, ctx: ServiceContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        ctx.listeners.append(self._relay)

    def _relay(self, changes: Changes) -> None:
        self.changed.emit(changes)
