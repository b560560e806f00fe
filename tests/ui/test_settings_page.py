"""Settings: an administrator manages accounts; a nurse cannot, in the UI or behind it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.domain.errors import PermissionDenied
from app.domain.roles import Role
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.pages.settings import SettingsPage
from tests.conftest import login_as


def test_admin_adds_a_doctor_who_can_then_log_in(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    assert page.users_table.rowCount() == 3
    page.new_username.setText("liyi")
    page.new_name.setText("李医")
    page.new_role.setCurrentIndex(page.new_role.findData("doctor"))
    page.new_password.setText("123")
    page.add_button.click()
    assert "至少6位" in page.errors.text("password")
    assert page.users_table.rowCount() == 3
    page.new_password.setText("doctor-pass")
    page.add_button.click()
    assert page.users_table.rowCount() == 4
    assert services.users.login("liyi", "doctor-pass").role is Role.DOCTOR


def test_a_nurse_cannot_manage_users(qtbot: QtBot, services: AppServices, bus: ChangeBus) -> None:
    login_as(services, "nurse")
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    assert not page.add_button.isEnabled()
    assert not page.new_username.isEnabled()
    assert page.users_table.rowCount() == 0  # the account list is not shown either
    assert "只有管理员" in page.admin_note.text()
    with pytest.raises(PermissionDenied, match="护士无权管理用户"):
        services.users.create_user("x9", "某", Role.ADMIN, "password1")


def test_admin_edits_the_consortium_destinations(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    assert page.destinations.toPlainText().startswith("来安县人民医院：")
    page.destinations.setPlainText("来安县人民医院：心血管内科、骨科\n来安县中医院")
    page.store_destinations()
    assert "至少" in page.destinations_message.text()  # a hospital without departments
    page.destinations.setPlainText("来安县人民医院：心血管内科、骨科\n来安县中医院：针灸科，推拿科")
    page.store_destinations()
    assert services.referrals.destinations() == {
        "来安县人民医院": ["心血管内科", "骨科"],
        "来安县中医院": ["针灸科", "推拿科"],
    }


def test_a_nurse_cannot_edit_destinations(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    login_as(services, "nurse")
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    assert not page.save_destinations.isEnabled()
    with pytest.raises(PermissionDenied):
        services.referrals.set_destinations({"x": ["y"]})
