"""One typed settings model with defaults, stored as TOML in the data directory."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w
from pydantic import BaseModel, Field

SETTINGS_FILE = "settings.toml"


class Settings(BaseModel):
    language: str = "zh_CN"
    last_username: str = ""
    hub_url: str = ""
    hub_token: str = ""
    ca_bundle: str = ""
    sync_interval_minutes: int = Field(default=5, ge=1, le=1440)
    search_page_size: int = Field(default=100, ge=20, le=1000)

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        path = Path(data_dir) / SETTINGS_FILE
        if not path.exists():
            return cls()
        with path.open("rb") as fh:
            return cls.model_validate(tomllib.load(fh))

    def save(self, data_dir: Path) -> None:
        path = Path(data_dir) / SETTINGS_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(tomli_w.dumps(self.model_dump()).encode("utf-8"))
        tmp.replace(path)


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("ClinicLink", "ClinicLink"))
