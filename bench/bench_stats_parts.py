"""The parts of a year's 统计 figures other than the 考核 statement, each timed alone (CPU).

    .venv/bin/python bench/bench_stats_parts.py [--data DIR] [--repeat N] [--years 2025,2026]

Visits by month, visits due by month, 失访 and the referral figures are counted on every view
of the open current year; this times each as ``StatsService`` counts it (nothing kept), as
CPU time of the process (SQLite runs in it; the shared VM's wall time is not the PC's).
Run it with ``PYTHONPATH=OTHER_CHECKOUT`` from that checkout to time another version.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from common import DEFAULT_DATA  # noqa: I001

from app.domain.periods import year as year_period
from app.domain.roles import Role
from app.services.bundle import AppServices
from app.services.context import Actor, ServiceContext

NOW = datetime(2026, 11, 1, 0, 0)  # the dataset's "now" (UTC; bench/make_followups.py)


def cpu_median(fn: Callable[[], object], repeat: int) -> float:
    fn()
    out = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        out.append((time.process_time() - t) * 1000)
    return sorted(out)[len(out) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--years", default="2025,2026")
    args = parser.parse_args()
    try:  # as python -m app does, before any database is opened (a checkout before it: not)
        from app.db.sqlite_setup import without_memory_statistics
    except ImportError:
        pass
    else:
        without_memory_statistics()
    ctx = ServiceContext.open(args.data, clock=lambda: NOW)
    ctx.actor = Actor("bench", "bench", "bench", Role.ADMIN)
    stats = AppServices.create(ctx, args.data).stats
    for y in (int(x) for x in args.years.split(",")):
        p = year_period(y)
        parts: dict[str, Callable[[], object]] = {
            "visits by month": lambda p=p: stats._monthly_visits(p),
            "visits due by month": lambda p=p: stats._monthly_due(p),
            "失访": lambda p=p: (
                stats._lost_count(p)
                if hasattr(stats, "_lost_count")
                else len({x.patient_id for x in stats._lost(p)})
            ),
            "referral figures": lambda p=p: stats._count_referrals(p),
            "overdue now": lambda: stats._overdue_count(stats.ctx.today()),
        }
        total = 0.0
        for name, fn in parts.items():
            ms = cpu_median(fn, args.repeat)
            total += ms
            print(f"{y} {name:22s} {ms:7.1f} ms CPU")
        print(f"{y} {'together':22s} {total:7.1f} ms CPU")
    ctx.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
