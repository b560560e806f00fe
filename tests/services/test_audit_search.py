"""Viewing and exporting leave audit rows; an administrator finds them by user, patient, date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from app.domain.errors import PermissionDenied
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from tests.conftest import login_as


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_views_and_exports_are_found_by_user_patient_and_local_date(
    services: AppServices,
) -> None:
    clock = Clock(datetime(2026, 11, 30, 15, 30))  # 23:30 in Beijing, 30 November
    services.ctx.clock = clock
    zhang = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    li = services.patients.create(PatientInput(name="李四", id_number="440524188001010014"))
    login_as(services, "doctor")
    services.audit.viewed("patient", zhang.id)
    clock.now = datetime(2026, 11, 30, 16, 30)  # 00:30 on 1 December in Beijing
    services.audit.viewed("patient", li.id)
    services.patients.update(
        li.id,
        replace(PatientInput(name="李四", id_number="440524188001010014"), phone="13900139000"),
    )
    login_as(services, "nurse")
    services.audit.exported("phone_list_pdf", "随访电话.pdf", rows=12)
    login_as(services, "admin")

    doctor_views = services.audit.search(username="doctor", action="view")
    assert [(r.patient_name, r.action_name) for r in doctor_views.rows] == [
        ("李四", "查看"),
        ("张三", "查看"),
    ]
    # By patient: name or the last digits of the ID number; their edit is there too.
    li_rows = services.audit.search(patient="0014")
    assert {(r.username, r.action) for r in li_rows.rows} >= {
        ("doctor", "view"),
        ("doctor", "edit"),
        ("admin", "create"),
    }
    assert all(r.patient_name == "李四" for r in li_rows.rows)
    # Dates are the clinic's: the 00:30 view belongs to 1 December, not 30 November.
    nov30 = services.audit.search(
        username="doctor",
        action="view",
        date_from=date(2026, 11, 30),
        date_to=date(2026, 11, 30),
    )
    assert [r.patient_name for r in nov30.rows] == ["张三"]
    assert nov30.rows[0].at_local == datetime(2026, 11, 30, 23, 30)
    exports = services.audit.search(action="export")
    assert exports.total == 1
    assert exports.rows[0].username == "nurse"
    assert "随访电话.pdf" in exports.rows[0].detail


def test_only_an_admin_searches_the_log(services: AppServices) -> None:
    login_as(services, "doctor")
    with pytest.raises(PermissionDenied):
        services.audit.search()
