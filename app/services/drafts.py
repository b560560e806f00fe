"""Half-typed forms kept on disk, so a crash or a power cut does not lose them.

One JSON file per form under ``<data dir>/drafts/``, written atomically (a temporary file,
fsync, then rename over the old one): after a power cut the file is either the previous draft
or the new one, never half of each. The content is whatever the form put in (plain values).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

DRAFTS_DIR = "drafts"


@dataclass(frozen=True)
class Draft:
    key: str
    saved_at: datetime
    title: str
    values: dict[str, Any]


def _file_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", key) + ".json"


class DraftStore:
    def __init__(self, data_dir: Path) -> None:
        self.dir = Path(data_dir) / DRAFTS_DIR

    def path(self, key: str) -> Path:
        return self.dir / _file_name(key)

    def save(self, key: str, title: str, values: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        payload = {
            "key": key,
            "saved_at": datetime.now().isoformat(timespec="seconds"),
            "title": title,
            "values": values,
        }
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".draft-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self, key: str) -> Draft | None:
        return self._read(self.path(key))

    def _read(self, path: Path) -> Draft | None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return Draft(
                key=str(raw["key"]),
                saved_at=datetime.fromisoformat(raw["saved_at"]),
                title=str(raw.get("title", "")),
                values=dict(raw["values"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or unreadable: nothing to offer

    def discard(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def all(self, prefix: str = "") -> list[Draft]:
        """Every readable draft whose key starts with ``prefix``, newest first."""
        if not self.dir.is_dir():
            return []
        found = [d for p in self.dir.glob("*.json") if (d := self._read(p)) is not None]
        return sorted(
            (d for d in found if d.key.startswith(prefix)), key=lambda d: d.saved_at, reverse=True
        )
