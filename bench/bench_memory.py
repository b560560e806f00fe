"""Peak memory (RSS high-water mark) of the workstation from process start to the login
window, and on to the populated main window after login, on the 10-year dataset (target
<= 150 MB for the whole way).

    .venv/bin/python bench/bench_memory.py [--data DIR] [--runs N] [--user doctor0]

Each run is a fresh ``python`` child that goes the way ``python -m app`` goes (translators,
peek, login window, database check in the background), types the password, and waits for
the main window's first page to show its rows. It prints ``ru_maxrss`` at three points:
the login window shown, the database check finished (what ``--smoke`` sees), and the main
window populated. ``--imports`` also lists which top-level packages were imported;
``--app-root DIR`` measures another checkout (before/after).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from common import DEFAULT_DATA, ROOT, save  # noqa: I001

CHILD = r"""
import json, os, resource, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

def mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

data, user, password, list_imports = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
marks = {"interpreter": mib()}
app = QApplication(sys.argv[:1])
from app.config import Settings
from app.ui.application import Workstation, install_translators
from app.services.startup import peek
settings = Settings.load(data)
install_translators(app, settings.language)
ws = Workstation(app, None, settings, data, interactive=False)
login = ws.start(peek(data).clinic_name)

def shown():
    marks["login_window"] = mib()
    ws.prepare_in_background()

def ready():
    marks["database_checked"] = mib()
    login.username.setText(user)
    login.password.setText(password)
    login.submit()
    poll()

def poll():
    window = ws.main_window
    page = window.pages.get("patients") if window is not None else None
    model = getattr(page, "model", None)
    if model is None or model.rowCount() == 0:
        QTimer.singleShot(20, poll)
        return
    app.processEvents()
    marks["main_window"] = mib()
    if list_imports == "1":
        marks["imports"] = sorted({m.split(".")[0] for m in sys.modules})
    print("marks " + json.dumps(marks), flush=True)
    app.exit(0)

ws.ready.connect(ready)
ws.failed.connect(lambda m: (print(m, file=sys.stderr), app.exit(2)))
QTimer.singleShot(0, shown)
sys.exit(app.exec())
"""


def run_once(
    data: Path, user: str, password: str, imports: bool, root: Path = ROOT
) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-c", CHILD, str(data), user, password, "1" if imports else "0"]
    out = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    for line in out.stdout.splitlines():
        if line.startswith("marks "):
            return dict(json.loads(line[6:]))
    raise RuntimeError(f"no marks: {out.stdout} {out.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--user", default="doctor0")
    parser.add_argument("--password", default="doctor123")
    parser.add_argument("--imports", action="store_true")
    parser.add_argument(
        "--app-root", type=Path, default=ROOT, help="measure the app of another checkout"
    )
    args = parser.parse_args(argv)
    if not (args.data / "cliniclink.db").exists():
        raise SystemExit("no dataset: run bench/make_dataset.py first")
    runs = [
        run_once(args.data, args.user, args.password, args.imports, args.app_root)
        for _ in range(args.runs)
    ]
    keys = ["interpreter", "login_window", "database_checked", "main_window"]
    result = {k: round(statistics.median(float(r[k]) for r in runs), 1) for k in keys}  # type: ignore[arg-type]
    for k in keys:
        print(f"peak RSS at {k.replace('_', ' ')}: {result[k]:.1f} MiB")
    mb = result["main_window"] * 1.048576
    print(f"main window: {mb:.0f} MB ({'meets' if mb <= 150 else 'MISSES'} the 150 MB aim)")
    if args.imports:
        print("imported packages:", " ".join(runs[0]["imports"]))  # type: ignore[arg-type]
    save("memory", {"peak_rss_mib": result, "runs": args.runs})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
