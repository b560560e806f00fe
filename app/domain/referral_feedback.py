"""回执 the clinic records itself, and the flags on an upward referral that wait for it.

The county's receipt usually reaches a township clinic by phone or as a paper 回执 long before
(or instead of) a sync: who at the county said so, when, received or refused (and why), and
when the patient arrived. The clinic records it as its own fields; the county's answer, when
it comes by sync, keeps its own fields (received_at, rejected_reason, arrived_at) and the
status derived from them.

Flags on the list: no answer at all 14 days after the referral (neither the county's nor a
回执), and "received, not arrived" N days after the receipt (N in settings, default 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.errors import FieldError, ValidationError
from app.domain.referral import Direction, Status, is_overdue

METHODS = {"phone": "电话", "paper": "纸质回执"}
RESULTS = {"received": "接收", "refused": "不接收"}
NOT_ARRIVED_DAYS = 7  # default of settings.toml referral_not_arrived_days
# A 回执 can be recorded while the referral is still open on the clinic's side.
OPEN = frozenset({Status.PENDING, Status.RECEIVED, Status.REJECTED, Status.ARRIVED})


@dataclass
class FeedbackInput:
    """A 回执 as typed at the clinic; times are the clinic's local time."""

    method: str = "phone"
    by: str = ""  # the county's person (接诊医生 / 转诊办)
    at: datetime | None = None  # when the county answered
    result: str = "received"
    reason: str = ""  # 不接收原因
    arrived_at: datetime | None = None  # 到诊时间, if the 回执 reported it


def validate(
    data: FeedbackInput,
    direction: Direction,
    status: Status,
    referred_local: datetime | None,
    now_local: datetime,
) -> FeedbackInput:
    """A cleaned copy, or ValidationError naming each bad field in Chinese."""
    e: list[FieldError] = []
    if direction is not Direction.UP:
        e.append(FieldError("direction", "not_up", "只有上转（转出）单需要录入县医院回执"))
    elif status not in OPEN:
        e.append(FieldError("status", "closed", "草稿、已取消或已完成的转诊单不能录入回执"))
    by = data.by.strip()
    if not by:
        e.append(FieldError("by", "required", "请填写回执人（县医院接诊医生或转诊办人员）"))
    elif len(by) > 50:
        e.append(FieldError("by", "too_long", "回执人不能超过50个字"))
    if data.method not in METHODS:
        e.append(FieldError("method", "unknown", "请选择回执方式（电话或纸质回执）"))
    if data.result not in RESULTS:
        e.append(FieldError("result", "unknown", "请选择接收结果（接收或不接收）"))
    reason = data.reason.strip()
    if data.result == "refused" and not reason:
        e.append(FieldError("reason", "required", "不接收时请填写不接收原因"))
    if len(reason) > 500:
        e.append(FieldError("reason", "too_long", "不接收原因不能超过500个字"))
    first_day = referred_local.date() if referred_local else None
    if data.at is None:
        e.append(FieldError("at", "required", "请填写回执时间"))
    elif data.at > now_local:
        e.append(FieldError("at", "future", "回执时间不能晚于现在"))
    elif first_day and data.at.date() < first_day:
        e.append(FieldError("at", "before", "回执时间不能早于转诊日期"))
    arrived = data.arrived_at
    if arrived is not None:
        if data.result != "received":
            e.append(FieldError("arrived_at", "refused", "县医院不接收时不能填写到诊时间"))
        elif arrived > now_local:
            e.append(FieldError("arrived_at", "future", "到诊时间不能晚于现在"))
        elif first_day and arrived.date() < first_day:
            e.append(FieldError("arrived_at", "before", "到诊时间不能早于转诊日期"))
    if e:
        raise ValidationError(e)
    return FeedbackInput(
        method=data.method,
        by=by,
        at=data.at,
        result=data.result,
        reason=reason if data.result == "refused" else "",
        arrived_at=arrived,
    )


def summary(data: FeedbackInput) -> str:
    """One line for the referral's history: 电话回执：王医生 12-01 10:00 接收，到诊 12-02 09:00."""
    parts = [f"{METHODS.get(data.method, data.method)}：{data.by}"]
    if data.at is not None:
        parts.append(f"{data.at:%Y-%m-%d %H:%M}")
    parts.append(RESULTS.get(data.result, data.result))
    text = " ".join(parts)
    if data.reason:
        text += f"（{data.reason}）"
    if data.arrived_at is not None:
        text += f"，到诊 {data.arrived_at:%Y-%m-%d %H:%M}"
    return text


def has_answer(received_at: datetime | None, rejected_reason: str, feedback_result: str) -> bool:
    """The county answered: by sync (received / rejected) or by a 回执 the clinic recorded."""
    return received_at is not None or bool(rejected_reason) or bool(feedback_result)


def no_answer_overdue(
    direction: Direction,
    status: Status,
    referred_at: datetime | None,
    feedback_result: str,
    now: datetime,
) -> bool:
    """Still waiting (待接收, no 回执 either) 14 days or more after the referral."""
    return is_overdue(direction, status, referred_at, now, feedback_result)


def received_not_arrived(
    direction: Direction,
    status: Status,
    received_at: datetime | None,
    feedback_result: str,
    feedback_at: datetime | None,
    arrived_at: datetime | None,
    feedback_arrived_at: datetime | None,
    now: datetime,
    days: int = NOT_ARRIVED_DAYS,
) -> bool:
    """Received (by the county's answer or a 回执) ``days`` or more ago, and no arrival known
    from either side. A referral rejected, cancelled, arrived or completed is never flagged."""
    if direction is not Direction.UP or status not in (Status.PENDING, Status.RECEIVED):
        return False
    if arrived_at is not None or feedback_arrived_at is not None:
        return False
    since = received_at
    if since is None and feedback_result == "received":
        since = feedback_at
    return since is not None and (now - since).days >= days
