"""Patient (居民) input rules: what makes a registration valid, checked before any write."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from app.domain import clinic_clock, idcard
from app.domain.codes import PAYMENT_TYPES, SEX
from app.domain.errors import FieldError, ValidationError

NAME_MAX = 50
TEXT_MAX = 2000
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,5})?$")


@dataclass
class PatientInput:
    name: str = ""
    sex: str = ""
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""
    village: str = ""
    address: str = ""
    record_number: str = ""
    payment_type: str = ""
    allergies: str = ""
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def normalize_phone(raw: str) -> str:
    return (
        raw.strip()
        .replace(" ", "")
        .translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
    )


def validate(data: PatientInput, today: date | None = None) -> PatientInput:
    """Return a cleaned copy of ``data`` or raise ValidationError naming every bad field.

    The ID number, when given, is normalised (15 digits upgraded, X upper-case) and its
    birth date and sex must agree with the ones entered; a blank birth date or sex is filled
    from it.
    """
    today = today or clinic_clock.today()
    errors: list[FieldError] = []
    out = PatientInput(**{**data.__dict__, "extra": dict(data.extra)})
    out.name = data.name.strip()
    if not out.name:
        errors.append(FieldError("name", "required", "姓名不能为空"))
    elif len(out.name) > NAME_MAX:
        errors.append(FieldError("name", "too_long", f"姓名不能超过{NAME_MAX}个字"))

    info: idcard.IdCardInfo | None = None
    if data.id_number.strip():
        try:
            info = idcard.parse(data.id_number, today)
            out.id_number = info.number
        except idcard.IdCardError as exc:
            errors.append(FieldError("id_number", exc.code, exc.message))
    else:
        out.id_number = ""

    if info is not None:
        if out.birth_date is None:
            out.birth_date = info.birth_date
        elif out.birth_date != info.birth_date:
            errors.append(
                FieldError(
                    "birth_date",
                    "id_mismatch",
                    f"出生日期与身份证号码不符（证件为{info.birth_date:%Y-%m-%d}）",
                )
            )
        if not out.sex or out.sex in ("0", "9"):
            out.sex = info.sex
        elif out.sex != info.sex:
            errors.append(
                FieldError("sex", "id_mismatch", f"性别与身份证号码不符（证件为{SEX[info.sex]}）")
            )

    if out.sex not in SEX:
        errors.append(FieldError("sex", "required", "请选择性别"))
    if out.birth_date is None:
        errors.append(FieldError("birth_date", "required", "出生日期不能为空"))
    elif out.birth_date > today:
        errors.append(FieldError("birth_date", "future", "出生日期不能晚于今天"))
    elif out.birth_date.year < idcard.EARLIEST_BIRTH_YEAR:
        errors.append(
            FieldError(
                "birth_date",
                "too_old",
                f"出生日期早于{idcard.EARLIEST_BIRTH_YEAR}年，请核对",
            )
        )

    out.phone = normalize_phone(data.phone)
    if out.phone and not (_MOBILE.match(out.phone) or _LANDLINE.match(out.phone)):
        errors.append(
            FieldError(
                "phone", "phone_format", "联系电话格式不正确（手机11位，座机如0551-1234567）"
            )
        )
    if out.payment_type and out.payment_type not in PAYMENT_TYPES:
        errors.append(FieldError("payment_type", "unknown", "医疗付费方式不在标准代码表中"))
    out.record_number = data.record_number.strip()
    if len(out.record_number) > 40:
        errors.append(FieldError("record_number", "too_long", "健康档案编号不能超过40位"))
    for key, label in (("village", "村/社区"), ("address", "住址")):
        value = getattr(data, key).strip()
        setattr(out, key, value)
        if len(value) > 200:
            errors.append(FieldError(key, "too_long", f"{label}不能超过200个字"))
    for key, label in (("allergies", "过敏史"), ("notes", "备注")):
        if len(getattr(data, key)) > TEXT_MAX:
            errors.append(FieldError(key, "too_long", f"{label}不能超过{TEXT_MAX}个字"))
    if errors:
        raise ValidationError(errors)
    return out


def warnings(data: PatientInput, today: date | None = None) -> list[str]:
    """What is accepted but worth a second look (an age above 120), in Chinese."""
    if data.birth_date is None:
        return []
    text = idcard.age_warning(data.birth_date, today)
    return [text] if text else []
