"""UI fixtures: real widgets on a real database; modal boxes answered by monkeypatching."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMessageBox

from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus


@pytest.fixture
def bus(services: AppServices) -> Iterator[ChangeBus]:
    b = ChangeBus(services.ctx)
    yield b
    services.ctx.listeners.clear()


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record QMessageBox statics instead of blocking; questions are answered Yes."""
    seen: list[tuple[str, str]] = []

    def record(kind: str, answer: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def box(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append((kind, text))
            return answer

        return box

    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, record(kind, QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.Yes))
    return seen


@pytest.fixture(scope="session", autouse=True)
def chinese_ui(qapp):  # type: ignore[no-untyped-def]
    """The UI is tested as the clinics see it: in Simplified Chinese (the default language)."""
    from app.ui.application import install_translators

    installed = install_translators(qapp, "zh_CN")
    assert installed, "zh_CN translation did not load"
    qapp._cliniclink_zh_translators = installed  # for tests that switch to English
    yield
    for t in installed:
        qapp.removeTranslator(t)


@pytest.fixture(autouse=True)
def unsaved_forms_discarded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A changed form closed by a test (or by pytest-qt at teardown) is discarded without the
    保存 / 不保存 / 取消 box blocking; tests of that box replace this answer. Returns what was
    asked about."""
    from app.ui.widgets import form_dialog

    asked: list[str] = []

    def discard(parent, what):  # type: ignore[no-untyped-def]
        asked.append(what)
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(form_dialog, "ask_unsaved", discard)
    return asked


@pytest.fixture(autouse=True, scope="session")
def no_collection_on_a_worker() -> Iterator[None]:
    """As the workstation does (app/ui/gui_gc.py, installed by run_gui, which these tests do
    not go through): no automatic collection of cycles, which could run on a background
    job's thread (the 统计 figures count on several) and delete a Qt widget there — a crash
    ("Garbage-collecting" in a worker's stack, seen in CI). Each test's garbage is collected
    on the GUI thread when it ends (below)."""
    enabled = gc.isenabled()
    gc.disable()
    yield
    if enabled:
        gc.enable()


@pytest.fixture(autouse=True)
def qt_garbage_collected_here() -> Iterator[None]:
    """Collect a test's cyclic garbage (widgets among it) on the GUI thread when it ends."""
    yield
    gc.collect()
