"""设置 → 随访控制目标: an administrator sets the province's control targets; they are saved,
classify the next visits and survive a restart; a bad value is refused with the field named;
others cannot change them."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.domain.followup import Classification, PlanKind, VisitInput
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.pages.settings import SettingsPage
from tests.conftest import login_as


def _visit(day: date, sbp: int, dbp: int) -> VisitInput:
    return VisitInput(
        visit_date=day, symptoms=["无症状"], sbp=sbp, dbp=dbp, next_date=day + timedelta(days=200)
    )


def test_admin_sets_the_age_and_targets_and_the_next_visit_uses_them(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path
) -> None:
    """规范：“≥65岁老年高血压患者的血压降至150/90mmHg以下” — the age and the targets are the
    province's."""
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    box = page.targets
    assert box.title() == "随访控制目标"
    spins = box.spins
    assert spins["followup_elderly_age"].value() == 65
    assert spins["followup_elderly_sbp_target"].value() == 150
    assert spins["followup_dm_fpg_target"].value() == 7.0
    assert spins["followup_pregnancy_fpg"].value() == 5.1
    spins["followup_elderly_age"].setValue(60)
    box.save_button.click()
    assert box.message.text() == "已保存"
    raw = tomllib.loads((data_dir / "settings.toml").read_text(encoding="utf-8"))
    assert raw["followup_elderly_age"] == 60 and raw["followup_pregnancy_fpg"] == 5.1

    # a 62-year-old at 145/85: 控制满意 from 60 on
    from app.domain.idcard import make_number

    today = services.ctx.today()
    born = date(today.year - 62, 1, 1)
    pid = services.patients.create(
        PatientInput(name="李四", id_number=make_number("110105", born, 11))
    ).id
    plan = services.followups.create_plan(pid, PlanKind.HYPERTENSION, today)
    r = services.followups.record_visit(plan.id, _visit(today, 145, 85))
    assert r.classification is Classification.SATISFIED
    # a restart reads them back
    again = AppServices.create(services.ctx, data_dir)
    assert again.followups.targets.elderly_age == 60


def test_a_stricter_target_for_the_elderly_is_refused(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, data_dir: Path
) -> None:
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    box = page.targets
    box.spins["followup_elderly_sbp_target"].setValue(130)
    box.save_button.click()
    shown = box.errors.text("followup_elderly_sbp_target")
    assert "老年患者的控制目标不能低于一般患者的控制目标" in shown
    assert services.followups.targets.elderly_sbp == 150
    assert not (data_dir / "settings.toml").exists() or "followup_elderly_sbp_target = 130" not in (
        data_dir / "settings.toml"
    ).read_text(encoding="utf-8")


def test_only_an_administrator_may_change_them(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    login_as(services, "doctor")
    page = SettingsPage(services, bus)
    qtbot.addWidget(page)
    assert not page.targets.save_button.isEnabled()
    assert not any(s.isEnabled() for s in page.targets.spins.values())
