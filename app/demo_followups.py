"""Demo follow-ups: hypertension and diabetes plans with a year and more of visits, recorded
through the service as a doctor would, so that the worklist has patients due today, this week
and overdue, and the 年度达标 tab has patients short of four face-to-face visits."""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.domain.followup import Medication, PlanKind, PlanStatus, VisitInput
from app.services.bundle import AppServices
from app.services.patients import PatientRow

DOCTORS = ["李秀英", "陈志强"]
HTN_DRUGS = [
    Medication("苯磺酸氨氯地平片", 1, "5mg"),
    Medication("厄贝沙坦片", 1, "150mg"),
    Medication("硝苯地平缓释片", 2, "10mg"),
]
DM_DRUGS = [
    Medication("盐酸二甲双胍片", 3, "0.5g"),
    Medication("格列美脲片", 1, "2mg"),
    Medication("阿卡波糖片", 3, "50mg"),
]
# Where each plan's next due date lands, in turn, so even a small demo has every list.
BUCKETS = ["overdue", "today", "week", "later", "overdue", "later", "week", "lapsed", "later"]


def _due_for(bucket: str, today: date, rnd: random.Random) -> date:
    return {
        "overdue": today - timedelta(days=rnd.randint(2, 40)),
        "lapsed": today - timedelta(days=rnd.randint(90, 160)),  # short of four this year
        "today": today,
        "week": today + timedelta(days=rnd.randint(1, 6)),
        "later": today + timedelta(days=rnd.randint(7, 85)),
    }[bucket]


class _Patient:
    """What stays the same from one visit to the next: build, habits, drugs."""

    def __init__(self, kind: PlanKind, rnd: random.Random) -> None:
        self.kind = kind
        self.height = float(rnd.randint(150, 178))
        self.weight = float(rnd.randint(52, 88))
        smokes = rnd.random() < 0.3
        self.smoking = (rnd.randint(5, 20), 0) if smokes else (0, 0)
        self.drinking = (rnd.randint(1, 3), 1) if rnd.random() < 0.25 else (0, 0)
        drugs = DM_DRUGS if kind is PlanKind.DIABETES else HTN_DRUGS
        self.meds = rnd.sample(drugs, rnd.randint(1, 2))
        self.insulin = kind is PlanKind.DIABETES and rnd.random() < 0.3


def _visit(
    p: _Patient, day: date, controlled: bool, emergency: bool, doctor: str, rnd: random.Random
) -> VisitInput:
    dm = p.kind is PlanKind.DIABETES
    if emergency:
        sbp, dbp = rnd.randint(181, 188), rnd.randint(100, 108)
    elif controlled or dm:
        sbp, dbp = rnd.randint(116, 138), rnd.randint(68, 86)
    else:
        sbp, dbp = rnd.randint(142, 166), rnd.randint(86, 98)
    method = rnd.choices(["1", "2", "3"], weights=[62, 28, 10])[0]
    symptoms = ["无症状"]
    if emergency:
        symptoms = ["头痛头晕"]
    elif not controlled and rnd.random() < 0.5:
        # 多饮 / 多尿 are on the diabetes emergency list: an uncontrolled visit here is not one
        symptoms = ["多食"] if dm else ["头痛头晕"]
    v = VisitInput(
        visit_date=day,
        method=method,
        symptoms=symptoms,
        sbp=sbp,
        dbp=dbp,
        weight=round(p.weight + rnd.uniform(-1.5, 1.5), 1),
        target_weight=round(p.weight - 3, 1),
        height_cm=p.height,
        smoking=p.smoking,
        drinking=p.drinking,
        exercise_times=(rnd.randint(1, 5), 5),
        exercise_minutes=(30, 30),
        psych=rnd.choice(["良好", "良好", "一般"]),
        compliance=rnd.choice(["良好", "良好", "一般"]),
        adherence="1" if controlled else rnd.choice(["1", "2"]),
        medications=list(p.meds),
        next_date=day + timedelta(days=90 if controlled and not emergency else 14),
        doctor=doctor,
    )
    if dm:
        v.fasting_glucose = round(
            rnd.uniform(5.2, 6.9) if controlled else rnd.uniform(7.3, 11.8), 1
        )
        v.hba1c = round(rnd.uniform(5.8, 6.9) if controlled else rnd.uniform(7.2, 9.5), 1)
        v.hba1c_date = day  # taken with the visit's fasting glucose
        v.staple_food = (rnd.choice([300, 350, 400]), 300)
        v.foot_pulse = "触及正常"
        v.hypoglycemia = "1"
        if p.insulin:
            v.insulin, v.insulin_dose = "门冬胰岛素30", "早12U 晚10U 餐前皮下注射"
    else:
        v.heart_rate = rnd.randint(62, 92)
        v.salt = (rnd.choice(["中", "重"]), "轻")
    if emergency:
        v.referral_reason = "血压≥180/110mmHg，伴头痛头晕"
        v.referral_to = "来安县人民医院 心血管内科"
    return v


def _visit_days(start: date, last: date, rnd: random.Random) -> list[date]:
    """Quarterly visit days from the plan's start up to ``last``."""
    days = [last]
    while days[-1] - timedelta(days=100) >= start:
        days.append(days[-1] - timedelta(days=rnd.randint(85, 95)))
    return days[::-1]


def _seed_plan(
    services: AppServices,
    patient: PatientRow,
    kind: PlanKind,
    bucket: str,
    today: date,
    rnd: random.Random,
) -> str:
    fu = services.followups
    doctor = rnd.choice(DOCTORS)
    start = today - timedelta(days=rnd.randint(400, 720))
    plan = fu.create_plan(patient.id, kind, start, doctor, start + timedelta(days=7))
    p = _Patient(kind, rnd)
    due = _due_for(bucket, today, rnd)
    # about a third end the year (and the list) 控制不满意, due again within two weeks
    last_controlled = rnd.random() < 0.7
    if not last_controlled and due - timedelta(days=14) > today:
        due = today + timedelta(days=rnd.randint(7, 13))
    last = due - timedelta(days=90 if last_controlled else 14)
    days = _visit_days(start + timedelta(days=7), last, rnd)
    for i, day in enumerate(days):
        is_last = i == len(days) - 1
        controlled = last_controlled if is_last else rnd.random() < 0.75
        emergency = not controlled and kind is PlanKind.HYPERTENSION and rnd.random() < 0.15
        fu.record_visit(plan.id, _visit(p, day, controlled, emergency, doctor, rnd))
        if not controlled and not is_last:  # the 2-week check after a 控制不满意 visit
            check = _visit(p, day + timedelta(days=13), rnd.random() < 0.6, False, doctor, rnd)
            fu.record_visit(plan.id, check)
    return plan.id


def seed_followups(services: AppServices, seed: int = 11, today: date | None = None) -> None:
    """HTN plans for about a third of the residents over 40 (DM for fewer, some both)."""
    rnd = random.Random(seed)
    today = today or services.ctx.today()
    cutoff = today.replace(year=today.year - 40)
    people = [
        p
        for p in services.patients.search("", limit=2000, sort="birth_date", descending=False)
        if p.birth_date <= cutoff
    ]
    people.sort(key=lambda p: (p.birth_date, p.record_number))  # ties in a fixed order
    rnd.shuffle(people)
    n_htn = min(45, max(3, len(people) // 3))
    n_dm = min(20, max(2, n_htn * 2 // 5))
    chosen = [(p, PlanKind.HYPERTENSION) for p in people[:n_htn]]
    # a few diabetics also have hypertension: overlap the last HTN patients
    chosen += [(p, PlanKind.DIABETES) for p in people[max(n_htn - 3, 0) : n_htn - 3 + n_dm]]
    plans: list[tuple[str, str]] = []
    for i, (patient, kind) in enumerate(chosen):
        bucket = BUCKETS[i % len(BUCKETS)]
        plans.append((_seed_plan(services, patient, kind, bucket, today, rnd), bucket))
    fu = services.followups
    overdue = [pid for pid, b in plans if b in ("overdue", "lapsed")]
    outcomes = ["unreachable", "remind", "booked", "refused"]
    for n, pid in enumerate(overdue[:4]):
        outcome = outcomes[n % len(outcomes)]
        fu.record_contact(
            pid, outcome, today + timedelta(days=2) if outcome == "remind" else None, ""
        )
    lapsed = [pid for pid, b in plans if b == "lapsed"]
    if len(lapsed) > 1:
        fu.set_status(lapsed[-1], PlanStatus.LOST, "外出务工，电话无法接通")
