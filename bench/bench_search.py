"""Patient search through the services layer on the 10-year dataset. Target: median <= 5 ms.

    .venv/bin/python bench/bench_search.py [--data DIR] [--samples N]

Queries are drawn from the dataset's own residents the way clinic staff type them: pinyin
initials, name prefixes, full pinyin, last 4/6 digits and full (or legacy 15-digit) ID
numbers, phone prefixes and endings, health-record number prefixes. Each query runs through
PatientService.search with the UI's page size (100), as the search box does.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
from pathlib import Path

from common import DEFAULT_DATA, save, summary  # noqa: I001

from app.db.engine import db_path
from app.domain.roles import Role
from app.services.bundle import AppServices
from app.services.context import Actor, ServiceContext

TARGET_MS = 5.0


def queries(path: Path, samples: int, seed: int = 11) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT name, name_initials, name_pinyin, id_number, phone, record_number "
        "FROM patients WHERE deleted=0 ORDER BY random() LIMIT ?",
        (samples,),
    ).fetchall()
    conn.close()
    rnd = random.Random(seed)
    out: dict[str, list[str]] = {
        k: []
        for k in (
            "initials_2",
            "initials_full",
            "name_1",
            "name_2",
            "name_full",
            "pinyin_prefix",
            "id_last4",
            "id_last6",
            "id_full",
            "id_15",
            "phone_prefix",
            "phone_last4",
            "record_prefix",
        )
    }
    for name, initials, full, idn, phone, record in rows:
        out["initials_2"].append(initials[:2])
        out["initials_full"].append(initials)
        out["name_1"].append(name[:1])
        out["name_2"].append(name[:2])
        out["name_full"].append(name)
        out["pinyin_prefix"].append(full[: rnd.randint(4, 7)])
        if idn:
            out["id_last4"].append(idn[-4:])
            out["id_last6"].append(idn[-6:])
            out["id_full"].append(idn)
            if idn[6:8] == "19":
                out["id_15"].append(idn[:6] + idn[8:17])
        if phone and phone.startswith("1"):
            out["phone_prefix"].append(phone[:7])
            out["phone_last4"].append(phone[-4:])
        out["record_prefix"].append(record[:14])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--samples", type=int, default=60)
    args = parser.parse_args(argv)
    path = db_path(args.data)
    if not path.exists():
        raise SystemExit("no dataset: run bench/make_dataset.py first")
    ctx = ServiceContext.open(args.data)
    ctx.actor = Actor("bench", "bench", "bench", Role.DOCTOR)
    service = AppServices.create(ctx, args.data).patients
    total = sqlite3.connect(path).execute("SELECT count(*) FROM patients").fetchone()[0]
    mix = queries(path, args.samples)
    for qs in mix.values():  # warm-up: page cache and statement cache
        for q in qs[:5]:
            service.search(q)
    per_kind: dict[str, dict[str, float]] = {}
    every: list[float] = []
    found_own = 0
    print(f"{total} residents; {sum(map(len, mix.values()))} queries; page size 100")
    print(f"{'kind':<15}{'n':>4}{'median ms':>11}{'p95 ms':>9}{'rows':>7}")
    for kind, qs in mix.items():
        times, rows = [], []
        for q in qs:
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                result = service.search(q)
                runs.append((time.perf_counter() - t) * 1000)
            times.append(statistics.median(runs))
            rows.append(len(result))
            found_own += bool(result)
        every.extend(times)
        per_kind[kind] = {**summary(times), "median_rows": statistics.median(rows)}
        s = per_kind[kind]
        print(f"{kind:<15}{s['n']:>4}{s['median']:>11.2f}{s['p95']:>9.2f}{s['median_rows']:>7.0f}")
    overall = summary(every)
    verdict = "meets" if overall["median"] <= TARGET_MS else "MISSES"
    print(
        f"overall: median {overall['median']:.2f} ms, p95 {overall['p95']:.2f} ms "
        f"({verdict} the {TARGET_MS} ms median target); every query found rows: "
        f"{found_own == len(every)}"
    )
    save(
        "search",
        {
            "patients": total,
            "target_median_ms": TARGET_MS,
            "overall": overall,
            "per_kind": per_kind,
        },
    )
    ctx.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
