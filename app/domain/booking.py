"""The county's booking on a received upward referral: who will see the patient and when
(接诊医生, 预约到诊时间). Times travel as naive UTC; a clinic reads them as Beijing time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "CST")


def beijing(utc: datetime) -> datetime:
    """A naive UTC time as Beijing wall-clock time (naive), the way a clinic reads it."""
    return utc.replace(tzinfo=UTC).astimezone(BEIJING).replace(tzinfo=None)


def from_beijing(local: datetime) -> datetime:
    """A Beijing wall-clock time (naive) as naive UTC, the way it is stored."""
    return local.replace(tzinfo=BEIJING).astimezone(UTC).replace(tzinfo=None)


def booking_text(doctor: str, appointment_utc: datetime | None) -> str:
    """ "周医生 12-02 09:30" (the doctor, then the Beijing time), or "" when nothing is booked."""
    parts = [doctor.strip()] if doctor and doctor.strip() else []
    if appointment_utc is not None:
        parts.append(f"{beijing(appointment_utc):%Y-%m-%d %H:%M}")
    return " ".join(parts)
