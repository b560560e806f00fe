"""Referral feedback from the clinic's side: a 回执 it got by phone or on paper, and the result
of the 上转结果追踪 check, each recorded on the referral's history and synced.

A 回执 fills the referral's clinic-owned feedback fields (never the county's received_at /
rejected_reason / arrived_at or the status derived from them) and adds a history entry of
kind "feedback"; both go to the outbox in the same transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.db.referral_models import Referral, ReferralEvent
from app.domain import clinic_clock
from app.domain import referral_feedback as rules
from app.domain.referral import Direction, Side, Status
from app.domain.roles import Perm
from app.services.context import Changes, ServiceContext
from app.services.recording import record_write

if TYPE_CHECKING:
    from app.services.referrals import ReferralRow, ReferralService

RECORD_TYPE = "referral"
EVENT_TYPE = "referral_event"


def settings_dir(ctx: ServiceContext) -> Path | None:
    """settings.toml lives next to the clinic's database file."""
    db = ctx.engine.url.database
    if not db or db == ":memory:" or ctx.engine.dialect.name != "sqlite":
        return None
    return Path(db).parent


def not_arrived_days(ctx: ServiceContext) -> int:
    d = settings_dir(ctx)
    return Settings.load(d).referral_not_arrived_days if d else rules.NOT_ARRIVED_DAYS


def save_not_arrived_days(ctx: ServiceContext, days: int) -> int:
    """Administrators: the N of 已接收未到诊. Raises ValueError (Chinese) when out of range."""
    from app.config import RANGES

    ctx.require(Perm.SETTINGS_EDIT)
    lo, hi = RANGES["referral_not_arrived_days"]
    if not lo <= days <= hi:
        raise ValueError(f"已接收未到诊提醒天数应在{lo}–{hi}天之间")
    d = settings_dir(ctx)
    if d is None:
        raise RuntimeError("no settings file next to this database")
    s = Settings.load(d)
    s.referral_not_arrived_days = days
    s.save(d)
    return days


def _event(
    s: Session, ctx: ServiceContext, r: Referral, kind: str, text: str, actor: str = ""
) -> None:
    ev = ReferralEvent(
        referral_id=r.id,
        from_status=r.status,
        to_status=r.status,  # a 回执 or a check leaves the status as it was
        side=Side.CLINIC.value,
        actor=actor or (ctx.actor.display_name if ctx.actor else ""),
        at=ctx.clock(),
        reason=text[:500],
        kind=kind,
    )
    record_write(s, ctx, ev, EVENT_TYPE, "create", {"referral": r.number, "kind": kind}, new=True)


def record_feedback(
    svc: ReferralService, referral_id: str, data: rules.FeedbackInput
) -> ReferralRow:
    """Store a 回执 (who, when, received / refused + reason, arrival) on an upward referral."""
    from app.services.referrals import _row

    ctx = svc.ctx
    ctx.require_action(RECORD_TYPE, "feedback")
    tz = ctx.timezone
    with ctx.session() as s:
        r = svc._load(s, referral_id)
        referred = clinic_clock.to_local(r.referred_at, tz) if r.referred_at else None
        clean = rules.validate(
            data, Direction(r.direction), Status(r.status), referred, ctx.now_local()
        )
        assert clean.at is not None
        r.feedback_method = clean.method
        r.feedback_by = clean.by
        r.feedback_at = clinic_clock.to_utc(clean.at, tz)
        r.feedback_result = clean.result
        r.feedback_reason = clean.reason
        r.feedback_arrived_at = (
            clinic_clock.to_utc(clean.arrived_at, tz) if clean.arrived_at else None
        )
        record_write(
            s, ctx, r, RECORD_TYPE, "feedback", {"number": r.number, "result": clean.result}
        )
        _event(s, ctx, r, "feedback", "录入回执（" + rules.summary(clean) + "）")
        row = _row(r, ctx.clock(), not_arrived_days(ctx))
    ctx.notify(Changes(RECORD_TYPE, frozenset({row.id}), "edit"))
    return row


def note_outcome_check(
    s: Session, ctx: ServiceContext, referral_id: str, outcome: str, visit: Any
) -> None:
    """The 上转结果追踪 check's result on the referral's history (inside the visit's own
    transaction): the outcome, the date, how and by whom."""
    r = s.get(Referral, referral_id)
    if r is None or r.deleted:
        return
    from app.domain.followup import METHODS

    when = getattr(visit, "visit_date", None)
    day = f"随访日期 {when:%Y-%m-%d}" if when is not None else ""
    method = METHODS.get(getattr(visit, "method", "") or "", "")
    doctor = getattr(visit, "doctor", "") or ""
    parts = [f"上转结果追踪：{outcome or '已随访'}", day, method, doctor]
    _event(s, ctx, r, "outcome", "　".join(p for p in parts if p))
    # The referral's own record is unchanged; its history (a synced record) carries the result.
