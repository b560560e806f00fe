"""Extend the 10-year dataset with follow-ups (default 60,000 plans, 52,000 of them active,
and 400,000 visits, plus contact attempts on a share of the overdue plans).

    .venv/bin/python bench/make_followups.py [--plans N] [--visits N] [--data DIR]

Run after bench/make_dataset.py. Plans are mostly 高血压 and 2型糖尿病 (the chronic register),
some 下转康复 / 上转结果追踪; each active plan's ``next_due_date`` lies between 60 days ago and
100 days ahead of the bench "today" (2026-11-01), so the overdue list has thousands of rows.
Inserted in bulk with the columns the service writes (the form as JSON text).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from common import DEFAULT_DATA  # noqa: I001

from app.db.engine import db_path, make_engine
from app.db.followup_models import ContactAttempt, FollowUpPlan, FollowUpVisit
from app.db.migrate import open_database

TODAY = date(2026, 11, 1)
DOCTORS = [f"医生{i}" for i in range(8)]
KINDS = ["htn", "dm", "rehab", "outcome", "smi", "other"]
KIND_WEIGHTS = [62, 25, 6, 4, 2, 1]


def _sync(cc: str, when: datetime) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "clinic_code": cc,
        "version": 1,
        "created_at": when,
        "updated_at": when,
        "deleted": False,
        "sync_state": "synced",
        "sync_error": None,
    }


def build(data: Path, n_plans: int, n_visits: int, seed: int = 7) -> tuple[int, int, int]:
    open_database(data)  # adds the follow-up tables to a dataset built before them
    path = db_path(data)
    conn = sqlite3.connect(path)
    pids = [r[0] for r in conn.execute("SELECT id FROM patients WHERE deleted=0")]
    cc = conn.execute("SELECT code FROM clinic").fetchone()[0]
    conn.close()
    rnd = random.Random(seed)
    plans: list[dict[str, object]] = []
    for _ in range(n_plans):
        kind = rnd.choices(KINDS, KIND_WEIGHTS)[0]
        start = TODAY - timedelta(days=rnd.randint(30, 3000))
        active = rnd.random() < 0.87
        row = _sync(cc, datetime.combine(start, datetime.min.time()))
        row.update(
            patient_id=rnd.choice(pids),
            kind=kind,
            doctor=rnd.choice(DOCTORS),
            start_date=start,
            interval_days=None,
            next_due_date=TODAY + timedelta(days=rnd.randint(-60, 100))
            if active
            else start + timedelta(days=rnd.randint(30, 900)),
            status="active" if active else rnd.choice(["ended", "lost", "dead"]),
            referral_id="",
            last_classification=rnd.choices(["1", "2", "3", "4"], [70, 22, 4, 4])[0],
            note="",
        )
        plans.append(row)
    visits: list[dict[str, object]] = []
    for i in range(n_visits):
        p = plans[i % n_plans] if i < n_plans else rnd.choice(plans)
        vd = p["start_date"] + timedelta(days=rnd.randint(0, (TODAY - p["start_date"]).days))  # type: ignore[operator]
        sbp = int(rnd.gauss(138, 16))
        dbp = min(int(rnd.gauss(84, 10)), sbp - 20)
        form = {"symptoms": ["无症状"], "sbp": sbp, "dbp": dbp, "weight": 65, "adherence": "1"}
        row = _sync(cc, datetime.combine(vd, datetime.min.time()))
        row.update(
            plan_id=p["id"],
            patient_id=p["patient_id"],
            visit_date=vd,
            method=rnd.choices(["1", "2", "3"], [60, 25, 15])[0],
            classification="1" if sbp < 140 else "2",
            suggested_classification="1" if sbp < 140 else "2",
            sbp=sbp,
            dbp=dbp,
            fasting_glucose=round(rnd.gauss(7.2, 1.5), 1) if p["kind"] == "dm" else None,
            emergency=sbp >= 180,
            next_date=vd + timedelta(days=90),
            doctor=p["doctor"],
            form=json.dumps(form, ensure_ascii=False),
        )
        visits.append(row)
    contacts: list[dict[str, object]] = []
    for p in plans:
        if p["status"] == "active" and p["next_due_date"] < TODAY and rnd.random() < 0.3:  # type: ignore[operator]
            for k in range(rnd.randint(1, 3)):
                row = _sync(cc, datetime.combine(TODAY, datetime.min.time()) - timedelta(days=k))
                outcome = rnd.choice(["booked", "remind", "unreachable", "refused"])
                row.update(
                    plan_id=p["id"],
                    outcome=outcome,
                    remind_on=TODAY + timedelta(days=3) if outcome == "remind" else None,
                    note="",
                    by=p["doctor"],
                )
                contacts.append(row)
    engine = make_engine(path)
    with engine.begin() as c:
        c.execute(FollowUpPlan.__table__.insert(), plans)
        for k in range(0, len(visits), 50_000):
            c.execute(FollowUpVisit.__table__.insert(), visits[k : k + 50_000])
        c.execute(ContactAttempt.__table__.insert(), contacts)
    engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return len(plans), len(visits), len(contacts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=60_000)
    parser.add_argument("--visits", type=int, default=400_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    t = time.perf_counter()
    n = build(args.data, args.plans, args.visits)
    print(f"added {n[0]} plans, {n[1]} visits, {n[2]} contacts in {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
