"""Peak memory from start to the main window after login, on the 10-year dataset.

    .venv/bin/python bench/bench_memory.py [--data DIR] [--runs N]

Each run is a fresh child process (offscreen Qt) that does what a clinic PC does: the login
window (Chinese translations loaded), then the doctor logs in and the main window opens on the
patient list with its first page. It prints its peak resident size (ru_maxrss) at the login
window and after the main window is shown; the figures are the median over the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import DEFAULT_DATA, ROOT, save  # noqa: I001

CHILD = r"""
import json, os, resource, sys
sys.path.insert(0, {root!r})
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path

def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

data = Path(sys.argv[1])
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.ui.application import install_translators
install_translators(app, "zh_CN")
from app.services.startup import open_services
services = open_services(data)
from app.ui.dialogs.login_dialog import LoginDialog
login = LoginDialog(services, "来安县桃花镇卫生院", "doctor0")
login.show()
app.processEvents()
at_login = peak_mib()
modules_login = len(sys.modules)
login.password.setText("doctor123")
login.submit()
from app.ui.change_bus import ChangeBus
from app.ui.main_window import MainWindow
window = MainWindow(services, ChangeBus(services.ctx))
window.show()
app.processEvents()
assert window.page("patients").model.rowCount() > 0
app.processEvents()
heavy = [m for m in ("reportlab", "PySide6.QtCharts", "pypdfium2", "openpyxl", "httpx")
         if m in sys.modules]
print(json.dumps({{"login_mib": at_login, "main_mib": peak_mib(), "modules_login": modules_login,
                   "modules_main": len(sys.modules), "heavy_loaded": heavy}}))
window.sync.stop()
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not (args.data / "cliniclink.db").exists():
        raise SystemExit("no dataset: run bench/make_dataset.py first")
    work = Path(tempfile.mkdtemp())
    shutil.copytree(args.data, work / "data")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD.format(root=str(ROOT)), str(work / "data")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    login = statistics.median(r["login_mib"] for r in runs)
    main_ = statistics.median(r["main_mib"] for r in runs)
    print(f"peak at the login window: {login:.0f} MiB; after login, main window: {main_:.0f} MiB")
    print(f"modules: {runs[0]['modules_login']} at login, {runs[0]['modules_main']} at main")
    print(f"heavy modules loaded by the main window: {runs[0]['heavy_loaded']}")
    save(
        "memory",
        {
            "login_peak_mib": round(login, 1),
            "main_peak_mib": round(main_, 1),
            "heavy_loaded": runs[0]["heavy_loaded"],
        },
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
