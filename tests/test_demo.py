"""The demo data a first run with --demo creates: usable accounts, valid residents, referrals."""

from __future__ import annotations

import functools
import hashlib
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

import app.demo
from app.db.engine import db_path
from app.db.migrate import open_database
from app.demo import ACCOUNTS, seed_demo, seed_records
from app.demo_data import ResidentGenerator
from app.domain import clinic_clock
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


def test_annual_summary_of_the_demo_matches_an_independent_count(tmp_path: Path) -> None:
    """The summary figures against a count made straight from the rows with plain SQL."""

    open_database(tmp_path)
    services = AppServices.create(
        ServiceContext.open(tmp_path, password_hasher=fast_hasher()), tmp_path
    )
    seed_demo(services, patients=20)
    services.users.login("admin", "admin123")
    year = clinic_clock.today().year
    figures = dict(services.training.summary(year).rows())
    with sqlite3.connect(db_path(tmp_path)) as c:

        def n(sql: str) -> int:
            return int(c.execute(sql, (f"{year}-01-01", f"{year + 1}-01-01")).fetchone()[0])

        acts = "FROM training_activities a WHERE a.deleted=0 AND a.day >= ? AND a.day < ?"
        attended = (
            "FROM training_attendance t JOIN training_activities a ON a.id=t.activity_id "
            "WHERE t.deleted=0 AND a.deleted=0 AND t.status IN ('present','late') "
            "AND a.day >= ? AND a.day < ?"
        )
        station = "FROM support_stationings WHERE deleted=0 AND start_on >= ? AND start_on < ?"
        expected = {
            "教学查房次": n(f"SELECT count(*) {acts} AND a.activity_type='教学查房'")
            + n(f"SELECT coalesce(sum(teaching_rounds),0) {station}"),
            "手术示教台次": n(f"SELECT count(*) {acts} AND a.activity_type='手术示教'")
            + n(f"SELECT coalesce(sum(surgery_demos),0) {station}"),
            # a lecture of a 培训班 is a session of that course, not a 学术讲座场
            "学术讲座场": n(
                f"SELECT count(*) {acts} AND a.activity_type='讲座/业务培训' AND a.course=''"
            )
            + n(f"SELECT coalesce(sum(lectures),0) {station}"),
            "培训班期": n(f"SELECT count(DISTINCT a.course) {acts} AND a.course != ''"),
            "业务培训人次": n(
                f"SELECT count(*) {attended} AND a.activity_type IN "
                "('讲座/业务培训','技能操作培训','远程培训')"
            )
            + n(f"SELECT coalesce(sum(trainees),0) {station}"),
            "业务培训人数（人）": n(
                f"SELECT count(DISTINCT t.staff_id) {attended} AND a.activity_type IN "
                "('讲座/业务培训','技能操作培训','远程培训')"
            ),
            # 人次 of attendance only: a stationing's 带教人数 are people
            "帮扶带教人次": n(
                f"SELECT count(*) {attended} AND a.activity_type IN "
                "('教学查房','手术示教','门诊带教/坐诊','病例讨论(疑难/死亡)','会诊')"
            ),
            "带教人数（人）": n(f"SELECT coalesce(sum(mentees),0) {station}"),
            "门诊诊疗人次": n(f"SELECT coalesce(sum(outpatient_visits),0) {station}"),
            "手术台次": n(f"SELECT coalesce(sum(operations),0) {station}"),
            "会诊及疑难病例讨论次": n(
                f"SELECT count(*) {acts} AND a.activity_type IN ('会诊','病例讨论(疑难/死亡)')"
            )
            + n(f"SELECT coalesce(sum(consultations),0) {station}"),
            "接收进修人次": n(
                "SELECT count(*) FROM secondments WHERE deleted=0 "
                "AND start_on >= ? AND start_on < ?"
            ),
            "新技术新项目项": n(f"SELECT coalesce(sum(new_techniques),0) {station}"),
        }
    assert figures == expected
    assert figures["培训班期"] > 0 and figures["业务培训人次"] > 0
    services.ctx.dispose()


def test_bench_dataset_generator_writes_what_the_service_would(tmp_path: Path) -> None:
    """bench/make_dataset.py on a small scale: valid residents, derived columns, outbox."""
    import importlib
    import sys

    from app.commands.check import consistency_problems
    from app.domain.names import pinyin_keys

    bench = Path(__file__).resolve().parents[1] / "bench"
    sys.path.insert(0, str(bench))
    try:
        make_dataset = importlib.import_module("make_dataset")
    finally:
        sys.path.remove(str(bench))
    out = tmp_path / "clinic"
    assert make_dataset.main(["--patients", "500", "--out", str(out)]) == 0
    path = db_path(out)
    with sqlite3.connect(path) as c:
        rows = c.execute(
            "SELECT name, name_initials, name_pinyin, sex, birth_date, id_number, id_number_rev,"
            " phone, phone_rev, record_number, sync_state, created_at FROM patients"
        ).fetchall()
        pending = c.execute("SELECT id FROM patients WHERE sync_state='pending'").fetchall()
        queued = c.execute("SELECT record_id FROM outbox WHERE record_type='patient'").fetchall()
    assert len(rows) == 500
    for name, ini, full, sex, born, idn, idn_rev, phone, phone_rev, rec, _state, _at in rows:
        assert (ini, full) == pinyin_keys(name)
        if idn:
            info = parse(idn)
            assert (info.number, info.sex, info.birth_date.isoformat()) == (idn, sex, born)
            assert idn_rev == idn[::-1]
        else:
            assert idn_rev is None
        assert phone_rev == phone[::-1]
        assert len(rec) == 17 and rec.isdigit()
    assert any(not r[5] for r in rows)  # some residents without an ID card
    assert {r[10] for r in rows} == {"synced", "pending"}
    assert sorted(pending) == sorted(queued)  # pending <=> outbox row, synced ones have none
    years = {r[11][:4] for r in rows}
    assert len(years) >= 9  # spread over ten years
    assert consistency_problems(path) == []
    # and the services find them
    services = AppServices.create(ServiceContext.open(out, password_hasher=fast_hasher()), out)
    services.users.login("admin", "admin123")
    name = rows[0][0]
    assert name in {p.name for p in services.patients.search(rows[0][1], limit=500)}
    services.ctx.dispose()


# -- the demo's bulk seeding writes what the services write --------------------------------

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# When a row was written, and the salted password hashes, differ from run to run.
# ids are made up on each run; the audit chain's hashes cover them (each chain is verified
# whole by the consistency check instead)
IGNORED = {"id", "password_hash", "prev_hash", "hash"}


def _canonical_tables(path: Path) -> dict[str, Counter[tuple[object, ...]]]:
    """Every table's rows without ids and times; a reference to another row (a foreign key,
    an outbox or audit row's record_id, an id inside an audit detail) is replaced by that
    row's own canonical content, so two databases compare equal exactly when they hold the
    same records, linked the same way."""
    with sqlite3.connect(path) as c:
        names = [
            r[0]
            for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")
            # stats_marks: random tokens of the 统计 figures kept in memory; stats_changes:
            # the log of residents whose 考核 may have changed (as many rows as writes). No record
            if r[0] not in ("alembic_version", "sqlite_sequence", "stats_marks", "stats_changes")
        ]
        raw: dict[str, list[dict[str, object]]] = {}
        for t in names:
            cur = c.execute(f'SELECT * FROM "{t}"')
            cols = [d[0] for d in cur.description]
            raw[t] = [dict(zip(cols, r, strict=True)) for r in cur]
    ids = {str(r["id"]) for rows in raw.values() for r in rows if UUID.fullmatch(str(r.get("id")))}
    label: dict[str, str] = {}

    def content(row: dict[str, object]) -> tuple[object, ...] | None:
        out = []
        for k in sorted(row):
            if k in IGNORED or k.endswith("_at") or k == "at":
                continue
            v = row[k]
            if isinstance(v, str):
                refs = [m for m in UUID.findall(v) if m in ids and m != row.get("id")]
                if any(m not in label for m in refs):
                    return None  # a row it refers to has no label yet
                v = UUID.sub(lambda m: label.get(m.group(0), m.group(0)), v)
            out.append((k, v))
        return tuple(out)

    pending = [(t, r) for t, rows in raw.items() for r in rows]
    result: dict[str, Counter[tuple[object, ...]]] = {t: Counter() for t in raw}
    while pending:
        left = []
        for t, r in pending:
            key = content(r)
            if key is None:
                left.append((t, r))
                continue
            result[t][key] += 1
            if str(r.get("id")) in ids:
                label[str(r["id"])] = "<" + hashlib.sha1(repr((t, key)).encode()).hexdigest() + ">"
        assert len(left) < len(pending), "rows referring to each other in a cycle"
        pending = left
    return result


def _seeded(tmp_path: Path, name: str, patients: int) -> Path:
    out = tmp_path / name
    open_database(out)
    services = AppServices.create(ServiceContext.open(out, password_hasher=fast_hasher()), out)
    seed_demo(services, patients=patients)
    services.ctx.dispose()
    return db_path(out)


def test_bulk_seeding_writes_the_same_tables_as_the_services_record_by_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's first start seeds in bulk; the result must be exactly what the services
    would have written one record at a time: every table, every column but ids and write
    times, outbox and audit rows included, references between rows the same."""
    from app.commands.check import consistency_problems

    bulk = _seeded(tmp_path, "bulk", 45)
    monkeypatch.setattr(app.demo, "seed_records", functools.partial(seed_records, bulk=False))
    one_by_one = _seeded(tmp_path, "services", 45)
    a, b = _canonical_tables(bulk), _canonical_tables(one_by_one)
    assert sum(a["followup_visits"].values()) > 50  # the small seed still has every kind
    assert sum(a["training_attendance"].values()) > 100
    assert sum(a["audit_log"].values()) > 500
    for table in sorted(set(a) | set(b)):
        if a.get(table) != b.get(table):  # name a few rows: a full diff of 1,000 takes minutes
            only_bulk = list((a.get(table) or Counter()) - (b.get(table) or Counter()))[:3]
            only_services = list((b.get(table) or Counter()) - (a.get(table) or Counter()))[:3]
            pytest.fail(f"{table}: bulk only {only_bulk}; services only {only_services}")
    assert consistency_problems(bulk) == []
    with sqlite3.connect(bulk) as c:  # every record written is pending with its outbox row
        for table, record_type in [
            ("patients", "patient"),
            ("followup_plans", "followup_plan"),
            ("followup_visits", "followup_visit"),
            ("training_activities", "training_activity"),
            ("training_attendance", "training_attendance"),
            ("staff", "staff"),
        ]:
            missing = c.execute(
                f"SELECT count(*) FROM {table} t LEFT JOIN outbox o ON o.record_type=? "
                "AND o.record_id=t.id AND o.version=t.version "
                "WHERE t.sync_state != 'pending' OR o.id IS NULL",
                (record_type,),
            ).fetchone()[0]
            assert missing == 0, table


def test_demo_first_start_smoke_and_check_pass(tmp_path: Path) -> None:
    """``python -m app --data-dir NEW --demo --smoke`` seeds, shows the login window, exits 0,
    and ``check`` passes on what it wrote."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(tmp_path), *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
        )

    first = run("--demo", "--smoke")
    assert first.returncode == 0, first.stderr
    assert "smoke ok: LoginDialog" in first.stdout
    check = run("check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "检查通过" in check.stdout
    with sqlite3.connect(db_path(tmp_path)) as c:
        counts = {
            t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("patients", "followup_plans", "followup_visits", "training_attendance")
        }
    assert counts["patients"] == 300
    assert min(counts.values()) > 0
