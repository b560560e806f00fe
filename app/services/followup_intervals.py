"""The clinic's follow-up intervals (随访间隔): read from and saved to settings.toml.

Provinces set their own intervals (the national standard leaves them open), so a clinic
administrator may change the
days to the next visit when 控制满意, when 控制不满意, and after an emergency referral.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.config import RANGES, Settings
from app.domain.errors import FieldError, ValidationError
from app.domain.followup import Intervals

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
