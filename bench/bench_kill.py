"""Kill the workstation's write path at random points (SIGKILL) and check what survives.

Each run starts ``bench/kill_writer.py`` on the same data directory, lets it write for a
random 0-400 ms, kills it with SIGKILL, and checks: the database passes the full start-up
checks (``integrity_check``, a ClinicLink database, the write counter mark not ahead of it:
nothing committed went missing), every record whose commit was acknowledged is there at
least at the acknowledged version, every pending record has its outbox row, and it opens
again unaided (``open_database``). Run: ``.venv/bin/python bench/bench_kill.py [--runs 200]``
(about 1 s a run on a 2-core PC). tests/db/test_kill.py runs a few of them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def prepare(data_dir: Path) -> None:
    from argon2 import PasswordHasher

    from app.db.migrate import open_database
    from app.services.bundle import AppServices
    from app.services.context import ServiceContext

    open_database(data_dir)
    ctx = ServiceContext.open(
        data_dir, password_hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    AppServices.create(ctx, data_dir).users.setup(
        clinic_code="KILL01",
        clinic_name="断电测试卫生院",
        county_hospital="县医院",
        admin_username="admin",
        admin_display_name="管理员",
        admin_password="kill-bench-1",
    )
    ctx.dispose()


def one_run(data_dir: Path, rng: random.Random, acked: dict[str, int]) -> list[str]:
    """One write-kill-check cycle; returns the problems found (empty: all good)."""
    from app.commands.check import consistency_problems
    from app.db.migrate import open_database, refusal
    from app.db.paths import db_path

    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.kill_writer", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "READY":
        proc.kill()
        return ["writer did not start"]
    time.sleep(rng.uniform(0, 0.4))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    for line in proc.stdout.read().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "ACK":
            acked[parts[1]] = max(acked.get(parts[1], 0), int(parts[2]))
    proc.stdout.close()
    problems: list[str] = []
    refused = refusal(data_dir, full=True)
    if refused is not None:
        return [f"refused after the kill: {refused}"]
    path = db_path(data_dir)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        have = dict(conn.execute("SELECT id, version FROM patients").fetchall())
    finally:
        conn.close()
    lost = [i for i, v in acked.items() if have.get(i, 0) < v]
    if lost:
        problems.append(f"{len(lost)} acknowledged writes lost, e.g. {lost[:3]}")
    problems += consistency_problems(path)
    open_database(data_dir)  # reopens unaided
    return problems


def run(runs: int, seed: int = 15, data_dir: Path | None = None) -> dict[str, object]:
    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="cliniclink-kill-")
        data_dir = Path(tmp.name)
    prepare(data_dir)
    rng = random.Random(seed)
    acked: dict[str, int] = {}
    failures: list[str] = []
    started = time.perf_counter()
    for i in range(runs):
        for p in one_run(data_dir, rng, acked):
            failures.append(f"run {i}: {p}")
    result = {
        "runs": runs,
        "acknowledged_records": len(acked),
        "failures": failures,
        "seconds": round(time.perf_counter() - started, 1),
    }
    if tmp is not None:
        tmp.cleanup()
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=15)
    args = ap.parse_args(argv)
    result = run(args.runs, args.seed)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "kill.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0 if not result["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
