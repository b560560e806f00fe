"""Check that two checkouts count the same 统计 figures on the 10-year dataset.

    .venv/bin/python bench/compare_stats.py --app-root OTHER_CHECKOUT [--data DIR] [--years A-B]
        [--other-data DIR]

Runs ``StatsService`` of this checkout and of ``--app-root`` (each in its own process, on the
same database, with the bench's "now") over every month, quarter and year in ``--years`` and
compares every figure and the length and ids of every list behind a figure; prints the first
differences and exits 1 if there is any. Used to show a speed-up changed no figure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "bench" / "data" / "clinic10y"

DUMP = r"""
import dataclasses, json, sys
from datetime import datetime
from pathlib import Path
from app.domain.periods import month, quarter, year
from app.domain.roles import Role
from app.services.bundle import AppServices
from app.services.context import Actor, ServiceContext

data, first, last, out = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ctx = ServiceContext.open(data, clock=lambda: datetime(2026, 11, 1, 0, 0))
ctx.actor = Actor("bench", "bench", "bench", Role.ADMIN)
stats = AppServices.create(ctx, data).stats
periods = []
for y in range(first, last + 1):
    periods += [year(y)] + [quarter(y, q) for q in range(1, 5)]
    periods += [month(y, m) for m in range(1, 13)]
result = {}
def plain(x):
    return json.loads(json.dumps(dataclasses.asdict(x), default=str, ensure_ascii=False))
for p in periods:
    r = stats.referral_figures(p)
    f = stats.followup_figures(p)
    t = stats.training_figures(p)
    drills = {}
    for key in ("referrals.up", "referrals.down", "referrals.no_feedback", "referrals.not_arrived"):
        d = stats.drill(key, p)
        drills[key] = [d.title, d.ids, d.rows[:3]]
    for dept, _n in r.by_department[:3]:
        drills["dept " + dept] = stats.drill("referrals.department", p, dept).ids
    for ind, _n in r.by_indication[:3]:
        drills["ind " + ind] = stats.drill("referrals.indication", p, ind).ids
    if p.kind.value == "year":
        for key in ("followups.managed", "followups.not_standard", "followups.not_controlled"):
            for kind in ("htn", "dm"):
                d = stats.drill(key, p, kind)
                drills[key + kind] = [d.title, len(d.ids), d.rows[:3]]
        d = stats.drill("followups.lost", p)
        drills["lost"] = [d.title, d.ids]
    result[p.code] = {"r": plain(r), "f": plain(f), "t": plain(t), "drills": drills}
Path(out).write_text(json.dumps(result, ensure_ascii=False, sort_keys=True))
"""


def dump(root: Path, data: Path, first: int, last: int) -> dict[str, object]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    env = {**os.environ, "PYTHONPATH": str(root)}
    subprocess.run(
        [sys.executable, "-c", DUMP, str(data), str(first), str(last), out],
        cwd=root,
        env=env,
        check=True,
    )
    result: dict[str, object] = json.loads(Path(out).read_text(encoding="utf-8"))
    Path(out).unlink()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--app-root", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--years", default="2017-2026")
    parser.add_argument("--other-data", type=Path, default=None)
    args = parser.parse_args(argv)
    first, last = (int(x) for x in args.years.split("-"))
    mine = dump(ROOT, args.data, first, last)
    theirs = dump(args.app_root.resolve(), args.other_data or args.data, first, last)
    differences = [k for k in sorted(mine) if mine[k] != theirs.get(k)]
    for code in differences[:5]:
        a, b = mine[code], theirs[code]
        assert isinstance(a, dict) and isinstance(b, dict)
        for part in a:
            if a[part] != b.get(part):
                print(f"{code} {part}:\n  this:  {str(a[part])[:600]}")
                print(f"  other: {str(b.get(part))[:600]}")
    print(f"{len(mine)} periods compared, {len(differences)} differ")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
