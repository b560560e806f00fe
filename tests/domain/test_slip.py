"""One slip mapping for the workstation and the county office (``app.domain.slip``): every
form field of a referral reaches the printed slip, and the hub's copy of a referral prints as
the clinic's does."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date, datetime

from app import registry
from app.db.referral_models import Referral
from app.domain.patient import PatientInput
from app.domain.referral import DOWN_INDICATIONS
from app.domain.slip import SLOT, SlipData, slip_data
from app.services.bundle import AppServices
from app.services.referrals import slip_data as clinic_slip
from app.sync.engine import to_wire
from county.office.printing import slip_data as hub_slip
from tests.services.test_referrals import downward, upward


def test_every_form_field_of_a_referral_is_printed_on_the_slip() -> None:
    form = registry.entry("referral").form_fields
    assert len(form) >= 25
    values: dict[str, object] = {"direction": "down", "receiving_doctor": "接诊"}
    expected: dict[str, str] = {}
    for i, name in enumerate(form, start=1):
        if name == "direction":
            continue
        expected[name] = {"indications": f"指征{i}", "followup_date": f"2026-12-{i:02d}"}.get(
            name, f"值{i}号"
        )
        values[name] = {"indications": json.dumps([f"指征{i}"], ensure_ascii=False)}.get(
            name, expected[name]
        )
    values["direction"] = "up"  # the doctor written to (to_doctor) is printed on a 转出单
    slip = slip_data(values)
    printed = [str(getattr(slip, f.name)) for f in fields(SlipData)]
    missing = [n for n, v in expected.items() if not any(v in p for p in printed)]
    assert missing == []
    assert slip_data({**values, "direction": "down"}).receiving_doctor == "接诊"
    for name in form:
        slot = SLOT.get(name, name)
        assert slot is None or slot in {f.name for f in fields(SlipData)}, name


def test_the_hub_prints_a_referral_as_the_clinic_does(
    services: AppServices,
) -> None:
    pid = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X")).id
    made = [
        services.referrals.create_upward(upward(pid, to_doctor="周医生", urgency="紧急")),
        services.referrals.enter_downward(
            downward(pid, indications=[DOWN_INDICATIONS[1]], followup_method="电话")
        ),
    ]
    for row in made:
        clinic = clinic_slip(services.referrals.get(row.id), reprint=False)
        with services.ctx.reader() as s:
            rec = s.get(Referral, row.id)
            assert rec is not None
            wire = json.loads(json.dumps(to_wire(rec)))  # as the hub holds it
        hub = hub_slip(wire, "来安县人民医院", "桃花镇卫生院")
        assert hub == clinic
        assert clinic.number == row.number and clinic.patient_name == "张三"
    down = clinic_slip(services.referrals.get(made[1].id), reprint=False)
    assert down.followup_date == date(2026, 12, 6) and down.indications == [DOWN_INDICATIONS[1]]
    assert down.referral_date == date(2026, 11, 20)  # the paper slip's own date


def test_empty_institutions_are_the_clinic_and_the_hospital_by_direction() -> None:
    up = slip_data({"direction": "up"}, clinic_name="卫生院", hospital="县医院")
    down = slip_data({"direction": "down"}, clinic_name="卫生院", hospital="县医院")
    assert (up.issuing_institution, up.receiving_institution) == ("卫生院", "县医院")
    assert (down.issuing_institution, down.receiving_institution) == ("县医院", "卫生院")
    # 2026-11-30 16:30 UTC is 12-01 in Beijing: the slip's date is the local one
    late = slip_data({"direction": "up", "referred_at": "2026-11-30T16:30:00"})
    assert late.referral_date == date(2026, 12, 1)
    assert slip_data({"referred_at": datetime(2026, 11, 30, 15, 59)}).referral_date == date(
        2026, 11, 30
    )
