"""The clinic's follow-up intervals (随访间隔): read from and saved to settings.toml.

Provinces set their own intervals and control targets, so a clinic administrator may change the
days to the next visit when 控制满意, when 控制不满意, and after an emergency referral.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.config import RANGES, Settings
from app.domain.errors import FieldError, ValidationError
from app.domain.followup import Intervals
from app.domain.followup_criteria import ControlTargets

# settings.toml key -> (Intervals field, the field's name in messages)
FIELDS = {
    "followup_controlled_days": ("satisfied", "控制满意随访间隔"),
    "followup_uncontrolled_days": ("unsatisfied", "控制不满意随访间隔"),
    "followup_referral_days": ("after_emergency_referral", "紧急转诊后随访间隔"),
    "followup_rehab_days": ("rehab_default", "下转康复首次随访间隔"),
}


def intervals_from(settings: Settings) -> Intervals:
    return Intervals(
        satisfied=settings.followup_controlled_days,
        unsatisfied=settings.followup_uncontrolled_days,
        after_emergency_referral=settings.followup_referral_days,
        rehab_default=settings.followup_rehab_days,
    )


def load_intervals(data_dir: Path) -> Intervals:
    return intervals_from(Settings.load(data_dir))


def intervals_for(ctx: Any) -> Intervals:
    """The intervals of the clinic whose database ``ctx`` opened (settings.toml lives next to
    the database file); the defaults for a database that is not a file."""
    db = ctx.engine.url.database
    if not db or db == ":memory:" or ctx.engine.dialect.name != "sqlite":
        return Intervals()
    return load_intervals(Path(db).parent)


def check_intervals(
    controlled: int, uncontrolled: int, referral: int, rehab: int | None = None
) -> None:
    """Refuse days outside the allowed range, and a 控制不满意 interval that is not shorter
    than the 控制满意 one (the rules follow an uncontrolled patient up sooner)."""
    e: list[FieldError] = []
    values = {
        "followup_controlled_days": controlled,
        "followup_uncontrolled_days": uncontrolled,
        "followup_referral_days": referral,
    }
    if rehab is not None:
        values["followup_rehab_days"] = rehab
    for key, value in values.items():
        lo, hi = RANGES[key]
        if not lo <= value <= hi:
            e.append(FieldError(key, "range", f"{FIELDS[key][1]}应为 {lo}–{hi} 天"))
    if not e and uncontrolled >= controlled:
        e.append(
            FieldError(
                "followup_uncontrolled_days",
                "not_shorter",
                "控制不满意随访间隔必须短于控制满意随访间隔",
            )
        )
    if e:
        raise ValidationError(e)


def save_intervals(
    data_dir: Path, controlled: int, uncontrolled: int, referral: int, rehab: int | None = None
) -> Intervals:
    """Validate and store; re-reads the file so every other setting is kept as it is."""
    check_intervals(controlled, uncontrolled, referral, rehab)
    s = Settings.load(data_dir)
    s.followup_controlled_days = controlled
    s.followup_uncontrolled_days = uncontrolled
    s.followup_referral_days = referral
    if rehab is not None:
        s.followup_rehab_days = rehab
    s.save(data_dir)
    return intervals_from(s)


# settings.toml key -> (ControlTargets field, the field's name in messages)
TARGET_FIELDS = {
    "followup_htn_sbp_target": ("htn_sbp", "高血压控制目标收缩压"),
    "followup_htn_dbp_target": ("htn_dbp", "高血压控制目标舒张压"),
    "followup_elderly_age": ("elderly_age", "老年患者起始年龄"),
    "followup_elderly_sbp_target": ("elderly_sbp", "老年患者控制目标收缩压"),
    "followup_elderly_dbp_target": ("elderly_dbp", "老年患者控制目标舒张压"),
    "followup_dm_fpg_target": ("dm_fpg", "糖尿病控制目标空腹血糖"),
    "followup_pregnancy_fpg": ("pregnancy_fpg", "妊娠期空腹血糖紧急转诊值"),
}


def targets_from(settings: Settings) -> ControlTargets:
    return ControlTargets(
        **{field: getattr(settings, key) for key, (field, _label) in TARGET_FIELDS.items()}
    )


def load_targets(data_dir: Path) -> ControlTargets:
    return targets_from(Settings.load(data_dir))


def check_targets(t: ControlTargets) -> None:
    """Refuse values outside the allowed range, and an older patients' target stricter than
    the general one (the standard loosens it for them)."""
    e: list[FieldError] = []
    for key, (name, label) in TARGET_FIELDS.items():
        lo, hi = RANGES[key]
        value = getattr(t, name)
        if not lo <= value <= hi:
            e.append(FieldError(key, "range", f"{label}应为 {lo:g}–{hi:g}"))
    if not e and (t.elderly_sbp < t.htn_sbp or t.elderly_dbp < t.htn_dbp):
        e.append(
            FieldError(
                "followup_elderly_sbp_target",
                "stricter",
                "老年患者的控制目标不能低于一般患者的控制目标",
            )
        )
    if e:
        raise ValidationError(e)


def save_targets(data_dir: Path, t: ControlTargets) -> ControlTargets:
    """Validate and store; re-reads the file so every other setting is kept as it is."""
    check_targets(t)
    s = Settings.load(data_dir)
    for key, (name, _label) in TARGET_FIELDS.items():
        value = getattr(t, name)
        setattr(s, key, float(value) if isinstance(getattr(s, key), float) else int(value))
    s.save(data_dir)
    return targets_from(s)
