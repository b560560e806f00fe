"""The patient dialog's ID-number checks as a user meets them: an age above 120 is a note
beside the derived birth date (saving still works), a birth before 1880 names the cut-off."""

from __future__ import annotations

from datetime import date, datetime

from pytestqt.qtbot import QtBot

from app.domain import idcard
from app.services.bundle import AppServices
from app.ui.dialogs.patient_dialog import PatientDialog


def test_age_above_120_is_noted_and_the_patient_still_saves(
    qtbot: QtBot, services: AppServices
) -> None:
    services.ctx.clock = lambda: datetime(2026, 12, 1, 4, 0)
    dialog = PatientDialog(services)
    qtbot.addWidget(dialog)
    dialog.name.setText("百岁老人")
    dialog.id_number.setText(idcard.make_number("341122", date(1901, 3, 4), 12))
    dialog.id_number.editingFinished.emit()
    assert "125" in dialog.derived.text() and "120" in dialog.derived.text()
    assert "核对" in dialog.derived.text()
    dialog.save()
    assert dialog.saved is not None and dialog.saved.birth_date == date(1901, 3, 4)


def test_birth_before_1880_names_the_cut_off(qtbot: QtBot, services: AppServices) -> None:
    dialog = PatientDialog(services)
    qtbot.addWidget(dialog)
    dialog.id_number.setText(idcard.make_number("341122", date(1879, 12, 31), 12))
    dialog.id_number.editingFinished.emit()
    error = dialog.errors.text("id_number")
    assert "1880" in error and "不是真实日期" not in error
