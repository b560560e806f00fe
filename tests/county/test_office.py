"""The county referral office's web pages (/office/) on a real hub database: sign-in, the list of
incoming referrals, receive / reject / arrived, downward referrals, sync health, CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select

from app.db.referral_models import Referral
from app.registry import entry
from app.sync.protocol import PROTOCOL_VERSION
from county import auth
from county.cli import main as county_main
from county.db import ChangeLog, HubRecord, make_sessions, utcnow
from county.office import accounts, security
from county.office.tables import OfficeSession
from tests.conftest import fast_hasher
from tests.hub_server import Hub, hub_engine

PASSWORD = "office-pass-1"
OFFICE = "转诊办周"
UP_ID = "a0000000-0000-4000-8000-000000000001"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    """A real uvicorn hub on 127.0.0.1 over a SQLite file, with the office password set."""
    e = hub_engine(tmp_path)
    with make_sessions(e)() as s, s.begin():
        accounts.add_user(s, OFFICE, "office", password=PASSWORD, hasher=fast_hasher())
    h = Hub(e).start()
    yield h
    h.stop()
    e.dispose()


@pytest.fixture
def engine(hub: Hub) -> Engine:
    return hub.engine


@pytest.fixture
def tokens(engine: Engine) -> dict[str, str]:
    with make_sessions(engine)() as s, s.begin():
        return {
            "A001": auth.add_clinic(s, "A001", "城关镇卫生院"),
            "B002": auth.add_clinic(s, "B002", "河口乡卫生院"),
        }


@pytest.fixture
def client(hub: Hub) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hub.url, follow_redirects=False, timeout=30) as c:
        yield c


def login(c: httpx.Client, password: str = PASSWORD, name: str = OFFICE) -> httpx.Response:
    page = c.get("/office/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token is not None
    return c.post(
        "/office/login",
        data={
            "name": name,
            "password": password,
            "login_csrf": token.group(1),
            "next": "/office/referrals",
        },
    )


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m is not None
    return m.group(1)


def upward_data(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict(
        number="A001-20261120-001",
        direction="up",
        status="pending",
        urgency="紧急",
        patient_id="p0000000-0000-4000-8000-000000000001",
        patient_name="王建国",
        patient_sex="1",
        patient_age=67,
        patient_id_number="11010519491231002X",
        patient_phone="13900001111",
        patient_address="城关镇东街 3 号",
        from_institution="城关镇卫生院",
        to_institution="来安县人民医院",
        to_department="心血管内科",
        impression="高血压3级",
        present_illness="胸闷3小时",
        past_history="高血压10年",
        treatment="硝酸甘油舌下含服",
        referring_doctor="李秀英",
        referring_phone="0550-5012345",
        indications='["需上级机构进一步检查以明确诊断"]',
        referred_at="2026-11-20T01:30:00",
        created_at="2026-11-20T01:29:00",
        received_at=None,
        receiving_doctor="",
        rejected_reason="",
        arrived_at=None,
        county_note="",
    )
    data.update(kw)
    return data


def push(c: httpx.Client, token: str, changes: list[dict[str, Any]]) -> list[Any]:
    r = c.post(
        "/api/v1/sync/push",
        headers={"Authorization": f"Bearer {token}"},
        json={"protocol": PROTOCOL_VERSION, "changes": changes},
    )
    assert r.status_code == 200, r.text
    return list(r.json()["results"])


def push_referral(c: httpx.Client, token: str, id_: str = UP_ID, **kw: Any) -> None:
    (res,) = push(
        c, token, [{"type": "referral", "id": id_, "version": 2, "data": upward_data(**kw)}]
    )
    assert res["status"] == "applied", res


def pull(c: httpx.Client, token: str) -> list[dict[str, Any]]:
    r = c.get(
        "/api/v1/sync/pull",
        params={"after": 0, "protocol": PROTOCOL_VERSION},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    return list(r.json()["changes"])


def hub_referral(engine: Engine, id_: str = UP_ID) -> HubRecord:
    with make_sessions(engine)() as s:
        rec = s.scalar(select(HubRecord).where(HubRecord.type == "referral", HubRecord.id == id_))
        assert rec is not None
        return rec


def change_log_count(engine: Engine) -> int:
    with make_sessions(engine)() as s:
        return s.scalar(select(func.count()).select_from(ChangeLog)) or 0


# --- sign-in ----------------------------------------------------------------------------------


def test_every_page_sends_a_stranger_to_the_login_page(
    client: httpx.Client, engine: Engine, tokens: dict[str, str]
) -> None:
    push_referral(client, tokens["A001"])
    assert client.get("/office/").headers["location"] == "/office/login?next=%2Foffice%2F"
    for path in (
        "/office/referrals?status=pending",
        f"/office/referrals/{UP_ID}",
        "/office/down/new",
        "/office/clinics",
    ):
        r = client.get(path)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/office/login"), path
    assert client.get("/office/referrals?status=pending").headers["location"] == (
        "/office/login?next=%2Foffice%2Freferrals%3Fstatus%3Dpending"
    )
    r = client.post(f"/office/referrals/{UP_ID}/receive", data={"receiving_doctor": "周医生"})
    assert r.status_code == 303 and r.headers["location"].startswith("/office/login")
    assert hub_referral(engine).data["receiving_doctor"] == ""


def test_login_with_wrong_then_right_password(client: httpx.Client, engine: Engine) -> None:
    bad = login(client, "not-the-password")
    assert bad.status_code == 401 and "用户名或密码错误" in bad.text
    assert security.SESSION_COOKIE not in client.cookies
    ok = login(client)
    assert ok.status_code == 303 and ok.headers["location"] == "/office/referrals"
    cookie = client.cookies[security.SESSION_COOKIE]
    set_cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie
    with make_sessions(engine)() as s:
        stored = s.scalars(select(OfficeSession.token_hash)).all()
    assert len(stored) == 1 and cookie not in stored  # only a hash of the cookie is kept
    page = client.get("/office/referrals")
    assert page.status_code == 200 and "卫生院上转的转诊单" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_password_guessing_is_slowed_down(client: httpx.Client) -> None:
    for _ in range(10):
        assert login(client, "guess").status_code == 401
    r = login(client)  # even the right password, for a while
    assert r.status_code == 429 and "失败次数过多" in r.text
    assert security.SESSION_COOKIE not in client.cookies


def test_login_form_from_elsewhere_is_refused(client: httpx.Client) -> None:
    r = client.post(
        "/office/login", data={"name": OFFICE, "password": PASSWORD, "login_csrf": "forged"}
    )
    assert r.status_code == 403 and "未做任何修改" in r.text
    assert security.SESSION_COOKIE not in client.cookies


def test_login_redirect_stays_inside_the_office(client: httpx.Client) -> None:
    page = client.get("/office/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token is not None
    r = client.post(
        "/office/login",
        data={
            "name": OFFICE,
            "password": PASSWORD,
            "login_csrf": token.group(1),
            "next": "https://evil.example/office/",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/office/referrals"


def test_logout_ends_the_session(client: httpx.Client, engine: Engine) -> None:
    login(client)
    page = client.get("/office/referrals")
    r = client.post("/office/logout", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/office/login"
    with make_sessions(engine)() as s:
        assert s.scalar(select(func.count()).select_from(OfficeSession)) == 0
    assert client.get("/office/referrals").status_code == 303


def test_an_expired_session_must_sign_in_again(client: httpx.Client, engine: Engine) -> None:
    login(client)
    assert client.get("/office/clinics").status_code == 200
    with make_sessions(engine)() as s, s.begin():
        for row in s.scalars(select(OfficeSession)).all():
            row.expires_at = utcnow() - timedelta(seconds=1)
    assert client.get("/office/clinics").status_code == 303


def test_the_shared_password_command_points_to_named_accounts(engine: Engine) -> None:
    assert county_main(["--db", str(engine.url), "set-office-password"]) == 2


# --- incoming referrals -----------------------------------------------------------------------


def test_incoming_referral_listed_newest_first_and_filtered(
    client: httpx.Client, tokens: dict[str, str]
) -> None:
    push_referral(client, tokens["A001"])
    push_referral(
        client,
        tokens["B002"],
        "b0000000-0000-4000-8000-000000000002",
        number="B002-20261121-001",
        patient_name="<b>李梅</b>",
        patient_sex="2",
        patient_age=45,
        impression="2型糖尿病",
        urgency="普通",
        referred_at="2026-11-21T08:00:00",
    )
    push_referral(
        client,
        tokens["A001"],
        "c0000000-0000-4000-8000-000000000003",
        number="A001-20261119-009",
        status="draft",
        patient_name="草稿患者",
    )
    login(client)
    page = client.get("/office/referrals").text
    assert "A001-20261120-001" in page and "B002-20261121-001" in page
    assert "草稿患者" not in page  # a draft has not been sent yet
    assert page.index("B002-20261121-001") < page.index("A001-20261120-001")  # newest first
    row = page[page.index("A001-20261120-001") :]
    row = row[: row.index("</tr>")]
    for cell in (
        "城关镇卫生院",
        "王建国",
        "男",
        "67",
        "高血压3级",
        "紧急",
        "待接收",
        "2026-11-20 09:30",
    ):  # 01:30 UTC shown in China time
        assert cell in row, cell
    assert "&lt;b&gt;李梅&lt;/b&gt;" in page and "<b>李梅" not in page  # escaped

    def listed(**params: str) -> set[str]:
        html = client.get("/office/referrals", params=params).text
        return set(re.findall(r">([AB]\d{3}-\d{8}-\d{3})</a>", html))

    assert listed(clinic="B002") == {"B002-20261121-001"}
    assert listed(q="王建") == {"A001-20261120-001"}
    assert listed(q="B002-2026") == {"B002-20261121-001"}
    assert listed(status="pending") == {"A001-20261120-001", "B002-20261121-001"}
    assert listed(status="received") == set()
    assert listed(date_from="2026-11-21") == {"B002-20261121-001"}
    assert listed(date_to="2026-11-20") == {"A001-20261120-001"}
    assert listed(date_from="2026-11-20", date_to="2026-11-20", clinic="A001") == {
        "A001-20261120-001"
    }
    bad = client.get("/office/referrals", params={"date_from": "20-11-2026"})
    assert bad.status_code == 200 and "开始日期格式应为" in bad.text


def test_list_pages_through_many_referrals(client: httpx.Client, tokens: dict[str, str]) -> None:
    start = datetime(2026, 11, 1)
    changes = [
        {
            "type": "referral",
            "id": f"e0000000-0000-4000-8000-{i:012d}",
            "version": 2,
            "data": upward_data(
                number=f"A001-20261101-{i:03d}",
                referred_at=(start + timedelta(minutes=i)).isoformat(),
            ),
        }
        for i in range(1, 56)
    ]
    assert all(r["status"] == "applied" for r in push(client, tokens["A001"], changes))
    login(client)
    first = client.get("/office/referrals", params={"clinic": "A001"}).text
    assert "共 55 张" in first and "第 1 / 2 页" in first
    assert "A001-20261101-055" in first and "A001-20261101-005" not in first
    assert 'page=2">下一页' in first and "clinic=A001" in first
    second = client.get("/office/referrals", params={"clinic": "A001", "page": "2"}).text
    assert "A001-20261101-005" in second and "A001-20261101-055" not in second


def test_receive_then_arrive_reaches_the_clinic_by_pull(
    client: httpx.Client, engine: Engine, tokens: dict[str, str]
) -> None:
    push_referral(client, tokens["A001"])
    push(
        client,
        tokens["A001"],
        [
            {
                "type": "referral_event",
                "id": f"f000000{i}-0000-4000-8000-000000000001",
                "version": 1,
                "data": {
                    "referral_id": UP_ID,
                    "from_status": frm,
                    "to_status": to,
                    "side": "clinic",
                    "actor": "李秀英",
                    "at": at,
                    "reason": "",
                },
            }
            for i, (frm, to, at) in enumerate(
                [("", "draft", "2026-11-20T01:29:00"), ("draft", "pending", "2026-11-20T01:30:00")]
            )
        ],
    )
    login(client)
    detail = client.get(f"/office/referrals/{UP_ID}")
    assert detail.status_code == 200
    assert "王建国" in detail.text and "胸闷3小时" in detail.text
    assert "卫生院记录的状态变化" in detail.text and detail.text.count("李秀英") >= 3
    assert "标记到院" not in detail.text  # not before it is received
    before = change_log_count(engine)
    r = client.post(
        f"/office/referrals/{UP_ID}/receive",
        data={
            "csrf": csrf_of(detail.text),
            "receiving_doctor": " 周医生 ",
            "county_note": "收入心内科",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == (
        f"/office/referrals/{UP_ID}?done=received"
    )
    rec = hub_referral(engine)
    assert rec.data["receiving_doctor"] == "周医生" and rec.data["county_note"] == "收入心内科"
    received = datetime.fromisoformat(rec.data["received_at"])
    assert abs(received - utcnow()) < timedelta(minutes=1)  # UTC, as every stored time
    assert change_log_count(engine) == before + 1
    (pulled,) = pull(client, tokens["A001"])
    assert pulled["id"] == UP_ID and pulled["data"]["receiving_doctor"] == "周医生"
    assert pull(client, tokens["B002"]) == []
    after = client.get(r.headers["location"]).text
    assert "已接收，卫生院下次同步时会收到" in after and "标记到院" in after
    assert 'name="rejected_reason"' not in after  # a received referral can't be rejected
    assert "已接收" in client.get("/office/referrals", params={"status": "received"}).text

    r = client.post(f"/office/referrals/{UP_ID}/arrive", data={"csrf": csrf_of(after)})
    assert r.status_code == 303
    assert hub_referral(engine).data["arrived_at"]
    assert change_log_count(engine) == before + 2
    listed = client.get("/office/referrals", params={"status": "arrived"}).text
    assert "A001-20261120-001" in listed and "已到诊" in listed


def test_bad_answers_name_the_field_and_write_nothing(
    client: httpx.Client, engine: Engine, tokens: dict[str, str]
) -> None:
    push_referral(client, tokens["A001"])
    login(client)
    csrf = csrf_of(client.get(f"/office/referrals/{UP_ID}").text)
    before, data = change_log_count(engine), hub_referral(engine).data

    r = client.post(
        f"/office/referrals/{UP_ID}/reject", data={"csrf": csrf, "rejected_reason": "   "}
    )
    assert r.status_code == 400 and "请填写拒绝原因" in r.text and "未做任何修改" in r.text
    r = client.post(
        f"/office/referrals/{UP_ID}/receive",
        data={"csrf": csrf, "receiving_doctor": "", "county_note": "留着"},
    )
    assert r.status_code == 400 and "请填写接诊医生" in r.text
    assert "留着</textarea>" in r.text  # what was typed comes back
    r = client.post(f"/office/referrals/{UP_ID}/arrive", data={"csrf": csrf})
    assert r.status_code == 400 and "不能从“待接收”改为“已到诊”" in r.text
    assert hub_referral(engine).data == data and change_log_count(engine) == before

    r = client.post(
        f"/office/referrals/{UP_ID}/reject",
        data={"csrf": csrf, "rejected_reason": "本院床位已满，建议转市医院"},
    )
    assert r.status_code == 303
    assert hub_referral(engine).data["rejected_reason"] == "本院床位已满，建议转市医院"
    # once rejected, it can't also be received
    r = client.post(
        f"/office/referrals/{UP_ID}/receive", data={"csrf": csrf, "receiving_doctor": "周医生"}
    )
    assert r.status_code == 400 and "不能从“已拒绝”改为“已接收”" in r.text
    assert hub_referral(engine).data["receiving_doctor"] == ""
    assert change_log_count(engine) == before + 1
    assert client.get("/office/referrals/nope").status_code == 404


def test_post_without_the_csrf_token_is_refused(
    client: httpx.Client, engine: Engine, tokens: dict[str, str]
) -> None:
    push_referral(client, tokens["A001"])
    login(client)
    before = change_log_count(engine)
    for data in ({"receiving_doctor": "周医生"}, {"receiving_doctor": "周医生", "csrf": "forged"}):
        r = client.post(f"/office/referrals/{UP_ID}/receive", data=data)
        assert r.status_code == 403 and "未做任何修改" in r.text
    r = client.post("/office/down", data={"clinic": "A001", "patient_name": "王建国"})
    assert r.status_code == 403
    assert hub_referral(engine).data["receiving_doctor"] == ""
    assert change_log_count(engine) == before


# --- downward referrals -----------------------------------------------------------------------


def down_form(csrf: str, **kw: str | list[str]) -> dict[str, Any]:
    form: dict[str, Any] = dict(
        csrf=csrf,
        clinic="A001",
        patient_name="王建国",
        patient_sex="1",
        patient_age="67",
        from_institution="来安县人民医院",
        diagnosis="脑梗死恢复期",
        exam_results="头颅MRI：左侧基底节区梗死灶",
        treatment_plan="阿司匹林 100mg qd，康复训练",
        indications=["急性期治疗后病情稳定，需继续康复治疗"],
        followup_date="2026-12-20",
        followup_method="门诊复查",
        referring_doctor="周医生",
        outcome="好转",
    )
    form.update(kw)
    return form


def test_downward_referral_from_an_upward_one_reaches_only_its_clinic(
    client: httpx.Client, engine: Engine, tokens: dict[str, str]
) -> None:
    push_referral(client, tokens["A001"])
    login(client)
    page = client.get("/office/down/new", params={"up": UP_ID})
    assert page.status_code == 200
    for prefilled in (
        'value="王建国"',
        'value="67"',
        'value="11010519491231002X"',
        'value="来安县人民医院"',
        f'value="{UP_ID}"',
        '<option value="A001" selected>',
    ):
        assert prefilled in page.text, prefilled
    before = change_log_count(engine)
    r = client.post(
        "/office/down",
        data=down_form(csrf_of(page.text), upward_id=UP_ID, patient_id_number="11010519491231002X"),
    )
    assert r.status_code == 303, r.text
    down_id = r.headers["location"].split("/")[-1].split("?")[0]
    rec = hub_referral(engine, down_id)
    today = (utcnow() + timedelta(hours=8)).strftime("%Y%m%d")
    assert rec.owner == "county" and rec.clinic_code == "A001" and rec.version == 1
    d = rec.data
    assert d["number"] == f"XZ-{today}-001" and d["direction"] == "down"
    assert d["status"] == "pending"
    assert d["patient_id"] == upward_data()["patient_id"]  # the clinic's own resident
    assert d["to_institution"] == "城关镇卫生院" and d["from_institution"] == "来安县人民医院"
    assert d["indications"] == '["急性期治疗后病情稳定，需继续康复治疗"]'
    assert d["followup_date"] == "2026-12-20" and d["patient_age"] == 67
    # every column a workstation Referral row has (the hub keeps the envelope apart)
    envelope = {"id", "version", "deleted", "clinic_code", "sync_state", "sync_error"}
    local = entry("referral").local_fields
    assert set(d) >= {c.key for c in Referral.__table__.columns} - envelope - local
    assert change_log_count(engine) == before + 1
    assert [c["id"] for c in pull(client, tokens["A001"])] == [down_id]
    assert pull(client, tokens["B002"]) == []
    shown = client.get(r.headers["location"]).text
    assert "回转单已下发" in shown and "脑梗死恢复期" in shown and f"XZ-{today}-001" in shown

    # A second slip the same day, not from an upward one: next number, no patient id.
    r = client.post(
        "/office/down", data=down_form(csrf_of(shown), clinic="B002", patient_name="赵六")
    )
    assert r.status_code == 303
    d2 = hub_referral(engine, r.headers["location"].split("/")[-1].split("?")[0]).data
    assert d2["number"] == f"XZ-{today}-002" and d2["patient_id"] == ""
    assert d2["to_institution"] == "河口乡卫生院"
    assert [c["data"]["patient_name"] for c in pull(client, tokens["B002"])] == ["赵六"]
    # the county hospital's name is remembered for the next blank form
    assert 'value="来安县人民医院"' in client.get("/office/down/new").text


def test_downward_form_errors_name_each_field_and_save_nothing(
    client: httpx.Client, engine: Engine, tokens: dict[str, str]
) -> None:
    login(client)
    csrf = csrf_of(client.get("/office/down/new").text)
    before = change_log_count(engine)
    r = client.post(
        "/office/down",
        data=down_form(
            csrf,
            clinic="",
            diagnosis="",
            exam_results=" ",
            indications=[],
            patient_age="abc",
            patient_type="住院",
            patient_id_number="110105194912310021",
            followup_date="2026-11-01",
        ),
    )
    assert r.status_code == 400
    for message in (
        "请选择接收卫生院",
        "请填写诊断结果",
        "请填写主要检查结果",
        "请至少选择一项转诊指征",
        "年龄应为",
        "请填写住院病案号",
        "身份证号：身份证号码校验位错误",
        "预约随访时间不能早于转诊日期",
    ):
        assert message in r.text, message
    assert 'value="王建国"' in r.text  # the form comes back as typed
    assert change_log_count(engine) == before
    with make_sessions(engine)() as s:
        assert (
            s.scalar(select(func.count()).select_from(HubRecord).where(HubRecord.owner == "county"))
            == 0
        )


# --- sync health ------------------------------------------------------------------------------


def test_clinic_health_shows_last_seen_records_and_refusals(
    client: httpx.Client, tokens: dict[str, str]
) -> None:
    push_referral(client, tokens["A001"])
    (res,) = push(
        client,
        tokens["A001"],
        [
            {
                "type": "referral",
                "id": UP_ID,
                "version": 3,
                "data": upward_data(receiving_doctor="冒名"),
            }
        ],
    )
    assert res["status"] == "rejected"
    login(client)
    page = client.get("/office/clinics").text
    a = page[page.index("<td>A001</td>") :]
    a = a[: a.index("</tr>")]
    b = page[page.index("<td>B002</td>") :]
    b = b[: b.index("</tr>")]
    assert "城关镇卫生院" in a and "有效" in a and "从未联系" not in a
    assert re.search(r"<td>1</td>", a)  # one record uploaded
    assert "接诊医生" in a and ">1</span>" in a  # one refused write, its reason naming the field
    assert "从未联系" in b and "<td>0</td>" in b


# --- through a real hub -----------------------------------------------------------------------


def test_office_answer_reaches_a_workstation_through_a_real_hub(
    tmp_path: Path, migrated_template: Path
) -> None:
    from app.sync.client import HubClient
    from app.sync.engine import SyncEngine
    from tests.hub_server import running_hub
    from tests.services.test_referrals import upward
    from tests.sync.conftest import make_clinic, register
    from tests.sync.helpers import add_patients

    with running_hub(tmp_path) as hub:
        with hub.sessions() as s, s.begin():
            accounts.add_user(s, OFFICE, "office", password=PASSWORD, hasher=fast_hasher())
        ws = make_clinic(tmp_path, migrated_template, "A001")
        (pid,) = add_patients(ws, 1)
        ref = ws.referrals.create_upward(upward(pid))
        with HubClient(hub.url, register(hub, "A001"), allow_http=True) as hc:
            eng = SyncEngine(ws.ctx, hc)
            assert eng.run_round().complete
            with httpx.Client(base_url=hub.url, follow_redirects=False) as office:
                assert login(office).status_code == 303
                detail = office.get(f"/office/referrals/{ref.id}")
                assert ref.number in detail.text
                r = office.post(
                    f"/office/referrals/{ref.id}/receive",
                    data={"csrf": csrf_of(detail.text), "receiving_doctor": "周医生"},
                )
                assert r.status_code == 303
                form = office.get("/office/down/new", params={"up": ref.id})
                r = office.post(
                    "/office/down", data=down_form(csrf_of(form.text), upward_id=ref.id)
                )
                assert r.status_code == 303, r.text
            assert eng.run_round().pulled == 2
        with ws.ctx.reader() as s:
            mine = s.get(Referral, ref.id)
            assert mine is not None
            assert mine.receiving_doctor == "周医生" and mine.status == "received"
            down = s.scalars(select(Referral).where(Referral.direction == "down")).one()
            assert down.patient_id == pid and down.diagnosis == "脑梗死恢复期"
            assert down.number.startswith("XZ-")
