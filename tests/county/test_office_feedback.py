# ruff: noqa: F811  (pytest fixtures imported from test_office)
"""The referral office sees the 回执 a clinic recorded (phone / paper) beside its own answer."""

from __future__ import annotations

import httpx

from tests.county.test_office import (  # noqa: F401  (fixtures)
    UP_ID,
    client,
    engine,
    hub,
    login,
    push_referral,
    tokens,
)


def test_the_office_page_shows_the_clinics_receipt(
    client: httpx.Client,
    tokens: dict[str, str],
) -> None:
    push_referral(
        client,
        tokens["A001"],
        feedback_method="phone",
        feedback_by="周医生",
        feedback_at="2026-11-21T02:00:00",
        feedback_result="refused",
        feedback_reason="床位已满",
        feedback_arrived_at=None,
    )
    login(client)
    page = client.get(f"/office/referrals/{UP_ID}").text
    assert "卫生院录入的回执" in page
    for text in ("电话", "周医生", "不接收", "床位已满", "2026-11-21 10:00"):
        assert text in page, text


def test_no_receipt_section_without_one(
    client: httpx.Client,
    tokens: dict[str, str],
) -> None:
    push_referral(client, tokens["A001"])
    login(client)
    assert "卫生院录入的回执" not in client.get(f"/office/referrals/{UP_ID}").text
