"""Start-up: process start → first window, against a bare PySide6 window measured in the same
run (target <= 2.5x); and login → populated main window (target <= 300 ms).

    .venv/bin/python bench/bench_startup.py [--data DIR] [--runs N]

Each child process is timed from just before it is spawned to the moment its first window is
exposed (it prints ``shown <epoch>``; the app does so when CLINICLINK_BENCH_SHOWN is set).
Runs alternate between the bare window and the app so both see the same machine state.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import DEFAULT_DATA, ROOT, save, summary  # noqa: I001

BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
w = QWidget(); w.setWindowTitle("bare"); w.resize(380, 180); w.show()
QTimer.singleShot(0, lambda: (print(f"shown {time.time():.6f}", flush=True), app.quit()))
app.exec()
"""


def time_to_shown(cmd: list[str], env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("shown "):
            return (float(line.split()[1]) - start) * 1000
    raise RuntimeError(f"no 'shown' line from {cmd}: {out.stdout} {out.stderr}")


def login_to_main_window_ms(data: Path, runs: int) -> list[float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.services.bundle import AppServices
    from app.services.context import ServiceContext
    from app.ui.application import install_translators
    from app.ui.change_bus import ChangeBus
    from app.ui.dialogs.login_dialog import LoginDialog
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    install_translators(app, "zh_CN")  # type: ignore[arg-type]
    out = []
    for _ in range(runs + 1):
        services = AppServices.create(ServiceContext.open(data), data)
        bus = ChangeBus(services.ctx)
        login = LoginDialog(services, "来安县桃花镇卫生院", "doctor0")
        login.show()
        app.processEvents()
        login.password.setText("doctor123")
        t = time.perf_counter()
        login.submit()  # argon2id verification included
        window = MainWindow(services, bus)
        window.show()
        app.processEvents()  # first paint; the patients page loads its first page on show
        page = window.page("patients")
        assert page.model.rowCount() > 0  # type: ignore[attr-defined]
        out.append((time.perf_counter() - t) * 1000)
        window.close()
        login.close()
        window.deleteLater()
        services.ctx.dispose()
        app.processEvents()
    return out[1:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    if not (args.data / "cliniclink.db").exists():
        raise SystemExit("no dataset: run bench/make_dataset.py first")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CLINICLINK_BENCH_SHOWN": "1"}
    work = Path(tempfile.mkdtemp())
    shutil.copytree(args.data, work / "data")
    bare_cmd = [sys.executable, "-c", BARE]
    app_cmd = [sys.executable, "-m", "app", "--data-dir", str(work / "data"), "--smoke"]
    time_to_shown(app_cmd, env)  # warm the OS file cache for both
    time_to_shown(bare_cmd, env)
    bare, full = [], []
    for _ in range(args.runs):
        bare.append(time_to_shown(bare_cmd, env))
        full.append(time_to_shown(app_cmd, env))
    b, a = summary(bare), summary(full)
    ratio = a["median"] / b["median"]
    print(f"bare PySide6 window: median {b['median']:.0f} ms (p95 {b['p95']:.0f})")
    print(
        f"ClinicLink login window (100k-resident database): median {a['median']:.0f} ms "
        f"(p95 {a['p95']:.0f})"
    )
    print(f"ratio {ratio:.2f}x ({'meets' if ratio <= 2.5 else 'MISSES'} the 2.5x target)")
    login = summary(login_to_main_window_ms(work / "data", max(5, args.runs // 2)))
    print(
        f"login → populated main window: median {login['median']:.0f} ms "
        f"(p95 {login['p95']:.0f}) ({'meets' if login['median'] <= 300 else 'MISSES'} 300 ms)"
    )
    save(
        "startup", {"bare_ms": b, "app_ms": a, "ratio": round(ratio, 2), "login_to_main_ms": login}
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
