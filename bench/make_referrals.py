"""Extend the 10-year dataset with referrals (default 200,000) and their status history.

    .venv/bin/python bench/make_referrals.py [--referrals N] [--data DIR]

Run after bench/make_dataset.py. Three in four are upward (most answered and closed, some
still waiting, a few overdue); the rest are downward. Inserted in bulk with the columns the
service writes; every referral has its draft/pending (and later) history rows.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from common import DEFAULT_DATA  # noqa: I001

from app.db.engine import db_path, make_engine
from app.db.migrate import open_database
from app.db.referral_models import Referral, ReferralEvent
from app.domain.referral import DOWN_INDICATIONS, UP_INDICATIONS

CLINIC = "来安县桃花镇卫生院"
HOSPITALS = ["来安县人民医院", "来安县中医院"]
HOSPITAL_WEIGHTS = [0.8, 0.2]
DEPTS = ["心血管内科", "神经内科", "呼吸内科", "消化内科", "内分泌科", "骨科", "普外科", "妇产科"]
DOCTORS = [f"医生{i}" for i in range(8)]
IMPRESSIONS = [
    "高血压3级（极高危）",
    "急性脑梗死？",
    "社区获得性肺炎",
    "2型糖尿病酮症",
    "股骨颈骨折",
    "急性阑尾炎？",
    "冠心病 不稳定型心绞痛",
    "慢阻肺急性加重",
]
END = datetime(2026, 11, 1, 8)


def build(data: Path, count: int, seed: int = 5) -> int:
    open_database(data)  # brings a dataset built before the referral tables up to date
    path = db_path(data)
    conn = sqlite3.connect(path)
    patients = conn.execute(
        "SELECT id, name, sex, birth_date, id_number, record_number, address, phone, payment_type "
        "FROM patients WHERE deleted=0"
    ).fetchall()
    clinic_code = conn.execute("SELECT code FROM clinic").fetchone()[0]
    conn.close()
    rnd = random.Random(seed)
    refs: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    per_day: dict[str, int] = {}
    for _ in range(count):
        pid, name, sex, born, idn, rec, addr, phone, pay = rnd.choice(patients)
        when = END - timedelta(days=3650) * rnd.random() ** 0.7
        day = when.strftime("%Y%m%d")
        per_day[day] = per_day.get(day, 0) + 1
        up = rnd.random() < 0.75
        age = (when - datetime.fromisoformat(born)).days // 365
        rid = str(uuid.uuid4())
        recent = (END - when).days < 30
        if up:
            status = (
                rnd.choices(
                    ["completed", "arrived", "received", "rejected", "cancelled", "pending"],
                    [70, 5, 5, 3, 4, 13],
                )[0]
                if not recent
                else rnd.choice(["pending", "received", "arrived"])
            )
        else:
            status = rnd.choices(["completed", "arrived", "received", "pending"], [80, 8, 6, 6])[0]
        history = {"up": ["draft", "pending"], "down": ["pending"]}["up" if up else "down"]
        chain = ["received", "arrived", "completed"]
        if status in chain:
            history += chain[: chain.index(status) + 1]
        elif status in ("rejected", "cancelled"):
            history.append(status)
        refs.append(
            {
                "id": rid,
                "clinic_code": clinic_code,
                "version": len(history),
                "created_at": when,
                "updated_at": when + timedelta(days=len(history)),
                "deleted": False,
                "sync_state": "pending" if recent else "synced",
                "sync_error": None,
                "number": f"{clinic_code}-{day}-{per_day[day]:03d}",
                "direction": "up" if up else "down",
                "status": status,
                "urgency": "紧急" if rnd.random() < 0.2 else "普通",
                "patient_id": pid,
                "patient_name": name,
                "patient_sex": sex,
                "patient_age": max(age, 0),
                "patient_id_number": idn or "",
                "patient_record_number": rec,
                "patient_address": addr,
                "patient_phone": phone,
                "from_institution": CLINIC if up else rnd.choices(HOSPITALS, HOSPITAL_WEIGHTS)[0],
                "to_institution": rnd.choices(HOSPITALS, HOSPITAL_WEIGHTS)[0] if up else CLINIC,
                "to_department": rnd.choice(DEPTS) if up else "",
                "to_doctor": "",
                "indications": json.dumps(
                    [rnd.choice(UP_INDICATIONS if up else DOWN_INDICATIONS)], ensure_ascii=False
                ),
                "indication_other": "",
                "impression": rnd.choice(IMPRESSIONS) if up else "",
                "present_illness": "症状加重3天" if up else "",
                "past_history": "高血压病史" if up else "",
                "treatment": "对症处理" if up else "",
                "patient_type": "门诊",
                "payment_type": pay,
                "transport": "患者自理",
                "purpose": "",
                "cautions": "",
                "referring_doctor": rnd.choice(DOCTORS) if up else "县医院医生",
                "referring_phone": "0550-5012345",
                "referred_at": when,
                "diagnosis": "" if up else rnd.choice(IMPRESSIONS),
                "icd10": "",
                "inpatient_no": "",
                "exam_results": "" if up else "见出院小结",
                "treatment_plan": "" if up else "继续康复治疗",
                "followup_date": None if up else (when + timedelta(days=14)).date(),
                "followup_method": "" if up else "门诊复查",
                "outcome": "",
                "received_at": when + timedelta(days=1) if "received" in history else None,
                "receiving_doctor": "接诊医生" if "received" in history else "",
                "rejected_reason": "床位已满" if status == "rejected" else "",
                "arrived_at": when + timedelta(days=1) if "arrived" in history else None,
                "county_note": "",
                "acknowledged_at": None,
                "clinic_arrived_at": None,
                "completed_at": when + timedelta(days=3) if status == "completed" else None,
                "cancel_reason": "患者拒绝转诊" if status == "cancelled" else "",
                "created_by": "doctor0",
                "print_count": 1 if up else 0,
            }
        )
        prev = ""
        for i, st in enumerate(history):
            events.append(
                {
                    "id": str(uuid.uuid4()),
                    "clinic_code": clinic_code,
                    "version": 1,
                    "created_at": when + timedelta(days=i),
                    "updated_at": when + timedelta(days=i),
                    "deleted": False,
                    "sync_state": "synced",
                    "sync_error": None,
                    "referral_id": rid,
                    "from_status": prev,
                    "to_status": st,
                    "side": "county"
                    if st in ("received", "arrived", "rejected") and up
                    else "clinic",
                    "actor": "医生",
                    "at": when + timedelta(days=i),
                    "reason": "",
                }
            )
            prev = st
    engine = make_engine(path)
    from app.db.models import Outbox
    from app.services.recording import outbox_values

    # A referral waiting for upload has its outbox row at its version, as the service writes
    # it (start-up refuses a database where one is missing).
    outbox = [
        outbox_values("referral", r["id"], r["version"], r["updated_at"])
        for r in refs
        if r["sync_state"] == "pending"
    ]
    with engine.begin() as c:
        c.execute(Referral.__table__.insert(), refs)
        c.execute(ReferralEvent.__table__.insert(), events)
        if outbox:
            c.execute(Outbox.__table__.insert(), outbox)
    engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return len(events)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--referrals", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    t = time.perf_counter()
    n_events = build(args.data, args.referrals)
    print(
        f"added {args.referrals} referrals and {n_events} status changes "
        f"in {time.perf_counter() - t:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
