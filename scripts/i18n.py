"""Update and build the zh_CN translation of the workstation.

    .venv/bin/python scripts/i18n.py          # lupdate → fill from glossaries → lrelease
    .venv/bin/python scripts/i18n.py --check  # exit 1 if anything is missing, unfinished or stale

The .ts file is the Qt Linguist source of truth that ships; the glossaries in
resources/translations/zh_CN/*.tsv (one per area, lines ``English<TAB>中文`` or
``Context<TAB>English<TAB>中文``, ``\\n`` for a line break) are how each area adds its strings
without editing the shared .ts by hand. Translations made in Linguist are kept.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "resources" / "translations"
TS = TRANSLATIONS / "cliniclink_zh_CN.ts"
QM = TRANSLATIONS / "cliniclink_zh_CN.qm"
GLOSSARY_DIR = TRANSLATIONS / "zh_CN"
PLACEHOLDER = re.compile(r"%\d+|%n|\{[a-z_0-9]*\}")


def tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    return str(exe) if exe.exists() else name


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app").rglob("*.py"))


def run_lupdate(ts: Path) -> None:
    subprocess.run(
        [
            tool("pyside6-lupdate"),
            *sources(),
            "-ts",
            str(ts),
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            "zh_CN",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def load_glossary() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    plain: dict[str, str] = {}
    by_context: dict[tuple[str, str], str] = {}
    for f in sorted(GLOSSARY_DIR.glob("*.tsv")):
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = [p.replace("\\n", "\n") for p in line.split("\t")]
            if len(parts) == 2:
                plain[parts[0]] = parts[1]
            elif len(parts) == 3:
                by_context[(parts[0], parts[1])] = parts[2]
            else:
                raise SystemExit(f"{f.name}:{n}: expected 2 or 3 tab-separated columns")
    return plain, by_context


def fill(ts: Path) -> None:
    plain, by_context = load_glossary()
    tree = ET.parse(ts)
    for context in tree.getroot().iter("context"):
        cname = context.findtext("name") or ""
        for msg in context.iter("message"):
            source = msg.findtext("source") or ""
            tr = msg.find("translation")
            if tr is None:
                tr = ET.SubElement(msg, "translation")
            text = by_context.get((cname, source), plain.get(source))
            if text is not None:
                tr.text = text
                tr.attrib.pop("type", None)
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8"
    )


def problems(ts: Path) -> list[str]:
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        cname = context.findtext("name") or ""
        for msg in context.iter("message"):
            source = msg.findtext("source") or ""
            tr = msg.find("translation")
            text = (tr.text or "") if tr is not None else ""
            if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete") or not text:
                out.append(f"untranslated [{cname}] {source!r}")
            elif sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                out.append(f"placeholders differ [{cname}] {source!r} -> {text!r}")
    return out


def build(ts: Path, qm: Path) -> None:
    subprocess.run(
        [tool("pyside6-lrelease"), str(ts), "-qm", str(qm)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / TS.name
            shutil.copyfile(TS, fresh)
            run_lupdate(fresh)
            fill(fresh)
            issues = problems(fresh)
            if fresh.read_text(encoding="utf-8") != TS.read_text(encoding="utf-8"):
                issues.append(f"{TS.relative_to(ROOT)} is stale: run scripts/i18n.py")
            qm = Path(tmp) / QM.name
            build(TS, qm)
            if not QM.exists() or qm.read_bytes() != QM.read_bytes():
                issues.append(f"{QM.relative_to(ROOT)} is stale: run scripts/i18n.py")
        for line in issues:
            print(line)
        return 1 if issues else 0
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    run_lupdate(TS)
    fill(TS)
    build(TS, QM)
    issues = problems(TS)
    for line in issues:
        print(line)
    print(f"{TS.relative_to(ROOT)}: {len(issues)} untranslated or mismatched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
