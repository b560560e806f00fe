"""The county's booking on a received referral (接诊医生, 预约到诊时间) as the clinic shows it:
in the referral list, in the patient's timeline; and the 同步 page naming refused fields by
their Chinese labels."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.db.models import Outbox
from app.db.referral_models import Referral
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.models.referral_table import ReferralTableModel
from tests.services.test_referrals import upward

# 09:30 on 2 December, Beijing time, as the hub sends it (UTC)
BOOKED_UTC = datetime(2026, 12, 2, 1, 30)


def received_with_booking(services: AppServices) -> tuple[str, str]:
    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    ref = services.referrals.create_upward(upward(p.id))
    with services.ctx.session() as s:  # what a pull of the county's answer writes
        r = s.get(Referral, ref.id)
        assert r is not None
        r.received_at, r.receiving_doctor = datetime(2026, 11, 30, 1, 0), "李主任"
        r.appointment_at, r.status = BOOKED_UTC, "received"
    return p.id, ref.id


def test_the_list_shows_the_booking_in_beijing_time(services: AppServices) -> None:
    received_with_booking(services)
    model = ReferralTableModel(services.referrals)
    model.reload()
    col = [k for k, _ in ReferralTableModel.COLUMNS].index("feedback")
    assert "李主任 2026-12-02 09:30" in model.data(model.index(0, col))


def test_the_timeline_shows_the_booking(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    from app.ui.pages.patients import PatientsPage

    received_with_booking(services)
    page = PatientsPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.table.selectRow(0)
    dialog = page.show_timeline()
    assert dialog is not None
    (entry,) = [dialog.entries.item(i).text() for i in range(dialog.entries.count())]
    assert "李主任 2026-12-02 09:30" in entry


def test_the_sync_page_names_refused_fields_in_chinese(services: AppServices) -> None:
    _pid, ref_id = received_with_booking(services)
    with services.ctx.session() as s:
        row = s.scalar(
            select(Outbox).where(Outbox.record_type == "referral", Outbox.record_id == ref_id)
        )
        assert row is not None
        row.state = "error"
        row.error = "县医院负责的字段不能由卫生院填写：appointment_at、received_at"
    (err,) = [e for e in services.sync.errors() if e.record_id == ref_id]
    assert "预约到诊时间、接收时间" in err.message and "appointment_at" not in err.message
