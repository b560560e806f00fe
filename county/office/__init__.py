"""The county referral office's web UI (/office/): sign-in, incoming referrals and the
county's answers, downward referrals, and each clinic's sync health."""

from county.office.web import create_office_app

__all__ = ["create_office_app"]
