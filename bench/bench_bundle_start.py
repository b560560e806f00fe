"""Bundle start beside the source run: the PyInstaller bundle's ``--smoke`` on a demo data
directory against ``python -m app --smoke`` on the same directory, same run, as a ratio
(target: the bundle within 1.2x of the source run).

    .venv/bin/python bench/bench_bundle_start.py [--bundle DIST/ClinicLink-x/ClinicLink]
                                                 [--runs N] [--no-hyperfine]

Without ``--bundle`` the bundle is built first from build.spec into a temporary folder (about
a minute of CPU). The runs alternate bundle / source so that both see the same machine
state; each is measured three ways: wall time to the first window (the ``shown`` line the app
prints when CLINICLINK_BENCH_SHOWN is set), wall time of the whole process (what ``--smoke``
waits for: the background database check too), and the CPU time the process and its threads
used (user + sys, from ``wait4``). On a machine shared with other jobs the wall times move
with their load; the CPU times hardly do, so the CPU ratio is the figure to compare. With
hyperfine installed it also runs both commands through hyperfine (its own median wall time and
mean user + sys) as a cross-check.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, save, summary  # noqa: I001


def build_bundle(out: Path) -> Path:
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
    )
    (folder,) = (out / "dist").iterdir()
    return folder / ("ClinicLink.exe" if sys.platform == "win32" else "ClinicLink")


def bundle_size_mib(exe: Path) -> float:
    files = [p for p in exe.parent.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.lstat().st_size for p in files) / 2**20


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(ms to the first window, ms to exit, CPU ms user + sys) of one ``--smoke`` run."""
    start = time.time()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    total = (time.perf_counter() - t0) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or "smoke ok" not in out:
        raise RuntimeError(f"{cmd} failed ({proc.returncode}): {out}")
    shown = next(float(x.split()[1]) for x in out.splitlines() if x.startswith("shown "))
    return (shown - start) * 1000, total, (usage.ru_utime + usage.ru_stime) * 1000


def hyperfine(bundle: list[str], source: list[str], runs: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "hyperfine.json"
        subprocess.run(
            [
                "hyperfine",
                "--warmup",
                "1",
                "--runs",
                str(runs),
                "--style",
                "none",
                "--export-json",
                str(report),
                "-n",
                "bundle",
                " ".join(bundle),
                "-n",
                "source",
                " ".join(source),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        results = json.loads(report.read_text(encoding="utf-8"))["results"]
    return {
        r["command"]: {
            "median_ms": round(r["median"] * 1000, 1),
            "user_sys_mean_ms": round((r["user"] + r["system"]) * 1000, 1),
        }
        for r in results
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", type=Path, default=None, help="an already built bundle")
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--no-hyperfine", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp())
    exe = args.bundle or build_bundle(work / "bundle")
    data = work / "demo"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CLINICLINK_BENCH_SHOWN": "1"}
    env.pop("PYTHONPATH", None)
    source = [sys.executable, "-m", "app", "--data-dir", str(data), "--smoke"]
    bundle = [str(exe), "--data-dir", str(data), "--smoke"]
    subprocess.run([*source[:-1], "--demo", "--smoke"], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip
    for cmd in (bundle, source):  # warm the file cache; today's backup is taken once
        run_once(cmd, env)
    measured: dict[str, list[tuple[float, float, float]]] = {"bundle": [], "source": []}
    for _ in range(args.runs):
        measured["bundle"].append(run_once(bundle, env))
        measured["source"].append(run_once(source, env))
    result: dict[str, object] = {"runs": args.runs, "bundle_mib": round(bundle_size_mib(exe), 1)}
    print(f"bundle {exe.parent.name}: {result['bundle_mib']} MiB; {args.runs} alternating runs")
    ratios = {}
    for i, what in enumerate(("first window", "process (to exit)", "CPU user+sys")):
        b = summary([m[i] for m in measured["bundle"]])
        s = summary([m[i] for m in measured["source"]])
        ratios[what] = round(b["median"] / s["median"], 2)
        result[what] = {"bundle_ms": b, "source_ms": s, "ratio": ratios[what]}
        print(
            f"{what:18} bundle median {b['median']:7.0f} ms   source {s['median']:7.0f} ms   "
            f"ratio {ratios[what]:.2f}x"
        )
    verdict = "meets" if ratios["CPU user+sys"] <= 1.2 else "MISSES"
    print(f"CPU ratio {ratios['CPU user+sys']:.2f}x ({verdict} the 1.2x target)")
    if not args.no_hyperfine and shutil.which("hyperfine"):
        hf = hyperfine(bundle, source, args.runs)
        result["hyperfine"] = hf
        b, s = hf["bundle"], hf["source"]
        wall, cpu = "median_ms", "user_sys_mean_ms"
        print(
            f"hyperfine: bundle median {b[wall]:.0f} ms, user+sys {b[cpu]:.0f} ms; "
            f"source median {s[wall]:.0f} ms, user+sys {s[cpu]:.0f} ms; "
            f"ratios {b[wall] / s[wall]:.2f}x wall, {b[cpu] / s[cpu]:.2f}x CPU"
        )
    save("bundle_start", result)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
