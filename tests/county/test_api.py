"""The /api/v1 protocol at its edges: version, limits, gzip both ways, paging by sequence."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.sync.protocol import MAX_BATCH, MAX_BODY_BYTES, PROTOCOL_VERSION
from county import auth, store
from county.db import ChangeLog, HubRecord
from tests.hub_server import Hub, running_hub


@pytest.fixture
def hub_token(tmp_path: Path) -> Iterator[tuple[Hub, str]]:
    with running_hub(tmp_path) as hub:
        with hub.sessions() as s, s.begin():
            token = auth.add_clinic(s, "A001", "卫生院")
        yield hub, token


def push(hub: Hub, token: str, body: bytes, **headers: str) -> httpx.Response:
    return httpx.post(
        hub.url + "/api/v1/sync/push",
        content=body,
        timeout=30,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers},
    )


def change(i: int) -> dict[str, object]:
    return {"type": "patient", "id": uid(i), "version": 1, "data": {"name": f"张{i}"}}


def uid(i: int, prefix: str = "a") -> str:
    return f"{prefix}0000000-0000-4000-8000-{i:012d}"


def test_health_needs_no_token_and_says_the_protocol(hub_token: tuple[Hub, str]) -> None:
    hub, _ = hub_token
    r = httpx.get(hub.url + "/api/v1/health")
    assert r.status_code == 200 and r.json()["protocol"] == PROTOCOL_VERSION


def test_missing_or_wrong_token_is_401_with_a_chinese_message(
    hub_token: tuple[Hub, str],
) -> None:
    hub, _ = hub_token
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}):
        r = httpx.get(hub.url + "/api/v1/sync/pull", params={"protocol": 1}, headers=headers)
        assert r.status_code == 401 and "令牌" in r.json()["message"]


def test_old_and_future_clients(hub_token: tuple[Hub, str]) -> None:
    hub, token = hub_token
    r = push(hub, token, json.dumps({"protocol": 0, "changes": []}).encode())
    assert r.status_code == 426 and "请升级" in r.json()["message"]
    r = httpx.get(
        hub.url + "/api/v1/sync/pull",
        params={"protocol": 0},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 426
    r = push(hub, token, json.dumps({"protocol": PROTOCOL_VERSION + 1, "changes": []}).encode())
    assert r.status_code == 400 and "协议" in r.json()["message"]


def test_gzip_request_accepted(hub_token: tuple[Hub, str]) -> None:
    hub, token = hub_token
    body = json.dumps({"protocol": 1, "changes": [change(i) for i in range(20)]}).encode()
    r = push(hub, token, gzip.compress(body), **{"Content-Encoding": "gzip"})
    assert r.status_code == 200
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * 20


def test_limits_on_batch_length_and_body_size(hub_token: tuple[Hub, str]) -> None:
    hub, token = hub_token
    too_long = {"protocol": 1, "changes": [change(i) for i in range(MAX_BATCH + 1)]}
    r = push(hub, token, json.dumps(too_long).encode())
    assert r.status_code == 413 and str(MAX_BATCH) in r.json()["message"]
    big = b'{"protocol": 1, "changes": [], "pad": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'
    assert push(hub, token, big).status_code == 413
    # a small gzip body that inflates past the limit (a zip bomb) is refused too
    bomb = gzip.compress(big)
    assert len(bomb) < MAX_BODY_BYTES // 100
    assert push(hub, token, bomb, **{"Content-Encoding": "gzip"}).status_code == 413
    assert push(hub, token, b"not json").status_code == 400
    # nothing of it was stored
    assert (
        httpx.get(
            hub.url + "/api/v1/sync/pull",
            params={"protocol": 1},
            headers={"Authorization": f"Bearer {token}"},
        ).json()["changes"]
        == []
    )


def test_pull_pages_after_the_servers_sequence_gzipped(hub_token: tuple[Hub, str]) -> None:
    hub, token = hub_token
    with hub.sessions() as s, s.begin():
        for i in range(25):
            store.create_for_clinic(
                s,
                "referral",
                uid(i, "d"),
                "A001",
                {
                    "number": f"XZ-{i:02d}",
                    "direction": "down",
                    "status": "pending",
                    "patient_name": "刘芳",
                    "patient_sex": "2",
                    "patient_age": 71,
                    "diagnosis": "脑梗死恢复期" * 20,
                },
            )
    seen: list[str] = []
    after, pages = 0, 0
    with httpx.Client(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}) as c:
        while True:
            r = c.get(
                hub.url + "/api/v1/sync/pull", params={"after": after, "limit": 10, "protocol": 1}
            )
            assert r.headers.get("content-encoding") == "gzip"
            page = r.json()
            seen += [ch["id"] for ch in page["changes"]]
            assert all(ch["seq"] > after for ch in page["changes"])
            after, pages = page["next"], pages + 1
            if not page["more"]:
                break
    assert pages == 3 and seen == [uid(i, "d") for i in range(25)]


def test_a_downward_slip_missing_what_the_clinic_needs_is_refused_at_the_hub(
    hub_token: tuple[Hub, str],
) -> None:
    """A record the clinic could not store (no patient age, a NOT NULL column there) is
    refused where the county can fix it, naming the fields, and nothing is logged for the
    clinic to pull."""
    hub, _token = hub_token
    with hub.sessions() as s, s.begin(), pytest.raises(ValueError, match="缺少必填字段：患者年龄"):
        store.create_for_clinic(
            s,
            "referral",
            uid(99, "d"),
            "A001",
            {
                "number": "XZ-9",
                "direction": "down",
                "status": "pending",
                "patient_name": "刘芳",
                "patient_sex": "2",
            },
        )
    with hub.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ChangeLog)) == 0
        assert s.scalar(select(func.count()).select_from(HubRecord)) == 0
