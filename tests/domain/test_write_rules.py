"""Who may write what, as pure rules: ownership by declared fields (a field added later is
judged by its owner, not by a list here), voiding, and the referral status machine per side."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.referral import Side
from app.domain.write_rules import Incoming, Ownership, Stored, check_write

OWN = Ownership(
    county_fields=frozenset(
        {"received_at", "receiving_doctor", "rejected_reason", "arrived_at", "appointment_at"}
    ),
    clinic_fields=frozenset(
        {
            "status",
            "acknowledged_at",
            "clinic_arrived_at",
            "completed_at",
            "cancel_reason",
            "patient_id",
            "feedback_by",
        }
    ),
)


def up(**kw: Any) -> dict[str, Any]:
    return {"direction": "up", "status": "pending", "impression": "高血压", **kw}


def clinic(
    stored: dict[str, Any] | None,
    new: dict[str, Any],
    *,
    county_wrote: bool = False,
    deleted: bool = False,
    was_deleted: bool = False,
) -> str | None:
    st = None if stored is None else Stored(stored, was_deleted, county_wrote)
    return check_write("referral", OWN, st, Incoming(new, deleted), Side.CLINIC)


def test_fields_added_later_follow_their_declared_owner() -> None:
    # a clinic-owned feedback field that is in no list here: the clinic may write it
    assert clinic(up(), up(feedback_phone_by="李医生")) is None
    # a county field declared in the ownership (an appointment time): the clinic may not
    problem = clinic(up(), up(appointment_at="2026-12-01T09:00:00"))
    assert problem is not None and "县医院" in problem
    # ... unless it only carries the value the hub holds
    assert (
        clinic(up(appointment_at="2026-12-01T09:00:00"), up(appointment_at="2026-12-01T09:00:00"))
        is None
    )


@pytest.mark.parametrize("status", ["received", "rejected", "arrived", "completed"])
def test_a_new_upward_referral_starts_on_the_clinics_side(status: str) -> None:
    assert clinic(None, up(status=status)) is not None
    assert clinic(None, up(status="pending")) is None
    assert clinic(None, up(status="draft")) is None
    assert clinic(None, up(status="cancelled", cancel_reason="患者拒绝")) is None


def test_status_read_with_the_answers_the_hub_holds() -> None:
    held = up(status="received", received_at="2026-11-21T01:00:00", receiving_doctor="周")
    assert clinic(held, up(status="pending")) is None  # stale copy, not a move
    assert clinic(held, up(status="draft")) is not None
    rejected = up(status="rejected", rejected_reason="床位已满")
    assert clinic(rejected, up(status="cancelled", cancel_reason="另行安排")) is None


def test_downward_referral_of_the_county() -> None:
    down = {"direction": "down", "status": "pending", "diagnosis": "脑梗死"}
    assert (
        clinic(
            down,
            {"status": "received", "acknowledged_at": "2026-11-22T01:00:00"},
            county_wrote=True,
        )
        is None
    )
    assert clinic(down, {"status": "received"}, county_wrote=True) is not None
    assert clinic(down, {"status": "cancelled", "cancel_reason": "x"}, county_wrote=True)
    assert clinic(down, {"feedback_by": "李"}, county_wrote=True) is None
    assert clinic(down, {"diagnosis": "别的"}, county_wrote=True) is not None
    assert clinic(down, {}, county_wrote=True, deleted=True) is not None


def test_voided_is_frozen_for_both_sides() -> None:
    held = up(status="cancelled", cancel_reason="x")
    assert (
        clinic(held, up(status="cancelled", cancel_reason="x"), deleted=True, was_deleted=True)
        is None
    )
    assert (
        clinic(held, up(status="cancelled", cancel_reason="y"), deleted=True, was_deleted=True)
        is not None
    )
    assert clinic(held, held, was_deleted=True) is not None
    county = check_write(
        "referral",
        OWN,
        Stored(held, True, False),
        Incoming({"county_note": "补充"}, False),
        Side.COUNTY,
    )
    assert county is not None


def test_county_answers_follow_the_office_form() -> None:
    def county(stored: dict[str, Any], fields: dict[str, Any]) -> str | None:
        return check_write("referral", OWN, Stored(stored), Incoming(fields), Side.COUNTY)

    assert county(up(), {"received_at": "2026-11-21T01:00:00", "receiving_doctor": "周"}) is None
    assert county(up(), {"received_at": "2026-11-21T01:00:00"}) is not None  # no doctor
    assert county(up(), {"arrived_at": "2026-11-21T01:00:00"}) is not None  # not received yet
    assert (
        county(
            up(status="cancelled"), {"received_at": "2026-11-21T01:00:00", "receiving_doctor": "周"}
        )
        is not None
    )
    assert county(up(), {"impression": "改写"}) is not None  # the clinic's text


def test_a_resident_voided_by_mistake_may_be_restored_by_its_clinic_only() -> None:
    """An administrator's 恢复 reaches the hub; nothing else may change in the same step."""
    own = Ownership(county_fields=frozenset(), clinic_fields=frozenset())
    held = {"name": "陈静", "void_reason": "重复建档"}
    back = Incoming({"name": "陈静", "void_reason": ""}, False)
    assert check_write("patient", own, Stored(held, True, False), back, Side.CLINIC) is None
    renamed = Incoming({"name": "陈晶", "void_reason": ""}, False)
    assert check_write("patient", own, Stored(held, True, False), renamed, Side.CLINIC)
    assert check_write("patient", own, Stored(held, True, False), back, Side.COUNTY)
    # A stale copy that still carries its void reason is no restore.
    stale = Incoming({"name": "陈静", "void_reason": "重复建档"}, False)
    assert check_write("patient", own, Stored(held, True, False), stale, Side.CLINIC)
