"""Sync through the real engine against a real county hub on 127.0.0.1 (issue 4).

    .venv/bin/python bench/bench_sync.py [--backend sqlite|postgresql|both] [--pg-url URL]
        [--records 10000] [--clinics 200] [--per-clinic 200] [--workers 4]
        [--only throughput|concurrent] [--hub-workers 1,2] [--profile DIR] [--data DIR]

1. Throughput: a copy of the 10-year clinic (bench/make_dataset.py) with ``--records``
   residents pending upload (half new registrations, half edits of residents the hub already
   holds at the previous version; the hub is pre-filled with the clinic's other, synced
   residents). One ``SyncEngine.run_round()`` pushes them: records/s. Then the county writes
   ``--records`` downward referrals (回转单) for the clinic's residents straight into the hub
   database (``county.store.create_for_clinic``) and one round pulls them: records/s until
   the last page is committed (each one is attached to its resident and starts its 下转康复
   plan, as in the app); the round then pushes those plans back, reported separately. Last,
   the everyday pull: the clinic holds ``--records`` upward referrals of its own, already
   pushed; the county answers each (``county.store.answer_record``: received, every other one
   also arrived) and one round pulls the answers: records/s the same way.
   Target: >= 5,000 records/s each way, on a SQLite hub and on a PostgreSQL hub.
2. Concurrency (PostgreSQL hub unless ``--backend sqlite``): ``--clinics`` clinics, each its
   own SQLite database with ``--per-clinic`` pending residents, all start one round at the
   same moment (``--workers`` processes, one thread and one HubClient per clinic). Checks
   that nothing was lost or duplicated (the hub's count per clinic equals the clinic's, every
   record synced with the same version and the same fields, no outbox row left) and reports
   p50/p95/p99 latency per push batch. ``--hub-workers 1,2`` runs this part once per
   number of hub processes (``serve --workers N``; PostgreSQL only), fresh clinics and hub
   database each time.

The hub always runs as its own process (``python -m county --db URL serve``), so the hub and
the engine never share a GIL. ``--profile DIR`` runs the throughput part under cProfile on
both sides (the hub then runs as ``bench_sync.py _hub``, which profiles the event loop and
every threadpool call) and writes ``DIR/{engine,hub}-{push,pull}-{backend}.prof`` plus a text
summary. PostgreSQL: ``bash scripts/ci-postgres.sh cliniclink_bench`` prints a URL; the
bench empties that database (DROP SCHEMA public CASCADE) before each part, so never point it
at a database you care about.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import multiprocessing as mp
import os
import pstats
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from common import DEFAULT_DATA, ROOT, save  # noqa: I001  (puts the repo on sys.path)

PG_URL_ENV = "CLINICLINK_BENCH_PG_URL"
CLINIC_CODE = "341122TH"  # bench/make_dataset.py
TARGET_RPS = 5000.0


# --- the hub process ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh_hub_db(backend: str, work: Path, pg_url: str) -> str:
    """An empty, migrated hub database; returns its URL."""
    from sqlalchemy import text

    from county.db import init_db, make_hub_engine

    if backend == "postgresql":
        if not pg_url:
            raise SystemExit(
                f"PostgreSQL: pass --pg-url or set {PG_URL_ENV} "
                "(bash scripts/ci-postgres.sh cliniclink_bench prints one)"
            )
        url = pg_url
        engine = make_hub_engine(url)
        with engine.begin() as c:
            c.execute(text("DROP SCHEMA public CASCADE"))
            c.execute(text("CREATE SCHEMA public"))
    else:
        path = work / "county.db"
        for p in work.glob("county.db*"):
            p.unlink()
        url = f"sqlite:///{path}"
        engine = make_hub_engine(url)
    init_db(engine)
    engine.dispose()
    return url


class HubProcess:
    """``python -m county --db URL serve`` on 127.0.0.1 (or the profiling wrapper below)."""

    def __init__(self, url: str, profile_to: Path | None = None, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if profile_to is None:
            cmd = [sys.executable, "-m", "county", "--db", url, "serve", "--port", str(self.port)]
            if workers > 1:  # several hub processes on one PostgreSQL
                cmd += ["--workers", str(workers)]
        else:
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),
                "_hub",
                "--db",
                url,
                "--port",
                str(self.port),
                "--profile-out",
                str(profile_to),
            ]
        # never a pipe: a full pipe would stall the hub; closed in stop()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                msg = self.log.read().decode(errors="replace")[-2000:]
                self.log.close()
                raise RuntimeError("hub exited: " + msg)
            try:
                httpx.get(self.url + "/api/v1/health", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("hub did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # uvicorn shuts down; a profile is written
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.log.closed:
            self.log.close()

    def __enter__(self) -> HubProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_profiled(db: str, port: int, out: Path) -> int:
    """The hub as ``python -m county serve`` runs it, under cProfile: the event-loop thread
    plus every call FastAPI/Starlette hands to the threadpool (dependencies, sync endpoints,
    store.push). cProfile is per thread on Python 3.11, so each call gets its own profiler and
    all are merged at exit."""
    import fastapi.dependencies.utils as fdu
    import fastapi.routing as fr
    import starlette.concurrency as sc
    import uvicorn

    import county.api as capi
    from county.db import init_db, make_hub_engine

    engine = make_hub_engine(db)
    init_db(engine)
    lock = threading.Lock()
    done: list[cProfile.Profile] = []
    orig = sc.run_in_threadpool

    async def profiled_threadpool(func: Any, *args: Any, **kwargs: Any) -> Any:
        def call() -> Any:
            p = cProfile.Profile()
            p.enable()
            try:
                return func(*args, **kwargs)
            finally:
                p.disable()
                with lock:
                    done.append(p)

        return await orig(call)

    for mod in (sc, fr, fdu, capi):
        if hasattr(mod, "run_in_threadpool"):
            mod.run_in_threadpool = profiled_threadpool  # type: ignore[attr-defined]
    app = capi.create_app(engine)
    main = cProfile.Profile()
    main.enable()
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    finally:
        main.disable()
        stats = pstats.Stats(main)
        for p in done:
            stats.add(p)
        stats.dump_stats(str(out))
    return 0


# --- clinic databases --------------------------------------------------------------------


def copy_db(src_dir: Path, dst_dir: Path) -> None:
    """A closed, checkpointed database: copied with SQLite's backup API all the same."""
    from app.db.engine import db_path

    dst_dir.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(db_path(src_dir))
    dst = sqlite3.connect(db_path(dst_dir))
    src.backup(dst)
    dst.execute("PRAGMA journal_mode=WAL")
    dst.close()
    src.close()


def wire_rows(db_dir: Path, ids: set[str] | None = None) -> list[tuple[str, int, dict[str, Any]]]:
    """(id, version, data) of residents as the engine would push them (to_wire/push_data)."""
    from sqlalchemy import select

    from app.db.models import Patient
    from app.services.context import ServiceContext
    from app.sync.engine import push_data

    ctx = ServiceContext.open(db_dir)
    out = []
    try:
        with ctx.reader() as s:
            for p in s.scalars(select(Patient).execution_options(yield_per=5000)):
                if ids is None or p.id in ids:
                    out.append((p.id, p.version, push_data(p)))
    finally:
        ctx.dispose()
    return out


def hub_insert(
    hub_url: str, type_: str, clinic: str, rows: list[tuple[str, int, dict[str, Any]]]
) -> None:
    """Records the hub already holds from earlier rounds, in bulk (as the push stores them)."""
    from county.db import HubRecord, make_hub_engine, utcnow
    from county.store import ENVELOPE

    engine = make_hub_engine(hub_url)
    now = utcnow()
    table = HubRecord.__table__
    with engine.begin() as c:
        for i in range(0, len(rows), 5000):
            c.execute(
                table.insert(),
                [
                    {
                        "type": type_,
                        "id": rid,
                        "version": v,
                        "county_rev": 0,
                        "owner": clinic,
                        "clinic_code": clinic,
                        "deleted": False,
                        "data": {k: x for k, x in d.items() if k not in ENVELOPE},
                        "updated_at": now,
                    }
                    for rid, v, d in rows[i : i + 5000]
                ],
            )
    engine.dispose()


def mark_pending(db_dir: Path, n: int, seed: int = 11) -> tuple[set[str], set[str]]:
    """Make exactly ``n`` residents pending: half new (the hub never saw them), half edited
    (one version past the hub's). Everything else synced, outbox otherwise empty."""
    from app.db.engine import db_path

    rnd = random.Random(seed)
    conn = sqlite3.connect(db_path(db_dir), isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("UPDATE patients SET sync_state='synced', sync_error=NULL")
    conn.execute("DELETE FROM outbox")
    ids = [r[0] for r in conn.execute("SELECT id FROM patients WHERE deleted=0 ORDER BY id")]
    chosen = rnd.sample(ids, n)
    new, edited = set(chosen[: n // 2]), set(chosen[n // 2 :])
    now = datetime(2026, 11, 22, 9, 0)
    rows = []
    for i, pid in enumerate(chosen):
        bump = 1 if pid in edited else 0
        conn.execute(
            "UPDATE patients SET version=version+?, updated_at=?, sync_state='pending' WHERE id=?",
            (bump, now + timedelta(seconds=i), pid),
        )
        rows.append(pid)
    rnd.shuffle(rows)  # the outbox in the order things were written, new and edits mixed
    conn.executemany(
        "INSERT INTO outbox (record_type, record_id, version, state, attempts, queued_at) "
        "SELECT 'patient', id, version, 'pending', 0, updated_at FROM patients WHERE id=?",
        [(pid,) for pid in rows],
    )
    conn.execute("COMMIT")
    conn.close()
    return new, edited


def county_down_referrals(hub_url: str, clinic: str, db_dir: Path, n: int, seed: int = 13) -> None:
    """``n`` downward referrals (回转单) the county writes for the clinic's residents,
    through county.store.create_for_clinic, 1,000 per transaction."""
    from app.db.engine import db_path
    from app.domain.referral import DOWN_INDICATIONS
    from county import store
    from county.db import make_hub_engine, make_sessions

    rnd = random.Random(seed)
    conn = sqlite3.connect(db_path(db_dir))
    pats = conn.execute(
        "SELECT id, name, sex, birth_date, id_number, record_number, address, phone, "
        "payment_type FROM patients WHERE deleted=0"
    ).fetchall()
    clinic_name = conn.execute("SELECT name FROM clinic").fetchone()[0]
    conn.close()
    diagnoses = [
        "脑梗死恢复期",
        "股骨颈骨折术后",
        "冠心病 PCI 术后",
        "慢阻肺急性加重缓解",
        "2型糖尿病 血糖已控制",
        "社区获得性肺炎治愈",
        "高血压3级 血压已控制",
    ]
    engine = make_hub_engine(hub_url)
    sessions = make_sessions(engine)
    base = datetime(2026, 11, 20, 8, 0)
    for start in range(0, n, 1000):
        with sessions() as s, s.begin():
            for i in range(start, min(n, start + 1000)):
                pid, name, sex, born, idn, rec, addr, phone, pay = rnd.choice(pats)
                when = base + timedelta(minutes=i)
                age = (when - datetime.fromisoformat(born)).days // 365
                rid = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
                store.create_for_clinic(
                    s,
                    "referral",
                    rid,
                    clinic,
                    {
                        "number": f"XZ-{when:%Y%m%d}-{i:05d}",
                        "direction": "down",
                        "status": "pending",
                        "urgency": "普通",
                        "patient_id": pid,
                        "patient_name": name,
                        "patient_sex": sex,
                        "patient_age": max(age, 0),
                        "patient_id_number": idn or "",
                        "patient_record_number": rec or "",
                        "patient_address": addr or "",
                        "patient_phone": phone or "",
                        "from_institution": "来安县人民医院",
                        "to_institution": clinic_name,
                        "to_department": "",
                        "to_doctor": "",
                        "indications": json.dumps(
                            [rnd.choice(DOWN_INDICATIONS)], ensure_ascii=False
                        ),
                        "indication_other": "",
                        "impression": "",
                        "present_illness": "",
                        "past_history": "",
                        "treatment": "",
                        "patient_type": "住院",
                        "payment_type": pay or "",
                        "transport": "患者自理",
                        "purpose": "",
                        "cautions": "",
                        "referring_doctor": "县医院医生",
                        "referring_phone": "0550-5012345",
                        "referred_at": when.isoformat(),
                        "diagnosis": rnd.choice(diagnoses),
                        "icd10": "",
                        "inpatient_no": f"ZY{start + i:07d}",
                        "exam_results": "见出院小结",
                        "treatment_plan": "继续康复治疗，按时服药",
                        "followup_date": (when + timedelta(days=14)).date().isoformat(),
                        "followup_method": "门诊复查",
                        "outcome": "好转",
                        "received_at": None,
                        "receiving_doctor": "",
                        "rejected_reason": "",
                        "arrived_at": None,
                        "county_note": "",
                        "acknowledged_at": None,
                        "clinic_arrived_at": None,
                        "completed_at": None,
                        "cancel_reason": "",
                        "created_by": "county",
                        "created_at": when.isoformat(),
                    },
                )
    engine.dispose()


def clinic_up_referrals(
    hub_url: str, clinic: str, db_dir: Path, n: int, seed: int = 17
) -> list[str]:
    """``n`` upward referrals (转出单) the clinic wrote and has already pushed: synced here, at
    the same version on the hub (as the push stores them). Returns their ids."""
    from sqlalchemy import insert, select

    from app.db.referral_models import Referral
    from app.domain.referral import UP_INDICATIONS
    from app.services.context import ServiceContext
    from app.sync.engine import push_data

    rnd = random.Random(seed)
    conn = sqlite3.connect(db_path_of(db_dir))
    pats = conn.execute(
        "SELECT id, name, sex, birth_date, id_number, phone, address, payment_type "
        "FROM patients WHERE deleted=0"
    ).fetchall()
    conn.close()
    base = datetime(2026, 10, 1, 8, 0)
    rows = []
    for i in range(n):
        pid, name, sex, born, idn, phone, addr, pay = rnd.choice(pats)
        when = base + timedelta(minutes=i)
        rows.append(
            {
                "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                "clinic_code": clinic,
                "version": 1,
                "created_at": when,
                "updated_at": when,
                "deleted": False,
                "sync_state": "synced",
                "sync_error": None,
                "number": f"{clinic}-{when:%Y%m%d}-{i:05d}",
                "direction": "up",
                "status": "pending",
                "patient_id": pid,
                "patient_name": name,
                "patient_sex": sex,
                "patient_age": max(0, (when - datetime.fromisoformat(born)).days // 365),
                "patient_id_number": idn or "",
                "patient_phone": phone or "",
                "patient_address": addr or "",
                "payment_type": pay or "",
                "to_institution": "来安县人民医院",
                "to_department": "心血管内科",
                "indications": json.dumps([rnd.choice(UP_INDICATIONS)], ensure_ascii=False),
                "impression": "高血压3级",
                "present_illness": "头晕3天",
                "treatment": "硝苯地平",
                "referring_doctor": "李秀英",
                "referring_phone": "0550-5012345",
                "patient_type": "门诊",
                "transport": "自行前往",
                "referred_at": when,
                "created_by": "doctor",
            }
        )
    ctx = ServiceContext.open(db_dir)
    with ctx.session() as s:
        s.execute(insert(Referral), rows)
    ids = [r["id"] for r in rows]
    with ctx.reader() as s:
        wire = [
            (r.id, r.version, push_data(r))
            for r in s.scalars(select(Referral).where(Referral.direction == "up"))
        ]
    ctx.dispose()
    hub_insert(hub_url, "referral", clinic, wire)
    return ids


def county_answers(hub_url: str, ids: list[str]) -> None:
    """The county referral office answers each referral (``county.store.answer_record``, the
    web pages' call): every one received, every other one also arrived; 1,000 a transaction."""
    from county import store
    from county.db import make_hub_engine, make_sessions

    engine = make_hub_engine(hub_url)
    sessions = make_sessions(engine)
    base = datetime(2026, 11, 21, 8, 0)
    for start in range(0, len(ids), 1000):
        with sessions() as s, s.begin():
            for i in range(start, min(len(ids), start + 1000)):
                at = base + timedelta(seconds=i)
                answer: dict[str, Any] = {
                    "received_at": at.isoformat(),
                    "receiving_doctor": "周医生",
                }
                if i % 2:
                    answer["arrived_at"] = (at + timedelta(hours=2)).isoformat()
                store.answer_record(s, "referral", ids[i], answer)
    engine.dispose()


def db_path_of(db_dir: Path) -> Path:
    from app.db.engine import db_path

    return db_path(db_dir)


def register(hub_url: str, codes: list[str]) -> dict[str, str]:
    from county import auth
    from county.db import make_hub_engine, make_sessions

    engine = make_hub_engine(hub_url)
    with make_sessions(engine)() as s, s.begin():
        tokens = {c: auth.add_clinic(s, c, f"{c}卫生院") for c in codes}
    engine.dispose()
    return tokens


def busy(spans: list[tuple[float, float]]) -> float:
    """Length of the union of (start, end) spans: time with at least one request out."""
    total, end = 0.0, float("-inf")
    for a, b in sorted(spans):
        if b > end:
            total += b - max(a, end)
            end = b
    return total


class TimedTransport(httpx.HTTPTransport):
    """Time on the wire of each request (sent -> whole reply read): the hub's share of a
    round, as the engine sees it. The engine keeps up to two pushes in flight while it
    stores results, so ``all``/``pushes`` are the time with *any* request out (the union of
    the spans), and the rest of the round is the engine working alone."""

    def __init__(self) -> None:
        super().__init__()
        self.spans: list[tuple[float, float]] = []
        self.push_spans: list[tuple[float, float]] = []
        self.push_durations: list[float] = []  # per push request, for percentiles
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self.spans.clear()
            self.push_spans.clear()
            self.push_durations.clear()

    @property
    def all(self) -> list[float]:
        return [busy(self.spans)]

    @property
    def pushes(self) -> list[float]:
        return [busy(self.push_spans)]

    @property
    def requests(self) -> int:
        return len(self.spans)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        t = time.perf_counter()
        r = super().handle_request(request)
        r.read()
        span = (t, time.perf_counter())
        with self._lock:
            self.spans.append(span)
            if request.url.path.endswith("/sync/push"):
                self.push_spans.append(span)
                self.push_durations.append(span[1] - span[0])
        return r


# --- timing ------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = max(0, min(len(v) - 1, int(-(-q * len(v) // 100)) - 1))
    return v[k]


def profile_summary(path: Path, top: int = 25) -> str:
    buf = io.StringIO()
    st = pstats.Stats(str(path), stream=buf)
    st.sort_stats("cumulative").print_stats(top)
    st.sort_stats("tottime").print_stats(top)
    return buf.getvalue()


# --- part 1: throughput ------------------------------------------------------------------


def throughput(backend: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from sqlalchemy import func, select

    from app.db.migrate import open_database
    from app.db.models import Outbox
    from app.db.referral_models import Referral
    from app.services.context import ServiceContext
    from app.sync.client import HubClient
    from app.sync.engine import SyncEngine
    from county.db import HubRecord, make_hub_engine

    n = args.records
    clinic_dir = work / f"clinic-{backend}"
    if clinic_dir.exists():
        shutil.rmtree(clinic_dir)
    t = time.perf_counter()
    copy_db(args.data, clinic_dir)
    open_database(clinic_dir)
    new, _edited = mark_pending(clinic_dir, n)
    hub_url = fresh_hub_db(backend, work, args.pg_url)
    (token,) = register(hub_url, [CLINIC_CODE]).values()
    hub_insert(
        hub_url, "patient", CLINIC_CODE, [r for r in wire_rows(clinic_dir) if r[0] not in new]
    )
    # the hub holds the edited residents at their previous version
    hub = make_hub_engine(hub_url)
    with hub.begin() as c:
        c.execute(
            HubRecord.__table__.update()
            .where(HubRecord.id.in_(list(_edited)))
            .values(version=HubRecord.version - 1)
        )
        prefilled = c.scalar(select(func.count()).select_from(HubRecord))
    print(
        f"[{backend}] clinic copy, {n} pending, hub pre-filled with {prefilled} residents "
        f"({time.perf_counter() - t:.1f} s)",
        flush=True,
    )
    prof = Path(args.profile) if args.profile else None
    out: dict[str, Any] = {"backend": backend, "records": n, "hub_prefilled": prefilled}

    def one_round(phase: str, expect: str) -> dict[str, Any]:
        ctx = ServiceContext.open(clinic_dir)
        pages: list[float] = []
        hub_prof = prof / f"hub-{phase}-{backend}.prof" if prof else None
        tt = TimedTransport()
        with (
            HubProcess(hub_url, hub_prof) as hp,
            HubClient(hp.url, token, transport=tt, allow_http=True) as client,
        ):
            client.health()
            tt.reset()  # connection warm, like the app's "test connection"
            eng = SyncEngine(ctx, client, after_page=lambda _n: pages.append(time.perf_counter()))
            p = cProfile.Profile() if prof else None
            t0 = time.perf_counter()
            if p:
                p.enable()
            res = eng.run_round()
            if p:
                p.disable()
            t1 = time.perf_counter()
        if p and prof:
            p.dump_stats(str(prof / f"engine-{phase}-{backend}.prof"))
        ctx.dispose()
        r: dict[str, Any] = {
            "round_s": t1 - t0,
            "pushed": res.pushed,
            "duplicates": res.duplicates,
            "parked": res.parked,
            "pulled": res.pulled,
            "pending_left": res.pending_left,
            "errors": res.errors[:3],
            "requests": tt.requests,
            "hub_wire_s": sum(tt.all),
            "engine_s": (t1 - t0) - sum(tt.all),
        }
        if expect == "push":
            r["rate"] = res.pushed / (t1 - t0)
        else:
            r["pull_s"] = pages[-1] - t0
            r["rate"] = res.pulled / r["pull_s"]
            r["pages"] = len(pages)
            r["push_after_pull_s"] = t1 - pages[-1]
            r["push_after_pull_wire_s"] = sum(tt.pushes)
        return r

    out["push"] = one_round("push", "push")
    print(f"[{backend}] push: {out['push']}", flush=True)
    t = time.perf_counter()
    county_down_referrals(hub_url, CLINIC_CODE, clinic_dir, n)
    print(
        f"[{backend}] county wrote {n} downward referrals ({time.perf_counter() - t:.1f} s)",
        flush=True,
    )
    out["pull"] = one_round("pull", "pull")
    print(f"[{backend}] pull: {out['pull']}", flush=True)

    # nothing lost: every pushed resident on the hub at the clinic's version; every downward
    # referral here, synced
    ctx = ServiceContext.open(clinic_dir)
    with ctx.reader() as s:
        local = dict(
            s.execute(
                select(Referral.id, Referral.version).where(Referral.direction == "down")
            ).all()
        )
        left = s.scalar(select(func.count()).select_from(Outbox))
    ctx.dispose()
    with hub.connect() as c:
        hub_patients = c.scalar(
            select(func.count()).select_from(HubRecord).where(HubRecord.type == "patient")
        )
        hub_down = dict(
            c.execute(
                select(HubRecord.id, HubRecord.version).where(HubRecord.type == "referral")
            ).all()
        )
    hub.dispose()
    ok = (
        len(local) == n
        and local == hub_down
        and left == 0
        and out["push"]["pushed"] == n
        and out["pull"]["pulled"] == n
    )
    out["verified"] = {
        "hub_patients": hub_patients,
        "down_referrals_local": len(local),
        "outbox_left": left,
        "ok": ok,
    }
    print(f"[{backend}] verified: {out['verified']}", flush=True)

    # the everyday pull: the county's answers (received / arrived) to the clinic's own
    # referrals, already pushed
    t = time.perf_counter()
    up_ids = clinic_up_referrals(hub_url, CLINIC_CODE, clinic_dir, n)
    county_answers(hub_url, up_ids)
    print(
        f"[{backend}] county answered {n} of the clinic's referrals "
        f"({time.perf_counter() - t:.1f} s)",
        flush=True,
    )
    out["pull_answers"] = one_round("pull-answers", "pull")
    print(f"[{backend}] pull answers: {out['pull_answers']}", flush=True)
    out["verified_answers"] = verify_answers(hub_url, clinic_dir, up_ids)
    out["verified_answers"]["ok"] &= out["pull_answers"]["pulled"] == n
    out["verified"]["ok"] = out["verified"]["ok"] and out["verified_answers"]["ok"]
    print(f"[{backend}] verified answers: {out['verified_answers']}", flush=True)
    return out


def verify_answers(hub_url: str, clinic_dir: Path, ids: list[str]) -> dict[str, Any]:
    """Every answered referral here holds the hub's record field by field, still synced at
    the version the clinic pushed; nothing queued for upload."""
    from sqlalchemy import func, select

    from app.db.models import Outbox
    from app.db.referral_models import Referral
    from app.services.context import ServiceContext
    from app.sync.engine import to_wire
    from county.db import HubRecord, make_hub_engine
    from county.store import ENVELOPE

    engine = make_hub_engine(hub_url)
    with engine.connect() as c:
        hub = {
            r.id: r
            for r in c.execute(
                select(HubRecord.id, HubRecord.version, HubRecord.data).where(
                    HubRecord.type == "referral", HubRecord.owner != "county"
                )
            )
        }
    engine.dispose()
    ctx = ServiceContext.open(clinic_dir)
    same = synced = 0
    statuses: dict[str, int] = {}
    with ctx.reader() as s:
        for r in s.scalars(select(Referral).where(Referral.id.in_(ids))):
            h = hub[r.id]
            local = {k: v for k, v in to_wire(r).items() if k not in ENVELOPE}
            same += all(
                (local.get(k) or None) == (h.data.get(k) or None)
                for k in local.keys() | h.data.keys()
            )
            synced += r.sync_state == "synced" and r.version == h.version
            statuses[r.status] = statuses.get(r.status, 0) + 1
        left = s.scalar(select(func.count()).select_from(Outbox))
    ctx.dispose()
    return {
        "answered": len(ids),
        "same_as_hub": same,
        "synced": synced,
        "statuses": statuses,
        "outbox_left": left,
        "ok": same == synced == len(ids) and left == 0,
    }


# --- part 2: many clinics at once --------------------------------------------------------


def _patient_rows(
    code: str, n: int, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from app.demo_data import ResidentGenerator
    from app.services.patients import patient_row
    from app.services.recording import outbox_values

    gen = ResidentGenerator(seed=seed)
    now = datetime(2026, 11, 22, 8, 0)
    rows, outbox = [], []
    for i in range(n):
        pid = str(uuid.uuid4())
        at = now + timedelta(seconds=i)
        rows.append(patient_row(gen.resident(), pid, code, 1, at, at, True))
        outbox.append(outbox_values("patient", pid, 1, at))
    return rows, outbox


def make_clinics(work: Path, codes: list[str], per_clinic: int) -> dict[str, Path]:
    from argon2 import PasswordHasher

    from app.db.engine import db_path, make_engine
    from app.db.migrate import open_database
    from app.db.models import Outbox, Patient
    from app.services.bundle import AppServices
    from app.services.context import ServiceContext

    tmpl = work / "template"
    if tmpl.exists():
        shutil.rmtree(tmpl)
    open_database(tmpl)
    ctx = ServiceContext.open(
        tmpl, password_hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    AppServices.create(ctx, tmpl).users.setup(
        clinic_code="TEMPLATE",
        clinic_name="模板卫生院",
        county_hospital="来安县人民医院",
        admin_username="admin",
        admin_display_name="管理员",
        admin_password="bench-admin-1",
    )
    ctx.dispose()
    dirs = {}
    for i, code in enumerate(codes):
        d = work / "clinics" / code
        if d.exists():
            shutil.rmtree(d)
        copy_db(tmpl, d)
        rows, outbox = _patient_rows(code, per_clinic, seed=1000 + i)
        engine = make_engine(db_path(d))
        with engine.begin() as c:
            c.exec_driver_sql("UPDATE clinic SET code=?, name=?", (code, f"{code}卫生院"))
            c.execute(Patient.__table__.insert(), rows)
            c.execute(Outbox.__table__.insert(), outbox)
        engine.dispose()
        dirs[code] = d
    return dirs


def _clinic_worker(jobs: list[tuple[str, str, str]], hub_url: str, start_at: float, q: Any) -> None:
    """One process: a thread, a ServiceContext and a HubClient per clinic; all threads start
    their round at ``start_at`` (wall clock, shared by every process)."""
    sys.path.insert(0, str(ROOT))
    from app.services.context import ServiceContext
    from app.sync.client import HubClient, NetworkError
    from app.sync.engine import SyncEngine

    class TimedClient(HubClient):
        def __init__(self, url: str, token: str) -> None:
            self.transport = TimedTransport()
            self.wire = self.transport.push_durations
            self.calls: list[float] = []
            self.network_errors = 0
            super().__init__(url, token, transport=self.transport, allow_http=True)

        def push(self, clinic_code: str, changes: list[Any]) -> list[Any]:
            t = time.perf_counter()
            try:
                return super().push(clinic_code, changes)
            except NetworkError:
                self.network_errors += 1
                raise
            finally:
                self.calls.append(time.perf_counter() - t)

    prepared = []
    for code, d, token in jobs:
        ctx = ServiceContext.open(Path(d))
        _ = ctx.clinic_code
        prepared.append((code, ctx, TimedClient(hub_url, token)))
    results: list[dict[str, Any]] = []
    lock = threading.Lock()

    def run(code: str, ctx: Any, client: Any) -> None:
        r: dict[str, Any] = {"code": code}
        try:
            t0 = time.perf_counter()
            res = SyncEngine(ctx, client).run_round()
            r.update(
                round_s=time.perf_counter() - t0,
                pushed=res.pushed,
                dup=res.duplicates,
                parked=res.parked,
                left=res.pending_left,
            )
        except Exception as e:  # noqa: BLE001 - reported in the table
            r.update(error=f"{type(e).__name__}: {e}", round_s=time.perf_counter() - t0)
        r.update(wire=client.wire, calls=client.calls, network_errors=client.network_errors)
        client.close()
        ctx.dispose()
        with lock:
            results.append(r)

    threads = [threading.Thread(target=run, args=p) for p in prepared]
    time.sleep(max(0.0, start_at - time.time()))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    q.put(results)


def concurrent(
    backend: str, args: argparse.Namespace, work: Path, hub_workers: int = 1
) -> dict[str, Any]:
    from sqlalchemy import func, select

    from app.db.models import Outbox, Patient
    from app.services.context import ServiceContext
    from app.sync.engine import push_data
    from county.db import HubRecord, make_hub_engine
    from county.store import ENVELOPE

    codes = [f"3411{i:04d}" for i in range(args.clinics)]
    t = time.perf_counter()
    dirs = make_clinics(work / f"many-{backend}-{hub_workers}", codes, args.per_clinic)
    hub_url = fresh_hub_db(backend, work, args.pg_url)
    tokens = register(hub_url, codes)
    print(
        f"[{backend}] {len(codes)} clinics x {args.per_clinic} pending residents "
        f"({time.perf_counter() - t:.1f} s)",
        flush=True,
    )
    w = max(1, args.workers)
    chunks: list[list[tuple[str, str, str]]] = [[] for _ in range(w)]
    for i, code in enumerate(codes):
        chunks[i % w].append((code, str(dirs[code]), tokens[code]))
    mpc = mp.get_context("spawn")
    q = mpc.Queue()
    with HubProcess(hub_url, workers=hub_workers) as hp:
        start_at = time.time() + 3.0 + 0.5 * w  # every process ready, then all at once
        procs = [mpc.Process(target=_clinic_worker, args=(c, hp.url, start_at, q)) for c in chunks]
        for p in procs:
            p.start()
        results: list[dict[str, Any]] = []
        for _ in procs:
            results.extend(q.get())
        wall = time.time() - start_at
        for p in procs:
            p.join()

    # verification: per clinic, the hub's records == the clinic's, same version, same fields
    hub = make_hub_engine(hub_url)
    with hub.connect() as c:
        rows = c.execute(
            select(
                HubRecord.clinic_code,
                HubRecord.owner,
                HubRecord.type,
                HubRecord.id,
                HubRecord.version,
                HubRecord.deleted,
                HubRecord.data,
            )
        ).all()
        total, distinct = c.execute(
            select(func.count(), func.count(func.distinct(HubRecord.id)))
        ).one()
    hub.dispose()
    by_clinic: dict[str, dict[str, Any]] = {}
    for code_, owner, typ, rid, ver, deleted, data in rows:
        assert typ == "patient" and owner == code_
        by_clinic.setdefault(code_, {})[rid] = (ver, deleted, data)
    problems: list[str] = []
    for code in codes:
        ctx = ServiceContext.open(dirs[code])
        remote = by_clinic.get(code, {})
        with ctx.reader() as s:
            pats = s.scalars(select(Patient)).all()
            left = s.scalar(select(func.count()).select_from(Outbox))
            if len(pats) != len(remote):
                problems.append(f"{code}: local {len(pats)} vs hub {len(remote)}")
            if left:
                problems.append(f"{code}: {left} outbox rows left")
            for pat in pats:
                h = remote.get(pat.id)
                if pat.sync_state != "synced":
                    problems.append(f"{code} {pat.id}: {pat.sync_state}")
                elif h is None or (h[0], h[1]) != (pat.version, pat.deleted):
                    problems.append(f"{code} {pat.id}: hub {h and h[:2]} vs {pat.version}")
                else:
                    mine = {k: v for k, v in push_data(pat).items() if k not in ENVELOPE}
                    if any(
                        (mine.get(k) or None) != (h[2].get(k) or None)
                        for k in mine.keys() | h[2].keys()
                    ):
                        problems.append(f"{code} {pat.id}: fields differ")
        ctx.dispose()
    wire = [x for r in results for x in r["wire"]]
    calls = [x for r in results for x in r["calls"]]
    rounds = [r["round_s"] for r in results]
    errors = [f"{r['code']}: {r['error']}" for r in results if "error" in r]
    pushed = sum(r.get("pushed", 0) for r in results)
    out = {
        "backend": backend,
        "clinics": len(codes),
        "per_clinic": args.per_clinic,
        "workers": w,
        "hub_workers": hub_workers,
        "batches": len(calls),
        "pushed": pushed,
        "duplicates": sum(r.get("dup", 0) for r in results),
        "network_errors_retried": sum(r["network_errors"] for r in results),
        "wall_s": wall,
        "records_per_s": pushed / wall if wall else 0.0,
        "push_call_ms": {
            q_: 1000 * pct(calls, p_)
            for q_, p_ in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))
        },
        "push_wire_ms": {
            q_: 1000 * pct(wire, p_)
            for q_, p_ in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))
        },
        "round_s": {"p50": pct(rounds, 50), "p99": pct(rounds, 99), "max": max(rounds)},
        "hub_records": total,
        "hub_distinct_ids": distinct,
        "lost_or_duplicated": problems[:20],
        "problem_count": len(problems),
        "errors": errors[:10],
        "ok": not problems
        and not errors
        and total == distinct
        and total == len(codes) * args.per_clinic,
    }
    print(f"[{backend}] {json.dumps(out, ensure_ascii=False)}", flush=True)
    return out


# --- main --------------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    lines = ["", "| part | hub | figure | target | |", "|---|---|---|---|---|"]
    for r in results.get("throughput", []):
        for phase in ("push", "pull", "pull_answers"):
            if phase not in r:
                continue
            x = r[phase]
            if phase == "pull_answers":
                wire = x["hub_wire_s"] - x["push_after_pull_wire_s"]
                extra = (
                    f"{x['pulled']:,} county answers to the clinic's referrals in "
                    f"{x['pull_s']:.2f} s: engine {x['pull_s'] - wire:.2f} s, "
                    f"hub + wire {wire:.2f} s"
                )
            elif phase == "pull":
                wire = x["hub_wire_s"] - x["push_after_pull_wire_s"]
                extra = (
                    f"{x['pulled']:,} in {x['pull_s']:.2f} s: engine "
                    f"{x['pull_s'] - wire:.2f} s, hub + wire {wire:.2f} s; then the "
                    f"round pushes the {x['pushed']:,} plans they started in "
                    f"{x['push_after_pull_s']:.2f} s"
                )
            else:
                extra = (
                    f"{x['pushed']:,} in {x['round_s']:.2f} s: engine "
                    f"{x['engine_s']:.2f} s alone, a request on the wire "
                    f"{x['hub_wire_s']:.2f} s"
                )
            ok = "ok" if x["rate"] >= TARGET_RPS else "BELOW"
            lines.append(
                f"| {phase} {r['records']:,} | {r['backend']} | "
                f"**{x['rate']:,.0f} records/s** ({extra}) | >= 5,000/s | {ok} |"
            )
    for r in results.get("concurrent", []):
        c, wv = r["push_call_ms"], r["push_wire_ms"]
        lines.append(
            f"| {r['clinics']} clinics x {r['per_clinic']} at once, "
            f"{r.get('hub_workers', 1)} hub process(es) | {r['backend']} | "
            f"push batch p50 {c['p50']:.0f} ms, p95 {c['p95']:.0f}, **p99 {c['p99']:.0f} ms**, "
            f"max {c['max']:.0f} (on the wire p50 {wv['p50']:.0f} / p99 {wv['p99']:.0f}); "
            f"{r['pushed']:,} records in {r['wall_s']:.1f} s = {r['records_per_s']:,.0f}/s; "
            f"round p50 {r['round_s']['p50']:.1f} s, max {r['round_s']['max']:.1f} s; "
            f"{r['network_errors_retried']} retries | no loss, no duplicate | "
            f"{'ok' if r['ok'] else 'FAILED'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_hub"]:
        hp = argparse.ArgumentParser()
        hp.add_argument("--db", required=True)
        hp.add_argument("--port", type=int, required=True)
        hp.add_argument("--profile-out", type=Path, required=True)
        a = hp.parse_args(argv[1:])
        return serve_profiled(a.db, a.port, a.profile_out)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument("--pg-url", default=os.environ.get(PG_URL_ENV, ""))
    p.add_argument("--records", type=int, default=10_000)
    p.add_argument("--clinics", type=int, default=200)
    p.add_argument("--per-clinic", type=int, default=200)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument(
        "--hub-workers",
        default="1",
        help="hub processes for the concurrent part, comma-separated: each is one run "
        "(e.g. 1,2: serve, then serve --workers 2; more than 1 on PostgreSQL only)",
    )
    p.add_argument("--only", choices=["throughput", "concurrent"], default=None)
    p.add_argument("--profile", type=Path, default=None, help="cProfile both sides into DIR")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--work", type=Path, default=None, help="scratch dir (default: a temp dir)")
    p.add_argument("--out-name", default="sync")
    args = p.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if args.backend == "both" and not args.pg_url:
        print(f"no PostgreSQL URL (--pg-url / {PG_URL_ENV}): SQLite hub only", flush=True)
        backends = ["sqlite"]
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    from app.db.engine import db_path

    results: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items() if k != "pg_url"}}
    tmp = None
    if args.work is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-sync-")
        work = Path(tmp.name)
    else:
        work = args.work
        work.mkdir(parents=True, exist_ok=True)
    try:
        if args.only in (None, "throughput"):
            if not db_path(args.data).exists():
                raise SystemExit(f"no dataset at {args.data}: run bench/make_dataset.py first")
            results["throughput"] = [throughput(b, args, work) for b in backends]
        if args.only in (None, "concurrent"):
            many = [b for b in backends if b == "postgresql"] or backends
            hub_workers = [int(x) for x in str(args.hub_workers).split(",") if x.strip()]
            results["concurrent"] = [
                concurrent(b, args, work, hw)
                for b in many
                for hw in hub_workers
                if hw == 1 or b == "postgresql"  # SQLite: one hub process only
            ]
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(table(results))
    if args.profile:
        for f in sorted(args.profile.glob("*.prof")):
            (args.profile / (f.stem + ".txt")).write_text(profile_summary(f), encoding="utf-8")
        print(f"profiles: {args.profile}/*.prof (+ .txt summaries)")
    print(f"results: {save(args.out_name, results)}")
    ok = all(r["verified"]["ok"] for r in results.get("throughput", [])) and all(
        r["ok"] for r in results.get("concurrent", [])
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
