"""A slip from the hub as the same PDF the workstation prints (``app.reports.referral_slip``):
the 回转单 the county wrote, or a 转出单 it received. The county hospital's name comes from
the hub setting (``python -m county set-hospital``).

The mapping mirrors the workstation's ``slip_data`` (app/services/referrals.py), which the hub
may not import: keep the two in step.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from app.domain.booking import beijing
from app.domain.referral import Direction
from app.reports.referral_slip import SlipData, referral_slip_pdf
from county.office.timefmt import parse_stored


def _text(d: dict[str, Any], key: str) -> str:
    v = d.get(key)
    return v if isinstance(v, str) else ("" if v is None else str(v))


def _indications(d: dict[str, Any]) -> list[str]:
    try:
        value = json.loads(_text(d, "indications") or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _day(value: object) -> date | None:
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def slip_data(d: dict[str, Any], hospital: str, clinic_name: str) -> SlipData:
    up = d.get("direction") == Direction.UP.value
    sent = parse_stored(d.get("referred_at")) or parse_stored(d.get("created_at"))
    age = d.get("patient_age")
    issuing = _text(d, "from_institution") or (clinic_name if up else hospital)
    receiving = _text(d, "to_institution") or (hospital if up else clinic_name)
    return SlipData(
        number=_text(d, "number"),
        direction=Direction.UP.value if up else Direction.DOWN.value,
        issuing_institution=issuing,
        receiving_institution=receiving,
        receiving_department=_text(d, "to_department"),
        receiving_doctor=_text(d, "to_doctor") if up else _text(d, "receiving_doctor"),
        patient_name=_text(d, "patient_name"),
        patient_sex=_text(d, "patient_sex"),
        patient_age=age if isinstance(age, int) and not isinstance(age, bool) else 0,
        patient_id_number=_text(d, "patient_id_number"),
        patient_record_number=_text(d, "patient_record_number"),
        patient_address=_text(d, "patient_address"),
        patient_phone=_text(d, "patient_phone"),
        referral_date=beijing(sent).date() if isinstance(sent, datetime) else None,
        referring_doctor=_text(d, "referring_doctor"),
        referring_phone=_text(d, "referring_phone"),
        indications=_indications(d),
        indication_other=_text(d, "indication_other"),
        impression=_text(d, "impression"),
        present_illness=_text(d, "present_illness"),
        past_history=_text(d, "past_history"),
        treatment=_text(d, "treatment"),
        patient_type=_text(d, "patient_type"),
        payment_type=_text(d, "payment_type"),
        transport=_text(d, "transport"),
        purpose=_text(d, "purpose"),
        cautions=_text(d, "cautions"),
        urgency=_text(d, "urgency"),
        diagnosis=_text(d, "diagnosis"),
        icd10=_text(d, "icd10"),
        inpatient_no=_text(d, "inpatient_no"),
        exam_results=_text(d, "exam_results"),
        treatment_plan=_text(d, "treatment_plan"),
        followup_date=_day(d.get("followup_date")),
        followup_method=_text(d, "followup_method"),
        outcome=_text(d, "outcome"),
    )


def slip_pdf(d: dict[str, Any], hospital: str, clinic_name: str, page: str = "A4") -> bytes:
    return referral_slip_pdf(slip_data(d, hospital, clinic_name), page)
