"""The permission matrix: admin may do everything; a nurse may not manage users or void."""

from app.domain.roles import Perm, Role, allowed


def test_admin_has_every_permission() -> None:
    assert all(allowed(Role.ADMIN, p) for p in Perm)


def test_nurse_registers_patients_but_cannot_manage_users_or_void() -> None:
    assert allowed(Role.NURSE, Perm.PATIENT_CREATE)
    assert not allowed(Role.NURSE, Perm.USER_MANAGE)
    assert not allowed(Role.NURSE, Perm.PATIENT_VOID)
    assert not allowed(Role.NURSE, Perm.SETTINGS_EDIT)


def test_doctor_can_void_patients_but_not_manage_users() -> None:
    assert allowed(Role.DOCTOR, Perm.PATIENT_VOID)
    assert not allowed(Role.DOCTOR, Perm.USER_MANAGE)


def test_staff_record_training_but_only_an_admin_edits_the_roster() -> None:
    for role in (Role.DOCTOR, Role.NURSE):
        assert allowed(role, Perm.TRAINING_EDIT) and allowed(role, Perm.TRAINING_VIEW)
        assert not allowed(role, Perm.STAFF_EDIT)
