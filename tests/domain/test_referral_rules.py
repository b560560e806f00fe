"""The referral status machine: every allowed transition, and refusals with their reason."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pytest

from app.domain.errors import ValidationError
from app.domain.referral import (
    OTHER,
    TRANSITIONS,
    UP_INDICATIONS,
    Direction,
    ReferralInput,
    Side,
    Status,
    TransitionRefused,
    allowed_targets,
    check_transition,
    is_overdue,
    make_number,
    validate,
)

ALLOWED = {
    # upward: the clinic submits, cancels before arrival and closes; the county answers
    (Direction.UP, Status.DRAFT, Status.PENDING, Side.CLINIC),
    (Direction.UP, Status.DRAFT, Status.CANCELLED, Side.CLINIC),
    (Direction.UP, Status.PENDING, Status.RECEIVED, Side.COUNTY),
    (Direction.UP, Status.PENDING, Status.REJECTED, Side.COUNTY),
    (Direction.UP, Status.PENDING, Status.CANCELLED, Side.CLINIC),
    (Direction.UP, Status.RECEIVED, Status.ARRIVED, Side.COUNTY),
    (Direction.UP, Status.RECEIVED, Status.CANCELLED, Side.CLINIC),
    (Direction.UP, Status.ARRIVED, Status.COMPLETED, Side.CLINIC),
    # downward: the clinic acknowledges, records arrival and closes; the county may withdraw
    (Direction.DOWN, Status.PENDING, Status.RECEIVED, Side.CLINIC),
    (Direction.DOWN, Status.PENDING, Status.REJECTED, Side.CLINIC),
    (Direction.DOWN, Status.PENDING, Status.CANCELLED, Side.COUNTY),
    (Direction.DOWN, Status.RECEIVED, Status.ARRIVED, Side.CLINIC),
    (Direction.DOWN, Status.RECEIVED, Status.CANCELLED, Side.COUNTY),
    (Direction.DOWN, Status.ARRIVED, Status.COMPLETED, Side.CLINIC),
}
ALL = list(itertools.product(Direction, Status, Status, Side))


def test_the_table_is_exactly_the_allowed_set() -> None:
    assert {(d, f, t, side) for (d, f, t), (side, _r) in TRANSITIONS.items()} == ALLOWED


@pytest.mark.parametrize(("direction", "frm", "to", "side"), ALL)
def test_every_transition_is_allowed_or_refused_with_a_reason(
    direction: Direction, frm: Status, to: Status, side: Side
) -> None:
    if (direction, frm, to, side) in ALLOWED:
        check_transition(direction, frm, to, side, reason="原因")
        assert to in allowed_targets(direction, frm, side)
    else:
        with pytest.raises(TransitionRefused) as err:
            check_transition(direction, frm, to, side, reason="原因")
        assert err.value.message
        assert to not in allowed_targets(direction, frm, side)


@pytest.mark.parametrize(
    ("direction", "frm", "to", "side"),
    [
        (Direction.UP, Status.PENDING, Status.CANCELLED, Side.CLINIC),
        (Direction.UP, Status.PENDING, Status.REJECTED, Side.COUNTY),
        (Direction.DOWN, Status.PENDING, Status.REJECTED, Side.CLINIC),
    ],
)
def test_cancel_and_reject_need_a_reason(
    direction: Direction, frm: Status, to: Status, side: Side
) -> None:
    with pytest.raises(TransitionRefused, match="必须填写原因"):
        check_transition(direction, frm, to, side, reason="  ")


def test_the_clinic_cannot_record_the_county_s_answers() -> None:
    with pytest.raises(TransitionRefused, match="县级医院"):
        check_transition(Direction.UP, Status.PENDING, Status.RECEIVED, Side.CLINIC)


def test_numbers_carry_clinic_date_and_sequence() -> None:
    assert make_number("341122TH", date(2026, 11, 22), 7) == "341122TH-20261122-007"


def test_overdue_after_fourteen_days_without_feedback() -> None:
    sent = datetime(2026, 11, 1, 9)
    assert not is_overdue(Direction.UP, Status.PENDING, sent, datetime(2026, 11, 14, 9))
    assert is_overdue(Direction.UP, Status.PENDING, sent, datetime(2026, 11, 15, 9))
    assert not is_overdue(Direction.UP, Status.RECEIVED, sent, datetime(2026, 12, 15))
    assert not is_overdue(Direction.DOWN, Status.PENDING, sent, datetime(2026, 12, 15))


def test_every_missing_slip_field_is_named() -> None:
    with pytest.raises(ValidationError) as err:
        validate(ReferralInput(direction=Direction.UP), date(2026, 11, 22))
    assert err.value.fields() >= {
        "patient_id",
        "to_institution",
        "to_department",
        "impression",
        "present_illness",
        "past_history",
        "treatment",
        "referring_doctor",
        "referring_phone",
        "indications",
    }


def test_other_indication_needs_its_text() -> None:
    data = ReferralInput(
        direction=Direction.UP,
        patient_id="p",
        to_institution="县医院",
        to_department="内科",
        impression="x",
        present_illness="x",
        past_history="x",
        treatment="x",
        referring_doctor="李",
        referring_phone="13900000000",
        indications=[UP_INDICATIONS[0], OTHER],
    )
    with pytest.raises(ValidationError) as err:
        validate(data, date(2026, 11, 22))
    assert err.value.fields() == {"indication_other"}
    data.indication_other = "家属要求"
    validate(data, date(2026, 11, 22))
