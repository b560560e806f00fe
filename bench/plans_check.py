"""Every statement the 统计 figures, the follow-up worklists and the resident search run on
the 10-year dataset, with SQLite's query plan and the 考核 statement's CPU time: run before
and after an index change and diff the output (an index must not switch another plan).

    .venv/bin/python bench/plans_check.py [--data DIR] --out FILE
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import Any

from common import DEFAULT_DATA  # noqa: I001
from sqlalchemy import event

from app.db.engine import db_path
from app.domain.periods import month, quarter, year
from app.domain.roles import Role
from app.services.bundle import AppServices
from app.services.context import Actor, ServiceContext
from app.services.stats_kaohe import kaohe_counts, kaohe_rows

NOW = datetime(2026, 11, 1, 0, 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    ctx = ServiceContext.open(args.data, clock=lambda: NOW)
    ctx.actor = Actor("bench", "bench", "bench", Role.ADMIN)
    services = AppServices.create(ctx, args.data)
    seen: dict[str, Any] = {}

    def record(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.setdefault(statement, params)

    event.listen(ctx.engine, "before_cursor_execute", record)
    stats = services.stats
    for y in (2025, 2026):
        for p in (year(y), quarter(y, 2), month(y, 3)):
            stats.closed.clear()
            with closing(sqlite3.connect(db_path(args.data))) as c, c:
                c.execute("DELETE FROM stats_kept")  # count, do not read back
            stats.figures(p, with_earlier=False)
            for key, facet in (("followups.lost", ""), ("followups.managed", "htn")):
                stats.drill(key, p, facet)
    fu = services.followups
    for what in ("overdue", "today", "week"):
        fu.worklist(what, today=date(2026, 11, 1))
    fu.worklist_count("overdue", today=date(2026, 11, 1))
    fu.worklist("overdue", doctor="医生3", today=date(2026, 11, 1))
    for q in ("张", "张伟", "zw", "zhangw", "3411", "138", "1234"):
        services.patients.search(q)
    event.remove(ctx.engine, "before_cursor_execute", record)
    conn = sqlite3.connect(db_path(args.data))
    plans = {}
    for sql, params in seen.items():
        try:
            rows = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        except sqlite3.Error as e:
            rows = [(0, 0, 0, f"error {e}")]
        plans[sql] = [r[3] for r in rows]
    times = {}
    with ctx.reader() as s:
        for y in (2025, 2026):
            runs = []
            for _ in range(3):
                t = time.process_time()
                kaohe_counts(s, year(y), ["htn", "dm"], tz=ctx.timezone)
                runs.append(round((time.process_time() - t) * 1000))
            times[f"kaohe_counts {y} CPU ms"] = sorted(runs)[1]
            t = time.process_time()
            kaohe_rows(s, year(y), ["htn", "dm"], tz=ctx.timezone)
            times[f"kaohe_rows {y} CPU ms"] = round((time.process_time() - t) * 1000)
    args.out.write_text(
        json.dumps({"times": times, "plans": plans}, ensure_ascii=False, indent=1), "utf-8"
    )
    print(times, len(plans), "statements")
    ctx.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
