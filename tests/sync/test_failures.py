"""Exactly-once under failure: reply lost after commit, hub killed mid-batch, client killed
mid-pull twenty times."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.db.engine import db_path
from app.db.models import Patient
from app.db.sync_models import SyncMeta
from app.sync.client import HubClient, NetworkError
from app.sync.engine import CURSOR_KEY, SyncEngine, pending_count
from county import store
from county.db import ChangeLog, HubRecord, make_sessions
from tests.hub_server import free_port, hub_engine, running_hub
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import add_patients, assert_same, hub_records

ROOT = Path(__file__).resolve().parents[2]


def test_reply_lost_after_commit_gives_duplicate(
    tmp_path: Path, migrated_template: Path, backend: str
) -> None:
    dropped = {"n": 0}

    def drop_first_push_reply(app: Any) -> Any:
        async def wrapper(scope: Any, receive: Any, send: Any) -> None:
            if (
                scope["type"] == "http"
                and scope["path"].endswith("/sync/push")
                and dropped["n"] == 0
            ):
                dropped["n"] += 1

                async def swallow(_msg: Any) -> None:
                    return None

                await app(scope, receive, swallow)  # the handler commits; the reply is lost
                raise ConnectionResetError("reply lost")
            await app(scope, receive, send)

        return wrapper

    with running_hub(tmp_path, drop_first_push_reply, backend) as hub:
        s = make_clinic(tmp_path, migrated_template, "A001")
        token = register(hub, "A001")
        add_patients(s, 10)
        with HubClient(hub.url, token, allow_http=True) as c:
            res = SyncEngine(s.ctx, c, sleep=lambda _d: None).run_round()
        assert dropped["n"] == 1
        assert res.duplicates == 10 and res.pushed == 0 and res.complete
        assert len(hub_records(hub, "A001")) == 10
        assert assert_same(s, hub) == 10


def _start_hub(url: str, port: int) -> subprocess.Popen[bytes]:
    p = subprocess.Popen(
        [sys.executable, "-m", "county", "--db", url, "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with httpx.Client() as h:
                h.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return p
        except httpx.TransportError:
            time.sleep(0.1)
    p.kill()
    raise RuntimeError("hub did not start")


@pytest.mark.slow
def test_hub_killed_mid_batch_then_restarted(
    tmp_path: Path, migrated_template: Path, backend: str
) -> None:
    """The hub process SIGKILLed while a round pushes 1,500 records, then started again."""
    eng = hub_engine(tmp_path, backend)  # created and migrated, as `serve` would
    url = eng.url.render_as_string(hide_password=False)
    port = free_port()
    with make_sessions(eng)() as hs, hs.begin():
        from county.auth import add_clinic

        token = add_clinic(hs, "A001", "a")
    s = make_clinic(tmp_path, migrated_template, "A001")
    add_patients(s, 1500)
    hub = _start_hub(url, port)
    errors: list[BaseException] = []

    def first_round() -> None:
        try:
            with HubClient(f"http://127.0.0.1:{port}", token, allow_http=True) as c:
                SyncEngine(s.ctx, c, batch_size=100, max_attempts=1).run_round()
        except NetworkError as e:
            errors.append(e)

    t = threading.Thread(target=first_round)
    t.start()
    deadline = time.monotonic() + 20
    while pending_count(s.ctx) == 1500 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(hub.pid, signal.SIGKILL)  # mid-batch
    hub.wait()
    t.join(30)
    assert errors, "the hub died during the round"
    left = pending_count(s.ctx)
    assert 0 < left < 1500
    hub = _start_hub(url, port)
    try:
        with HubClient(f"http://127.0.0.1:{port}", token, allow_http=True) as c:
            res = SyncEngine(s.ctx, c, batch_size=100).run_round()
        assert res.complete
    finally:
        hub.terminate()
        hub.wait()

    class _H:  # adapter for the field-by-field compare
        sessions = make_sessions(eng)

    assert len(hub_records(_H, "A001")) == 1500  # type: ignore[arg-type]
    assert assert_same(s, _H) == 1500  # type: ignore[arg-type]
    eng.dispose()


def test_client_killed_mid_pull_twenty_times(
    tmp_path: Path, migrated_template: Path, backend: str
) -> None:
    with running_hub(tmp_path, backend=backend) as hub:
        s = make_clinic(tmp_path, migrated_template, "A001")
        token = register(hub, "A001")
        ids = add_patients(s, 60)
        with HubClient(hub.url, token, allow_http=True) as c:
            SyncEngine(s.ctx, c).run_round()
            with hub.sessions() as hs, hs.begin():
                for pid in ids:
                    # answers on patients aren't county-owned; any logged change will do
                    store._log(hs, hs.scalar(select(HubRecord).where(HubRecord.id == pid)))
            kills = 0
            applied_before = SyncEngine._apply_change

            for k in range(20):
                calls = {"n": 0}

                def dying(
                    self: SyncEngine, sess: Any, ch: Any, _k: int = k, _c: dict[str, int] = calls
                ) -> None:
                    _c["n"] += 1
                    if _c["n"] == (_k % 7) + 2:
                        raise KeyboardInterrupt("killed")  # dies inside the page transaction
                    applied_before(self, sess, ch)

                SyncEngine._apply_change = dying  # type: ignore[method-assign]
                try:
                    SyncEngine(s.ctx, c, page_size=3).run_round()
                except KeyboardInterrupt:
                    kills += 1
                finally:
                    SyncEngine._apply_change = applied_before  # type: ignore[method-assign]
                with s.ctx.reader() as sess:
                    cur = int(
                        sess.scalar(select(SyncMeta.value).where(SyncMeta.key == CURSOR_KEY)) or 0
                    )
                assert cur % 3 == 0 or cur == 60 + 0  # only whole pages are ever stored
            assert kills == 20
            res = SyncEngine(s.ctx, c, page_size=3).run_round()
            assert res.complete
        with hub.sessions() as hs:
            last = hs.scalar(select(func.max(ChangeLog.seq)))
        with s.ctx.reader() as sess:
            assert (
                int(sess.scalar(select(SyncMeta.value).where(SyncMeta.key == CURSOR_KEY)) or 0)
                == last
            )
            assert sess.scalar(select(func.count()).select_from(Patient)) == 60
        assert assert_same(s, hub) == 60


def _cursor(db: Path) -> int:
    """The clinic's stored pull cursor, read as another process would (read-only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        row = conn.execute("SELECT value FROM sync_meta WHERE key=?", (CURSOR_KEY,)).fetchone()
        return int(row[0]) if row and row[0] else 0
    finally:
        conn.close()


def _pending(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
    finally:
        conn.close()


# Where a kill can land in a round of the ``sync`` command that pulls new downward referrals:
BEFORE_STORE = "before the page was stored"  # the cursor has not moved
BEFORE_UPLOAD = "page stored, its new residents and plans not all sent"  # cursor moved, outbox
PHASES = (BEFORE_STORE, BEFORE_UPLOAD)


def test_client_process_killed_mid_pull_twenty_times(
    tmp_path: Path, migrated_template: Path, backend: str
) -> None:
    """The headless ``sync`` command SIGKILLed while it pulls downward referrals (each one
    attaches a new resident and starts a plan, which then go up). It is killed again and
    again, aimed alternately before the pulled page is stored and after it (while what the
    page created is being sent), until each of those has happened at least three times (the
    phase is read from the database after the kill, not assumed from the timing; attempts
    are bounded). After every kill: what is stored is exactly what the hub logged up to the
    stored cursor, each referral once, with its resident and one plan. At the end: everything
    exactly once, here and on the hub."""
    pulls = threading.Event()

    def watch_pulls(app: Any) -> Any:
        async def wrapper(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["path"].endswith("/sync/pull"):
                pulls.set()
            await app(scope, receive, send)

        return wrapper

    import random
    import uuid

    from app.db.followup_models import FollowUpPlan
    from app.db.referral_models import Referral
    from tests.sync.test_ownership import send_down

    with running_hub(tmp_path, watch_pulls, backend) as hub:
        s = make_clinic(tmp_path, migrated_template, "A001")
        token = register(hub, "A001")
        data_dir = tmp_path / "clinic-A001"
        db = db_path(data_dir)
        cmd = [sys.executable, "-m", "app", "--data-dir", str(data_dir), "sync"]
        cmd += ["--hub", hub.url, "--token", token]
        landed = {phase: 0 for phase in PHASES}
        sent = attempts = 0
        rnd = random.Random(20261130)
        while min(landed.values()) < 3:
            attempts += 1
            assert attempts <= 40, f"kills never landed in every phase: {landed}"
            for _ in range(40):
                send_down(hub, "A001", patient_name="患者" + uuid.uuid4().hex[:4])
            sent += 40
            # aim at the phase seen least so far
            aim = min(PHASES, key=lambda ph: landed[ph])
            before = _cursor(db)
            pulls.clear()
            proc = subprocess.Popen(
                cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            assert pulls.wait(120), "the sync command never pulled"
            if aim == BEFORE_STORE:
                time.sleep(rnd.uniform(0.0, 0.2))  # at the reply, or while it is stored
            else:
                deadline = time.monotonic() + 120
                while _cursor(db) == before and proc.poll() is None:
                    assert time.monotonic() < deadline, "the pulled page was never stored"
                    time.sleep(0.002)
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
            cur, waiting = _cursor(db), _pending(db)
            if cur == before:
                landed[BEFORE_STORE] += 1
            elif waiting:
                landed[BEFORE_UPLOAD] += 1
            # Whatever the timing: stored = exactly what the hub logged up to the cursor.
            with hub.sessions() as hs:
                logged = set(
                    hs.scalars(
                        select(ChangeLog.id).where(
                            ChangeLog.clinic_code == "A001", ChangeLog.seq <= cur
                        )
                    )
                )
            with s.ctx.reader() as sess:
                stored = set(sess.scalars(select(Referral.id)))
                assert stored == logged
                assert sess.scalar(select(func.count()).select_from(FollowUpPlan)) == len(stored)
                assert sess.scalar(select(func.count()).select_from(Patient)) == len(stored)
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        with s.ctx.reader() as sess:
            assert sess.scalar(select(func.count()).select_from(Referral)) == sent
            assert sess.scalar(select(func.count()).select_from(Patient)) == sent
            assert sess.scalar(select(func.count()).select_from(FollowUpPlan)) == sent
            per_referral = sess.execute(
                select(FollowUpPlan.referral_id, func.count())
                .group_by(FollowUpPlan.referral_id)
                .having(func.count() > 1)
            ).all()
            assert per_referral == []
        assert assert_same(s, hub, ("patient", "referral", "followup_plan")) == 3 * sent
        assert pending_count(s.ctx) == 0
