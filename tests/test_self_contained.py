"""Nothing in the repository points outside it: a clone has only what is in it, so code,
tests and docs state the rule they rely on instead of citing a document a reader cannot open."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# spelled in pieces so this file does not match itself
OUTSIDE = ("../" + "shared", "DOMAIN" + ".md", "seed " + "003", "/work/" + "shared")
TEXT = {".py", ".md", ".txt", ".toml", ".sh", ".tsv", ".html", ".spec", ".cfg", ".ini"}


def test_no_pointer_outside_the_repository() -> None:
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    found = []
    for name in files:
        path = ROOT / name
        if path.suffix not in TEXT or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{name}: {o}" for o in OUTSIDE if o in text]
    assert found == []
