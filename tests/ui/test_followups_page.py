"""Follow-up worklist, plans, annual compliance, printed year and visit forms, in Chinese,
on a real database."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGroupBox, QMessageBox, QPushButton

from app.domain import clinic_clock
from app.domain.followup import PlanKind, VisitInput
from app.domain.patient import PatientInput
from app.domain.referral import DOWN_INDICATIONS, Direction, ReferralInput
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.dialogs.plan_dialog import EndPlanDialog, PlanDialog
from app.ui.dialogs.visit_dialog import VisitDialog
from app.ui.pages.followups import FollowUpsPage


@pytest.fixture
def patient(services: AppServices) -> str:
    return services.patients.create(
        PatientInput(
            name="张三", id_number="11010519491231002X", village="桃花村", phone="13812345678"
        )
    ).id


def _fill_htn(d: VisitDialog, sbp: int, dbp: int) -> None:
    d.symptom_boxes["无症状"].setChecked(True)
    d.sbp.setValue(sbp)
    d.dbp.setValue(dbp)
    d.weight.setValue(70)
    d.height_edit.setValue(168)


def test_overdue_list_shows_late_patient_and_drops_them_after_the_visit(
    qtbot, services: AppServices, bus: ChangeBus, patient: str, message_boxes
) -> None:
    today = clinic_clock.today()
    services.followups.create_plan(
        patient,
        PlanKind.HYPERTENSION,
        today - timedelta(days=120),
        "李医生",
        today - timedelta(days=9),
    )
    page = FollowUpsPage(services, bus)
    qtbot.addWidget(page)
    assert page.which == "overdue"
    assert page.table.rowCount() == 1
    assert page.table.item(0, 0).text() == "张三"
    assert page.table.item(0, 6).text() == "9"
    page.table.selectRow(0)
    d = VisitDialog(services, page.current().plan_id)  # type: ignore[union-attr]
    qtbot.addWidget(d)
    _fill_htn(d, 132, 82)
    assert "控制满意" in d.suggested.text()
    assert d.bmi.text() == "24.8"
    d.save()
    assert d.saved is not None and d.result() == QDialog.DialogCode.Accepted
    assert page.table.rowCount() == 0  # refreshed by the change bus
    pdf = page.year_form_pdf(d.plan_id, today.year)
    assert pdf.startswith(b"%PDF")
    assert not message_boxes


def test_bad_values_are_refused_with_the_field_named(
    qtbot, services: AppServices, patient: str
) -> None:
    plan = services.followups.create_plan(
        patient, PlanKind.HYPERTENSION, clinic_clock.today() - timedelta(days=30)
    )
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    _fill_htn(d, 120, 130)
    d.save()
    assert d.saved is None
    assert "舒张压" in d.errors.text("dbp")
    assert services.followups.visits(plan.id) == []


def test_sbp_185_prompts_a_prefilled_upward_referral(
    qtbot, services: AppServices, patient: str, message_boxes, monkeypatch
) -> None:
    plan = services.followups.create_plan(
        patient, PlanKind.HYPERTENSION, clinic_clock.today() - timedelta(days=30)
    )
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    opened: list[QDialog] = []
    real = d.make_referral_dialog

    def capture(summary: str, urgent: bool = False):  # type: ignore[no-untyped-def]
        dlg = real(summary, urgent)
        opened.append(dlg)
        monkeypatch.setattr(dlg, "exec", lambda: 0)
        return dlg

    monkeypatch.setattr(d, "make_referral_dialog", capture)
    _fill_htn(d, 185, 100)
    d.save()
    assert d.saved is not None and d.saved.emergency
    assert message_boxes and message_boxes[0][0] == "question" and "185" in message_boxes[0][1]
    ref = opened[0]
    assert ref.direction is Direction.UP
    assert "185/100" in ref.present_illness.toPlainText()
    assert ref.impression.text() == "高血压"


def test_dm_form_and_rehab_form_build(qtbot, services: AppServices, patient: str) -> None:
    dm = services.followups.create_plan(
        patient, PlanKind.DIABETES, clinic_clock.today() - timedelta(days=30)
    )
    d = VisitDialog(services, dm.id)
    qtbot.addWidget(d)
    d.symptom_boxes["多食"].setChecked(True)  # 多饮 would be an emergency (§3c list)
    d.sbp.setValue(130)
    d.dbp.setValue(80)
    d.fasting_glucose.setValue(6.1)
    d.set_medication(0, "二甲双胍", 3, "0.5g")
    v = d.value()
    assert v.medications[0].drug == "二甲双胍" and v.fasting_glucose == pytest.approx(6.1)
    d.save()
    assert d.saved is not None
    rehab = services.followups.create_plan(
        patient, PlanKind.REHAB, clinic_clock.today() - timedelta(days=5)
    )
    r = VisitDialog(services, rehab.id)
    qtbot.addWidget(r)
    r.findings.setPlainText("伤口愈合良好")
    r.outcome.setCurrentText("好转")
    r.save()
    assert r.saved is not None


def test_downward_referral_creates_its_plan_on_the_worklist(
    qtbot, services: AppServices, bus: ChangeBus, patient: str
) -> None:
    booked = clinic_clock.today() + timedelta(days=3)
    services.referrals.enter_downward(
        ReferralInput(
            direction=Direction.DOWN,
            patient_id=patient,
            from_institution="来安县人民医院",
            indications=[DOWN_INDICATIONS[0]],
            diagnosis="x",
            exam_results="x",
            treatment_plan="x",
            referring_doctor="张主任",
            followup_date=booked,
        )
    )
    page = FollowUpsPage(services, bus)
    qtbot.addWidget(page)
    page.tabs.setCurrentIndex(1)  # 本周
    assert [page.table.item(r, 3).text() for r in range(page.table.rowCount())] == ["下转康复"]
    page.table.selectRow(0)
    assert page.save_contact(page.current().plan_id, "booked")  # type: ignore[union-attr]
    assert page.table.item(0, 7).text() == "已约"
    pdf = page.phone_list_pdf()
    assert pdf.startswith(b"%PDF")


# -- plans by hand -------------------------------------------------------------------------
def _save_button(dialog: QDialog) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    for b in box.buttons():
        if box.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole:
            return b  # type: ignore[return-value]
    raise AssertionError("no accept button")


def test_a_new_plan_is_made_in_the_dialog_and_is_due_today(
    qtbot, services: AppServices, bus: ChangeBus, patient: str
) -> None:
    page = FollowUpsPage(services, bus)
    qtbot.addWidget(page)
    page.tabs.setCurrentIndex(0)  # 今日到期
    assert page.table.rowCount() == 0
    dlg = page.new_plan()
    assert isinstance(dlg, PlanDialog) and dlg.isVisible()
    assert dlg.windowTitle() == "新建随访计划"
    _save_button(dlg).click()  # no patient yet
    assert "请选择患者" in dlg.errors.text("patient_id")
    dlg.picker.search.setText("zs")  # pinyin initials of 张三
    qtbot.keyClick(dlg.picker.search, Qt.Key.Key_Return)
    assert dlg.picker.patient is not None and dlg.picker.patient.name == "张三"
    dlg.kind.setCurrentIndex(dlg.kind.findData("htn"))
    dlg.doctor.setEditText("李医生")
    dlg.first_due.setDate(dlg.start.date().addDays(-1))
    _save_button(dlg).click()
    assert "不能早于开始日期" in dlg.errors.text("first_due")
    assert services.followups.plans(patient) == []  # nothing half-saved
    dlg.first_due.setDate(dlg.start.date())
    _save_button(dlg).click()
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert [page.table.item(0, c).text() for c in (0, 3, 4)] == ["张三", "高血压", "李医生"]
    # a second active hypertension plan for the same patient is refused
    again = page.new_plan()
    again.picker.set_patient(services.patients.get(patient))  # type: ignore[arg-type]
    again.kind.setCurrentIndex(again.kind.findData("htn"))
    _save_button(again).click()
    assert "已有进行中的高血压随访计划" in again.errors.text("kind")
    assert len(services.followups.plans(patient)) == 1
    again.reject()


def _overdue_page(qtbot, services: AppServices, bus: ChangeBus, patient: str) -> FollowUpsPage:
    today = clinic_clock.today()
    services.followups.create_plan(
        patient, PlanKind.HYPERTENSION, today - timedelta(days=200), "李医生", today - timedelta(3)
    )
    page = FollowUpsPage(services, bus)
    qtbot.addWidget(page)
    assert page.table.rowCount() == 1
    assert not page.end_plan_button.isEnabled()  # nothing selected yet
    page.table.selectRow(0)
    assert page.end_plan_button.isEnabled()
    return page


def test_ending_a_plan_as_lost_needs_the_reason_and_a_confirmation(
    qtbot, services: AppServices, bus: ChangeBus, patient: str, message_boxes
) -> None:
    page = _overdue_page(qtbot, services, bus, patient)
    dlg = page.end_plan()
    assert isinstance(dlg, EndPlanDialog)
    dlg.status.setCurrentIndex(dlg.status.findData("lost"))
    assert dlg.note_label.text() == "失访原因 *" and not dlg.death_date.isEnabled()
    _save_button(dlg).click()
    assert dlg.errors.text("note") == "请填写失访原因"
    assert not message_boxes  # not asked before the form is complete
    dlg.note.setText("外出务工，电话无法接通")
    _save_button(dlg).click()
    assert message_boxes[0][0] == "question"
    assert "张三" in message_boxes[0][1] and "失访" in message_boxes[0][1]
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert services.followups.plans(patient)[0].status == "lost"
    assert page.table.rowCount() == 0  # off the overdue list
    page.tabs.setCurrentIndex(3)  # 全部进行中
    assert page.table.rowCount() == 0


def test_ending_a_plan_answered_no_changes_nothing(
    qtbot, services: AppServices, bus: ChangeBus, patient: str, monkeypatch
) -> None:
    page = _overdue_page(qtbot, services, bus, patient)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dlg = page.end_plan()
    assert dlg is not None
    dlg.status.setCurrentIndex(dlg.status.findData("dead"))
    assert dlg.death_date.isEnabled()
    dlg.note.setText("脑出血")
    _save_button(dlg).click()
    assert dlg.isVisible() and services.followups.plans(patient)[0].status == "active"
    assert page.table.rowCount() == 1


def test_a_death_is_recorded_with_its_date_and_cause(
    qtbot, services: AppServices, bus: ChangeBus, patient: str, message_boxes
) -> None:
    page = _overdue_page(qtbot, services, bus, patient)
    dlg = page.end_plan()
    assert dlg is not None
    dlg.status.setCurrentIndex(dlg.status.findData("dead"))
    dlg.death_date.setDate(QDate(2026, 3, 4))
    dlg.note.setText("脑出血")
    _save_button(dlg).click()
    assert dlg.saved is not None and dlg.saved.status == "dead"
    with services.ctx.reader() as s:
        from app.db.followup_models import FollowUpPlan

        assert s.get(FollowUpPlan, dlg.saved.id).note == "死亡日期：2026-03-04；死因：脑出血"  # type: ignore[union-attr]
    # 填表说明: "若死亡，写明死亡日期和死亡原因" on the 随访日期 row of the year it happened
    text = "".join(_pdf_text(page.year_form_pdf(dlg.saved.id, 2026)).split())
    assert "死亡日期：2026-03-04" in text and "死因：脑出血" in text
    assert "死亡" not in "".join(_pdf_text(page.year_form_pdf(dlg.saved.id, 2025)).split())


# -- annual compliance -----------------------------------------------------------------------
def test_compliance_tab_lists_who_is_short_and_the_control_rates(
    qtbot, services: AppServices, bus: ChangeBus, patient: str
) -> None:
    today = clinic_clock.today()
    year = today.year
    born = date(1958, 5, 1)
    other = services.patients.create(
        PatientInput(name="李四", sex="1", birth_date=born, village="黄庄村")
    ).id
    third = services.patients.create(
        PatientInput(name="王五", sex="2", birth_date=born, village="桃花村")
    ).id
    start = date(year - 1, 1, 1)
    fu = services.followups
    full = fu.create_plan(patient, PlanKind.HYPERTENSION, start, "李医生")
    for method in ("1", "2", "1", "1"):
        fu.record_visit(full.id, _htn_input(today, method=method))
    short = fu.create_plan(other, PlanKind.HYPERTENSION, start, "李医生")
    for method, sbp in (("1", 128), ("3", 128), ("2", 150)):  # the phone call does not count
        fu.record_visit(short.id, _htn_input(today, method=method, sbp=sbp))
    dm = fu.create_plan(third, PlanKind.DIABETES, start, "陈医生")
    fu.record_visit(dm.id, _dm_input(date(year - 1, 6, 1), glucose=6.2))

    page = FollowUpsPage(services, bus)
    qtbot.addWidget(page)
    page.sections.setCurrentIndex(1)
    view = page.compliance
    assert page.sections.tabText(1) == "年度达标"
    assert view.year.value() == year
    rows = {view.short.item(r, 0).text(): view.short.item(r, 5).text() for r in range(2)}
    assert view.short.rowCount() == 2 and rows == {"王五": "0 / 4", "李四": "2 / 4"}
    rates = {
        view.rates.item(r, 0).text(): [view.rates.item(r, c).text() for c in range(1, 7)]
        for r in range(view.rates.rowCount())
    }
    # every managed patient is in the denominator; 李四 (68) was last at 150/80: not < 150/90
    assert rates["高血压"] == ["2", "1", "50.0%", "1", "50.0%", "0"]
    assert rates["2型糖尿病"] == ["1", "0", "0.0%", "0", "0.0%", "0"]  # not visited this year
    assert "2 人" in view.summary.text()
    # the definitions are printed under the figures
    assert "分母为全部管理患者" in view.definitions.text()
    assert "11 月中旬纳入的患者当年应随访 1 次" in view.definitions.text()
    view.year.setValue(year - 1)
    rates = {view.rates.item(r, 0).text(): view.rates.item(r, 5).text() for r in range(2)}
    assert rates == {"高血压": "0.0%", "2型糖尿病": "100.0%"}
    assert view.short.rowCount() == 3  # nobody had four visits last year
    # a visit recorded elsewhere refreshes the tab through the change bus
    view.year.setValue(year)
    fu.record_visit(short.id, _htn_input(today, method="1"))
    fu.record_visit(short.id, _htn_input(today, method="2"))
    assert [view.short.item(r, 0).text() for r in range(view.short.rowCount())] == ["王五"]


# -- the printed form: which year -------------------------------------------------------------
def test_the_printed_form_is_of_the_year_chosen(
    qtbot, services: AppServices, bus: ChangeBus, patient: str
) -> None:
    today = clinic_clock.today()
    last = today.year - 1
    fu = services.followups
    plan = fu.create_plan(patient, PlanKind.HYPERTENSION, date(last - 1, 1, 1), "李医生")
    fu.record_visit(plan.id, _htn_input(date(last, 6, 1), sbp=151))
    fu.record_visit(plan.id, _htn_input(today, sbp=127))
    services.followups.create_plan(patient, PlanKind.REHAB, today, "李医生")
    page = FollowUpsPage(services, bus)
    qtbot.addWidget(page)
    page.tabs.setCurrentIndex(3)  # 全部进行中: the rehab plan is due today, first
    kinds = [page.table.item(r, 3).text() for r in range(page.table.rowCount())]
    page.table.selectRow(kinds.index("下转康复"))
    assert not page.print_form.isEnabled()  # no national form for a rehab check
    page.table.selectRow(kinds.index("高血压"))
    assert page.print_form.isEnabled()
    page.print_form.click()
    dlg = page.year_dialog
    assert dlg.isVisible() and dlg.comboBoxItems() == [str(today.year), str(last)]
    assert dlg.textValue() == str(today.year)
    dlg.setTextValue(str(last))
    dlg.accept()
    text = _pdf_text(page.preview.pdf)
    assert f"年度：{last}" in text and "151/" in text and "127/" not in text
    page.preview.close()


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


# -- both national forms: 高血压 and 2型糖尿病 visit records ------------------------------
def test_each_form_asks_only_its_own_emergency_checks(
    qtbot, services: AppServices, patient: str
) -> None:
    fu = services.followups
    htn = VisitDialog(services, fu.create_plan(patient, PlanKind.HYPERTENSION).id)
    dm = VisitDialog(services, fu.create_plan(patient, PlanKind.DIABETES).id)
    qtbot.addWidget(htn)
    qtbot.addWidget(dm)
    htn_only = {"意识改变", "剧烈头痛或头晕", "眼痛", "胸闷", "喘憋不能平卧"}
    dm_only = {"意识或行为改变", "呼气有烂苹果样丙酮味", "有深大呼吸", "视力突然骤降", "多饮"}
    assert htn_only <= set(htn.emergency_boxes) and not dm_only & set(htn.emergency_boxes)
    assert dm_only <= set(dm.emergency_boxes) and not htn_only & set(dm.emergency_boxes)
    box = dm.findChild(QGroupBox, "emergencyChecks")
    assert box is not None and box.isAncestorOf(dm.heart_rate)  # the 糖尿病 form has no 心率 row
    assert box.isAncestorOf(dm.temperature) and box.isAncestorOf(dm.pregnant)
    assert htn.findChild(QGroupBox, "emergencyChecks").isAncestorOf(htn.pregnant)
    assert not htn.findChild(QGroupBox, "emergencyChecks").isAncestorOf(htn.heart_rate)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.heart_rate.setValue(112), "心率 112 次/分 > 100"),
        (lambda d: d.temperature.setValue(39.4), "体温 39.4℃ > 39℃"),
        (lambda d: (d.pregnant.setChecked(True), d.fasting_glucose.setValue(7.4)), "妊娠"),
        (lambda d: d.emergency_boxes["呼气有烂苹果样丙酮味"].setChecked(True), "烂苹果"),
    ],
)
def test_dm_emergency_inputs_flag_at_once_and_prompt_a_referral(
    qtbot, services: AppServices, patient: str, message_boxes, monkeypatch, change, reason
) -> None:
    plan = services.followups.create_plan(
        patient, PlanKind.DIABETES, clinic_clock.today() - timedelta(days=30)
    )
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    d.show()
    monkeypatch.setattr(d, "make_referral_dialog", lambda summary, urgent=False: None)
    d.symptom_boxes["无症状"].setChecked(True)
    d.sbp.setValue(128)
    d.dbp.setValue(78)
    d.fasting_glucose.setValue(6.2)
    assert not d.emergency_label.isVisible()
    change(d)
    assert reason in d.emergency_label.text() and d.emergency_label.isVisible()
    visit_day = d.visit_date.date()
    assert visit_day.daysTo(d.next_date.date()) == 14  # refer, then follow up within 2 weeks
    d.save()
    assert d.saved is not None and any(reason in r for r in d.saved.emergency)
    assert message_boxes[0][0] == "question" and reason in message_boxes[0][1]


def test_htn_pregnancy_with_raised_bp_is_an_emergency(
    qtbot, services: AppServices, patient: str
) -> None:
    plan = services.followups.create_plan(patient, PlanKind.HYPERTENSION)
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    _fill_htn(d, 146, 88)
    d.target_weight.setValue(65)
    assert d.bmi.text() == "24.8 / 23.0"  # now / target, as on the paper form
    assert d.emergency_label.text() == ""
    d.pregnant.setChecked(True)
    assert "妊娠期或哺乳期血压高于正常" in d.emergency_label.text()


def test_dm_insulin_kind_and_dose_are_kept_and_printed(
    qtbot, services: AppServices, bus: ChangeBus, patient: str
) -> None:
    plan = services.followups.create_plan(
        patient, PlanKind.DIABETES, clinic_clock.today() - timedelta(days=30)
    )
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    d.symptom_boxes["手脚麻木"].setChecked(True)
    d.sbp.setValue(130)
    d.dbp.setValue(80)
    d.fasting_glucose.setValue(6.5)
    d.insulin.setText("门冬胰岛素30")
    d.insulin_dose.setText("早12U 晚10U")
    d.save()
    assert d.saved is not None
    form = services.followups.visits(plan.id)[0]["form"]
    assert (form["insulin"], form["insulin_dose"]) == ("门冬胰岛素30", "早12U 晚10U")
    page = FollowUpsPage(services, bus)
    qtbot.addWidget(page)
    text = _pdf_text(page.year_form_pdf(plan.id, clinic_clock.today().year))
    assert "门冬胰岛素30" in text and "早12U" in text


def _htn_input(day: date, method: str = "1", sbp: int = 128) -> VisitInput:
    return VisitInput(
        visit_date=day,
        method=method,
        symptoms=["无症状"],
        sbp=sbp,
        dbp=80,
        next_date=day + timedelta(days=90),
    )


def _dm_input(day: date, glucose: float) -> VisitInput:
    return VisitInput(
        visit_date=day,
        symptoms=["无症状"],
        sbp=126,
        dbp=78,
        fasting_glucose=glucose,
        next_date=day + timedelta(days=90),
    )


def test_a_long_overdue_list_says_how_many_in_all(
    qtbot, services: AppServices, bus: ChangeBus, monkeypatch
) -> None:
    """More overdue patients than the page shows: the count is the true total, not the
    page, and filtering by doctor narrows both."""
    import app.ui.pages.followups as page_module

    monkeypatch.setattr(page_module, "WORKLIST_PAGE", 3)
    today = clinic_clock.today()
    for i in range(5):
        pid = services.patients.create(
            PatientInput(name=f"王{i}", sex="1", birth_date=date(1950, 1, 1 + i)),
            allow_duplicate=True,
        ).id
        services.followups.create_plan(
            pid,
            PlanKind.HYPERTENSION,
            today - timedelta(days=120),
            "李医生" if i < 4 else "赵医生",
            today - timedelta(days=10 + i),
        )
    page = FollowUpsPage(services, bus)
    qtbot.addWidget(page)
    assert page.table.rowCount() == 3
    assert [page.table.item(r, 6).text() for r in range(3)] == ["14", "13", "12"]
    assert page.count.text().startswith("共 5 人") and "3 人" in page.count.text()
    call_again = today + timedelta(days=2)
    assert page.save_contact(page.items[0].plan_id, "remind", call_again)
    reminder = f"稍后提醒 {call_again:%m-%d}"
    assert page.table.item(0, 7).text() == reminder
    printed = _pdf_text(page.phone_list_pdf())
    # the day to call again is printed, as on screen (the narrow column wraps it)
    assert "稍后提醒" in printed and f"{call_again:%m-%d}" in printed
    assert "共 5 人，列出最早到期的 3 人" in printed and "王4" in printed and "王1" not in printed
    page.tabs.setCurrentIndex(3)  # 全部进行中: its phone list prints too
    assert "随访中患者名单" in _pdf_text(page.phone_list_pdf())
    page.tabs.setCurrentIndex(2)
    assert services.followups.worklist_count("overdue", doctor="赵医生") == 1
    page.doctor.setCurrentIndex(page.doctor.findData("赵医生"))
    page.refresh()
    assert page.table.rowCount() == 1 and page.count.text() == "共 1 人"


def test_enter_in_a_visit_field_does_not_save_and_ctrl_s_does(
    qtbot, services: AppServices, patient: str
) -> None:
    plan = services.followups.create_plan(
        patient, PlanKind.HYPERTENSION, clinic_clock.today() - timedelta(days=30)
    )
    d = VisitDialog(services, plan.id)
    qtbot.addWidget(d)
    d.show()
    _fill_htn(d, 132, 82)
    d.sbp.setFocus()
    qtbot.keyClick(d.sbp, Qt.Key.Key_Return)
    assert d.saved is None and d.isVisible()  # the rest of the form is still to fill
    assert d.focusWidget() is not d.sbp  # Enter moved on to the next field
    with qtbot.waitActive(d):
        d.activateWindow()
    qtbot.keyClick(d.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert d.saved is not None and d.result() == QDialog.DialogCode.Accepted
