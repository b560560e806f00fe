"""统计 on the 10-year dataset (100,000 residents, 200,000 referrals, 60,000 plans, 400,000
visits): the dashboard's figures for a full year, and the annual report as .xlsx and PDF.

    .venv/bin/python bench/bench_stats.py [--data DIR] [--repeat N] [--year 2025] [--profile F]

Targets: the dashboard for a full year (``StatsService.figures``: the year and the same year
before it, every area, as the page asks for it) <= 300 ms median; the annual .xlsx <= 2 s and
the annual PDF <= 2 s (``StatsService.report``: the figures plus the document).
"""

from __future__ import annotations

import argparse
import sqlite3
from datetime import datetime
from pathlib import Path

from common import DEFAULT_DATA, save, summary, timings_ms  # noqa: I001

from app.db.engine import db_path
from app.domain.periods import year as year_period
from app.domain.roles import Role
from app.services.bundle import AppServices
from app.services.context import Actor, ServiceContext

NOW = datetime(2026, 11, 1, 0, 0)  # the dataset's "now" (UTC; bench/make_followups.py)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args(argv)
    conn = sqlite3.connect(db_path(args.data))
    counts = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("patients", "referrals", "followup_plans", "followup_visits")
    }
    conn.close()
    if counts["followup_visits"] < 400_000 or counts["referrals"] < 200_000:
        raise SystemExit("run bench/make_dataset.py, make_referrals.py and make_followups.py")
    ctx = ServiceContext.open(args.data, clock=lambda: NOW)
    ctx.actor = Actor("bench", "bench", "bench", Role.ADMIN)
    stats = AppServices.create(ctx, args.data).stats
    period = year_period(args.year)
    f = stats.figures(period)
    assert f.referrals and f.followups and f.training
    print(
        f"{period.label}: 上转 {f.referrals.up}, 下转 {f.referrals.down}, "
        f"随访 {f.followups.visits_done}, 高血压在管 {f.followups.htn.managed} "
        f"(规范 {f.followups.htn.standard.text}, 控制 {f.followups.htn.control.text}), "
        f"糖尿病在管 {f.followups.dm.managed}"
    )
    if args.profile:
        import cProfile

        cProfile.runctx("stats.figures(period)", globals(), locals(), str(args.profile))
    cases = {
        "dashboard_year": lambda: stats.figures(period),
        "dashboard_year_without_earlier": lambda: stats.figures(period, with_earlier=False),
        "referrals_year": lambda: stats.referral_figures(period),
        "followups_year": lambda: stats.followup_figures(period),
        "training_year": lambda: stats.training_figures(period),
    }
    results: dict[str, object] = {"counts": counts, "year": args.year}
    for name, fn in cases.items():
        results[name] = summary(timings_ms(fn, args.repeat, warmup=2))
        print(f"{name:32s} {results[name]}")
    for fmt in ("xlsx", "pdf"):
        size = len(stats.report(period, fmt))
        results[f"annual_{fmt}"] = summary(
            timings_ms(lambda fmt=fmt: stats.report(period, fmt), max(5, args.repeat // 3), 1)
        )
        results[f"annual_{fmt}_bytes"] = size
        print(f"annual_{fmt:27s} {results[f'annual_{fmt}']} ({size} bytes)")
    print(save("stats", results))
    ctx.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
