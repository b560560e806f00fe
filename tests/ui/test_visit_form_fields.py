"""Every field the record-type registry says a follow-up visit's form shows has its widget on
the visit form and reaches the printed 随访服务记录表: a distinctive value entered in each
widget is read back with pdftotext on that field's row. A field added to the registry without
its widget, or dropped on the way to the paper, fails here."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from app import registry
from app.domain import clinic_clock
from app.domain.followup import PlanKind
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.ui.dialogs.visit_dialog import VisitDialog
from app.ui.pages.followups import year_form_pdf

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")

FIELDS = registry.entry("followup_visit").form_fields
# The national forms' layouts differ: the 高血压 form has no 空腹血糖 row (nor the dialog its box).
NOT_ON = {PlanKind.HYPERTENSION: {"fasting_glucose"}, PlanKind.DIABETES: set()}


def _day(visit: date, days: int) -> date:
    return visit + timedelta(days=days)


def _type(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace what the box holds by ``text``, typed key by key (Chinese as QKeyEvents)."""
    line = widget.lineEdit() if isinstance(widget, QAbstractSpinBox) else widget
    assert isinstance(line, QLineEdit)
    line.setFocus()
    line.selectAll()
    for ch in text:
        for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
            line.event(QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
    if isinstance(widget, QAbstractSpinBox):
        widget.interpretText()


def _radio(qtbot, widget: QWidget, index: int) -> None:  # type: ignore[no-untyped-def]
    button = widget.findChildren(QRadioButton)[index]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))


def _choose(widget: QWidget, data: str) -> None:
    assert isinstance(widget, QComboBox)
    widget.setCurrentIndex(widget.findData(data))


def _date(widget: QWidget, d: date) -> None:
    assert isinstance(widget, QDateEdit)
    widget.setDate(QDate(d.year, d.month, d.day))


VISIT = clinic_clock.today() - timedelta(days=9)
# field -> (enter it in its widget, what the printed form then shows, on which row)
ENTERED: dict[str, tuple[Callable[..., None], str, str]] = {
    "visit_date": (lambda bot, w: _date(w, VISIT), VISIT.isoformat(), "随访日期"),
    "method": (lambda bot, w: _radio(bot, w, 1), "家庭", "随访方式"),
    "sbp": (lambda bot, w: _type(bot, w, "163"), "163/", "血压"),
    "dbp": (lambda bot, w: _type(bot, w, "97"), "/97", "血压"),
    "fasting_glucose": (lambda bot, w: _type(bot, w, "8.7"), "8.7", "空腹血糖值"),
    "classification": (lambda bot, w: _choose(w, "3"), "不良反应", "此次随访分类"),
    # earlier than the rules' date: the doctor's booking stands
    "next_date": (
        lambda bot, w: _date(w, _day(VISIT, 3)),
        _day(VISIT, 3).isoformat(),
        "下次随访日期",
    ),
    "doctor": (lambda bot, w: _type(bot, w, "周测试"), "周测试", "随访医生签名"),
}


def test_every_registry_form_field_is_entered_here() -> None:
    assert set(FIELDS) - set(ENTERED) == set(), "a visit form field this test does not enter"
    assert set().union(*(set(FIELDS) - n for n in NOT_ON.values())) == set(FIELDS)


@pytest.mark.parametrize("kind", [PlanKind.HYPERTENSION, PlanKind.DIABETES])
def test_each_form_field_has_a_widget_and_reaches_the_printed_form(
    qtbot, services: AppServices, kind: PlanKind
) -> None:
    patient = services.patients.create(
        PatientInput(name="张三", id_number="11010519491231002X", village="桃花村")
    ).id
    plan = services.followups.create_plan(patient, kind, clinic_clock.today() - timedelta(days=30))
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    d.show()
    d.symptom_boxes["无症状"].setChecked(True)
    shown = [f for f in FIELDS if f not in NOT_ON[kind]]
    for name in shown:
        widget = d.findChild(QWidget, name)
        assert widget is not None and widget.isVisible(), f"no widget for {name}"
        ENTERED[name][0](qtbot, widget)
    for name in NOT_ON[kind]:
        widget = d.findChild(QWidget, name)
        assert widget is None or not widget.isVisible()
    d.save()
    assert d.saved is not None and not d.referral_prompted
    pdf = year_form_pdf(services, plan.id, VISIT.year)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    lines = text.splitlines()
    for name in shown:
        _, value, row = ENTERED[name]
        on_row = [line for line in lines if line.lstrip().startswith(row)]
        assert on_row, f"no {row} row"
        assert any(value in line for line in on_row), f"{name}: {value!r} not on {row}: {on_row}"
