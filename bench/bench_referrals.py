"""Referral slips and the referral list on the 10-year dataset (>= 200,000 referrals).

    .venv/bin/python bench/bench_referrals.py [--data DIR] [--slips N]

Targets: slip PDF generation median <= 20 ms after warm-up, QR code included (each slip a
different referral, so no QR is reused); the referral list shows its first rows within 150 ms
of opening the page (page built, first page queried and painted, offscreen).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import time
from pathlib import Path

from common import DEFAULT_DATA, save, summary  # noqa: I001

from app.db.engine import db_path
from app.domain.roles import Role
from app.services.bundle import AppServices
from app.services.context import Actor, ServiceContext
from app.services.referrals import ReferralFilter, slip_data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--slips", type=int, default=200)
    args = parser.parse_args(argv)
    path = db_path(args.data)
    total = sqlite3.connect(path).execute("SELECT count(*) FROM referrals").fetchone()[0]
    if total < 1000:
        raise SystemExit("no referrals: run bench/make_dataset.py and bench/make_referrals.py")
    ctx = ServiceContext.open(args.data)
    ctx.actor = Actor("bench", "bench", "bench", Role.DOCTOR)
    services = AppServices.create(ctx, args.data)
    ids = [
        r[0]
        for r in sqlite3.connect(path).execute(
            "SELECT id FROM referrals WHERE status != 'draft' ORDER BY random() LIMIT ?",
            (args.slips + 20,),
        )
    ]
    from app.reports.referral_slip import referral_slip_pdf

    rows = [services.referrals.slip(i, record_print=False)[0] for i in ids]
    slips = [slip_data(r, reprint=False) for r in rows]
    for s in slips[:20]:  # warm-up: fonts registered, code paths hot
        referral_slip_pdf(s)
    gen, gen_a5 = [], []
    for s in slips[20:]:
        t = time.perf_counter()
        referral_slip_pdf(s, "A4")
        gen.append((time.perf_counter() - t) * 1000)
    for s in slips[20:120]:
        t = time.perf_counter()
        referral_slip_pdf(s, "A5")
        gen_a5.append((time.perf_counter() - t) * 1000)
    e2e = []
    for i in ids[20:120]:
        t = time.perf_counter()
        services.referrals.preview_pdf(i)
        e2e.append((time.perf_counter() - t) * 1000)
    g, g5, e = summary(gen), summary(gen_a5), summary(e2e)
    print(f"{total} referrals")
    print(
        f"slip PDF (A4, QR, distinct referrals): median {g['median']:.1f} ms, p95 {g['p95']:.1f}"
        f" ({'meets' if g['median'] <= 20 else 'MISSES'} 20 ms)"
    )
    print(
        f"slip PDF (A5): median {g5['median']:.1f} ms; read + render through the service: "
        f"median {e['median']:.1f} ms"
    )

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.ui.application import install_translators
    from app.ui.change_bus import ChangeBus
    from app.ui.pages.referrals import ReferralsPage

    app = QApplication.instance() or QApplication([])
    install_translators(app, "zh_CN")  # type: ignore[arg-type]
    bus = ChangeBus(ctx)
    opened, query = [], []
    for _ in range(12):
        t = time.perf_counter()
        page = ReferralsPage(services, bus)
        page.resize(1200, 700)
        page.show()
        app.processEvents()
        assert page.model.rowCount() > 0
        opened.append((time.perf_counter() - t) * 1000)
        page.close()
        page.deleteLater()
        app.processEvents()
        t = time.perf_counter()
        services.referrals.search(ReferralFilter(), limit=100)
        query.append((time.perf_counter() - t) * 1000)
    o, q = summary(opened[2:]), summary(query[2:])
    print(
        f"referral list, open → first rows shown: median {o['median']:.0f} ms, "
        f"p95 {o['p95']:.0f} ({'meets' if o['median'] <= 150 else 'MISSES'} 150 ms); "
        f"first page query alone {q['median']:.1f} ms"
    )
    filtered = []
    rnd = random.Random(3)
    for _ in range(20):
        f = rnd.choice(
            [
                ReferralFilter(direction="up", status="pending"),
                ReferralFilter(overdue_only=True),
                ReferralFilter(patient_query="zs"),
                ReferralFilter(destination="来安县中医院"),
                ReferralFilter(status="received"),
            ]
        )
        t = time.perf_counter()
        services.referrals.search(f, limit=100)
        filtered.append((time.perf_counter() - t) * 1000)
    fl = summary(filtered)
    print(
        f"filtered first page (status, overdue, patient, destination): median "
        f"{fl['median']:.1f} ms, p95 {fl['p95']:.1f}"
    )
    save(
        "referrals",
        {
            "referrals": total,
            "slip_a4_ms": g,
            "slip_a5_ms": g5,
            "slip_via_service_ms": e,
            "list_open_ms": o,
            "list_query_ms": q,
            "filtered_query_ms": fl,
        },
    )
    ctx.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
