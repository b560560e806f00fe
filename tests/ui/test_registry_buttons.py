"""The pages enable an action's button by the permission the record-type registry declares:
change it there and the button follows."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.patient import PatientInput
from app.domain.roles import Perm
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.pages.patients import PatientsPage
from app.ui.pages.referrals import ReferralsPage
from tests.conftest import login_as
from tests.registry_swap import swap_perms


def swap(monkeypatch: pytest.MonkeyPatch, type_: str, action: str, perm: Perm | None) -> None:
    swap_perms(monkeypatch, type_, {action: perm})


def test_new_slip_buttons_follow_the_registry(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    login_as(services, "nurse")
    page = ReferralsPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page._loaded)
    assert not page.new_up.isEnabled() and not page.new_down.isEnabled()  # nurses write none
    swap(monkeypatch, "referral", "create", Perm.REFERRAL_PRINT)
    page.reload()
    assert page.new_up.isEnabled() and page.new_down.isEnabled()


def test_the_void_button_follows_the_registry(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.patients.create(PatientInput(name="王建国", sex="1", birth_date=date(1958, 3, 1)))
    login_as(services, "doctor")
    page = PatientsPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page._loaded and page.model.rowCount() == 1)
    qtbot.mouseClick(
        page.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=page.table.visualRect(page.model.index(0, 0)).center(),
    )
    assert page.void_button.isEnabled() and page.edit_button.isEnabled()
    swap(monkeypatch, "patient", "void", None)
    page._update_buttons()
    assert not page.void_button.isEnabled() and page.edit_button.isEnabled()
