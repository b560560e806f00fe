"""A downward referral (回转单) written at the county: the form, its checks, its number, and
the record shaped exactly like a workstation ``Referral`` row, as the clinic will store it.

The slip rules are the workstation's own (``app.domain.referral.validate``); the county adds
only what the clinic side gets from its own tables: which clinic, and the patient as printed.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, select, text
from sqlalchemy.orm import Session

from app import registry
from app.db.referral_models import Referral
from app.domain import idcard
from app.domain import referral as rules
from app.domain.codes import PAYMENT_TYPES, SEX
from app.domain.errors import FieldError, ValidationError
from app.domain.roles import OfficeRole
from county.db import COUNTY, HubClinic, HubRecord
from county.office.timefmt import iso, local_today

NUMBER_PREFIX = "XZ"  # 下转 numbers: never a clinic code, so never clashes with a clinic's own
CREATED_BY = "县医院转诊办"
NOT_SENT = registry.NOT_SENT
REFERRAL = registry.entry("referral")
FOLLOWUP_METHODS = ["门诊复查", "家庭随访", "电话随访"]

LABELS = {
    "clinic": "接收卫生院",
    "patient_name": "患者姓名",
    "patient_sex": "性别",
    "patient_age": "年龄",
    "patient_id_number": "身份证号",
    "patient_record_number": "健康档案号",
    "patient_address": "家庭住址",
    "patient_phone": "联系电话",
    "from_institution": "转出机构（县级医院）",
    "to_department": "接收科室",
    "to_doctor": "接诊医生",
    "patient_type": "病人性质",
    "payment_type": "医疗付费方式",
    "transport": "转送方式",
    "inpatient_no": "住院病案号",
    "indications": "转诊指征",
    "indication_other": "其他指征（请注明）",
    "diagnosis": "诊断结果",
    "icd10": "ICD-10 编码",
    "exam_results": "主要检查结果",
    "treatment_plan": "治疗经过、下一步治疗方案及康复建议",
    "followup_date": "预约复诊或随访时间",
    "followup_method": "随访方式",
    "outcome": "病情转归",
    "purpose": "转诊目的",
    "cautions": "注意事项",
    "referring_doctor": "转诊医生",
    "referring_phone": "医生联系电话",
    "referred_on": "转诊日期",
}


@dataclass
class DownwardForm:
    """The form as typed (all text), so a refused form comes back exactly as it was."""

    clinic: str = ""
    upward_id: str = ""
    patient_name: str = ""
    patient_sex: str = ""
    patient_age: str = ""
    patient_id_number: str = ""
    patient_record_number: str = ""
    patient_address: str = ""
    patient_phone: str = ""
    from_institution: str = ""
    to_department: str = ""
    to_doctor: str = ""
    patient_type: str = ""
    payment_type: str = ""
    transport: str = ""
    inpatient_no: str = ""
    indications: list[str] = field(default_factory=list)
    indication_other: str = ""
    diagnosis: str = ""
    icd10: str = ""
    exam_results: str = ""
    treatment_plan: str = ""
    followup_date: str = ""
    followup_method: str = ""
    outcome: str = ""
    purpose: str = ""
    cautions: str = ""
    referring_doctor: str = ""
    referring_phone: str = ""

    @classmethod
    def from_form(cls, form: Any) -> DownwardForm:
        out = cls()
        for f in fields(cls):
            if f.name == "indications":
                out.indications = [str(v) for v in form.getlist("indications")]
            else:
                setattr(out, f.name, str(form.get(f.name) or "").strip())
        return out

    @classmethod
    def from_upward(cls, up: HubRecord) -> DownwardForm:
        """为此患者下转: the patient as the clinic sent them up, back to the same clinic."""
        d = up.data
        age = d.get("patient_age")
        return cls(
            clinic=up.clinic_code,
            upward_id=up.id,
            patient_name=str(d.get("patient_name") or ""),
            patient_sex=str(d.get("patient_sex") or ""),
            patient_age="" if age is None else str(age),
            patient_id_number=str(d.get("patient_id_number") or ""),
            patient_record_number=str(d.get("patient_record_number") or ""),
            patient_address=str(d.get("patient_address") or ""),
            patient_phone=str(d.get("patient_phone") or ""),
            payment_type=str(d.get("payment_type") or ""),
            from_institution=str(d.get("to_institution") or ""),
            referring_doctor=str(d.get("receiving_doctor") or ""),
        )


@dataclass
class CheckedDownward:
    clinic: HubClinic
    patient_id: str
    patient_age: int
    patient_id_number: str
    followup_date: date | None


def _column_lengths() -> dict[str, int]:
    out = {}
    for col in Referral.__table__.columns:
        if isinstance(col.type, String) and col.type.length:
            out[col.key] = col.type.length
    return out


def check(s: Session, form: DownwardForm, today: date) -> CheckedDownward:
    """Every problem at once, each naming its field in Chinese; raises ValidationError."""
    e: list[FieldError] = []
    clinic = s.get(HubClinic, form.clinic) if form.clinic else None
    if clinic is None or not clinic.active:
        e.append(FieldError("clinic", "required", "请选择接收卫生院"))
    if not form.patient_name:
        e.append(FieldError("patient_name", "required", "请填写患者姓名"))
    if form.patient_sex not in SEX:
        e.append(FieldError("patient_sex", "required", "请选择性别"))
    age = int(form.patient_age) if form.patient_age.isascii() and form.patient_age.isdigit() else -1
    if not 0 <= age <= 150:
        e.append(FieldError("patient_age", "range", "年龄应为 0 到 150 之间的整数（岁）"))
    id_number = ""
    if form.patient_id_number:
        try:
            id_number = idcard.parse(form.patient_id_number, today).number
        except idcard.IdCardError as err:
            e.append(FieldError("patient_id_number", err.code, "身份证号：" + err.message))
    followup: date | None = None
    if form.followup_date:
        try:
            followup = date.fromisoformat(form.followup_date)
        except ValueError:
            e.append(FieldError("followup_date", "format", "预约复诊或随访时间应为“年-月-日”"))
    if form.patient_type and form.patient_type not in rules.PATIENT_TYPES:
        e.append(FieldError("patient_type", "unknown", "病人性质不在列表中"))
    if form.payment_type and form.payment_type not in PAYMENT_TYPES:
        e.append(FieldError("payment_type", "unknown", "医疗付费方式不在列表中"))
    if form.transport and form.transport not in rules.TRANSPORT:
        e.append(FieldError("transport", "unknown", "转送方式不在列表中"))
    if form.outcome and form.outcome not in rules.OUTCOMES:
        e.append(FieldError("outcome", "unknown", "病情转归不在列表中"))
    # The slip as the clinic's form would hold it: the referral's form fields (the registry's
    # ``form_fields``) this form has, checked by the clinic's own rules.
    typed = {
        name: getattr(form, name)
        for name in REFERRAL.form_fields
        if name not in ("direction", "followup_date") and hasattr(form, name)
    }
    slip = rules.ReferralInput(
        direction=rules.Direction.DOWN,
        patient_id="(county)",  # the clinic attaches its own resident when it pulls the slip
        followup_date=followup,
        referred_on=today,
        **typed,
    )
    try:
        rules.validate(slip, today)
    except ValidationError as err:
        e.extend(err.errors)
    for key, limit in _column_lengths().items():
        value = getattr(form, key, None)
        if isinstance(value, str) and len(value) > limit:
            e.append(FieldError(key, "too_long", f"{LABELS.get(key, key)}过长（最多{limit}字）"))
    if e:
        raise ValidationError(e)
    assert clinic is not None
    patient_id = ""
    if form.upward_id:
        up = s.scalar(
            select(HubRecord).where(HubRecord.type == "referral", HubRecord.id == form.upward_id)
        )
        # The clinic's own resident id means something only in that clinic's database.
        if up is not None and up.clinic_code == clinic.code:
            patient_id = str(up.data.get("patient_id") or "")
    return CheckedDownward(
        clinic=clinic,
        patient_id=patient_id,
        patient_age=age,
        patient_id_number=id_number,
        followup_date=followup,
    )


def next_number(s: Session, today: date) -> str:
    """XZ-YYYYMMDD-NNN, the next free one today. Serialised: SQLite's BEGIN IMMEDIATE already
    does; on PostgreSQL a transaction-scoped advisory lock does (the clinic's table has a
    unique number, so two equal numbers would stop its sync)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": NUMBER_LOCK})
    prefix = f"{NUMBER_PREFIX}-{today:%Y%m%d}-"
    number = HubRecord.data["number"].as_string()
    taken = s.scalars(
        select(number).where(
            HubRecord.type == "referral",
            HubRecord.owner == COUNTY,
            number.startswith(prefix, autoescape=True),
        )
    ).all()
    seqs = [int(n[len(prefix) :]) for n in taken if n and n[len(prefix) :].isdigit()]
    return rules.make_number(NUMBER_PREFIX, today, max(seqs, default=0) + 1)


def last_from_institution(s: Session) -> str:
    """The county hospital's name as the office last wrote it: the form's fallback while the
    hub setting (``set-hospital``) has not been given."""
    value = s.scalar(
        select(HubRecord.data["from_institution"].as_string())
        .where(HubRecord.type == "referral", HubRecord.owner == COUNTY)
        .order_by(HubRecord.pk.desc())
        .limit(1)
    )
    return str(value or "")


NUMBER_LOCK = 0x434C4B31  # "CLK1": the advisory lock id of the downward numbering


def record_data(
    form: DownwardForm, ok: CheckedDownward, referral_id: str, number: str, now: datetime
) -> dict[str, Any]:
    """Every column of a workstation Referral row (what the clinic's pull stores), as on the
    wire: dates as ISO text, the county's marker as clinic_code."""
    data: dict[str, Any] = {}
    for col in Referral.__table__.columns:
        if col.key in NOT_SENT or col.key in REFERRAL.local_fields:
            continue
        default = col.default
        if default is not None and default.is_scalar:
            data[col.key] = default.arg  # type: ignore[attr-defined]
        elif col.nullable:
            data[col.key] = None
        else:
            data[col.key] = ""
    texts = {
        f.name: getattr(form, f.name)
        for f in fields(DownwardForm)
        if isinstance(getattr(form, f.name), str) and f.name in data
    }
    data.update(texts)
    data.update(
        id=referral_id,
        clinic_code=COUNTY,
        version=1,
        deleted=False,
        created_at=iso(now),
        updated_at=iso(now),
        number=number,
        direction=rules.Direction.DOWN.value,
        status=rules.Status.PENDING.value,
        urgency="普通",
        patient_id=ok.patient_id,
        patient_age=ok.patient_age,
        patient_id_number=ok.patient_id_number,
        to_institution=ok.clinic.name,
        indications=json.dumps(form.indications, ensure_ascii=False),
        referred_at=iso(now),
        followup_date=ok.followup_date.isoformat() if ok.followup_date else None,
        created_by=CREATED_BY,
    )
    return data


def create(
    s: Session, form: DownwardForm, now: datetime, role: OfficeRole | None = None
) -> HubRecord:
    """Check, number and store the slip for its clinic's next pull (one transaction: the
    caller's). Raises ValidationError with every bad field."""
    from county import store

    today = local_today(now)
    ok = check(s, form, today)
    referral_id = str(uuid.uuid4())
    data = record_data(form, ok, referral_id, next_number(s, today), now)
    return store.create_for_clinic(s, "referral", referral_id, ok.clinic.code, data, role=role)


def create_from_data(
    s: Session, referral_id: str, clinic: str, data: dict[str, Any], now: datetime
) -> HubRecord:
    """A downward slip given as JSON (``python -m county send-down``): the same checks, number
    and record as the office form, with the id the caller chose. Keys are the form's
    (``patient_name``, ``diagnosis``, ...); ``indications`` a list. Raises ValidationError
    with every bad field, ValueError for an id or value the hub refuses."""
    from county import store, wire

    if not wire.is_record_id(referral_id):
        raise ValueError("记录编号应为 UUID（例如 3f2b8c1e-0d4a-4b7e-9c55-2a1f6e8d9b70）")
    form = DownwardForm(clinic=clinic)
    for f in fields(DownwardForm):
        value = data.get(f.name)
        if f.name == "clinic" or value is None:
            continue
        if f.name == "indications":
            if isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError:
                    value = [value]
            form.indications = [str(v) for v in value] if isinstance(value, list) else []
        elif isinstance(value, str | int) and not isinstance(value, bool):
            setattr(form, f.name, str(value).strip())
        else:
            raise ValueError(f"{LABELS.get(f.name, f.name)}应为文字")
    today = local_today(now)
    ok = check(s, form, today)
    record = record_data(form, ok, referral_id, next_number(s, today), now)
    return store.create_for_clinic(s, "referral", referral_id, ok.clinic.code, record)
