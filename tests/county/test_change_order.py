"""Pull cursors rely on change numbers becoming visible in order, on both databases."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from county import auth, store
from county.db import ChangeLog, make_sessions
from tests.hub_server import PG_URL, hub_engine

R1 = "b0000000-0000-4000-8000-000000000001"
R2 = "b0000000-0000-4000-8000-000000000002"
SLIP = {
    "number": "XZ-1",
    "direction": "down",
    "status": "pending",
    "patient_name": "刘芳",
    "patient_sex": "2",
    "patient_age": 71,
}


@pytest.mark.parametrize(
    "backend",
    ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason="no PG"))],
)
def test_a_later_number_never_commits_before_an_earlier_one(tmp_path: Path, backend: str) -> None:
    engine = hub_engine(tmp_path, backend)
    sessions = make_sessions(engine)
    with sessions() as s, s.begin():
        auth.add_clinic(s, "A001", "卫生院")
    first = sessions()
    first.begin()
    store.create_for_clinic(first, "referral", R1, "A001", SLIP)
    first.flush()
    second_done = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with sessions() as s, s.begin():
                store.create_for_clinic(s, "referral", R2, "A001", SLIP)
            second_done.set()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.5)
    # while the first writer is open, the second waits for it instead of overtaking it
    assert not second_done.is_set()
    first.commit()
    first.close()
    t.join(30)
    assert not errors and second_done.is_set()
    with sessions() as s:
        rows = s.execute(select(ChangeLog.seq, ChangeLog.id).order_by(ChangeLog.seq)).all()
    assert [r.id for r in rows] == [R1, R2]
    engine.dispose()
