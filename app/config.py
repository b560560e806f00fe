"""One typed settings model with defaults, stored as TOML in the data directory.

A plain dataclass checked on load, rather than a pydantic model: the settings are read before
the first window appears, and importing pydantic there costs about a tenth of a second on a
clinic PC. Unknown keys are ignored; a bad value falls back to its default and is logged.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
SETTINGS_FILE = "settings.toml"
LANGUAGES = ("zh_CN", "en")
RANGES: dict[str, tuple[Any, Any]] = {
    "sync_interval_minutes": (1, 1440),
    "search_page_size": (20, 1000),
}
# 随访 intervals in days (provinces differ): 控制满意, 控制不满意, after an
# emergency referral, and the first 下转康复 visit after a downward referral without a booked
# date (settings.toml only; not on the settings page).
RANGES.update(
    followup_controlled_days=(28, 180),
    followup_uncontrolled_days=(3, 30),
    followup_referral_days=(3, 30),
    followup_rehab_days=(3, 90),
)
# A shared clinic PC locks its screen after this many minutes without keyboard or mouse.
RANGES["idle_lock_minutes"] = (1, 240)
# Days after a referral was received (county answer or 回执) with no arrival before the list
# flags it 已接收未到诊.
RANGES.update(referral_not_arrived_days=(1, 60))
RANGES.update(backup_keep=(1, 365))  # daily backups kept (days)
# 随访 control targets (the standard's values are the defaults; provinces may set their own):
# BP target below which a hypertensive patient is 控制满意, the age from which the older
# patients' target applies, the diabetes fasting-glucose target, and the fasting glucose from
# which a pregnant or breastfeeding diabetic is an emergency.
RANGES.update(
    followup_htn_sbp_target=(110, 160),
    followup_htn_dbp_target=(60, 100),
    followup_elderly_age=(55, 90),
    followup_elderly_sbp_target=(110, 170),
    followup_elderly_dbp_target=(60, 100),
    followup_dm_fpg_target=(4.5, 10.0),
    followup_pregnancy_fpg=(4.0, 7.0),
)
# 继续医学教育 (continuing-education) rules, configurable per province: credits a year for
# health professionals with a 中级 or higher title (total, I类 minimum and cap, II类 minimum
# and cap), hours per credit when an activity states no award of its own, the months of
# full-time 进修 that meet the year, and yearly training hours for 初级 staff and 乡村医生.
RANGES.update(
    credit_total=(0.0, 100.0),
    credit_i_min=(0.0, 50.0),
    credit_i_max=(0.0, 50.0),
    credit_ii_min=(0.0, 100.0),
    credit_ii_max=(0.0, 100.0),
    credit_hours_per_credit=(0.5, 12.0),
    credit_secondment_months=(1, 12),
    training_hours_junior=(0.0, 500.0),
    training_hours_village=(0.0, 500.0),
)


@dataclass
class Settings:
    language: str = "zh_CN"
    last_username: str = ""
    hub_url: str = ""
    hub_token: str = ""
    ca_bundle: str = ""
    sync_interval_minutes: int = 5
    search_page_size: int = 100
    followup_controlled_days: int = 90
    followup_uncontrolled_days: int = 14
    followup_referral_days: int = 14
    followup_rehab_days: int = 14
    idle_lock_minutes: int = 10
    # The clinic's time zone (IANA name): clinic dates are dates in this zone.
    clinic_timezone: str = "Asia/Shanghai"
    referral_not_arrived_days: int = 7
    # The daily backup's folder (a USB drive, a network share); "" = backups in the data dir.
    backup_folder: str = ""
    backup_keep: int = 7
    followup_htn_sbp_target: int = 140
    followup_htn_dbp_target: int = 90
    followup_elderly_age: int = 65
    followup_elderly_sbp_target: int = 150
    followup_elderly_dbp_target: int = 90
    followup_dm_fpg_target: float = 7.0
    followup_pregnancy_fpg: float = 5.1
    credit_total: float = 25.0
    credit_i_min: float = 5.0
    credit_i_max: float = 10.0
    credit_ii_min: float = 15.0
    credit_ii_max: float = 20.0
    credit_hours_per_credit: float = 3.0
    credit_secondment_months: int = 6
    training_hours_junior: float = 24.0
    training_hours_village: float = 80.0
    # Test bench only: accept a plain http:// hub (the records and the token then travel
    # unencrypted). Set by an administrator on the 同步 page; the page shows it in red.
    allow_insecure_http: bool = False

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Settings:
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in raw:
                continue
            value, default = raw[f.name], getattr(defaults, f.name)
            if (
                isinstance(default, float)
                and isinstance(value, int)
                and not isinstance(value, bool)
            ):
                value = float(value)  # TOML writes 7 for 7.0 when a person edits the file
            ok = isinstance(value, type(default)) and (
                isinstance(default, bool) or not isinstance(value, bool)
            )
            if ok and f.name in RANGES:
                lo, hi = RANGES[f.name]
                ok = lo <= value <= hi
            if ok and f.name == "language":
                ok = value in LANGUAGES
            if ok and f.name == "clinic_timezone":
                from app.domain.clinic_clock import is_known_zone

                ok = is_known_zone(value)
            if ok:
                values[f.name] = value
            else:
                log.warning("settings: ignoring bad value %r for %s", value, f.name)
        return cls(**values)

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        """The settings file, with the hub token from the secret store (app.secret_store)."""
        from app.secret_store import read_token, write_token

        path = Path(data_dir) / SETTINGS_FILE
        if not path.exists():
            return cls()
        try:
            with path.open("rb") as fh:
                raw = tomllib.load(fh)
        except (tomllib.TOMLDecodeError, OSError) as exc:
            log.warning("settings file %s unreadable (%s); using defaults", path, exc)
            return cls()
        settings = cls.from_dict(raw)
        if settings.hub_token:
            # Written by an older version in plain text: move it to the secret store.
            try:
                write_token(data_dir, settings.hub_token)
                settings.save(data_dir)
            except OSError as exc:
                log.warning("could not move the hub token out of %s (%s)", path, exc)
        else:
            settings.hub_token = read_token(data_dir)
        return settings

    def save(self, data_dir: Path) -> None:
        """Write settings.toml (atomically) without the token, and the token to the store."""
        import tomli_w

        from app.secret_store import write_token

        write_token(data_dir, self.hub_token)
        values = asdict(self)
        del values["hub_token"]
        path = Path(data_dir) / SETTINGS_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(tomli_w.dumps(values).encode("utf-8"))
        tmp.replace(path)


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("ClinicLink", "ClinicLink"))
