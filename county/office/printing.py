"""A slip from the hub as the same PDF the workstation prints (``app.reports.referral_slip``):
the 回转单 the county wrote, or a 转出单 it received. The county hospital's name comes from
the hub setting (``python -m county set-hospital``).

What the slip shows is the workstation's own mapping (``app.domain.slip.slip_data``), read
from the record as the hub holds it; an institution left empty is the clinic or the hospital
by direction.
"""

from __future__ import annotations

from typing import Any

from app.domain.slip import SlipData
from app.domain.slip import slip_data as slip_of
from app.reports.referral_slip import referral_slip_pdf


def slip_data(d: dict[str, Any], hospital: str, clinic_name: str) -> SlipData:
    """The slip of a record the hub holds (dates shown on China Standard Time)."""
    return slip_of(d, hospital=hospital, clinic_name=clinic_name)


def slip_pdf(d: dict[str, Any], hospital: str, clinic_name: str, page: str = "A4") -> bytes:
    return referral_slip_pdf(slip_data(d, hospital, clinic_name), page)
