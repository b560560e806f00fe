"""Headless commands of ``python -m app`` (check, sync, print-referral...)."""
