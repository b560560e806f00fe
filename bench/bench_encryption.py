"""The cost of encryption at rest: the 10-year clinic plain and encrypted, side by side.

    .venv/bin/python bench/bench_encryption.py [--data DIR] [--work DIR] [--samples N]

Copies the dataset (``make_dataset.py`` + ``make_referrals.py`` + ``make_followups.py``) to
``--work``, turns encryption on there the way 设置 does (``encryption.enable``: backup, export,
row-by-row check, swap) and times it, then measures the same cases on the plain original and
the encrypted copy in one process, alternating query by query so that load from other jobs
falls on both alike:

- search: the ``bench_search.py`` mix through ``PatientService.search`` (page of 100);
- slip: the referral slip read through the service and rendered (``preview_pdf``);
- worklist: the overdue follow-up worklist as the page asks for it (rows + total);
- open: a fresh connection and a first search (pages decrypted into an empty cache);
- unlock: unwrapping the data key from the key file (argon2id), and the daily backup.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import time
from datetime import date
from pathlib import Path

from bench_search import queries
from common import DEFAULT_DATA, ROOT, save, summary  # noqa: I001

from app.db import sqlconn
from app.db.paths import db_path
from app.domain.roles import Role
from app.services import encryption
from app.services.bundle import AppServices
from app.services.context import Actor, ServiceContext

TODAY = date(2026, 11, 1)  # the dataset's "today" (bench/make_followups.py)
ADMIN, PASSWORD = "admin", "admin123"  # bench/make_dataset.py


def open_services(data: Path) -> AppServices:
    ctx = ServiceContext.open(data)
    ctx.actor = Actor("bench", "bench", "bench", Role.DOCTOR)
    return AppServices.create(ctx, data)


def side_by_side(cases: list[object], run, repeat: int = 3) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    """Median of ``repeat`` runs per case, plain then encrypted, case by case."""
    out: dict[str, list[float]] = {"plain": [], "encrypted": []}
    for case in cases:
        for side in ("plain", "encrypted"):
            runs = []
            for _ in range(repeat):
                t = time.perf_counter()
                run(side, case)
                runs.append((time.perf_counter() - t) * 1000)
            out[side].append(statistics.median(runs))
    return out


def row(name: str, res: dict[str, list[float]]) -> dict[str, object]:
    p, e = summary(res["plain"]), summary(res["encrypted"])
    ratio = e["median"] / p["median"] if p["median"] else float("nan")
    print(
        f"{name:<22} plain {p['median']:8.2f} ms (p95 {p['p95']:7.2f})   "
        f"encrypted {e['median']:8.2f} ms (p95 {e['p95']:7.2f})   x{ratio:.2f}"
    )
    return {"plain": p, "encrypted": e, "ratio": round(ratio, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "data" / "clinic10y-enc")
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--slips", type=int, default=100)
    args = parser.parse_args(argv)
    plain_db = db_path(args.data)
    if not plain_db.exists():
        raise SystemExit("no dataset: run bench/make_dataset.py (and make_referrals/followups)")
    results: dict[str, object] = {}

    # -- the encrypted copy, made as 设置 makes it --------------------------------------------
    encryption.lock()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    src = sqlite3.connect(f"file:{plain_db}?mode=ro", uri=True)
    dst = sqlite3.connect(db_path(args.work))
    src.backup(dst)
    dst.close()
    src.close()
    t = time.perf_counter()
    enabled = encryption.enable(args.work, ADMIN, PASSWORD)
    convert_s = time.perf_counter() - t
    size_mb = plain_db.stat().st_size / 1e6
    print(
        f"conversion of {size_mb:.0f} MB (backup, export, row-by-row check, swap, first "
        f"encrypted backup): {convert_s:.1f} s"
    )
    results["convert_s"] = round(convert_s, 2)
    results["db_mb"] = round(size_mb, 1)
    encryption.lock()
    unlocks = []
    for _ in range(5):
        t = time.perf_counter()
        assert encryption.unlock(args.work, ADMIN, PASSWORD)
        unlocks.append((time.perf_counter() - t) * 1000)
    results["unlock_ms"] = summary(unlocks)
    print(
        f"unlock (argon2id + AES-GCM + first page read): median {statistics.median(unlocks):.0f} ms"
    )
    assert sqlconn.is_encrypted_file(db_path(args.work)) and enabled.recovery_key

    plain = open_services(args.data)
    enc = open_services(args.work)
    side = {"plain": plain, "encrypted": enc}

    # -- search ------------------------------------------------------------------------------
    mix = queries(plain_db, args.samples)
    every = [q for qs in mix.values() for q in qs]
    for s in side.values():  # warm-up: page cache and statement cache
        for q in every[:40]:
            s.patients.search(q)
    results["search"] = row(
        "search (page of 100)", side_by_side(every, lambda k, q: side[k].patients.search(q))
    )

    # -- slip --------------------------------------------------------------------------------
    ids = [
        r[0]
        for r in sqlite3.connect(plain_db).execute(
            "SELECT id FROM referrals WHERE status != 'draft' ORDER BY random() LIMIT ?",
            (args.slips + 10,),
        )
    ]
    for s in side.values():
        for i in ids[:10]:
            s.referrals.preview_pdf(i)
    results["slip"] = row(
        "slip PDF via service",
        side_by_side(ids[10:], lambda k, i: side[k].referrals.preview_pdf(i), repeat=1),
    )
    results["slip_read"] = row(
        "slip read only",
        side_by_side(ids[10:], lambda k, i: side[k].referrals.slip(i, record_print=False)),
    )

    # -- worklist ----------------------------------------------------------------------------
    def overdue(k: str, _case: object) -> None:
        fu = side[k].followups
        rows = fu.worklist("overdue", today=TODAY)
        if len(rows) >= 500:
            fu.worklist_count("overdue", today=TODAY)

    for k in side:
        overdue(k, None)
    results["worklist"] = row("overdue worklist", side_by_side(list(range(20)), overdue))

    # -- a fresh connection: the first query decrypts its pages ------------------------------
    def fresh(k: str, q: object) -> None:
        s = open_services(args.data if k == "plain" else args.work)
        s.patients.search(str(q))
        s.ctx.dispose()

    results["open_first_search"] = row("open + first search", side_by_side(every[:20], fresh))

    # -- backup ------------------------------------------------------------------------------
    from app.db.backup import backup

    times: dict[str, list[float]] = {"plain": [], "encrypted": []}
    scratch = args.work / "bench-backups"
    for _ in range(2):
        for k, d in (("plain", args.data), ("encrypted", args.work)):
            t = time.perf_counter()
            made = backup(db_path(d), scratch, "bench")
            times[k].append((time.perf_counter() - t) * 1000)
            made.unlink()
            made.with_name(made.name + ".json").unlink()
    results["backup"] = row("verified backup", times)

    for s in side.values():
        s.ctx.dispose()
    print(f"saved {save('encryption', results)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
