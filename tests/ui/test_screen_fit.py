"""Every page and dialog fits a clinic's screen: 1366×768 and 1024×768 with a 40-pixel
taskbar. The screen's free area is replaced by the given rectangle; each window is shown,
and every button it shows must lie inside the window, and the window inside that area."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QWidget

from app.domain import clinic_clock
from app.domain.followup import PlanKind
from app.domain.patient import PatientInput
from app.domain.referral import Direction
from app.domain.training import ActivityInput
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.widgets import screen_fit

SIZES = [(1366, 768), (1024, 768)]
TASKBAR = 40


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def screen(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> QRect:
    w, h = request.param
    free = QRect(0, 0, w, h - TASKBAR)
    monkeypatch.setattr(screen_fit, "available_rect", lambda widget=None: free)
    return free


def outside(window: QWidget) -> list[str]:
    """The visible buttons and status texts of ``window`` that are not wholly inside it."""
    bad = []
    inside = window.rect()
    for w in window.findChildren(QWidget):
        if not isinstance(w, QAbstractButton) or not w.isVisibleTo(window):
            continue
        top_left = w.mapTo(window, w.rect().topLeft())
        rect = QRect(top_left, w.size())
        # a button scrolled away inside a scroll area is fine; one cut by the window is not
        if not inside.contains(rect) and not _in_scroll_area(w, window):
            bad.append(f"{w.text() or w.objectName()} at {rect.getRect()}")
    return bad


def _in_scroll_area(w: QWidget, window: QWidget) -> bool:
    from PySide6.QtWidgets import QAbstractScrollArea

    p = w.parentWidget()
    while p is not None and p is not window:
        if isinstance(p, QAbstractScrollArea):
            return True
        p = p.parentWidget()
    return False


def assert_fits(qtbot, window: QWidget, free: QRect) -> None:  # type: ignore[no-untyped-def]
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    width = window.width() + screen_fit.FRAME_WIDTH
    height = window.height() + screen_fit.FRAME_HEIGHT
    assert width <= free.width() and height <= free.height(), (
        f"{window.windowTitle()}: {window.width()}×{window.height()} on {free.getRect()}"
    )
    assert outside(window) == [], window.windowTitle()


@pytest.fixture
def patient(services: AppServices) -> str:
    return services.patients.create(
        PatientInput(name="张三", id_number="11010519491231002X", village="桃花村")
    ).id


def test_patient_dialog_fits(
    qtbot, services: AppServices, screen: QRect, patient: str, lang: str
) -> None:
    from app.ui.dialogs.patient_dialog import PatientDialog

    for p in (None, services.patients.get(patient)):
        d = PatientDialog(services, p)
        qtbot.addWidget(d)
        assert_fits(qtbot, d, screen)


@pytest.mark.parametrize("direction", [Direction.UP, Direction.DOWN])
def test_referral_dialog_fits(
    qtbot, services: AppServices, screen: QRect, direction: Direction, lang: str
) -> None:
    from app.ui.dialogs.referral_dialog import ReferralDialog

    d = ReferralDialog(services, direction)
    qtbot.addWidget(d)
    assert_fits(qtbot, d, screen)
    # the shortcut is written on the button that is on screen
    assert "Ctrl+S" in d.submit_button.text()


@pytest.mark.parametrize("kind", [PlanKind.HYPERTENSION, PlanKind.DIABETES, PlanKind.REHAB])
def test_visit_dialog_fits(
    qtbot, services: AppServices, screen: QRect, patient: str, kind: PlanKind, lang: str
) -> None:
    from app.ui.dialogs.visit_dialog import VisitDialog

    plan = services.followups.create_plan(patient, kind, clinic_clock.today(), "李医生")
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    assert_fits(qtbot, d, screen)


def test_plan_dialogs_fit(
    qtbot, services: AppServices, screen: QRect, patient: str, lang: str
) -> None:
    from app.ui.dialogs.plan_dialog import EndPlanDialog, PlanDialog

    plan = services.followups.create_plan(
        patient, PlanKind.HYPERTENSION, clinic_clock.today(), "李医生"
    )
    for d in (PlanDialog(services), EndPlanDialog(services, plan.id)):
        qtbot.addWidget(d)
        assert_fits(qtbot, d, screen)


def test_activity_and_timeline_dialogs_fit(
    qtbot, services: AppServices, screen: QRect, patient: str
) -> None:
    from app.ui.dialogs.activity_dialog import ActivityDialog
    from app.ui.dialogs.timeline_dialog import TimelineDialog

    for d in (ActivityDialog(services), TimelineDialog(services, patient)):
        qtbot.addWidget(d)
        assert_fits(qtbot, d, screen)


def test_print_preview_fits(
    qtbot, services: AppServices, screen: QRect, patient: str, lang: str
) -> None:
    from app.ui.printing import PdfPreviewDialog

    a = services.training.plan_activity(
        ActivityInput(
            day=clinic_clock.today(), start=time(9), end=time(11), hours=2, topic="病例讨论"
        )
    )
    pdf = services.training.signin_sheet_pdf(a.id)
    d = PdfPreviewDialog("签到表", pdf)
    qtbot.addWidget(d)
    assert_fits(qtbot, d, screen)
    assert d.print_button.isVisible() and d.save_button.isVisible()


@pytest.fixture(params=["zh_CN", "en"])
def lang(request: pytest.FixtureRequest, qapp) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The UI language: Chinese (installed for the session) or English (the source text)."""
    installed = qapp._cliniclink_zh_translators
    if request.param == "en":
        for t in installed:
            qapp.removeTranslator(t)
    yield request.param
    if request.param == "en":
        for t in installed:
            qapp.installTranslator(t)


@pytest.fixture
def main_window(
    qtbot, services: AppServices, bus: ChangeBus, screen: QRect, lang: str
) -> Iterator[QWidget]:
    from app.ui.main_window import MainWindow

    w = MainWindow(services, bus)
    qtbot.addWidget(w)
    w.resize(screen.width() - screen_fit.FRAME_WIDTH, screen.height() - screen_fit.FRAME_HEIGHT)
    yield w
    w.sync.stop()


def test_every_page_fits_the_main_window(qtbot, main_window, screen: QRect) -> None:
    from app.ui.pages import PAGES

    assert_fits(qtbot, main_window, screen)
    for row, (key, _title, _factory) in enumerate(PAGES):
        main_window.nav.setCurrentRow(row)
        page = main_window.page(key)
        QApplication.processEvents()
        assert main_window.stack.currentWidget() is page
        assert_fits(qtbot, main_window, screen)
        assert outside(main_window) == [], key
    sync: QLabel = main_window.sync_label
    rect = QRect(sync.mapTo(main_window, sync.rect().topLeft()), sync.size())
    assert main_window.rect().contains(rect)
    assert sync.isVisible()


def test_dialogs_are_not_larger_than_the_screen_even_when_asked(
    qtbot, services: AppServices, screen: QRect
) -> None:
    d = QDialog()
    qtbot.addWidget(d)
    screen_fit.fit_to_screen(d, 5000, 5000)
    assert d.width() <= screen.width() and d.height() <= screen.height() - 30


def test_main_window_opens_maximised_then_as_it_was_left(
    qtbot, services: AppServices, bus: ChangeBus
) -> None:
    from PySide6.QtCore import Qt

    from app.ui.main_window import MainWindow

    first = MainWindow(services, bus)
    qtbot.addWidget(first)
    first.show_restored()
    qtbot.waitExposed(first)
    assert first.windowState() & Qt.WindowState.WindowMaximized
    first.showNormal()
    first.setGeometry(40, 50, 700, 500)
    QApplication.processEvents()
    first.close()
    second = MainWindow(services, bus)
    qtbot.addWidget(second)
    second.show_restored()
    qtbot.waitExposed(second)
    assert not second.windowState() & Qt.WindowState.WindowMaximized
    assert (second.width(), second.height()) == (700, 500)
    second.close()


def test_login_and_setup_windows_fit(qtbot, ctx, data_dir, screen: QRect, lang: str) -> None:  # type: ignore[no-untyped-def]
    from app.ui.dialogs.login_dialog import LoginDialog
    from app.ui.dialogs.setup_dialog import SetupDialog

    fresh = AppServices.create(ctx, data_dir)
    setup = SetupDialog(fresh)
    qtbot.addWidget(setup)
    assert_fits(qtbot, setup, screen)
    login = LoginDialog(fresh, "桃花镇卫生院", "admin")
    qtbot.addWidget(login)
    assert_fits(qtbot, login, screen)
