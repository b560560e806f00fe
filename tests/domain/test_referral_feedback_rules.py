"""Flags that wait for the county's answer, at their boundaries (the 回执 rules)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.domain.referral import Direction, Status
from app.domain.referral_feedback import (
    FeedbackInput,
    no_answer_overdue,
    received_not_arrived,
    summary,
    validate,
)

SENT = datetime(2026, 11, 1, 2, 0)


@pytest.mark.parametrize(
    ("days", "status", "feedback", "flagged"),
    [
        (13, Status.PENDING, "", False),
        (14, Status.PENDING, "", True),
        (14, Status.PENDING, "received", False),  # a 回执 answers it
        (14, Status.PENDING, "refused", False),
        (30, Status.RECEIVED, "", False),  # the county answered by sync
        (30, Status.REJECTED, "", False),
    ],
)
def test_no_answer_after_14_days(days: int, status: Status, feedback: str, flagged: bool) -> None:
    now = SENT + timedelta(days=days)
    assert no_answer_overdue(Direction.UP, status, SENT, feedback, now) is flagged
    assert not no_answer_overdue(Direction.DOWN, status, SENT, feedback, now)


RECEIVED = datetime(2026, 11, 2, 2, 0)


@pytest.mark.parametrize(
    ("case", "days", "flagged"),
    [
        ("county", 6, False),
        ("county", 7, True),
        ("receipt", 6, False),
        ("receipt", 7, True),
        ("refused receipt", 30, False),
        ("county arrived", 30, False),
        ("receipt arrived", 30, False),
        ("rejected", 30, False),
        ("cancelled", 30, False),
        ("nothing", 30, False),
    ],
)
def test_received_not_arrived_after_n_days(case: str, days: int, flagged: bool) -> None:
    status = {"rejected": Status.REJECTED, "cancelled": Status.CANCELLED}.get(
        case, Status.RECEIVED if case.startswith("county") else Status.PENDING
    )
    received_at = RECEIVED if case.startswith("county") or case == "cancelled" else None
    result = {"receipt": "received", "receipt arrived": "received"}.get(case, "")
    if case == "refused receipt":
        result = "refused"
    arrived = RECEIVED if case == "county arrived" else None
    fb_arrived = RECEIVED if case == "receipt arrived" else None
    now = RECEIVED + timedelta(days=days)
    got = received_not_arrived(
        Direction.UP, status, received_at, result, RECEIVED, arrived, fb_arrived, now, 7
    )
    assert got is flagged


NOW = datetime(2026, 11, 20, 10, 0)
REFERRED = datetime(2026, 11, 10, 9, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (dict(by="  "), "by"),
        (dict(by="周" * 51), "by"),
        (dict(method="email"), "method"),
        (dict(result=""), "result"),
        (dict(result="refused", reason=""), "reason"),
        (dict(at=None), "at"),
        (dict(at=NOW + timedelta(minutes=1)), "at"),
        (dict(at=datetime(2026, 11, 9, 23, 59)), "at"),
        (dict(arrived_at=NOW + timedelta(minutes=1)), "arrived_at"),
        (dict(arrived_at=datetime(2026, 11, 9, 8, 0)), "arrived_at"),
        (dict(result="refused", reason="床位满", arrived_at=NOW), "arrived_at"),
    ],
)
def test_a_bad_receipt_names_its_field(change: dict[str, object], field: str) -> None:
    from app.domain.errors import ValidationError

    data = FeedbackInput(**{**dict(by="周医生", at=NOW), **change})  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as err:
        validate(data, Direction.UP, Status.PENDING, REFERRED, NOW)
    assert err.value.fields() == {field}


def test_boundaries_that_are_accepted_and_the_summary() -> None:
    ok = validate(
        FeedbackInput(by=" 周医生 ", at=NOW, arrived_at=datetime(2026, 11, 10, 0, 0)),
        Direction.UP,
        Status.PENDING,
        REFERRED,
        NOW,
    )
    assert ok.by == "周医生"
    assert summary(ok) == "电话：周医生 2026-11-20 10:00 接收，到诊 2026-11-10 00:00"
    refused = validate(
        FeedbackInput(method="paper", by="转诊办", at=REFERRED, result="refused", reason="床位满"),
        Direction.UP,
        Status.RECEIVED,
        REFERRED,
        NOW,
    )
    assert summary(refused) == "纸质回执：转诊办 2026-11-10 09:00 不接收（床位满）"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.CANCELLED, Status.COMPLETED])
def test_closed_referrals_take_no_receipt(status: Status) -> None:
    from app.domain.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        validate(FeedbackInput(by="周医生", at=NOW), Direction.UP, status, REFERRED, NOW)
    assert err.value.fields() == {"status"}
