"""Demo data for a first run with ``--demo``: a set-up clinic, staff accounts and residents."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from app.demo_data import ResidentGenerator
from app.domain.patient import PatientInput
from app.domain.roles import ROLE_NAMES, Role
from app.services.bundle import AppServices

DEMO_PATIENTS = 300
DEMO_COUNTY_HOSPITAL = "来安县人民医院"
ACCOUNTS: list[tuple[str, str, str, Role]] = [
    ("admin", "admin123", "王建国", Role.ADMIN),
    ("doctor", "doctor123", "李秀英", Role.DOCTOR),
    ("nurse", "nurse123", "赵敏", Role.NURSE),
]

# Other areas add their demo records here: each is called after the patients exist, with the
# demo admin logged in.
DEMO_EXTENSIONS: list[Callable[[AppServices], None]] = []


def seed_referrals(services: AppServices) -> None:
    """A handful of referrals in every state, as a clinic would have after a few weeks."""
    from datetime import timedelta

    from app.domain.referral import DOWN_INDICATIONS, UP_INDICATIONS, ReferralInput, Side, Status

    people = services.patients.search("", limit=40, sort="birth_date", descending=False)
    if not people:
        return
    ref = services.referrals
    clinic = services.users.clinic()
    hospital = (clinic.county_hospital if clinic else "") or DEMO_COUNTY_HOSPITAL
    cases = [
        ("高血压3级（极高危）", "头痛头晕3天，血压180/110mmHg", "心血管内科", None),
        ("急性脑梗死？", "左侧肢体无力2小时", "神经内科", Status.RECEIVED),
        ("社区获得性肺炎", "发热咳嗽5天，抗感染治疗效果不佳", "呼吸内科", Status.ARRIVED),
        ("股骨颈骨折？", "跌倒后右髋疼痛、不能行走", "骨科", Status.REJECTED),
        ("2型糖尿病酮症？", "多饮多尿1周，乏力，随机血糖25mmol/L", "内分泌科", None),
    ]
    for i, (impression, illness, dept, answer) in enumerate(cases):
        r = ref.create_upward(
            ReferralInput(
                patient_id=people[i % len(people)].id,
                to_institution=hospital,
                to_department=dept,
                indications=[UP_INDICATIONS[i % 3]],
                impression=impression,
                present_illness=illness,
                past_history="高血压病史多年",
                treatment="对症处理",
                patient_type="门诊",
                transport="患者自理",
                referring_doctor="李秀英",
                referring_phone="0550-5012345",
                urgency="紧急" if i == 1 else "普通",
            )
        )
        if answer is Status.REJECTED:
            ref.transition(r.id, Status.REJECTED, "床位已满，建议转市级医院", side=Side.COUNTY)
        elif answer is not None:
            ref.transition(r.id, Status.RECEIVED, side=Side.COUNTY)
            if answer is Status.ARRIVED:
                ref.transition(r.id, Status.ARRIVED, side=Side.COUNTY)
    for i, (diagnosis, plan) in enumerate(
        [
            ("脑梗死恢复期", "阿司匹林100mg qd，阿托伐他汀20mg qn；每日肢体康复训练"),
            ("冠心病 PCI术后", "双联抗血小板12个月；低盐低脂饮食；逐步恢复活动"),
        ]
    ):
        ref.enter_downward(
            ReferralInput(
                patient_id=people[(10 + i) % len(people)].id,
                from_institution=hospital,
                indications=[DOWN_INDICATIONS[0]],
                diagnosis=diagnosis,
                exam_results="见出院小结",
                treatment_plan=plan,
                referring_doctor="张主任",
                referring_phone="0550-7001234",
                referred_on=services.ctx.today() - timedelta(days=2),
                followup_date=services.ctx.today() + timedelta(days=12),
                followup_method="门诊复查",
            )
        )


def seed_residents(services: AppServices, patients: int) -> None:
    gen = ResidentGenerator()
    for _ in range(patients):
        r = gen.resident()
        services.patients.create(
            PatientInput(
                name=r.name,
                sex=r.sex,
                birth_date=r.birth_date,
                id_number=r.id_number,
                phone=r.phone,
                village=r.village,
                address=r.address,
                record_number=r.record_number,
                payment_type=r.payment_type,
                allergies=r.allergies,
                notes=r.notes,
            ),
            allow_duplicate=True,
        )


def seed_records(
    services: AppServices, patients: int = DEMO_PATIENTS, *, bulk: bool = True
) -> None:
    """Residents, training, follow-ups and referrals, with the demo admin logged in.

    ``bulk`` (the demo's first start): residents, training and follow-ups are collected by
    ``BulkSeed`` and written in one transaction, then the referrals go through the services.
    Otherwise every record goes through the services in its own transaction, as a user's
    would; the tests check both give the same tables.
    """
    from app.demo_followups import seed_followups
    from app.demo_training import seed_training

    target = services
    if bulk:
        from app.demo_bulk import BulkSeed

        seed = BulkSeed(services)
        target = cast(AppServices, seed)  # the scripts call only what BulkSeed provides
    seed_residents(target, patients)
    seed_training(target)
    seed_followups(target)
    if bulk:
        seed.write()
    seed_referrals(services)


def seed_demo(
    services: AppServices,
    patients: int = DEMO_PATIENTS,
    *,
    clinic_code: str = "341122TH",
    clinic_name: str = "来安县桃花镇卫生院",
    county_hospital: str = "",
    admin: str = "",
    admin_name: str = "",
    admin_password: str | None = None,
) -> list[tuple[str, str | None, str]]:
    """Set up the demo clinic and its records; returns (username, password, role name).

    The administrator's username, name and password and the county hospital are the ones
    given, the demo's own where not; a password the caller chose comes back as None (it is
    not the demo's to print). A demo staff account whose username the administrator took is
    left out.
    """
    users = services.users
    demo_user, demo_pw, demo_name, _ = ACCOUNTS[0]
    admin_user = admin.strip() or demo_user
    admin_pw = admin_password if admin_password is not None else demo_pw
    users.setup(
        clinic_code=clinic_code,
        clinic_name=clinic_name,
        county_hospital=county_hospital.strip() or DEMO_COUNTY_HOSPITAL,
        admin_username=admin_user,
        admin_display_name=admin_name.strip() or demo_name,
        admin_password=admin_pw,
    )
    users.login(admin_user, admin_pw)
    made: list[tuple[str, str | None, str]] = [
        (admin_user, None if admin_password is not None else demo_pw, ROLE_NAMES[Role.ADMIN])
    ]
    for username, password, display, role in ACCOUNTS[1:]:
        if username == admin_user:
            continue
        users.create_user(username, display, role, password)
        made.append((username, password, ROLE_NAMES[role]))
    seed_records(services, patients)
    for extend in DEMO_EXTENSIONS:
        extend(services)
    users.logout()
    return made
