"""Layer boundaries of docs/ARCHITECTURE.md, checked on the real import statements (AST)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def files(*parts: str) -> list[Path]:
    base = ROOT.joinpath(*parts)
    return sorted(base.rglob("*.py")) if base.exists() else []


def leaks(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for f in paths:
        for name in imports_of(f):
            if (
                name.split(".")[0] in forbidden
                or name in forbidden
                or any(name == fb or name.startswith(fb + ".") for fb in forbidden)
            ):
                out.append(f"{f.relative_to(ROOT)} imports {name}")
    return out


def test_core_packages_never_import_qt() -> None:
    core = (
        files("app", "domain")
        + files("app", "db")
        + files("app", "services")
        + files("app", "reports")
        + [f for f in files("app", "sync") if f.name != "worker.py"]
        + files("county")
    )
    assert core, "expected the core packages to exist"
    assert leaks(core, ("PySide6",)) == []


def test_domain_is_pure() -> None:
    assert leaks(files("app", "domain"), ("PySide6", "sqlalchemy", "alembic", "httpx")) == []


def test_ui_never_imports_sqlalchemy() -> None:
    assert leaks(files("app", "ui"), ("sqlalchemy", "alembic")) == []


def test_reports_take_plain_data() -> None:
    assert leaks(files("app", "reports"), ("sqlalchemy", "app.db", "app.services")) == []


def test_county_hub_stays_out_of_the_workstation() -> None:
    assert leaks(files("county"), ("app.ui", "app.services", "PySide6")) == []


def test_the_checker_sees_a_leak(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport sqlalchemy.orm\n", encoding="utf-8")
    assert imports_of(bad) == {"PySide6.QtCore", "sqlalchemy.orm"}
