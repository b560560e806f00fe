"""Referral numbers keep counting past 999 in a day, and sort as numbers."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain import referral as rules
from app.services.bundle import AppServices
from app.services.referrals import ReferralFilter
from tests.services.test_referrals import upward

NOON_UTC = datetime(2026, 12, 1, 4, 0)  # 12:00 in Beijing


@pytest.fixture
def patient_id(services: AppServices) -> str:
    from app.domain.patient import PatientInput

    return services.patients.create(PatientInput(name="张三", id_number="11010519491231002X")).id


def renumber(data_dir: Path, referral_id: str, number: str) -> None:
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("UPDATE referrals SET number = ? WHERE id = ?", (number, referral_id))


@pytest.mark.parametrize(
    ("last", "expected"),
    [(998, "999"), (999, "1000"), (1000, "1001"), (1001, "1002"), (9999, "10000")],
)
def test_the_day_keeps_counting_past_999(
    services: AppServices, patient_id: str, data_dir: Path, last: int, expected: str
) -> None:
    services.ctx.clock = lambda: NOON_UTC
    first = services.referrals.create_upward(upward(patient_id))
    assert first.number == "TH001-20261201-001"
    renumber(data_dir, first.id, rules.make_number("TH001", date(2026, 12, 1), last))
    nxt = services.referrals.create_upward(upward(patient_id))
    assert nxt.number == f"TH001-20261201-{expected}"


def test_998_to_1001_in_a_row_then_listed_in_order(
    services: AppServices, patient_id: str, data_dir: Path
) -> None:
    services.ctx.clock = lambda: NOON_UTC
    first = services.referrals.create_upward(upward(patient_id))
    renumber(data_dir, first.id, "TH001-20261201-998")
    made = [services.referrals.create_upward(upward(patient_id)).number for _ in range(3)]
    assert made == ["TH001-20261201-999", "TH001-20261201-1000", "TH001-20261201-1001"]
    # the days before and after, with their first slips
    before = services.referrals.create_upward(upward(patient_id))
    renumber(data_dir, before.id, "TH001-20261130-002")
    services.ctx.clock = lambda: datetime(2026, 12, 1, 16, 5)  # 00:05 on 2 December, Beijing
    assert services.referrals.create_upward(upward(patient_id)).number == "TH001-20261202-001"
    # The 9xx/1xxx of a day sort as numbers, not as text, and within their day.
    listed = [r.number for r in services.referrals.search(ReferralFilter(), sort="number")]
    assert listed == [
        "TH001-20261202-001",
        "TH001-20261201-1001",
        "TH001-20261201-1000",
        "TH001-20261201-999",
        "TH001-20261201-998",
        "TH001-20261130-002",
    ]
    ascending = services.referrals.search(ReferralFilter(), sort="number", descending=False)
    assert [r.number for r in ascending] == list(reversed(listed))


def test_a_new_day_starts_again_at_001(
    services: AppServices, patient_id: str, data_dir: Path
) -> None:
    services.ctx.clock = lambda: NOON_UTC
    first = services.referrals.create_upward(upward(patient_id))
    renumber(data_dir, first.id, "TH001-20261201-1500")
    services.ctx.clock = lambda: datetime(2026, 12, 1, 16, 5)  # 00:05 on 2 December, Beijing
    assert services.referrals.create_upward(upward(patient_id)).number == "TH001-20261202-001"


@pytest.mark.parametrize(
    ("number", "seq"),
    [
        ("TH001-20261201-001", 1),
        ("TH001-20261201-999", 999),
        ("TH001-20261201-1000", 1000),
        ("TH001-20261201-x", 0),
        ("XZ-20261201-005", 0),
    ],
)
def test_number_sequence(number: str, seq: int) -> None:
    assert rules.number_sequence(number, "TH001-20261201-") == seq
