"""Cyclic garbage is collected on the GUI thread, never on a worker's (app/ui/gui_gc.py): a
worker that makes a great deal of it sees no collection on its thread, and the GUI thread's
timer collects it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.gui_gc import GuiGarbageCollector

ROOT = Path(__file__).resolve().parents[2]


def make_cycles(n: int) -> None:
    for _ in range(n):
        a: dict[str, Any] = {}
        b = {"a": a}
        a["b"] = b  # a reference cycle: freed only by the cyclic collector


def test_a_workers_garbage_is_collected_on_the_gui_thread(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert app is not None
    gc.collect()
    collected_on: list[str] = []
    enabled_before = gc.isenabled()  # off in these tests (conftest); on in a plain program
    gc.enable()  # as Python starts: the collector must be what turns it off

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collected_on.append(threading.current_thread().name)

    collector = GuiGarbageCollector(app, interval_ms=20)
    gc.callbacks.append(note)
    try:
        assert not gc.isenabled()
        worker = threading.Thread(target=make_cycles, args=(200_000,), name="worker")
        worker.start()
        worker.join()
        assert collected_on == []  # 200,000 cycles: Python alone would have collected there
        assert gc.get_count()[0] > collector.threshold[0]
        qtbot.waitUntil(lambda: gc.get_count()[0] <= collector.threshold[0], timeout=2000)
        assert collected_on and set(collected_on) == {threading.main_thread().name}
    finally:
        gc.callbacks.remove(note)
        collector.stop()
        collector.deleteLater()
        handed_back = gc.isenabled()
        if not enabled_before:
            gc.disable()
    assert handed_back  # stop() hands collection back to Python as it found it


def test_the_workstation_runs_its_event_loop_with_collection_on_the_gui_thread(
    tmp_path: Path,
) -> None:
    """``run_gui`` (the real start-up, in smoke mode, in a process of its own) installs the
    collector before the event loop starts."""
    code = (
        "import gc, sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\n"
        "import app.ui.application as application\n"
        "seen = []\n"
        "real_exec = QApplication.exec\n"
        "def exec_(*_args):\n"
        "    seen.append(gc.isenabled())\n"
        "    return real_exec()\n"
        "QApplication.exec = staticmethod(exec_)\n"
        "application.run_gui(Path(sys.argv[1]), lang=None, demo=False, smoke=True)\n"
        "print('automatic collection during the event loop:', seen)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "automatic collection during the event loop: [False]" in out.stdout
