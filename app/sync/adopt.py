"""Type-specific steps when a pull brings a record the county wrote.

A downward referral (回转单) arrives with the patient as printed on the slip. It is attached to
the clinic's own resident: the one it was referred up as (same id), else the one with the same
ID number, else a new resident made from the slip (a clinic record, queued for upload like any
other). Once stored it starts its 下转康复 follow-up plan, exactly as a paper slip entered at
the clinic does.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Patient
from app.domain import patient as patient_rules
from app.domain.errors import ValidationError
from app.services.context import ServiceContext
from app.services.patients import RECORD_TYPE as PATIENT_TYPE
from app.services.patients import PatientService
from app.services.recording import record_write

Hook = Callable[[Session, ServiceContext, Any], None]


def _patient_for(s: Session, ctx: ServiceContext, r: Any) -> str:
    if r.patient_id:
        p = s.get(Patient, r.patient_id)
        if p is not None and not p.deleted:
            return str(p.id)
    if r.patient_id_number:
        found = s.scalar(
            select(Patient.id)
            .where(Patient.id_number == r.patient_id_number, Patient.deleted.is_(False))
            .limit(1)
        )
        if found:
            return str(found)
    today = ctx.today()
    born = date(max(1900, today.year - int(r.patient_age or 0)), 1, 1)
    data = patient_rules.PatientInput(
        name=r.patient_name or "（未具名）",
        sex=r.patient_sex or "0",
        id_number=r.patient_id_number or "",
        phone=r.patient_phone or "",
        address=r.patient_address or "",
        record_number=r.patient_record_number or "",
        notes=f"由县医院回转单 {r.number} 建档",
    )
    if not data.id_number:
        data.birth_date = born
    try:
        clean = patient_rules.validate(data, today)
    except ValidationError as e:
        # The county's copy of the ID number or phone may not pass our checks: drop what is
        # wrong, keep the resident (name, sex, age) and the note; never lose the referral.
        bad = e.fields()
        if bad & {"id_number", "birth_date", "sex"}:
            data.id_number, data.birth_date = "", born
            data.sex = data.sex if data.sex in ("1", "2") else "0"
        for key in bad & {"phone", "address", "record_number", "name"}:
            setattr(data, key, "（未具名）" if key == "name" else "")
        clean = patient_rules.validate(data, today)
    p = Patient()
    PatientService._apply(p, clean)
    record_write(s, ctx, p, PATIENT_TYPE, "create", {"from_referral": r.number}, new=True)
    return str(p.id)


def receive_referral(s: Session, ctx: ServiceContext, r: Any) -> None:
    """Store a referral the county wrote: attach it to a local resident, start its plan."""
    sent_patient = r.patient_id
    r.patient_id = _patient_for(s, ctx, r)
    r.print_count = 0
    s.add(r)
    s.flush()
    if r.patient_id != sent_patient:
        # Which resident the slip belongs to is the clinic's answer (a CLINIC_FIELD): send it.
        record_write(s, ctx, r, "referral", "attach_patient", {"number": r.number})
    importlib.import_module("app.services.followup_hooks").on_referral_saved(s, ctx, r)


# type on the wire -> how to store a new record the county wrote (default: add it as is)
RECEIVERS: dict[str, Hook] = {"referral": receive_referral}
