"""The follow-up worklists on the 10-year dataset (>= 400,000 visits, >= 50,000 active plans).

    .venv/bin/python bench/bench_followups.py [--data DIR] [--repeat N]

Target: the overdue worklist (the list a doctor opens first) computes in <= 100 ms median,
through the service as the page asks for it (permission check, the first 500 rows built, and
the total count when there are more). Also measured: due today / this
week, and overdue filtered by doctor and by village.
"""

from __future__ import annotations

import argparse
import sqlite3
from datetime import date
from pathlib import Path

from common import DEFAULT_DATA, save, summary, timings_ms  # noqa: I001

from app.db.engine import db_path
from app.domain.roles import Role
from app.services.bundle import AppServices
from app.services.context import Actor, ServiceContext

TODAY = date(2026, 11, 1)  # the dataset's "today" (bench/make_followups.py)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    conn = sqlite3.connect(db_path(args.data))
    visits = conn.execute("SELECT count(*) FROM followup_visits").fetchone()[0]
    active = conn.execute(
        "SELECT count(*) FROM followup_plans WHERE status='active' AND deleted=0"
    ).fetchone()[0]
    village = conn.execute(
        "SELECT village FROM patients GROUP BY village ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    conn.close()
    if visits < 400_000 or active < 50_000:
        raise SystemExit("too few follow-ups: run bench/make_followups.py")
    ctx = ServiceContext.open(args.data)
    ctx.actor = Actor("bench", "bench", "bench", Role.DOCTOR)
    fu = AppServices.create(ctx, args.data).followups

    def overdue_as_shown() -> list[object]:
        """What the page does: the first 500 rows, and the total when the page is full."""
        rows = fu.worklist("overdue", today=TODAY)
        if len(rows) >= 500:
            fu.worklist_count("overdue", today=TODAY)
        return list(rows)

    cases = {
        "overdue": overdue_as_shown,
        "overdue_rows_only": lambda: fu.worklist("overdue", today=TODAY),
        "overdue_count_only": lambda: [fu.worklist_count("overdue", today=TODAY)],
        "today": lambda: fu.worklist("today", today=TODAY),
        "week": lambda: fu.worklist("week", today=TODAY),
        "overdue_by_doctor": lambda: fu.worklist("overdue", doctor="医生3", today=TODAY),
        "overdue_by_village": lambda: fu.worklist("overdue", village=village, today=TODAY),
    }
    results: dict[str, object] = {"visits": visits, "active_plans": active}
    print(f"{visits} visits, {active} active plans")
    for name, fn in cases.items():
        rows = len(fn())  # type: ignore[no-untyped-call]
        s = summary(timings_ms(fn, args.repeat))
        results[name] = {**s, "rows": rows}
        print(f"{name:20s} rows {rows:4d}  median {s['median']:7.1f} ms  p95 {s['p95']:7.1f} ms")
    med = results["overdue"]["median"]  # type: ignore[index]
    print(f"overdue worklist: {'meets' if med <= 100 else 'MISSES'} 100 ms median")
    print(f"saved {save('followups', results)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
