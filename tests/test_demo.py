"""The demo data a first run with --demo creates: usable accounts, valid residents, referrals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.db.engine import db_path
from app.db.migrate import open_database
from app.demo import ACCOUNTS, seed_demo
from app.demo_data import ResidentGenerator
from app.domain.idcard import parse
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from tests.conftest import fast_hasher


def test_demo_clinic_is_usable(tmp_path: Path) -> None:
    open_database(tmp_path)
    services = AppServices.create(
        ServiceContext.open(tmp_path, password_hasher=fast_hasher()), tmp_path
    )
    accounts = seed_demo(services, patients=60)
    assert [a[0] for a in accounts] == ["admin", "doctor", "nurse"]
    assert services.ctx.actor is None  # logged out again
    for username, password, _role in accounts:
        services.users.login(username, password)
    with sqlite3.connect(db_path(tmp_path)) as c:
        ids = [
            r[0] for r in c.execute("SELECT id_number FROM patients WHERE id_number IS NOT NULL")
        ]
        pending = c.execute("SELECT count(*) FROM patients WHERE sync_state='pending'").fetchone()
        queued = c.execute("SELECT count(*) FROM outbox WHERE record_type='patient'").fetchone()
        statuses = {r[0] for r in c.execute("SELECT status FROM referrals")}
    assert ids and all(parse(n).number == n for n in ids)
    assert pending == queued == (60,)
    assert {"pending", "received", "arrived", "rejected"} <= statuses
    first = services.patients.search("", limit=1)[0]
    from app.domain.names import pinyin_keys

    initials, _ = pinyin_keys(first.name)
    assert first.id in {p.id for p in services.patients.search(initials, limit=500)}
    assert len(ACCOUNTS) == 3
    services.ctx.dispose()


def test_generated_residents_are_valid_and_varied() -> None:
    gen = ResidentGenerator(seed=1)
    people = [gen.resident() for _ in range(2000)]
    with_id = [p for p in people if p.id_number]
    assert 0.85 < len(with_id) / len(people) < 0.99  # some have no ID card
    for p in with_id:
        info = parse(p.id_number)
        assert (info.birth_date, info.sex) == (p.birth_date, p.sex)
    assert {"03", "02"} & {p.payment_type for p in people}  # legacy codes on old records
    assert len({p.record_number for p in people}) == len(people)
    assert any(
        len(p.name) >= 3 and p.name[:2] in ("欧阳", "司马", "诸葛", "上官", "东方") for p in people
    )
