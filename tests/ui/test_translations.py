"""zh_CN is the default UI language and must be complete: no unfinished or missing string."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_zh_cn_translation_is_complete_and_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/i18n.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_catches_an_unfinished_string(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import i18n
    finally:
        sys.path.pop(0)
    ts = tmp_path / "x.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="zh_CN">'
        "<context><name>A</name>"
        '<message><source>Save</source><translation type="unfinished"></translation></message>'
        "<message><source>%1 shown</source><translation>已显示</translation></message>"
        "</context></TS>",
        encoding="utf-8",
    )
    found = i18n.problems(ts)
    assert any("untranslated [A] 'Save'" in p for p in found)
    assert any("placeholders differ" in p for p in found)
