"""Plans that referrals create, inside the referral's own transaction.

A downward referral (entered from paper or, later, received by sync) starts a 下转康复 plan
dated from its 预约复诊或随访时间; an upward referral, once submitted, starts a 上转结果追踪
check due 14 days later. Each referral creates its plan once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.followup_models import FollowUpPlan
from app.domain.followup import Intervals, PlanKind
from app.services.context import ServiceContext
from app.services.followups import add_plan


def on_referral_saved(s: Session, ctx: ServiceContext, referral: Any) -> None:
    if referral.status not in ("pending", "received"):
        return
    exists = s.scalar(select(FollowUpPlan.id).where(FollowUpPlan.referral_id == referral.id))
    if exists:
        return
    intervals = Intervals()
    today = ctx.today()
    if referral.direction == "down":
        start = referral.referred_at.date() if referral.referred_at else today
        due = referral.followup_date or start + timedelta(days=intervals.rehab_default)
        add_plan(s, ctx, referral.patient_id, PlanKind.REHAB, start, due, referral_id=referral.id)
    else:
        start = referral.referred_at.date() if referral.referred_at else today
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
