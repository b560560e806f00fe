"""设置 → 备份与恢复: an administrator backs up, sees what a backup holds and which records not
yet uploaded a restore would drop, confirms, and gets the backup back."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from app.domain.patient import PatientInput
from app.services.backups import BackupService
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.dialogs.restore_dialog import RestoreDialog
from app.ui.pages.settings import SettingsPage
from tests.conftest import login_as


def test_back_up_preview_and_restore(
    qtbot: QtBot,
    services: AppServices,
    bus: ChangeBus,
    message_boxes: list[tuple[str, str]],
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    services.patients.create(PatientInput(name="备份前", sex="1", birth_date=date(1950, 2, 2)))
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    box = page.backup_box
    box.folder.setText(str(tmp_path / "usb"))
    box.now.click()
    assert "已备份" in box.message.text()
    services.patients.create(PatientInput(name="未上传乙", sex="2", birth_date=date(1980, 3, 3)))

    closed: list[bool] = []
    dialog = RestoreDialog(
        BackupService(services.data_dir), lambda: (closed.append(True), services.ctx.dispose())
    )
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "1"
    assert "居民 1 人" in dialog.summary.text()
    assert "1 条记录尚未上传" in dialog.unsent_label.text()
    unsent = [dialog.unsent.item(i).text() for i in range(dialog.unsent.count())]
    assert unsent == ["居民：未上传乙"]
    dialog.restore_button.click()  # the question is answered Yes
    assert any("1 条尚未上传的记录会丢失" in text for kind, text in message_boxes)
    assert dialog.restored and closed == [True]
    assert any(kind == "information" and "已恢复" in text for kind, text in message_boxes)
    names = [p.name for p in services.patients.search("")]
    assert names == ["备份前"]


def test_a_nurse_cannot_back_up_or_restore(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    login_as(services, "nurse")
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    assert not page.backup_box.restore.isEnabled() and not page.backup_box.now.isEnabled()


def test_a_failed_automatic_backup_is_shown_in_red(
    qtbot: QtBot,
    services: AppServices,
    bus: ChangeBus,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from app.ui.application import daily_backup_quietly

    not_a_folder = tmp_path / "usb-not-plugged-in"
    not_a_folder.write_text("")  # a file where the folder should be
    BackupService(services.data_dir).set_folder(str(not_a_folder), 7)
    daily_backup_quietly(services.data_dir)  # logged, never raised
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    text = page.backup_box.message.text()
    assert "失败" in text and "usb-not-plugged-in" in text
    assert "c0392b" in page.backup_box.message.styleSheet()
