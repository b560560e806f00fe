"""The consortium's figures per clinic and month (app.domain.consortium) and the Chinese
labels of synced fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.domain.consortium import Figures, Synced
from app.domain.field_labels import in_words, labels

NOW = datetime(2026, 11, 30, 2, 0)


def up(i: int, sent: str, **kw: Any) -> Synced:
    return Synced(
        "referral",
        f"r{i}",
        "A001",
        False,
        {"direction": "up", "status": "pending", "referred_at": sent, **kw},
    )


def test_months_are_beijing_months_and_cancelled_or_draft_not_counted() -> None:
    rows = (
        Figures(NOW)
        .add_all(
            [
                up(1, "2026-10-31T16:30:00"),  # 00:30 on 1 November in Beijing
                up(2, "2026-10-31T15:30:00"),  # 23:30 on 31 October
                up(3, "2026-11-02T01:00:00", status="cancelled"),
                up(4, "2026-11-02T01:00:00", status="draft"),
                Synced(
                    "referral",
                    "r5",
                    "A001",
                    True,
                    {"direction": "up", "status": "pending", "referred_at": "2026-11-02T01:00:00"},
                ),
            ]
        )
        .rows()
    )
    assert [(r.month, r.up) for r in rows] == [("2026-10", 1), ("2026-11", 1)]


def test_answered_within_14_days_and_awaiting_arrival() -> None:
    (row,) = (
        Figures(NOW)
        .add_all(
            [
                up(1, "2026-10-01T01:00:00", status="received", received_at="2026-10-10T01:00:00"),
                up(
                    2,
                    "2026-10-02T01:00:00",
                    status="rejected",
                    rejected_reason="床位已满",
                    rejected_at="2026-10-30T01:00:00",
                ),  # answered, late
                up(3, "2026-10-03T01:00:00"),  # no answer, 14 days passed
                up(
                    4,
                    "2026-10-04T01:00:00",
                    status="arrived",
                    received_at="2026-10-04T02:00:00",
                    arrived_at="2026-10-05T01:00:00",
                ),
            ]
        )
        .rows()
    )
    assert (row.answered_in_time, row.answerable) == (2, 4)
    assert row.awaiting_arrival == 1  # r1: received, not arrived
    recent = Figures(NOW).add_all([up(9, "2026-11-25T01:00:00")]).rows()[0]
    assert recent.answerable == 0 and recent.answered_share is None  # too early to judge


def test_people_and_person_times_kept_apart() -> None:
    acts = [
        Synced(
            "training_activity",
            f"a{i}",
            "A001",
            False,
            {"activity_type": "讲座/业务培训", "day": f"2026-11-0{i + 1}"},
        )
        for i in range(3)
    ]
    attendance = [
        Synced(
            "training_attendance",
            f"t{i}",
            "A001",
            False,
            {"activity_id": f"a{i}", "staff_id": "s1", "status": "present"},
        )
        for i in range(3)
    ]
    absent = Synced(
        "training_attendance",
        "t9",
        "A001",
        False,
        {"activity_id": "a0", "staff_id": "s2", "status": "absent"},
    )
    stationings = [
        Synced(
            "support_stationing",
            f"st{i}",
            "A001",
            False,
            {"doctor": "周医生", "start_on": "2026-11-10", "mentees": 4, "teaching_rounds": 2},
        )
        for i in range(2)
    ]
    (row,) = Figures(NOW).add_all([*acts, *attendance, absent, *stationings]).rows()
    assert (row.courses, row.trained_times, row.trained_people) == (3, 3, 1)
    assert (row.support_times, row.support_people) == (2, 1)
    assert row.teaching_times == 8 and row.ward_rounds == 4


def test_refusals_name_fields_in_chinese() -> None:
    assert labels("referral", ["patient_age", "appointment_at"]) == "患者年龄、预约到诊时间"
    msg = "过期的修改：以下字段由县医院负责，已被县医院更新：receiving_doctor"
    assert in_words("referral", msg).endswith("接诊医生")
    assert in_words("unknown_type", "x_y") == "x_y"
