"""Clinic tokens: >=128 random bits, stored as SHA-256, compared in constant time, never logged."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from county.db import HubClinic, utcnow


def new_token() -> str:
    """256 random bits, URL-safe; never starting with "-", which a command line
    (``sync --token TOKEN``) would read as an option."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def clinic_for_token(session: Session, token: str) -> HubClinic | None:
    """The active clinic whose token this is. Lookup by hash, then a constant-time compare."""
    h = hash_token(token)
    clinic = session.scalar(select(HubClinic).where(HubClinic.token_hash == h))
    if clinic is None or not clinic.active or not hmac.compare_digest(clinic.token_hash, h):
        return None
    return clinic


def add_clinic(session: Session, code: str, name: str) -> str:
    code, name = code.strip(), name.strip()
    if not code or len(code) > 20 or not name:
        raise ValueError("卫生院编码（最多20位）和名称不能为空")
    if session.get(HubClinic, code) is not None:
        raise ValueError(f"卫生院 {code} 已登记；要换令牌请用 rotate-token")
    token = new_token()
    session.add(
        HubClinic(
            code=code, name=name, token_hash=hash_token(token), active=True, created_at=utcnow()
        )
    )
    return token


def rotate_token(session: Session, code: str) -> str:
    """A new token for the clinic; the old one stops working. A revoked clinic is active
    again with the new token (the command line says so)."""
    clinic = session.get(HubClinic, code)
    if clinic is None:
        raise KeyError(code)
    token = new_token()
    clinic.token_hash = hash_token(token)
    clinic.active = True
    return token


def revoke(session: Session, code: str) -> None:
    clinic = session.get(HubClinic, code)
    if clinic is None:
        raise KeyError(code)
    clinic.active = False
    clinic.token_hash = hash_token(new_token())  # the old token can never match again
