"""The admin's commands go through the same checks as the office: ``county answer`` and
``send-down`` refuse what the office form refuses; tokens never look like an option;
``rotate-token`` on a revoked clinic says that it re-enables it; ``serve --workers`` refuses
SQLite."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from county import auth, store
from county.db import HubClinic, HubRecord, init_db, make_hub_engine, make_sessions
from tests.county.test_hub_cli import county
from tests.county.test_office import upward_data

UP = "c0000000-0000-4000-8000-000000000001"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "county.db"
    engine = make_hub_engine(f"sqlite:///{path}")
    init_db(engine)
    with make_sessions(engine)() as s, s.begin():
        auth.add_clinic(s, "A001", "城关镇卫生院")
        s.add(
            HubRecord(
                type="referral",
                id=UP,
                version=1,
                county_rev=0,
                owner="A001",
                clinic_code="A001",
                deleted=False,
                data=upward_data(),
            )
        )
    engine.dispose()
    return path


def referral(db: Path, rid: str = UP) -> HubRecord | None:
    engine = make_hub_engine(f"sqlite:///{db}")
    try:
        with make_sessions(engine)() as s:
            return s.scalar(select(HubRecord).where(HubRecord.id == rid))
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"arrived_at": "2026-11-22T09:30:00"}, "已到诊"),  # not received yet
        ({"received_at": "2026-11-22T09:30:00"}, "接诊医生"),  # who received it
        ({"rejected_reason": ""}, "拒绝原因"),
        ({"impression": "改写"}, "初步印象"),  # the clinic's text
        ({"received_at": "2026-11-22T09:30:00", "receiving_doctor": ["a"]}, "接诊医生"),
        ({"county_note": "x\u0000"}, "控制字符"),
    ],
)
def test_answer_refuses_what_the_office_form_refuses(
    db: Path, fields: dict[str, object], says: str
) -> None:
    before = referral(db)
    r = county(db, "answer", "referral", UP, json.dumps(fields))
    assert r.returncode == 1 and says in r.stderr, r.stderr
    after = referral(db)
    assert before is not None and after is not None and after.data == before.data


def test_answer_that_the_office_would_give_is_stored(db: Path) -> None:
    r = county(
        db,
        "answer",
        "referral",
        UP,
        '{"received_at": "2026-11-22T09:30:00", "receiving_doctor": "周医生"}',
    )
    assert r.returncode == 0, r.stderr
    rec = referral(db)
    assert rec is not None and rec.data["status"] == "received"
    r = county(db, "answer", "referral", "a/b?c#d%", '{"county_note": "x"}')
    assert r.returncode == 1 and "找不到" in r.stderr


def test_send_down_checks_the_slip_as_the_office_does(db: Path) -> None:
    rid = str(uuid.uuid4())
    r = county(db, "send-down", "referral", rid, "A001", '{"patient_name": "刘芳"}')
    assert r.returncode == 1
    for label in ("性别", "诊断结果", "主要检查结果", "转诊医生"):
        assert label in r.stderr, r.stderr
    assert referral(db, rid) is None
    slip = {
        "patient_name": "刘芳",
        "patient_sex": "2",
        "patient_age": 71,
        "from_institution": "来安县人民医院",
        "diagnosis": "脑梗死恢复期",
        "exam_results": "头颅MRI",
        "treatment_plan": "康复训练",
        "referring_doctor": "周医生",
        "indications": ["急性期治疗后病情稳定，需继续康复治疗"],
        "followup_date": "2026-12-01",
    }
    r = county(db, "send-down", "referral", "a/b", "A001", json.dumps(slip))
    assert r.returncode == 1 and "UUID" in r.stderr
    r = county(db, "send-down", "referral", rid, "A001", json.dumps(slip, ensure_ascii=False))
    assert r.returncode == 0, r.stderr
    rec = referral(db, rid)
    assert rec is not None and rec.owner == "county" and rec.data["number"].startswith("XZ-")
    assert rec.data["to_institution"] == "城关镇卫生院" and rec.data["status"] == "pending"


def test_tokens_never_start_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["-abc", "-def", "ghi"])
    monkeypatch.setattr(auth.secrets, "token_urlsafe", lambda _n: next(drawn))
    assert auth.new_token() == "ghi"


def test_rotate_token_on_a_revoked_clinic_says_it_is_enabled_again(db: Path) -> None:
    assert county(db, "revoke", "A001").returncode == 0
    r = county(db, "rotate-token", "A001")
    assert r.returncode == 0 and "重新启用" in r.stderr
    assert r.stdout.strip() and not r.stdout.startswith("-")
    r = county(db, "rotate-token", "A001")  # active: no note
    assert r.returncode == 0 and r.stderr == ""
    engine = make_hub_engine(f"sqlite:///{db}")
    with make_sessions(engine)() as s:
        clinic = s.get(HubClinic, "A001")
        assert clinic is not None and clinic.active
    engine.dispose()


def test_serve_with_workers_refuses_sqlite(db: Path) -> None:
    r = county(db, "serve", "--workers", "2", "--port", "1")
    assert r.returncode == 2 and "PostgreSQL" in r.stderr


def test_store_answer_and_create_keep_to_the_rules(db: Path) -> None:
    engine = make_hub_engine(f"sqlite:///{db}")
    with make_sessions(engine)() as s, s.begin(), pytest.raises(ValueError, match="UUID"):
        store.create_for_clinic(s, "referral", "x/y", "A001", {})
    engine.dispose()
