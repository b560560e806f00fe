"""Demo first start: process start → login window with ``--demo`` on a fresh data directory
(migrate, set up the clinic, seed the demo records), against a bare PySide6 window measured
in the same run (target <= 3 s).

    .venv/bin/python bench/bench_demo_start.py [--runs N]

Each run gets a new empty data directory. Timing as bench_startup.py: from just before the
child is spawned to its ``shown <epoch>`` line; runs alternate with the bare window.
``--app-root DIR`` runs ``python -m app`` from another checkout (e.g. the commit before).
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

from bench_startup import BARE
from common import ROOT, save, summary  # noqa: I001


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--app-root", type=Path, default=None, help="run the app of another checkout (before/after)"
    )
    args = parser.parse_args(argv)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CLINICLINK_BENCH_SHOWN": "1"}
    work = Path(tempfile.mkdtemp())
    bare_cmd = [sys.executable, "-c", BARE]

    def demo_cmd(i: int) -> list[str]:
        data = work / f"demo{i}"
        return [sys.executable, "-m", "app", "--data-dir", str(data), "--demo", "--smoke"]

    root = args.app_root or ROOT

    def time_to_shown(cmd: list[str], env: dict[str, str]) -> float:
        start = time.time()
        out = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)
        for line in out.stdout.splitlines():
            if line.startswith("shown "):
                return (float(line.split()[1]) - start) * 1000
        raise RuntimeError(f"no 'shown' line from {cmd}: {out.stdout} {out.stderr}")

    time_to_shown(demo_cmd(-1), env)  # warm the OS file cache for both
    time_to_shown(bare_cmd, env)
    bare, demo = [], []
    for i in range(args.runs):
        bare.append(time_to_shown(bare_cmd, env))
        demo.append(time_to_shown(demo_cmd(i), env))
    b, d = summary(bare), summary(demo)
    print(f"bare PySide6 window: median {b['median']:.0f} ms (p95 {b['p95']:.0f})")
    print(
        f"ClinicLink --demo first start → login window: median {d['median']:.0f} ms "
        f"(p95 {d['p95']:.0f}, {args.runs} runs) "
        f"({'meets' if d['median'] <= 3000 else 'MISSES'} the 3 s target)"
    )
    save("demo_start", {"bare_ms": b, "demo_first_start_ms": d})
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
