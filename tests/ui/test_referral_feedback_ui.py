"""录入回执 from the referral list: a small dialog, errors beside the fields, the list's flags."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.dialogs.feedback_dialog import FeedbackDialog
from tests.services.test_referrals import downward, upward
from tests.ui.test_referrals_page import make_page

REFERRED = datetime(2026, 11, 10, 1, 0)
NOW = datetime(2026, 11, 25, 3, 0)  # 11:00 Beijing, 15 days later


def select_number(qtbot: QtBot, page, number: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.model.rowCount() >= 1)
    for i in range(page.model.rowCount()):
        if page.model.row_at(i).number == number:
            page.table.selectRow(i)
            return
    raise AssertionError(number)


def test_record_a_refusal_by_phone_from_the_list(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    pid = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X")).id
    services.ctx.clock = lambda: REFERRED
    ref = services.referrals.create_upward(upward(pid))
    down = services.referrals.enter_downward(downward(pid, referred_on=None, followup_date=None))
    services.ctx.clock = lambda: NOW
    page = make_page(qtbot, services, bus)
    feedback_col = 7
    select_number(qtbot, page, down.number)
    assert not page.feedback_button.isEnabled()  # a downward slip takes no 回执
    select_number(qtbot, page, ref.number)
    row = next(i for i in range(page.model.rowCount()) if page.model.row_at(i).id == ref.id)
    assert page.model.index(row, feedback_col).data() == "超过14天未反馈"
    assert page.feedback_button.isEnabled()
    assert page.feedback_button.text() == "录入回执"
    qtbot.mouseClick(page.feedback_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(FeedbackDialog)
    assert dialog is not None and dialog.isVisible()
    # The time defaults to the clinic's clock: 11:00 Beijing.
    assert dialog.at.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-11-25 11:00"
    dialog.by.setText("县医院转诊办 周敏")
    dialog.answer.setCurrentIndex(dialog.answer.findData("refused"))
    assert dialog.reason.isEnabled() and not dialog.arrived.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    # No reason: refused beside the field, nothing saved, dialog still open.
    error = dialog.findChild(type(dialog.general), "error_reason")
    assert error is not None and error.isVisible() and "不接收原因" in error.text()
    assert dialog.isVisible() and dialog.saved is None
    assert services.referrals.get(ref.id).feedback_result == ""
    dialog.reason.setText("床位已满")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = services.referrals.get(ref.id)
    assert (saved.feedback_result, saved.feedback_reason, saved.feedback_by) == (
        "refused",
        "床位已满",
        "县医院转诊办 周敏",
    )
    assert saved.status == "pending"
    # The list refreshed by the change signal: the 14-day flag gone, the 回执 shown.
    qtbot.waitUntil(
        lambda: any(
            page.model.row_at(i).id == ref.id
            and page.model.index(i, feedback_col).data() == "回执：不接收"
            for i in range(page.model.rowCount())
        )
    )


def test_received_by_receipt_and_not_arrived_is_flagged_on_the_list(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    pid = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X")).id
    services.ctx.clock = lambda: REFERRED
    ref = services.referrals.create_upward(upward(pid))
    services.ctx.clock = lambda: datetime(2026, 11, 11, 3, 0)
    page = make_page(qtbot, services, bus)
    select_number(qtbot, page, ref.number)
    qtbot.mouseClick(page.feedback_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(FeedbackDialog)
    assert dialog is not None
    dialog.by.setText("周医生")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None and dialog.saved.feedback_result == "received"
    services.ctx.clock = lambda: datetime(2026, 11, 18, 4, 0)  # 7 days on
    page.not_arrived.setChecked(True)  # the 已接收未到诊 filter
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.index(0, 7).data() == "已接收未到诊7天以上；回执：接收"


def test_settings_page_sets_the_not_arrived_days(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    from app.ui.pages.settings import SettingsPage
    from tests.conftest import login_as

    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    box = page.referral_reminder
    assert box.days.value() == 7 and box.save_button.isEnabled()
    box.days.setValue(3)
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    assert services.referrals.not_arrived_days() == 3
    assert "3" in box.message.text()
    login_as(services, "doctor")
    box.refresh()
    assert not box.save_button.isEnabled()  # administrators only
