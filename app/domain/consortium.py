"""The consortium's figures per clinic and month, from the records the clinics sync: one set
of definitions for the hub's consortium view (and for the workstation's 统计 to share).

Definitions (人 and 人次 are kept apart and never added together):
- 上转人次: upward referrals sent (not 草稿, not 已取消, not voided), by the Beijing month of
  their 转出时间.
- 下转人次: downward referrals of the clinic's patients (the county's 回转单 and slips the
  clinic copied in from paper), not 已取消 or voided, by the month of their 转出时间.
- 14 天内答复率: of the month's 上转 whose answer is in or whose 14 days have passed, the share
  the county answered (接收, 拒绝 or 到诊, whichever came first) within 14 days.
- 已接收未到诊: the month's 上转 now 已接收 and not yet 已到诊.
- 培训班期 / 培训人次 / 培训人: course-type activities (讲座/业务培训, 技能操作培训, 远程培训)
  by the month of their day; attendances (出席, 迟到) at them; the distinct staff among those.
- 帮扶带教人次: attendances at teaching activities (查房, 示教, 带教, 病例讨论, 会诊) plus the
  mentees a stationed county doctor reported; 教学查房次: ward-round activities plus the rounds
  stationed doctors reported.
- 进修人次 / 进修人: secondments by the month they start; distinct staff among them.
- 对口支援人次 / 对口支援人: stationings by the month they start; distinct doctors among them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.domain import training
from app.domain.booking import beijing
from app.domain.referral import FEEDBACK_DAYS, Direction, Status, status_after_answers

COLUMNS = (
    ("up", "上转人次"),
    ("down", "下转人次"),
    ("answered_share", "14天内答复率"),
    ("awaiting_arrival", "已接收未到诊"),
    ("courses", "培训班期"),
    ("trained_times", "培训人次"),
    ("trained_people", "培训人"),
    ("teaching_times", "帮扶带教人次"),
    ("ward_rounds", "教学查房次"),
    ("secondment_times", "进修人次"),
    ("secondment_people", "进修人"),
    ("support_times", "对口支援人次"),
    ("support_people", "对口支援人"),
)
NOT_COUNTED = {Status.DRAFT.value, Status.CANCELLED.value}


@dataclass
class ClinicMonth:
    clinic: str
    month: str  # "2026-11"
    up: int = 0
    down: int = 0
    answerable: int = 0
    answered_in_time: int = 0
    awaiting_arrival: int = 0
    courses: int = 0
    trained_times: int = 0
    teaching_times: int = 0
    ward_rounds: int = 0
    secondment_times: int = 0
    support_times: int = 0
    trainees: set[str] = field(default_factory=set)
    seconded: set[str] = field(default_factory=set)
    supporters: set[str] = field(default_factory=set)

    @property
    def trained_people(self) -> int:
        return len(self.trainees)

    @property
    def secondment_people(self) -> int:
        return len(self.seconded)

    @property
    def support_people(self) -> int:
        return len(self.supporters)

    @property
    def answered_share(self) -> float | None:
        """0..1, or None when no 上转 of the month can be judged yet."""
        return self.answered_in_time / self.answerable if self.answerable else None

    def value(self, key: str) -> Any:
        return getattr(self, key)


@dataclass(frozen=True)
class Synced:
    """One record as the hub holds it: its type, id, clinic, deleted or not, its fields."""

    type: str
    id: str
    clinic: str
    deleted: bool
    data: dict[str, Any]


def _when(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            t = datetime.fromisoformat(value)
        except ValueError:
            return None
        return t if t.tzinfo is None else t.astimezone(UTC).replace(tzinfo=None)
    return None


def _day(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _month_of_utc(t: datetime) -> str:
    return f"{beijing(t):%Y-%m}"


class Figures:
    """Adds records up into per-(clinic, month) figures."""

    def __init__(self, now_utc: datetime, months: set[str] | None = None) -> None:
        self.now = now_utc
        self.months = months  # only these months ("2026-11"), or every month
        self.cells: dict[tuple[str, str], ClinicMonth] = {}

    def cell(self, clinic: str, month: str) -> ClinicMonth | None:
        if self.months is not None and month not in self.months:
            return None
        key = (clinic, month)
        if key not in self.cells:
            self.cells[key] = ClinicMonth(clinic, month)
        return self.cells[key]

    def add_all(self, records: Iterable[Synced]) -> Figures:
        records = [r for r in records if not r.deleted]
        activities = {r.id: r for r in records if r.type == "training_activity"}
        for r in records:
            if r.type == "referral":
                self._referral(r)
            elif r.type == "training_activity":
                self._activity(r)
            elif r.type == "training_attendance":
                act = activities.get(str(r.data.get("activity_id") or ""))
                if act is not None:
                    self._attendance(r, act)
            elif r.type == "secondment":
                self._secondment(r)
            elif r.type == "support_stationing":
                self._stationing(r)
        return self

    def _referral(self, r: Synced) -> None:
        d = r.data
        status = str(d.get("status") or "")
        sent = _when(d.get("referred_at")) or _when(d.get("created_at"))
        if status in NOT_COUNTED or sent is None:
            return
        c = self.cell(r.clinic, _month_of_utc(sent))
        if c is None:
            return
        if d.get("direction") == Direction.DOWN.value:
            c.down += 1
            return
        if d.get("direction") != Direction.UP.value:
            return
        c.up += 1
        answers = [
            t
            for t in (_when(d.get(k)) for k in ("received_at", "rejected_at", "arrived_at"))
            if t is not None
        ]
        first = min(answers) if answers else None
        deadline = sent + timedelta(days=FEEDBACK_DAYS)
        if first is not None and first <= deadline:
            c.answerable += 1
            c.answered_in_time += 1
        elif first is not None or self.now >= deadline or d.get("rejected_reason"):
            c.answerable += 1
        try:
            now_status = status_after_answers(
                Direction.UP,
                Status(status),
                received=bool(d.get("received_at")),
                rejected=bool(d.get("rejected_reason")),
                arrived=bool(d.get("arrived_at")),
            )
        except ValueError:
            return
        if now_status is Status.RECEIVED:
            c.awaiting_arrival += 1

    def _activity(self, r: Synced) -> None:
        day = _day(r.data.get("day"))
        c = self.cell(r.clinic, f"{day:%Y-%m}") if day else None
        if c is None:
            return
        kind = r.data.get("activity_type")
        if kind in training.COURSE_TYPES:
            c.courses += 1
        if kind == training.ROUNDS:
            c.ward_rounds += 1

    def _attendance(self, r: Synced, act: Synced) -> None:
        if r.data.get("status") not in {a.value for a in training.ATTENDED}:
            return
        day = _day(act.data.get("day"))
        c = self.cell(r.clinic, f"{day:%Y-%m}") if day else None
        if c is None:
            return
        kind = act.data.get("activity_type")
        if kind in training.COURSE_TYPES:
            c.trained_times += 1
            c.trainees.add(str(r.data.get("staff_id") or ""))
        if kind in training.TEACHING_TYPES:
            c.teaching_times += 1

    def _secondment(self, r: Synced) -> None:
        day = _day(r.data.get("start_on"))
        c = self.cell(r.clinic, f"{day:%Y-%m}") if day else None
        if c is not None:
            c.secondment_times += 1
            c.seconded.add(str(r.data.get("staff_id") or ""))

    def _stationing(self, r: Synced) -> None:
        d = r.data
        day = _day(d.get("start_on"))
        c = self.cell(r.clinic, f"{day:%Y-%m}") if day else None
        if c is None:
            return
        c.support_times += 1
        c.supporters.add(str(d.get("doctor") or ""))
        c.teaching_times += _int(d.get("mentees"))
        c.ward_rounds += _int(d.get("teaching_rounds"))

    def rows(self) -> list[ClinicMonth]:
        return sorted(self.cells.values(), key=lambda c: (c.clinic, c.month))


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def share_text(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"
