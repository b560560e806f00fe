"""Python's cyclic garbage collection on the GUI thread only.

Python collects reference cycles on whichever thread happens to allocate when a generation
fills up. The workstation's background work (saving, printing, sync, the 统计 figures, which
count on several threads) allocates a lot; a collection there can free a cycle that holds a
Qt object, and Qt objects must be destroyed on the thread that owns them, so the program could
crash at a random moment (seen once in the UI tests: "Garbage-collecting" in a worker's stack).

``GuiGarbageCollector`` turns the automatic collection off and runs it from a timer on the GUI
thread instead, generation by generation with Python's own thresholds, so the same amount of
garbage is collected, only always here. Reference counting (most memory) is untouched.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiGarbageCollector(QObject):
    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations over Python's thresholds, as automatic collection would."""
        count0, count1, count2 = gc.get_count()
        if count0 > self.threshold[0]:
            gc.collect(0)
            if count1 > self.threshold[1]:
                gc.collect(1)
                if count2 > self.threshold[2]:
                    gc.collect(2)

    def stop(self) -> None:
        """Hand collection back to Python (as it was before)."""
        self.timer.stop()
        if self.was_enabled:
            gc.enable()
