"""The patient timeline shows follow-up visits beside referrals, newest first."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from app.domain import clinic_clock
from app.domain.followup import PlanKind, VisitInput
from app.domain.patient import PatientInput
from app.domain.referral import DOWN_INDICATIONS, Direction, ReferralInput
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.dialogs.timeline_dialog import EMERGENCY_COLOUR
from app.ui.pages.patients import PatientsPage
from tests.conftest import login_as


def test_timeline_lists_visits_and_referrals_newest_first(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    today = clinic_clock.today()
    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    ten_days_ago = today - timedelta(days=10)
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
            referred_on=ten_days_ago,
        )
    )
    fu = services.followups
    htn = fu.create_plan(p.id, PlanKind.HYPERTENSION, today - timedelta(days=100), "李医生")
    early = today - timedelta(days=60)
    fu.record_visit(
        htn.id,
        VisitInput(
            visit_date=early,
            method="2",
            symptoms=["无症状"],
            sbp=132,
            dbp=84,
            next_date=early + timedelta(days=90),
            doctor="李医生",
        ),
    )
    fu.record_visit(
        htn.id,
        VisitInput(
            visit_date=today,
            symptoms=["头痛头晕"],
            sbp=186,
            dbp=112,
            next_date=today + timedelta(days=14),
            doctor="李医生",
        ),
    )
    rehab = next(x for x in fu.plans(p.id) if x.kind == "rehab")
    fu.record_visit(
        rehab.id, VisitInput(visit_date=today - timedelta(days=3), method="3", outcome="好转")
    )

    page = PatientsPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.table.selectRow(0)
    dialog = page.show_timeline()
    assert dialog is not None
    entries = [dialog.entries.item(i).text() for i in range(dialog.entries.count())]
    assert len(entries) == 4
    assert entries[0].startswith(f"{today:%Y-%m-%d}　高血压随访　门诊　血压 186/112 mmHg")
    assert "危急情况" in entries[0]
    assert dialog.entries.item(0).foreground().color() == EMERGENCY_COLOUR
    assert entries[1].startswith(f"{today - timedelta(days=3):%Y-%m-%d}　下转康复随访　电话")
    assert "转归：好转" in entries[1]
    assert entries[2].startswith(f"{ten_days_ago:%Y-%m-%d}") and "下转转诊" in entries[2]
    assert entries[3].startswith(f"{early:%Y-%m-%d}　高血压随访　家庭")
    assert "控制满意" in entries[3] and "李医生" in entries[3]


def test_a_nurse_sees_the_visits_too(qtbot: QtBot, services: AppServices, bus: ChangeBus) -> None:
    from app.ui.dialogs.timeline_dialog import TimelineDialog

    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    empty = TimelineDialog(services, p.id)
    qtbot.addWidget(empty)
    assert empty.entries.item(0).text() == "暂无转诊和随访记录。"
    plan = services.followups.create_plan(p.id, PlanKind.REHAB, clinic_clock.today(), "李医生")
    services.followups.record_visit(
        plan.id, VisitInput(visit_date=clinic_clock.today(), outcome="恢复")
    )
    login_as(services, "nurse")
    dialog = TimelineDialog(services, p.id)
    qtbot.addWidget(dialog)
    assert "下转康复随访" in dialog.entries.item(0).text()


def test_enter_on_a_timeline_entry_opens_the_slip_or_the_visits_form(
    qtbot: QtBot, services: AppServices
) -> None:
    import subprocess

    from PySide6.QtCore import Qt

    from app.ui.dialogs.timeline_dialog import TimelineDialog
    from app.ui.printing import PdfPreviewDialog
    from tests.services.test_referrals import upward

    today = clinic_clock.today()
    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    slip = services.referrals.create_upward(upward(p.id))
    plan = services.followups.create_plan(
        p.id, PlanKind.HYPERTENSION, today - timedelta(days=30), "李医生"
    )
    services.followups.record_visit(
        plan.id,
        VisitInput(
            visit_date=today - timedelta(days=1),
            method="1",
            symptoms=["无症状"],
            sbp=150,
            dbp=95,
            next_date=today + timedelta(days=13),
            doctor="李医生",
        ),
    )
    dialog = TimelineDialog(services, p.id)
    qtbot.addWidget(dialog)
    dialog.show()
    # Newest first: today's slip, then yesterday's visit.
    assert slip.number in dialog.entries.item(0).text()
    qtbot.keyClick(dialog.entries, Qt.Key.Key_Return)
    preview = dialog.preview
    assert isinstance(preview, PdfPreviewDialog)
    qtbot.addWidget(preview)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=preview.pdf, capture_output=True
    ).stdout.decode()
    assert f"转诊单号：{slip.number}" in text
    preview.reject()
    dialog.entries.setCurrentRow(1)
    qtbot.keyClick(dialog.entries, Qt.Key.Key_Return)
    form = dialog.preview
    assert isinstance(form, PdfPreviewDialog) and form is not preview
    qtbot.addWidget(form)
    text = subprocess.run(["pdftotext", "-", "-"], input=form.pdf, capture_output=True).stdout
    assert "高血压患者随访服务记录表" in text.decode()
    assert "150" in text.decode()
    # Both openings are in the audit log as views.
    login_as(services, "admin")
    viewed = services.audit.search(action="view")
    assert {r.record_type for r in viewed.rows} == {"referral", "followup_visit"}
