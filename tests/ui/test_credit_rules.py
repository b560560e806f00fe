"""培训 → 学分规则: an administrator sets the province's continuing-education rules; the
totals and the settings file follow; a cap below its minimum is refused; others cannot open
it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.domain.training import Attendance
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.pages.training import TrainingPage
from tests.conftest import login_as
from tests.services.test_training import lecture


def _missing(page: TrainingPage) -> dict[str, str]:
    t = page.people_table
    return {t.item(r, 0).text(): t.item(r, 4).text() for r in range(t.rowCount())}


def test_admin_sets_the_credit_rules_and_the_totals_follow(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path
) -> None:
    """继续医学教育规定：“每年度所获得的学分不低于25学分，其中I类学分5～10学分，II类学分15～20
    学分” — the figures are the province's."""
    t = services.training
    wang = t.add_staff("王芳", "内科", "主治医师", "临床").id
    a = t.plan_activity(lecture(hours=3.0))  # II类, 1 per 3 hours
    t.record_attendance(a.id, {wang: Attendance.PRESENT})
    page = TrainingPage(services, bus)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page.load_totals()
    assert _missing(page)["王芳"] == "I类缺5、II类缺14、另缺5"
    dialog = page.edit_credit_rules()
    qtbot.addWidget(dialog)
    spins = dialog.spins
    assert (spins["credit_total"].value(), spins["credit_i_min"].value()) == (25.0, 5.0)
    spins["credit_total"].setValue(1.0)
    spins["credit_i_min"].setValue(0.0)
    spins["credit_ii_min"].setValue(1.0)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _missing(page)["王芳"] == "已达标"
    assert "1 学分" in page.requirement_note.text()
    raw = tomllib.loads((data_dir / "settings.toml").read_text(encoding="utf-8"))
    assert (raw["credit_total"], raw["credit_i_min"], raw["credit_ii_min"]) == (1.0, 0.0, 1.0)


def test_a_cap_below_its_minimum_is_refused(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    page = TrainingPage(services, bus)
    qtbot.addWidget(page)
    dialog = page.edit_credit_rules()
    qtbot.addWidget(dialog)
    dialog.spins["credit_i_max"].setValue(4.0)
    dialog.save()
    assert dialog.isVisible()
    assert dialog.errors.text("credit_i_max") == "I类学分上限不能低于下限"
    assert services.training.rules.class_i_max == 10.0


def test_only_an_administrator_may_change_them(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    login_as(services, "doctor")
    page = TrainingPage(services, bus)
    qtbot.addWidget(page)
    assert not page.rules_button.isEnabled()
