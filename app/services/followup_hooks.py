"""Plans that referrals create, inside the referral's own transaction.

A downward referral (entered from paper or received by sync) starts a 下转康复 plan dated from
its 预约复诊或随访时间, or, without one, the clinic's configured rehab interval (settings.toml
``followup_rehab_days``) after the referral; an upward referral, once submitted, starts a
上转结果追踪 check due 14 days later. Each referral creates its plan once.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.followup_models import FollowUpPlan
from app.domain.clinic_clock import DEFAULT_TIMEZONE, local_date
from app.domain.followup import Intervals, PlanKind
from app.services.context import ServiceContext
from app.services.followup_intervals import intervals_for
from app.services.followups import add_plan

STARTS_PLAN = ("pending", "received")  # a referral in another status starts no plan


def rehab_dates(
    referral: Any, intervals: Intervals, today: date, timezone: str = DEFAULT_TIMEZONE
) -> tuple[date, date]:
    """(start, first due date) of the 下转康复 plan a downward referral starts.

    referred_at is stored in UTC; the plan starts on its clinic date.
    """
    start = local_date(referral.referred_at, timezone) if referral.referred_at else today
    return start, referral.followup_date or start + timedelta(days=intervals.rehab_default)


def on_referral_saved(
    s: Session, ctx: ServiceContext, referral: Any, intervals: Intervals | None = None
) -> None:
    if referral.status not in STARTS_PLAN:
        return
    exists = s.scalar(select(FollowUpPlan.id).where(FollowUpPlan.referral_id == referral.id))
    if exists:
        return
    intervals = intervals or intervals_for(ctx)
    today = ctx.today()
    if referral.direction == "down":
        start, due = rehab_dates(referral, intervals, today, ctx.timezone)
        add_plan(s, ctx, referral.patient_id, PlanKind.REHAB, start, due, referral_id=referral.id)
    else:
        start = ctx.local_date(referral.referred_at) if referral.referred_at else today
        add_plan(
            s,
            ctx,
            referral.patient_id,
            PlanKind.OUTCOME,
            start,
            start + timedelta(days=intervals.outcome_check),
            doctor=referral.referring_doctor,
            referral_id=referral.id,
        )
