"""Opening a resident's record is audited; the administrator finds it in 设置 → 操作日志."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.pages.settings import SettingsPage
from tests.conftest import login_as
from tests.ui.test_patients_page import make_page


def cells(table, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_a_doctor_opening_a_record_shows_in_the_admins_audit_search(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    services.patients.create(PatientInput(name="刘波波", id_number="11010519491231002X"))
    services.patients.create(PatientInput(name="陈静", id_number="440524188001010014"))
    login_as(services, "doctor")
    page = make_page(qtbot, services, bus)
    row = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).name == "刘波波")
    page.table.selectRow(row)
    dialog = page.edit_selected()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.reject()
    page.table.selectRow(row)
    timeline = page.show_timeline()
    assert timeline is not None
    qtbot.addWidget(timeline)
    timeline.reject()

    login_as(services, "admin")
    settings = SettingsPage(services, bus)
    qtbot.addWidget(settings)
    settings.audit_button.click()
    audit = settings.audit_dialog
    qtbot.addWidget(audit)
    audit.user.setCurrentIndex(audit.user.findData("doctor"))
    audit.action.setCurrentIndex(audit.action.findData("view"))
    qtbot.mouseClick(audit.search_button, Qt.MouseButton.LeftButton)
    assert audit.table.rowCount() == 2
    for r in range(2):
        _time, user, action, record, patient, _detail = cells(audit.table, r)
        assert (user, action, patient) == ("doctor", "查看", "刘波波")
        assert record.startswith("居民")
    assert audit.count.text() == "共 2 条"
    # By patient: nobody opened 陈静's record.
    audit.action.setCurrentIndex(0)
    audit.user.setCurrentIndex(0)
    audit.patient.setText("陈静")
    qtbot.keyClick(audit.patient, Qt.Key.Key_Return)
    assert [cells(audit.table, r)[2] for r in range(audit.table.rowCount())] == ["新建"]


def test_only_admins_see_the_audit_button_enabled(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    login_as(services, "nurse")
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    assert not page.audit_button.isEnabled()


def test_an_admin_finds_a_voided_patient_and_restores_it(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    services.patients.create(PatientInput(name="刘波波", id_number="11010519491231002X"))
    other = services.patients.create(PatientInput(name="陈静", id_number="440524188001010014"))
    services.patients.void(other.id, "重复建档")
    page = make_page(qtbot, services, bus)
    names = [page.model.row_at(r).name for r in range(page.model.rowCount())]
    assert names == ["刘波波"]
    assert page.show_voided.isVisibleTo(page)
    qtbot.mouseClick(page.show_voided, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    row = next(r for r in range(2) if page.model.row_at(r).name == "陈静")
    shown = page.model.index(row, 0).data()
    assert shown == "陈静（已作废）"
    page.table.selectRow(row)
    assert not page.edit_button.isEnabled() and not page.void_button.isEnabled()
    assert page.restore_button.isEnabled()
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert not services.patients.get(other.id).deleted
    assert page.model.index(row, 0).data() == "陈静"
    assert page.edit_button.isEnabled()
    # Back to the everyday list: both are live.
    qtbot.mouseClick(page.show_voided, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)


def test_a_doctor_sees_no_voided_records_and_cannot_restore(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    import pytest

    from app.domain.errors import PermissionDenied

    p = services.patients.create(PatientInput(name="陈静", id_number="440524188001010014"))
    services.patients.void(p.id, "重复建档")
    login_as(services, "doctor")
    page = make_page(qtbot, services, bus)
    assert not page.show_voided.isVisibleTo(page)
    with pytest.raises(PermissionDenied):
        services.patients.restore(p.id)


def test_restoring_would_not_make_a_duplicate(services: AppServices) -> None:
    import pytest

    from app.domain.errors import ValidationError

    first = services.patients.create(PatientInput(name="陈静", id_number="440524188001010014"))
    services.patients.void(first.id, "误作废")
    services.patients.create(PatientInput(name="陈静", id_number="440524188001010014"))
    with pytest.raises(ValidationError) as err:
        services.patients.restore(first.id)
    assert "已有同一身份证号码" in str(err.value)
    assert services.patients.get(first.id).deleted
