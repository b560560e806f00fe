"""The province's continuing-education rules (继续医学教育学分), read from and saved to
settings.toml, as the follow-up intervals are."""

from __future__ import annotations

from pathlib import Path

from app.config import RANGES, Settings
from app.domain.errors import FieldError, ValidationError
from app.domain.training import CreditRules

# settings.toml key -> (CreditRules field, the field's name in messages)
FIELDS = {
    "credit_total": ("total", "年度总学分"),
    "credit_i_min": ("class_i_min", "I类学分下限"),
    "credit_i_max": ("class_i_max", "I类学分上限"),
    "credit_ii_min": ("class_ii_min", "II类学分下限"),
    "credit_ii_max": ("class_ii_max", "II类学分上限"),
    "credit_hours_per_credit": ("hours_per_credit", "每学分学时"),
    "credit_secondment_months": ("secondment_months", "进修视为达标的月数"),
    "training_hours_junior": ("junior_hours", "初级职称年度学时"),
    "training_hours_village": ("village_hours", "乡村医生年度学时"),
}


def rules_from(settings: Settings) -> CreditRules:
    return CreditRules(**{name: getattr(settings, key) for key, (name, _l) in FIELDS.items()})


def load_credit_rules(data_dir: Path) -> CreditRules:
    return rules_from(Settings.load(data_dir))


def check_credit_rules(r: CreditRules) -> None:
    """Refuse values outside their range, a cap below its minimum, and a total the caps
    cannot reach."""
    e: list[FieldError] = []
    for key, (name, label) in FIELDS.items():
        lo, hi = RANGES[key]
        if not lo <= getattr(r, name) <= hi:
            e.append(FieldError(key, "range", f"{label}应为 {lo:g}–{hi:g}"))
    if not e:
        if r.class_i_max < r.class_i_min:
            e.append(FieldError("credit_i_max", "below_min", "I类学分上限不能低于下限"))
        if r.class_ii_max < r.class_ii_min:
            e.append(FieldError("credit_ii_max", "below_min", "II类学分上限不能低于下限"))
        if r.class_i_max + r.class_ii_max < r.total:
            e.append(FieldError("credit_total", "unreachable", "两类学分上限之和低于年度总学分"))
    if e:
        raise ValidationError(e)


def save_credit_rules(data_dir: Path, r: CreditRules) -> CreditRules:
    check_credit_rules(r)
    s = Settings.load(data_dir)
    for key, (name, _label) in FIELDS.items():
        value = getattr(r, name)
        setattr(s, key, float(value) if isinstance(getattr(s, key), float) else int(value))
    s.save(data_dir)
    return rules_from(s)
