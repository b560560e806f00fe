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
RANGES = {"sync_interval_minutes": (1, 1440), "search_page_size": (20, 1000)}
# 随访 intervals in days (provinces differ): 控制满意, 控制不满意, after an
# emergency referral, and the first 下转康复 visit after a downward referral without a booked
# date (settings.toml only; not on the settings page).
RANGES.update(
    followup_controlled_days=(28, 180),
    followup_uncontrolled_days=(3, 30),
    followup_referral_days=(3, 30),
    followup_rehab_days=(3, 90),
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

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Settings:
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in raw:
                continue
            value, default = raw[f.name], getattr(defaults, f.name)
            ok = isinstance(value, type(default)) and not isinstance(value, bool)
            if ok and f.name in RANGES:
                lo, hi = RANGES[f.name]
                ok = lo <= value <= hi
            if ok and f.name == "language":
                ok = value in LANGUAGES
            if ok:
                values[f.name] = value
            else:
                log.warning("settings: ignoring bad value %r for %s", value, f.name)
        return cls(**values)

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        path = Path(data_dir) / SETTINGS_FILE
        if not path.exists():
            return cls()
        try:
            with path.open("rb") as fh:
                return cls.from_dict(tomllib.load(fh))
        except (tomllib.TOMLDecodeError, OSError) as exc:
            log.warning("settings file %s unreadable (%s); using defaults", path, exc)
            return cls()

    def save(self, data_dir: Path) -> None:
        import tomli_w

        path = Path(data_dir) / SETTINGS_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(tomli_w.dumps(asdict(self)).encode("utf-8"))
        tmp.replace(path)


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("ClinicLink", "ClinicLink"))
