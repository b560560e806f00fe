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


def tr_calls() -> dict[tuple[str, str], str]:
    """(context, source) → where, for every string literal given to ``self.tr()``,
    ``QCoreApplication.translate()`` or ``QT_TRANSLATE_NOOP()`` in app/, read from the source
    (not from what lupdate found). ``tr()``'s context is the class it is called in."""
    import ast

    found: dict[tuple[str, str], str] = {}
    for path in sorted((ROOT / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node: ast.AST, cls: str, rel: str = str(path.relative_to(ROOT))) -> None:
            if isinstance(node, ast.ClassDef):
                cls = node.name
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
                if name == "tr" and args and isinstance(args[0], str):
                    found.setdefault((cls, args[0]), f"{rel}:{node.lineno}")
                elif (
                    name in ("translate", "QT_TRANSLATE_NOOP")
                    and len(args) >= 2
                    and isinstance(args[0], str)
                    and isinstance(args[1], str)
                ):
                    found.setdefault((args[0], args[1]), f"{rel}:{node.lineno}")
            for child in ast.iter_child_nodes(node):
                visit(child, cls)

        visit(tree, "")
    return found


def finished_translations(ts: Path) -> dict[tuple[str, str], str]:
    import xml.etree.ElementTree as ET

    out = {}
    for context in ET.parse(ts).getroot().iter("context"):
        cname = context.findtext("name") or ""
        for msg in context.iter("message"):
            tr = msg.find("translation")
            if tr is not None and tr.text and tr.get("type") is None:
                out[(cname, msg.findtext("source") or "")] = tr.text
    return out


def missing_translations(ts: Path) -> list[str]:
    done = finished_translations(ts)
    return sorted(
        f"{where}: [{c}] {s!r}" for (c, s), where in tr_calls().items() if (c, s) not in done
    )


def test_every_tr_string_in_the_source_has_a_finished_zh_cn_translation() -> None:
    calls = tr_calls()
    assert len(calls) > 500  # the scan reads the whole UI
    missing = missing_translations(ROOT / "resources" / "translations" / "cliniclink_zh_CN.ts")
    assert missing == [], "no finished zh_CN translation:\n" + "\n".join(missing)


def test_the_scan_catches_a_string_lupdate_would_miss(tmp_path: Path) -> None:
    ts = tmp_path / "x.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="zh_CN">'
        "<context><name>Navigation</name>"
        '<message><source>Patients</source><translation type="unfinished">患者</translation>'
        "</message></context></TS>",
        encoding="utf-8",
    )
    missing = missing_translations(ts)
    assert any("[Navigation] 'Patients'" in m for m in missing)


def test_translate_is_never_called_under_another_name() -> None:
    """``t = QCoreApplication.translate; t("Ctx", "Text")`` hides the string from lupdate and
    from the scan above, so it would never be translated."""
    import ast

    aliases = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr in ("translate", "tr")
            ):
                aliases.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert aliases == []


def test_no_source_string_is_part_chinese() -> None:
    """The source strings are the English UI: one with Chinese in it ("New 进修 record")
    stays half Chinese under --lang en."""
    import re

    chinese = [
        f"{where}: [{c}] {s!r}"
        for (c, s), where in tr_calls().items()
        if re.search(r"[\u3400-\u9fff]", s)
    ]
    assert chinese == []


def test_the_bundle_carries_qts_chinese_translation_and_no_other_language() -> None:
    """build.spec's DROP pattern, read from the spec: qtbase_zh_CN.qm (QMessageBox, QFileDialog
    in Chinese) goes into the bundle, the other ~40 languages do not."""
    import ast
    import re

    tree = ast.parse((ROOT / "build.spec").read_text(encoding="utf-8"))
    node = next(
        n
        for n in tree.body
        if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "DROP" for t in n.targets)
    )
    drop = eval(compile(ast.Expression(node.value), "build.spec", "eval"), {"re": re})
    base = "PySide6/Qt/translations/"
    assert not drop.search(base + "qtbase_zh_CN.qm")
    for other in ("qtbase_de.qm", "qtbase_zh_TW.qm", "qt_ja.qm", "qtdeclarative_zh_CN.qm"):
        assert drop.search(base + other), other
