"""The hub keeps every answer under concurrency, on SQLite and PostgreSQL, in one hub process
or several (``serve --workers 2``): a clinic pushing new versions of its referrals while the
referral office receives them and another clinic uploads never loses the county's answer,
and of two versions of one record in flight the higher wins."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app import registry
from app.sync.protocol import PROTOCOL_VERSION
from county import store
from county.db import HubRecord, RefusedWrite, make_sessions
from tests.county.conftest import RunningHub, prepare
from tests.county.test_office import csrf_of, login, upward_data
from tests.hub_server import PG_URL, free_port, hub_engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[RunningHub]:
    """``python -m county serve --workers 2`` on PostgreSQL: two hub processes, one database."""
    if not PG_URL:
        pytest.skip("set CLINICLINK_TEST_PG_URL")
    engine = hub_engine(tmp_path, "postgresql")
    tokens = prepare(engine)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "county",
            "--db",
            PG_URL,
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/api/v1/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("hub did not start") from None
                time.sleep(0.2)
        yield RunningHub(url, engine, tokens)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
        engine.dispose()
    assert "2 个进程" in out  # it said it runs two workers


def push(url: str, token: str, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    r = httpx.post(
        url + "/api/v1/sync/push",
        headers={"Authorization": f"Bearer {token}"},
        json={"protocol": PROTOCOL_VERSION, "changes": changes},
        timeout=120,
    )
    assert r.status_code == 200, r.text[:300]
    return list(r.json()["results"])


def clinic_part(**kw: Any) -> dict[str, Any]:
    """An upward referral as the clinic sends it: only its own fields."""
    return {
        k: v
        for k, v in upward_data(**kw).items()
        if k not in registry.entry("referral").county_fields
    }


def referral_change(rid: str, version: int, n: int) -> dict[str, Any]:
    return {
        "type": "referral",
        "id": rid,
        "version": version,
        "data": clinic_part(number=f"A001-20261120-{n:03d}", cautions=f"第{version}版"),
    }


def in_thread(fn: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            fn()
        except BaseException as e:  # reported by the test, not lost in the thread
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    return t


def race(hub: RunningHub, n: int = 200) -> None:
    """Clinic A pushes new versions of n upward referrals (its fields only) over and over
    while clinic B uploads residents and the office receives all n. Afterwards every answer
    is on the hub and reaches clinic A by its pull; the hub holds A's last version."""
    ids = [str(uuid.uuid4()) for _ in range(n)]
    res = push(hub.url, hub.tokens["A001"], [referral_change(r, 1, i) for i, r in enumerate(ids)])
    assert {r["status"] for r in res} == {"applied"}
    office = httpx.Client(base_url=hub.url, timeout=120)
    assert login(office).status_code == 303
    csrf = csrf_of(office.get("/office/referrals").text)
    answered = threading.Event()
    last_version = [1]
    errors: list[BaseException] = []

    def answer_all() -> None:
        try:
            for rid in ids:
                r = office.post(
                    f"/office/referrals/{rid}/receive",
                    data={"csrf": csrf, "receiving_doctor": "周医生"},
                )
                assert r.status_code == 303, r.text[:300]
        finally:
            answered.set()

    def clinic_a() -> None:
        v = 2
        while not answered.is_set() or v <= 3:
            results = push(
                hub.url, hub.tokens["A001"], [referral_change(r, v, i) for i, r in enumerate(ids)]
            )
            assert {r["status"] for r in results} == {"applied"}, results[:2]
            last_version[0] = v
            v += 1

    def clinic_b() -> None:
        while not answered.is_set():
            push(
                hub.url,
                hub.tokens["B002"],
                [
                    {
                        "type": "patient",
                        "id": str(uuid.uuid4()),
                        "version": 1,
                        "data": {"name": "张三", "sex": "1", "birth_date": "1950-01-01"},
                    }
                    for _ in range(200)
                ],
            )

    threads = [in_thread(f, errors) for f in (clinic_a, clinic_b, answer_all)]
    for t in threads:
        t.join(600)
    office.close()
    assert not errors, errors[0]

    with make_sessions(hub.engine)() as s:
        recs = s.scalars(
            select(HubRecord).where(HubRecord.type == "referral", HubRecord.id.in_(ids))
        ).all()
    lost = [
        r.id
        for r in recs
        if not r.data.get("received_at")
        or r.data.get("receiving_doctor") != "周医生"
        or r.data.get("status") != "received"
    ]
    assert len(recs) == n
    assert lost == [], f"{len(lost)} of {n} county answers lost"
    assert {r.version for r in recs} == {last_version[0]}
    assert {r.data["cautions"] for r in recs} == {f"第{last_version[0]}版"}
    # ... and clinic A pulls every answer
    pulled: dict[str, dict[str, Any]] = {}
    after = 0
    while True:
        r = httpx.get(
            hub.url + "/api/v1/sync/pull",
            timeout=60,
            params={"after": after, "limit": 1000, "protocol": PROTOCOL_VERSION},
            headers={"Authorization": f"Bearer {hub.tokens['A001']}"},
        )
        page = r.json()
        pulled.update({c["id"]: c["data"] for c in page["changes"]})
        after = page["next"]
        if not page["more"]:
            break
    assert set(pulled) == set(ids)
    assert all(d["received_at"] and d["receiving_doctor"] == "周医生" for d in pulled.values())


@pytest.mark.slow
@pytest.mark.parametrize("run", [1, 2, 3])
def test_200_referral_race_loses_no_county_answer(running: RunningHub, run: int) -> None:
    race(running)


@pytest.mark.slow
def test_200_referral_race_against_two_hub_processes(two_workers: RunningHub) -> None:
    race(two_workers)


def patient(rid: str, version: int) -> dict[str, Any]:
    return {
        "type": "patient",
        "id": rid,
        "version": version,
        "data": {"name": f"李{version}", "sex": "1", "birth_date": "1950-01-01"},
    }


def test_two_versions_in_flight_the_higher_wins(
    running: RunningHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """v2 of 50 residents held inside its transaction while v3 of the same 50 is pushed: the
    hub ends with v3, and each reply says what happened to that version."""
    url, token = running.url, running.tokens["A001"]
    ids = [str(uuid.uuid4()) for _ in range(50)]
    assert {r["status"] for r in push(url, token, [patient(i, 1) for i in ids])} == {"applied"}
    inside, release = threading.Event(), threading.Event()
    write = store._Batch.write

    def slow_write(self: Any, s: Any) -> None:
        if any(r["version"] == 2 for r in self.changed.values()):
            inside.set()
            release.wait(30)
        write(self, s)

    monkeypatch.setattr(store._Batch, "write", slow_write)
    replies: dict[int, list[dict[str, Any]]] = {}
    errors: list[BaseException] = []

    def send(v: int) -> Callable[[], None]:
        def go() -> None:
            replies[v] = push(url, token, [patient(i, v) for i in ids])

        return go

    t2 = in_thread(send(2), errors)
    assert inside.wait(30)
    t3 = in_thread(send(3), errors)
    time.sleep(0.5)  # v3 is now waiting for v2's rows (or, on SQLite, for the write lock)
    release.set()
    t2.join(60)
    t3.join(60)
    assert not errors, errors[0]
    assert {r["status"] for r in replies[2]} == {"applied"}  # v2 was stored, then...
    assert {r["status"] for r in replies[3]} == {"applied"}  # ...v3 over it
    with make_sessions(running.engine)() as s:
        held = {r.id: r.version for r in s.scalars(select(HubRecord).where(HubRecord.id.in_(ids)))}
    assert held == dict.fromkeys(ids, 3)

    # v2 arriving after v3 (a retried request): refused, named, kept in refused_writes
    late = push(url, token, [patient(i, 2) for i in ids])
    assert {r["status"] for r in late} == {"rejected"}
    assert "较新的版本（3）" in (late[0]["error"] or "")
    with make_sessions(running.engine)() as s:
        held = {
            r.id: (r.version, r.data["name"])
            for r in s.scalars(select(HubRecord).where(HubRecord.id.in_(ids)))
        }
        refused = s.scalars(select(RefusedWrite.id).where(RefusedWrite.version == 2)).all()
    assert held == dict.fromkeys(ids, (3, "李3"))
    assert sorted(refused) == sorted(ids)
