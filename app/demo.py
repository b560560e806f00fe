"""Demo data for a first run with ``--demo``: a set-up clinic, staff accounts and residents."""

from __future__ import annotations

from collections.abc import Callable

from app.demo_data import ResidentGenerator
from app.domain.patient import PatientInput
from app.domain.roles import ROLE_NAMES, Role
from app.services.bundle import AppServices

DEMO_PATIENTS = 300
ACCOUNTS: list[tuple[str, str, str, Role]] = [
    ("admin", "admin123", "王建国", Role.ADMIN),
    ("doctor", "doctor123", "李秀英", Role.DOCTOR),
    ("nurse", "nurse123", "赵敏", Role.NURSE),
]

# Other areas add their demo records here: each is called after the patients exist, with the
# demo admin logged in.
DEMO_EXTENSIONS: list[Callable[[AppServices], None]] = []


def seed_demo(services: AppServices, patients: int = DEMO_PATIENTS) -> list[tuple[str, str, str]]:
    """Set up the demo clinic and its records; returns (username, password, role name)."""
    users = services.users
    admin_user, admin_pw, admin_name, _ = ACCOUNTS[0]
    users.setup(
        clinic_code="341122TH",
        clinic_name="来安县桃花镇卫生院",
        county_hospital="来安县人民医院",
        admin_username=admin_user,
        admin_display_name=admin_name,
        admin_password=admin_pw,
    )
    users.login(admin_user, admin_pw)
    for username, password, display, role in ACCOUNTS[1:]:
        users.create_user(username, display, role, password)
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
    for extend in DEMO_EXTENSIONS:
        extend(services)
    users.logout()
    return [(u, p, ROLE_NAMES[role]) for u, p, _d, role in ACCOUNTS]
