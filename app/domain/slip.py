"""What a printed 双向转诊单 shows, from a referral's stored values: the one mapping the
workstation (``ReferralService.slip_pdf``) and the county office (``county/office/printing``)
both print by, so the clinic's slip and the hub's copy of it read the same.

The values come either as the workstation's row (typed: dates, lists) or as the record the hub
holds (its wire form: ISO text, the indications as JSON text); each is read the same way. The
fields copied are the referral's form fields (``REFERRAL_FORM_FIELDS``, the record-type
registry's ``form_fields``) and the resident's details written on the slip; a slip field with
another name than its column is in ``SLOT``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from app.domain import clinic_clock
from app.domain.clinic_clock import parse_stored
from app.domain.referral import REFERRAL_FORM_FIELDS, Direction


@dataclass(frozen=True)
class SlipData:
    """Everything printed on a slip, as plain values."""

    number: str
    direction: str  # "up" / "down"
    issuing_institution: str  # who signs and seals (the sender)
    receiving_institution: str
    receiving_department: str = ""
    receiving_doctor: str = ""
    patient_name: str = ""
    patient_sex: str = ""
    patient_age: int = 0
    patient_id_number: str = ""
    patient_record_number: str = ""  # 档案编号 (转出) / 病案号 (回转)
    patient_address: str = ""
    patient_phone: str = ""
    referral_date: date | None = None
    referring_doctor: str = ""
    referring_phone: str = ""
    indications: list[str] = field(default_factory=list)
    indication_other: str = ""
    impression: str = ""
    present_illness: str = ""
    past_history: str = ""
    treatment: str = ""
    patient_type: str = ""
    payment_type: str = ""
    transport: str = ""
    purpose: str = ""
    cautions: str = ""
    urgency: str = ""
    diagnosis: str = ""
    icd10: str = ""
    inpatient_no: str = ""
    exam_results: str = ""
    treatment_plan: str = ""
    followup_date: date | None = None
    followup_method: str = ""
    outcome: str = ""
    reprint: bool = False
    printed_at: datetime | None = None
    # A 回转单 the clinic typed in from the county's paper slip: printed here it is a copy
    # (录入副本), never passed off as the county's sealed original.
    transcribed: bool = False


# The resident's details as the slip was written (copied from the resident onto the referral).
PATIENT_FIELDS = (
    "number",
    "patient_name",
    "patient_sex",
    "patient_age",
    "patient_id_number",
    "patient_record_number",
    "patient_address",
    "patient_phone",
)
# Where a referral column is printed when the slip's name for it differs; None: printed by a
# rule below (the direction as the slip's title, the doctor by direction).
SLOT: dict[str, str | None] = {
    "from_institution": "issuing_institution",
    "to_institution": "receiving_institution",
    "to_department": "receiving_department",
    "to_doctor": None,
    "direction": None,
}
_KINDS = {f.name: str(f.type) for f in fields(SlipData)}


def _text(v: object) -> str:
    return v if isinstance(v, str) else ("" if v is None else str(v))


def _indications(v: object) -> list[str]:
    if isinstance(v, str):
        try:
            v = json.loads(v or "[]")
        except ValueError:
            return []
    return [str(x) for x in v] if isinstance(v, list) else []


def _day(v: object) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str) and len(v) >= 10:
        try:
            return date.fromisoformat(v[:10])
        except ValueError:
            return None
    return None


def _value(kind: str, v: object) -> Any:
    if kind == "int":
        return v if isinstance(v, int) and not isinstance(v, bool) else 0
    if kind.startswith("list"):
        return _indications(v)
    if kind.startswith("date |"):
        return _day(v)
    return _text(v)


def slip_data(
    values: Mapping[str, Any],
    *,
    timezone: str = clinic_clock.DEFAULT_TIMEZONE,
    clinic_name: str = "",
    hospital: str = "",
    reprint: bool = False,
    printed_at: datetime | None = None,
    transcribed: bool = False,
) -> SlipData:
    """The slip of a referral's stored ``values``.

    The slip's date is the local date (``timezone``) the referral was sent (or, not yet
    sent, written). An institution left empty is the clinic (``clinic_name``) or the county
    hospital (``hospital``) by direction, where the caller knows them; ``printed_at`` (already
    local) marks a reprint.
    """
    up = values.get("direction") == Direction.UP.value
    kw: dict[str, Any] = {}
    for name in (*PATIENT_FIELDS, *REFERRAL_FORM_FIELDS):
        slot = SLOT.get(name, name)
        if slot is not None:
            kw[slot] = _value(_KINDS[slot], values.get(name))
    kw["issuing_institution"] = kw["issuing_institution"] or (clinic_name if up else hospital)
    kw["receiving_institution"] = kw["receiving_institution"] or (hospital if up else clinic_name)
    kw["direction"] = Direction.UP.value if up else Direction.DOWN.value
    kw["receiving_doctor"] = _text(values.get("to_doctor" if up else "receiving_doctor"))
    sent = parse_stored(values.get("referred_at")) or parse_stored(values.get("created_at"))
    kw["referral_date"] = clinic_clock.local_date(sent, timezone) if sent else None
    return SlipData(**kw, reprint=reprint, printed_at=printed_at, transcribed=transcribed)
