"""The installable bundle: build.spec makes a one-folder PyInstaller build of the workstation
that starts without Python, finds its translations, migrations and fonts, and prints a slip.

Building takes two to three minutes, so it runs where CLINICLINK_TEST_BUNDLE=1 (CI sets it).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("CLINICLINK_TEST_BUNDLE") != "1",
        reason="builds the PyInstaller bundle (2-3 min): set CLINICLINK_TEST_BUNDLE=1 (CI does)",
    ),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("pyinstaller", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("pyinstaller is not installed in this environment (pip install -e '.[dev]')")
    out = tmp_path_factory.mktemp("bundle")
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pyinstaller")),
            "--noconfirm",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "build"),
            "build.spec",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=1200,
    )
    (folder,) = (out / "dist").iterdir()
    exe = folder / ("ClinicLink.exe" if sys.platform == "win32" else "ClinicLink")
    assert exe.exists()
    return exe


def run(exe: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=300, env=env, cwd=exe.parent
    )


def test_the_bundle_starts_on_a_fresh_data_directory(bundle: Path, tmp_path: Path) -> None:
    result = run(bundle, "--data-dir", str(tmp_path / "fresh"), "--smoke")
    assert result.returncode == 0, result.stdout + result.stderr
    # The first-run window, in Chinese: the translations travelled with the bundle.
    assert "smoke ok: SetupDialog (ClinicLink — 首次设置)" in result.stdout


def test_the_bundle_seeds_demo_data_prints_a_slip_and_passes_check(
    bundle: Path, tmp_path: Path
) -> None:
    data = tmp_path / "demo"
    result = run(bundle, "--data-dir", str(data), "--demo", "--smoke")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke ok: LoginDialog (ClinicLink — 登录)" in result.stdout
    with sqlite3.connect(data / "cliniclink.db") as c:
        (number,) = c.execute(
            "SELECT number FROM referrals WHERE direction='up' ORDER BY number LIMIT 1"
        ).fetchone()
    pdf = tmp_path / "slip.pdf"
    printed = run(bundle, "--data-dir", str(data), "print-referral", number, "--out", str(pdf))
    assert printed.returncode == 0, printed.stdout + printed.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert f"转诊单号：{number}" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "WenQuanYi" in fonts and " yes " in fonts  # the CJK font is embedded
    check = run(bundle, "--data-dir", str(data), "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_bundle_leaves_out_what_the_workstation_does_not_use(bundle: Path) -> None:
    folder = bundle.parent
    names = {p.name for p in folder.rglob("*")}
    for unwanted in ("libQt6Qml.so.6", "libQt6Quick.so.6", "libQt6VirtualKeyboard.so.6"):
        assert unwanted not in names
    assert not any(n.startswith(("fastapi", "uvicorn", "psycopg")) for n in names)
    assert not (folder / "_internal" / "county").exists()
    # Shared libraries appear twice as symlinks on Linux: count each file once.
    size = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < 200 * 1024 * 1024, f"bundle is {size / 2**20:.0f} MiB"


def test_the_bundle_runs_nothing_at_start_that_the_workstation_does_not_need(
    bundle: Path,
) -> None:
    """Start-up within 1.2x of the source run (bench/bench_bundle_start.py measures it): no
    setuptools / pkg_resources run-time hooks (each imported before ClinicLink's first line),
    and not the httpx command line's terminal libraries (httpx imports them when present)."""
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(bundle))
    hooks = {name for name in archive.toc if name.startswith("pyi_rth_")}
    assert hooks.isdisjoint({"pyi_rth_pkgres", "pyi_rth_setuptools"}), hooks
    modules = {name.split(".")[0] for name in archive.open_embedded_archive("PYZ.pyz").toc}
    for unwanted in ("setuptools", "pkg_resources", "rich", "pygments", "click", "numpy"):
        assert unwanted not in modules
    assert {"app", "httpx", "sqlalchemy", "reportlab", "PIL"} <= modules
