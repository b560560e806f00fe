"""Hostile values are refused per record, never stored and never a 500, on both databases:
the rest of the batch is stored, the office's list (filtered, searched) and detail pages
still answer, and error replies are short and never echo what was sent."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app import registry
from app.sync.protocol import PROTOCOL_VERSION
from county.db import HubRecord, make_sessions
from tests.county.conftest import RunningHub
from tests.county.test_office import login, upward_data

RAW = "@@RAW@@"  # replaced by a literal that json.dumps cannot write (NaN, 1e400, ...)


def referral(rid: str, **kw: Any) -> dict[str, Any]:
    data = {
        k: v
        for k, v in upward_data(**kw).items()
        if k not in registry.entry("referral").county_fields
    }
    data["number"] = f"A001-{rid[:8]}"
    return {"type": "referral", "id": rid, "version": 1, "data": data}


def post(hub: RunningHub, body: str | bytes) -> httpx.Response:
    return httpx.post(
        hub.url + "/api/v1/sync/push",
        content=body,
        timeout=60,
        headers={
            "Authorization": f"Bearer {hub.tokens['A001']}",
            "Content-Type": "application/json",
        },
    )


def batch(changes: list[Any], raw: str | None = None) -> str:
    text = json.dumps({"protocol": PROTOCOL_VERSION, "changes": changes}, ensure_ascii=False)
    return text.replace(f'"{RAW}"', raw) if raw is not None else text


def office_pages_answer(hub: RunningHub, good: str) -> None:
    with httpx.Client(base_url=hub.url, timeout=60) as office:
        assert login(office).status_code == 303
        for params in (
            {},
            {"status": "pending"},
            {"q": "王"},
            {"q": "A001", "status": "pending", "date_from": "2026-11-01"},
        ):
            r = office.get("/office/referrals", params=params)
            assert r.status_code == 200, (params, r.status_code)
            assert f"A001-{good[:8]}" in r.text
        assert office.get(f"/office/referrals/{good}").status_code == 200
        assert office.get("/office/clinics").status_code == 200


def hub_ids(hub: RunningHub) -> set[str]:
    with make_sessions(hub.engine)() as s:
        return set(s.scalars(select(HubRecord.id)))


BIG = 2**63
HOSTILE: dict[str, tuple[Any, str | None]] = {
    # name: (what goes where, the raw literal for RAW)
    "NaN in an integer": ({"patient_age": RAW}, "NaN"),
    "Infinity": ({"patient_age": RAW}, "Infinity"),
    "-Infinity": ({"patient_age": RAW}, "-Infinity"),
    "1e400": ({"patient_age": RAW}, "1e400"),
    "2^63": ({"patient_age": BIG}, None),
    "-2^63-1": ({"patient_age": -BIG - 1}, None),
    "a float where an integer belongs": ({"patient_age": 67.5}, None),
    "NUL in a name": ({"patient_name": "王\u0000建国"}, None),
    "a bell in a text": ({"impression": "高血压\u0007"}, None),
    "a list in status": ({"status": ["received"]}, None),
    "an object in payment_type": ({"payment_type": {"a": 1}}, None),
    "a list of long strings in a text field": ({"impression": ["x" * 10_000] * 50}, None),
    "text over its limit": ({"impression": "长" * 20_001}, None),
    "a name over its column": ({"patient_name": "王" * 51}, None),
    "nesting deeper than the schema": ({"cautions": [[[[[["深"]]]]]]}, None),
    "a date that is not one": ({"referred_at": "2026-02-30T10:00:00"}, None),
    "an unknown field": ({"evil": "x"}, None),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_value_is_refused_and_the_rest_stored(running: RunningHub, case: str) -> None:
    change, raw = HOSTILE[case]
    good1, bad, good2 = (str(uuid.uuid4()) for _ in range(3))
    hostile = referral(bad)
    hostile["data"].update(change)
    r = post(running, batch([referral(good1), hostile, referral(good2)], raw))
    assert r.status_code == 200, r.text[:200]
    statuses = [x["status"] for x in r.json()["results"]]
    assert statuses == ["applied", "rejected", "applied"], r.json()["results"][1]
    reason = r.json()["results"][1]["error"]
    assert reason and len(reason) < 100 and "\u0000" not in reason
    ids = hub_ids(running)
    assert {good1, good2} <= ids and bad not in ids
    office_pages_answer(running, good1)


@pytest.mark.parametrize(
    "envelope",
    [
        {"id": "p-1"},
        {"id": "a/b"},
        {"id": "a0000000-0000-4000-8000-00000000000?"},
        {"id": "a0000000-0000-4000-8000-00000000000#"},
        {"id": "a0000000-0000-4000-8000-0000000%2F00"},
        {"id": ["a"]},
        {"type": "no_such_type"},
        {"type": {"x": 1}},
        {"version": 2**63},
        {"version": 0},
        {"version": "1"},
        {"version": 1.5},
        {"deleted": "yes"},
        {"data": ["x"]},
    ],
    ids=lambda e: json.dumps(e)[:40],
)
def test_a_hostile_envelope_is_refused_and_the_rest_stored(
    running: RunningHub, envelope: dict[str, Any]
) -> None:
    good = str(uuid.uuid4())
    hostile = {**referral(str(uuid.uuid4())), **envelope}
    r = post(running, batch([hostile, referral(good)]))
    assert r.status_code == 200, r.text[:200]
    assert [x["status"] for x in r.json()["results"]] == ["rejected", "applied"]
    with make_sessions(running.engine)() as s:
        assert s.scalar(select(func.count()).select_from(HubRecord)) == 1
    office_pages_answer(running, good)


def test_requests_that_cannot_be_read_get_a_short_reply(running: RunningHub) -> None:
    secret = "王建国11010519491231002X"
    cases = {
        "protocol 1e400": '{"protocol": 1e400, "changes": []}',
        "protocol as text": '{"protocol": "1", "changes": []}',
        "nested 1000 deep": '{"protocol": 1, "changes": [' + "[" * 1000 + "]" * 1000 + "]}",
        "a 4300-digit number": '{"protocol": 1, "changes": [], "x": 1' + "0" * 4300 + "}",
        "changes not a list": f'{{"protocol": 1, "changes": {{"name": "{secret}"}}}}',
        "not JSON": f"name={secret}",
        "a lone surrogate": '{"protocol": 1, "changes": [{"type": "patient", "x": "\\ud800"}]}',
    }
    for name, body in cases.items():
        r = post(running, body)
        assert 400 <= r.status_code < 500, (name, r.status_code)
        assert len(r.content) < 300 and secret not in r.text, name
        assert r.json()["message"]


def test_pull_parameters_out_of_range_get_a_short_reply(running: RunningHub) -> None:
    auth = {"Authorization": f"Bearer {running.tokens['A001']}"}
    for params in (
        {"after": 2**63},
        {"after": "9" * 5000},
        {"after": -1},
        {"limit": "王建国"},
        {"protocol": "1e400"},
        {"protocol": 2**63},
    ):
        r = httpx.get(
            running.url + "/api/v1/sync/pull",
            timeout=30,
            headers=auth,
            params={"protocol": PROTOCOL_VERSION, **params},
        )
        assert 400 <= r.status_code < 500, (params, r.status_code)
        assert len(r.content) < 300 and "王建国" not in r.text and "9999" not in r.text
    r = httpx.get(
        running.url + "/api/v1/sync/pull",
        timeout=30,
        headers=auth,
        params={"protocol": PROTOCOL_VERSION, "after": 2**63 - 1},
    )
    assert r.status_code == 200 and r.json()["changes"] == []


def test_office_list_with_hostile_parameters_answers(running: RunningHub) -> None:
    good = str(uuid.uuid4())
    assert post(running, batch([referral(good)])).status_code == 200
    with httpx.Client(base_url=running.url, timeout=60) as office:
        login(office)
        for params in (
            {"page": "9" * 5000},
            {"page": "-1"},
            {"q": "王\u0000"},
            {"q": "\u0007%_"},
            {"date_from": "9" * 50},
            {"status": "x" * 500},
        ):
            r = office.get("/office/referrals", params=params)
            assert r.status_code == 200, (params, r.status_code)
        assert office.get("/office/referrals/a%2Fb").status_code == 404
        assert office.get("/office/referrals/" + "9" * 4300).status_code == 404


def test_office_pages_show_a_row_they_cannot_read_as_bad_data(running: RunningHub) -> None:
    """Rows an older hub stored with values of the wrong shape (a list for a status, an object
    for a payment type, a number that is not one; an event whose status is a list): the list
    and the detail page answer and mark what they cannot show as "(数据有误)"."""
    good, bad = str(uuid.uuid4()), str(uuid.uuid4())
    event = str(uuid.uuid4())
    assert post(running, batch([referral(good), referral(bad)])).status_code == 200
    with make_sessions(running.engine)() as s, s.begin():
        rec = s.scalar(select(HubRecord).where(HubRecord.id == bad))
        assert rec is not None
        rec.data = {
            **rec.data,
            "status": ["received"],
            "payment_type": {"x": 1},
            "patient_name": ["王", "建国"],
            "patient_age": 1e300,
            "urgency": None,
            "indications": {"a": [1]},
            "referred_at": ["2026"],
        }
        s.add(
            HubRecord(
                type="referral_event",
                id=event,
                version=1,
                county_rev=0,
                owner="A001",
                clinic_code="A001",
                deleted=False,
                data={
                    "referral_id": bad,
                    "from_status": ["x"],
                    "to_status": {"y": 1},
                    "at": ["2026"],
                    "actor": 7,
                },
            )
        )
    nan = str(uuid.uuid4())
    if running.engine.dialect.name == "sqlite":  # PostgreSQL never stored NaN
        assert post(running, batch([referral(nan)])).status_code == 200
        with running.engine.begin() as c:
            c.exec_driver_sql(
                "UPDATE records SET data = replace(data, '\"patient_age\": 67', "
                "'\"patient_age\": NaN') WHERE id = ?",
                (nan,),
            )
            n = c.exec_driver_sql("SELECT count(*) FROM records WHERE data LIKE '%NaN%'")
            assert n.scalar() == 1
    with httpx.Client(base_url=running.url, timeout=60) as office:
        login(office)
        if running.engine.dialect.name == "sqlite":
            assert "(数据有误)" in office.get(f"/office/referrals/{nan}").text
        for params in ({}, {"status": "pending"}, {"q": "王"}):
            r = office.get("/office/referrals", params=params)
            assert r.status_code == 200, (params, r.status_code)
        page = office.get("/office/referrals").text
        assert "(数据有误)" in page and f"A001-{good[:8]}" in page
        r = office.get(f"/office/referrals/{bad}")
        assert r.status_code == 200 and "(数据有误)" in r.text
        assert office.get(f"/office/referrals/{good}").status_code == 200
