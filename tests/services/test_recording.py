"""Every write puts the record, its upload-queue (outbox) row and its audit row in ONE
transaction: a crash or an error between two transactions would leave a change that never
goes up (or a queue row for a change that never happened).

Watched on the real SQLite connection: each statement that writes is tagged with the
transaction it ran in.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from app.db.engine import db_path
from app.domain.followup import PlanKind
from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from tests.services.test_referrals import upward

WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I)


class Transactions:
    """Tables written, per transaction, while watching."""

    def __init__(self) -> None:
        self.by_txn: dict[int, set[str]] = defaultdict(set)
        self._ids = itertools.count(1)

    def on_begin(self, conn: Any) -> None:
        conn.info["txn"] = next(self._ids)

    def on_execute(self, conn: Any, _cur: Any, statement: str, *_a: Any) -> None:
        m = WRITE.match(statement)
        if m:
            self.by_txn[conn.info.get("txn", 0)].add(m.group(2).lower())


@pytest.fixture
def watch(services: AppServices) -> Iterator[Callable[[Callable[[], Any]], list[set[str]]]]:
    engine = services.ctx.engine
    tx = Transactions()
    event.listen(engine, "begin", tx.on_begin)
    event.listen(engine, "before_cursor_execute", tx.on_execute)

    def run(action: Callable[[], Any]) -> list[set[str]]:
        tx.by_txn.clear()
        action()
        return list(tx.by_txn.values())

    yield run
    event.remove(engine, "begin", tx.on_begin)
    event.remove(engine, "before_cursor_execute", tx.on_execute)


def zhang() -> PatientInput:
    return PatientInput(name="张三", id_number="11010519491231002X", village="桃花村")


def test_patient_writes_are_one_transaction_each(services: AppServices, watch: Any) -> None:
    holder: dict[str, Any] = {}
    txns = watch(lambda: holder.setdefault("p", services.patients.create(zhang())))
    assert txns == [{"patients", "outbox", "audit_log"}]
    p = holder["p"]
    edit = PatientInput(name="张三", id_number="11010519491231002X", village="黄庄村")
    assert watch(lambda: services.patients.update(p.id, edit, expected_version=1)) == [
        {"patients", "outbox", "audit_log"}
    ]
    assert watch(lambda: services.patients.void(p.id, "重复建档")) == [
        {"patients", "outbox", "audit_log"}
    ]


def test_referral_and_followup_writes_are_one_transaction_each(
    services: AppServices, watch: Any
) -> None:
    p = services.patients.create(zhang())
    txns = watch(lambda: services.referrals.create_upward(upward(p.id)))
    # the slip, its status history, its 上转结果追踪 plan: all queued together
    assert len(txns) == 1
    assert {"referrals", "referral_events", "followup_plans", "outbox", "audit_log"} <= txns[0]
    holder: dict[str, Any] = {}
    txns = watch(
        lambda: holder.setdefault(
            "plan", services.followups.create_plan(p.id, PlanKind.HYPERTENSION)
        )
    )
    assert txns == [{"followup_plans", "outbox", "audit_log"}]
    txns = watch(lambda: services.followups.record_contact(holder["plan"].id, "unreachable"))
    assert len(txns) == 1 and {"followup_contacts", "outbox", "audit_log"} <= txns[0]
    assert watch(lambda: services.training.add_staff("刘护士")) == [
        {"staff", "outbox", "audit_log"}
    ]


def test_the_watch_sees_a_second_transaction(services: AppServices, watch: Any) -> None:
    """The checks above can fail: two sessions are two transactions."""

    def two() -> None:
        services.patients.create(zhang())
        services.patients.create(PatientInput(name="李四", sex="1", birth_date=date(1950, 1, 1)))

    assert watch(two) == [{"patients", "outbox", "audit_log"}] * 2


def test_an_audit_row_names_who_acted_not_who_was_logged_in(
    services: AppServices, data_dir: Path
) -> None:
    """At the shared PC: while the administrator is logged in, the nurse logs in, and someone
    tries a name that does not exist. The audit page shows each under the name typed, and the
    row's account is the nurse's, or none; never the administrator's."""
    from tests.conftest import login_as

    login_as(services, "nurse")
    services.users.logout()
    with pytest.raises(Exception, match="用户名或密码"):
        services.users.login("ghost", "whatever-1")
    login_as(services, "admin")
    with sqlite3.connect(db_path(data_dir)) as c:
        rows = c.execute(
            "SELECT a.action, a.username, u.username FROM audit_log a "
            "LEFT JOIN users u ON u.id = a.user_id "
            "WHERE a.action IN ('login', 'login_failed') ORDER BY a.id"
        ).fetchall()
    assert rows[-3:] == [
        ("login", "nurse", "nurse"),
        ("login_failed", "ghost", None),
        ("login", "admin", "admin"),
    ]
