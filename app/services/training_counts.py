"""Training and counterpart-support figures of a period, counted once, here.

The 统计 page and report (``StatsService.training_figures``) and the training area's yearly /
quarterly summary (``TrainingService.summary``, which adds the figures only it reports) both
take them from ``training_figures``: 培训人次 and 人数, 帮扶带教人次, 指导查房次数, 接收进修人次 and
the stationed doctors' 门诊诊疗人次 and 手术台次 have one definition. 人 and 人次 stay apart; a
stationing counts in each period by the days that fall in it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.db.training_models import (
    Secondment,
    Staff,
    SupportStationing,
    TrainingActivity,
    TrainingAttendance,
)
from app.domain import training as tr
from app.domain.periods import Period, split_by_days
from app.domain.stats import MonthRow, ShortOfCredits, TrainingFigures
from app.services.context import ServiceContext


def period_activities(ctx: ServiceContext, period: Period) -> tuple[list[Any], list[Any]]:
    """The period's activities (in date order) and their attendances of people present."""
    with ctx.reader() as s:
        acts = list(
            s.execute(
                select(
                    TrainingActivity.id,
                    TrainingActivity.activity_type,
                    TrainingActivity.day,
                    TrainingActivity.hours,
                    TrainingActivity.topic,
                    TrainingActivity.lecturer,
                    TrainingActivity.credit_class,
                    TrainingActivity.credits,
                )
                .where(
                    TrainingActivity.deleted.is_(False),
                    TrainingActivity.day >= period.start,
                    TrainingActivity.day < period.end,
                )
                .order_by(TrainingActivity.day, TrainingActivity.start)
            )
        )
        att = list(
            s.execute(
                select(TrainingAttendance.activity_id, TrainingAttendance.staff_id)
                .join(TrainingActivity, TrainingActivity.id == TrainingAttendance.activity_id)
                .join(Staff, Staff.id == TrainingAttendance.staff_id)
                .where(
                    TrainingAttendance.deleted.is_(False),
                    TrainingActivity.deleted.is_(False),
                    Staff.deleted.is_(False),
                    TrainingAttendance.status.in_([a.value for a in tr.ATTENDED]),
                    TrainingActivity.day >= period.start,
                    TrainingActivity.day < period.end,
                )
            )
        )
    return acts, att


def _stationings(ctx: ServiceContext, period: Period) -> list[Any]:
    with ctx.reader() as s:
        return list(
            s.execute(
                select(SupportStationing).where(
                    SupportStationing.deleted.is_(False),
                    SupportStationing.start_on < period.end,
                    SupportStationing.end_on >= period.start,
                )
            ).scalars()
        )


def training_figures(
    ctx: ServiceContext, period: Period, short: list[ShortOfCredits]
) -> TrainingFigures:
    """The training and support figures of ``period`` (``short``: who is short of credits)."""
    acts, att = period_activities(ctx, period)
    kind = {a.id: a.activity_type for a in acts}
    by_id = {a.id: a for a in acts}
    course_att = [x for x in att if kind.get(x.activity_id) in tr.COURSE_TYPES]
    teaching_att = [x for x in att if kind.get(x.activity_id) in tr.TEACHING_TYPES]
    credits = {"I类": 0.0, "II类": 0.0}
    for x in att:
        a = by_id[x.activity_id]
        if a.credit_class in credits:
            credits[a.credit_class] += a.credits
    stationed = _stationings(ctx, period)

    def share(attr: str) -> int:
        return sum(
            split_by_days(getattr(st, attr), st.start_on, st.end_on, period.start, period.end)
            for st in stationed
        )

    with ctx.reader() as s:
        secondments = int(
            s.scalar(
                select(func.count())
                .select_from(Secondment)
                .join(Staff, Staff.id == Secondment.staff_id)
                .where(
                    Secondment.deleted.is_(False),
                    Staff.deleted.is_(False),
                    Secondment.start_on >= period.start,
                    Secondment.start_on < period.end,
                )
            )
            or 0
        )
    months = {m.code: [0, 0] for m in period.months()}
    for a in acts:
        if a.activity_type in tr.COURSE_TYPES:
            months[a.day.strftime("%Y-%m")][0] += 1
    for x in course_att:
        months[by_id[x.activity_id].day.strftime("%Y-%m")][1] += 1
    return TrainingFigures(
        courses=sum(1 for a in acts if a.activity_type in tr.COURSE_TYPES),
        training_times=len(course_att),
        training_people=len({x.staff_id for x in course_att}),
        activity_hours=round(sum(a.hours for a in acts), 2),
        attendee_hours=round(sum(by_id[x.activity_id].hours for x in att), 2),
        credits_i=round(credits["I类"], 2),
        credits_ii=round(credits["II类"], 2),
        teaching_times=len(teaching_att),
        rounds=sum(1 for a in acts if a.activity_type == tr.ROUNDS) + share("teaching_rounds"),
        secondments=secondments,
        outpatient=share("outpatient_visits"),
        operations=share("operations"),
        by_month=[MonthRow(k, a, b) for k, (a, b) in months.items()],
        short=short,
    )
