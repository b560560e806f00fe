"""Build the 10-year dataset of a busy township clinic (default 100,000 residents).

    .venv/bin/python bench/make_dataset.py [--patients N] [--out DIR]

The database is migrated and set up through the real services; residents are inserted in
bulk with exactly the columns PatientService writes (``patient_row``: pinyin keys, reversed ID
and phone). Records of the last 30 days are pending upload with their outbox rows; older ones are
synced. Other areas extend the same file with bench/make_<area>.py.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from common import DEFAULT_DATA  # noqa: I001  (puts the repo on sys.path)

from app.db.engine import db_path, make_engine
from app.db.migrate import open_database
from app.db.models import AuditLog, Outbox, Patient
from app.demo_data import ResidentGenerator
from app.domain.roles import Role
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from app.services.patients import patient_row
from app.services.recording import chain_audit, outbox_values

END = datetime(2026, 11, 1, 8, 0)
YEARS = 10
CLINIC_CODE = "341122TH"


def build(out: Path, patients: int, seed: int = 7) -> Path:
    if out.exists():
        shutil.rmtree(out)
    open_database(out)
    ctx = ServiceContext.open(out)  # the workstation's own password hasher
    services = AppServices.create(ctx, out)
    services.users.setup(
        clinic_code=CLINIC_CODE,
        clinic_name="来安县桃花镇卫生院",
        county_hospital="来安县人民医院",
        admin_username="admin",
        admin_display_name="王建国",
        admin_password="admin123",
    )
    services.users.login("admin", "admin123")
    for i in range(8):
        services.users.create_user(f"doctor{i}", f"医生{i}", Role.DOCTOR, "doctor123")
    for i in range(6):
        services.users.create_user(f"nurse{i}", f"护士{i}", Role.NURSE, "nurse123")
    ctx.dispose()

    gen = ResidentGenerator(seed=seed, today=END.date())
    rnd = random.Random(seed)
    span = timedelta(days=365 * YEARS)
    rows, outbox, audit = [], [], []
    recent = END - timedelta(days=30)
    for _ in range(patients):
        r = gen.resident()
        created = END - span * rnd.random() ** 0.8  # more registrations in later years
        updated = created + (END - created) * rnd.random() * 0.3
        pid = str(uuid.uuid4())
        pending = updated >= recent
        rows.append(
            patient_row(r, pid, CLINIC_CODE, 2 if pending else 1, created, updated, pending)
        )
        audit.append(
            {
                "at": created,
                "user_id": None,
                "username": "admin",
                "action": "create",
                "record_type": "patient",
                "record_id": pid,
                "detail": "{}",
            }
        )
        if pending:
            outbox.append(outbox_values("patient", pid, 2, updated))
    engine = make_engine(db_path(out))
    with engine.begin() as conn:
        conn.execute(Patient.__table__.insert(), rows)
        chain_audit(conn, audit)
        conn.execute(AuditLog.__table__.insert(), audit)
        if outbox:
            conn.execute(Outbox.__table__.insert(), outbox)
    engine.dispose()
    conn = sqlite3.connect(db_path(out))
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db_path(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    t = time.perf_counter()
    path = build(args.out, args.patients)
    size = path.stat().st_size / 1e6
    print(
        f"built {args.patients} residents over {YEARS} years in {time.perf_counter() - t:.1f} s: "
        f"{path} ({size:.0f} MB); accounts admin/admin123, doctor0/doctor123, nurse0/nurse123"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
