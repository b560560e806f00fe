"""Referral flow as a doctor does it: new upward slip → preview opens → the list shows it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.patient import PatientInput
from app.domain.referral import Direction
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.pages.referrals import ReferralsPage


def make_page(qtbot: QtBot, services: AppServices, bus: ChangeBus) -> ReferralsPage:
    page = ReferralsPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page._loaded)
    return page


def fill_upward(qtbot: QtBot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(dialog.picker.search, "zs")
    qtbot.waitUntil(lambda: dialog.picker.results.count() == 1)
    dialog.picker.results.itemClicked.emit(dialog.picker.results.item(0))
    assert "张三" in dialog.picker.chosen.text()
    dialog.department.setCurrentText("心血管内科")
    dialog.indication_boxes["需上级机构进一步检查以明确诊断"].setChecked(True)
    dialog.impression.setText("高血压3级（极高危）")
    dialog.present_illness.setPlainText("反复胸闷2年，加重伴胸痛3小时")
    dialog.past_history.setPlainText("高血压病史10年")
    dialog.treatment.setPlainText("硝酸甘油舌下含服")
    dialog.referring_phone.setText("0550-5012345")


def test_new_upward_referral_opens_the_preview_and_appears_in_the_list(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, tmp_path: Path
) -> None:
    services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    page = make_page(qtbot, services, bus)
    assert page.model.rowCount() == 0
    qtbot.mouseClick(page.new_up, Qt.MouseButton.LeftButton)
    from app.ui.dialogs.referral_dialog import ReferralDialog

    dialog = page.findChild(ReferralDialog)
    assert dialog is not None and dialog.isVisible()
    fill_upward(qtbot, dialog)
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None and dialog.saved.status == "pending"
    qtbot.waitUntil(lambda: page.preview is not None and page.preview.isVisible())
    assert page.preview.page_count() == 1
    assert dialog.saved.number in page.preview.windowTitle()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    row = page.model.row_at(0)
    assert (row.patient_name, row.status, row.sync_state) == ("张三", "pending", "pending")
    assert page.model.index(0, 2).data() == "待接收"
    assert page.model.index(0, 8).data() == "未上传"
    # saving a PDF from the preview is not a print: the first paper copy is still no 补打
    out = tmp_path / "slip.pdf"
    page.preview.save_to(out)
    assert out.read_bytes().startswith(b"%PDF")
    assert services.referrals.get(row.id).print_count == 0


def test_missing_fields_are_named_and_nothing_is_saved(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    page = make_page(qtbot, services, bus)
    dialog = page.new_referral(Direction.UP)
    qtbot.addWidget(dialog)
    fill_upward(qtbot, dialog)
    dialog.impression.clear()
    dialog.treatment.clear()
    dialog.save(submit=True)
    assert dialog.isVisible()
    assert "初步印象" in dialog.errors.text("impression")
    assert "治疗经过" in dialog.errors.text("treatment")
    assert services.referrals.count() == 0
    assert dialog.present_illness.toPlainText() == "反复胸闷2年，加重伴胸痛3小时"  # kept


def test_downward_entry_and_acknowledgement(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    page = make_page(qtbot, services, bus)
    dialog = page.new_referral(Direction.DOWN, services.patients.get(p.id))
    qtbot.addWidget(dialog)
    dialog.referring_doctor.setText("张主任")
    dialog.indication_boxes["急性期治疗后病情稳定，需继续康复治疗"].setChecked(True)
    dialog.diagnosis.setText("脑梗死恢复期")
    dialog.exam_results.setPlainText("头颅MRI：左侧基底节区梗死")
    dialog.treatment_plan.setPlainText("阿司匹林；康复训练")
    dialog.save()
    assert dialog.saved is not None and dialog.saved.direction == "down"
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.table.selectRow(0)
    assert page.status_button.isEnabled()
    from app.domain.referral import Status

    page.change_status(page.selected(), Status.RECEIVED)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: page.model.row_at(0).status == "received")
    assert page.model.index(0, 2).data() == "已接收"


def test_filters_narrow_the_list(qtbot: QtBot, services: AppServices, bus: ChangeBus) -> None:
    from app.domain.referral import DOWN_INDICATIONS, ReferralInput

    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    services.referrals.enter_downward(
        ReferralInput(
            direction=Direction.DOWN,
            patient_id=p.id,
            from_institution="来安县人民医院",
            indications=[DOWN_INDICATIONS[0]],
            diagnosis="x",
            exam_results="x",
            treatment_plan="x",
            referring_doctor="张主任",
        )
    )
    page = make_page(qtbot, services, bus)
    assert page.model.rowCount() == 1
    page.direction.setCurrentIndex(page.direction.findData("up"))
    assert page.model.rowCount() == 0
    page.direction.setCurrentIndex(page.direction.findData("down"))
    assert page.model.rowCount() == 1
    page.search.setText("ls")
    page.reload()
    assert page.model.rowCount() == 0


def test_patient_timeline_lists_referrals_newest_first(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    from app.domain.referral import DOWN_INDICATIONS, UP_INDICATIONS, ReferralInput
    from app.ui.pages.patients import PatientsPage

    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    from datetime import date

    services.referrals.enter_downward(
        ReferralInput(
            direction=Direction.DOWN,
            patient_id=p.id,
            from_institution="来安县人民医院",
            indications=[DOWN_INDICATIONS[0]],
            diagnosis="脑梗死恢复期",
            exam_results="x",
            treatment_plan="x",
            referring_doctor="张主任",
            referred_on=date(2026, 1, 5),
        )
    )
    services.referrals.create_upward(
        ReferralInput(
            patient_id=p.id,
            to_institution="来安县人民医院",
            to_department="神经内科",
            indications=[UP_INDICATIONS[0]],
            impression="脑梗死复发？",
            present_illness="x",
            past_history="x",
            treatment="x",
            referring_doctor="李",
            referring_phone="13900000000",
        )
    )
    page = PatientsPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.table.selectRow(0)
    dialog = page.show_timeline()
    assert dialog is not None
    entries = [dialog.entries.item(i).text() for i in range(dialog.entries.count())]
    assert len(entries) == 2
    assert "上转转诊" in entries[0] and "脑梗死复发？" in entries[0]
    assert entries[1].startswith("2026-01-05") and "下转转诊" in entries[1]


def test_printing_draws_every_page_on_the_printer(
    qtbot: QtBot, services: AppServices, tmp_path: Path
) -> None:
    """The printer is the edge of the world: a QPrinter writing to a file stands in for it."""
    import subprocess

    from PySide6.QtPrintSupport import QPrinter

    from app.reports.referral_slip import SlipData, referral_slip_pdf
    from app.ui.printing import print_pdf

    story = "胸闷气短，夜间不能平卧。" * 300
    pdf = referral_slip_pdf(
        SlipData(
            number="X-1",
            direction="up",
            issuing_institution="卫生院",
            receiving_institution="县医院",
            patient_name="张三",
            present_illness=story,
        ),
        "A5",
    )
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    pages = print_pdf(pdf, printer)
    assert pages > 1
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert f"Pages:           {pages}" in info


def test_doctor_filter(qtbot: QtBot, services: AppServices, bus: ChangeBus) -> None:
    from app.domain.referral import UP_INDICATIONS, ReferralInput

    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    for doctor in ("李秀英", "王建国"):
        services.referrals.create_upward(
            ReferralInput(
                patient_id=p.id,
                to_institution="来安县人民医院",
                to_department="骨科",
                indications=[UP_INDICATIONS[0]],
                impression="x",
                present_illness="x",
                past_history="x",
                treatment="x",
                referring_doctor=doctor,
                referring_phone="13900000000",
            )
        )
    page = make_page(qtbot, services, bus)
    assert page.model.rowCount() == 2
    page.doctor.setCurrentIndex(page.doctor.findData("王建国"))
    assert [page.model.row_at(r).referring_doctor for r in range(page.model.rowCount())] == [
        "王建国"
    ]


def test_referral_model_passes_qtmodeltester(qtmodeltester, services: AppServices) -> None:  # type: ignore[no-untyped-def]
    from app.domain.referral import UP_INDICATIONS, ReferralInput
    from app.ui.models.referral_table import ReferralTableModel

    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    for _ in range(12):
        services.referrals.create_upward(
            ReferralInput(
                patient_id=p.id,
                to_institution="来安县人民医院",
                to_department="骨科",
                indications=[UP_INDICATIONS[0]],
                impression="x",
                present_illness="x",
                past_history="x",
                treatment="x",
                referring_doctor="李",
                referring_phone="13900000000",
            )
        )
    model = ReferralTableModel(services.referrals, page_size=5)
    model.reload()
    assert model.canFetchMore()
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    while model.canFetchMore():
        model.fetchMore()
    numbers = [model.row_at(r).number for r in range(model.rowCount())]
    assert numbers == sorted(numbers)
    assert len(numbers) == len(set(numbers)) == 12  # every referral once, none twice


def test_enter_in_the_patient_search_picks_the_patient_and_does_not_submit(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    """A nurse types initials and presses Enter to take the first match: the slip is not
    submitted half-filled, no error is shown yet, and focus moves on to the form."""
    services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    page = make_page(qtbot, services, bus)
    dialog = page.new_referral(Direction.UP)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.picker.search.setFocus()
    qtbot.keyClicks(dialog.picker.search, "zs")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert "张三" in dialog.picker.chosen.text()
    assert dialog.isVisible() and dialog.saved is None
    assert services.referrals.count() == 0
    assert not dialog.general_error.isVisible()
    assert dialog.errors.text("impression") == ""


def test_the_list_flags_an_upward_referral_unanswered_for_14_days(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    """What the doctor sees: "超过14天未反馈" in red on the 20-day-old unanswered referral,
    nothing on the fresh one."""
    import sqlite3
    from datetime import timedelta

    from PySide6.QtGui import QBrush

    from app.db.engine import db_path
    from tests.services.test_referrals import upward

    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    old = services.referrals.create_upward(upward(p.id, to_doctor="老"))
    services.referrals.create_upward(upward(p.id, to_doctor="新"))
    with sqlite3.connect(db_path(services.data_dir)) as c:
        when = (services.ctx.clock() - timedelta(days=20)).isoformat(" ")
        c.execute("UPDATE referrals SET referred_at=? WHERE id=?", (when, old.id))
    page = make_page(qtbot, services, bus)
    model = page.model
    col = [key for key, _w in model.COLUMNS].index("feedback")
    shown = {}
    for row in range(model.rowCount()):
        rid = model.data(model.index(row, 0), Qt.ItemDataRole.UserRole)
        shown[rid] = model.data(model.index(row, col), Qt.ItemDataRole.DisplayRole)
        if rid == old.id:
            brush = model.data(model.index(row, col), Qt.ItemDataRole.ForegroundRole)
            assert isinstance(brush, QBrush) and brush.color().name() == "#c0392b"
    assert shown[old.id] == "超过14天未反馈"
    assert list(shown.values()).count("") == 1
