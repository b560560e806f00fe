"""Named office accounts on a real hub: what each role may open and do, the department
doctor's scope, the audit row each view and action leaves, temporary passwords, disabling,
the booking on receipt, the printed slip, the consortium view and its .xlsx."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select

from county.cli import main as county_main
from county.db import make_sessions, utcnow
from county.office import accounts, settings
from county.office.accounts_tables import AuditEntry
from tests.conftest import fast_hasher
from tests.county.test_office import (
    UP_ID,
    csrf_of,
    down_form,
    hub_referral,
    pull,
    push,
    push_referral,
    upward_data,
)
from tests.hub_server import Hub, hub_engine
from tests.sync.conftest import BACKENDS

PW = "county-pass-1"
OFFICE, CARDIO, ORTHO, ADMIN = "转诊办周", "心内李", "骨科王", "管理员赵"
OTHER_ID = "b0000000-0000-4000-8000-000000000009"  # an upward referral to 骨科


@pytest.fixture(params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hub]:
    e = hub_engine(tmp_path, str(request.param))
    with make_sessions(e)() as s, s.begin():
        h = fast_hasher()
        accounts.add_user(s, OFFICE, "office", password=PW, hasher=h)
        accounts.add_user(s, CARDIO, "department", "心血管内科", password=PW, hasher=h)
        accounts.add_user(s, ORTHO, "department", "骨科", password=PW, hasher=h)
        accounts.add_user(s, ADMIN, "admin", password=PW, hasher=h)
        settings.set_hospital(s, "来安县人民医院")
    hub = Hub(e).start()
    yield hub
    hub.stop()
    e.dispose()


@pytest.fixture
def engine(hub: Hub) -> Engine:
    return hub.engine


@pytest.fixture
def token(hub: Hub) -> str:
    from county import auth

    with hub.sessions() as s, s.begin():
        return auth.add_clinic(s, "A001", "城关镇卫生院")


@pytest.fixture
def referrals(hub: Hub, token: str) -> None:
    with httpx.Client(base_url=hub.url) as c:
        push_referral(c, token)  # to 心血管内科
        push_referral(
            c,
            token,
            OTHER_ID,
            number="A001-20261120-002",
            to_department="骨科",
            patient_name="赵骨折",
        )


_OPEN: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def signed_in(hub: Hub, name: str, password: str = PW) -> httpx.Client:
    c = httpx.Client(base_url=hub.url, follow_redirects=False, timeout=30)
    _OPEN.append(c)
    page = c.get("/office/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token is not None
    r = c.post(
        "/office/login", data={"name": name, "password": password, "login_csrf": token.group(1)}
    )
    assert r.status_code == 303, r.text
    return c


def last_audit(engine: Engine) -> AuditEntry:
    with make_sessions(engine)() as s:
        row = s.scalar(select(AuditEntry).order_by(AuditEntry.pk.desc()).limit(1))
        assert row is not None
        return row


def audit_rows(engine: Engine) -> list[AuditEntry]:
    with make_sessions(engine)() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.pk)))


PAGES = {
    "list": "/office/referrals",
    "view": f"/office/referrals/{UP_ID}",
    "print": f"/office/referrals/{UP_ID}/slip.pdf",
    "down_form": f"/office/down/new?up={UP_ID}",
    "clinics": "/office/clinics",
    "figures": "/office/figures",
    "export": "/office/figures.xlsx",
    "audit": "/office/audit",
    "accounts": "/office/accounts",
}
ALLOWED = {
    OFFICE: {"list", "view", "print", "down_form", "clinics", "figures", "export"},
    CARDIO: {"list", "view", "print", "down_form"},
    ORTHO: {"list"},  # their list; never the cardiology patient
    ADMIN: {"clinics", "figures", "export", "audit", "accounts"},
}


@pytest.mark.parametrize("who", [OFFICE, CARDIO, ORTHO, ADMIN])
def test_each_role_opens_its_pages_and_is_refused_the_rest_each_audited(
    hub: Hub, engine: Engine, referrals: None, who: str
) -> None:
    c = signed_in(hub, who)
    assert last_audit(engine).action == "login" and last_audit(engine).user_name == who
    for action, path in PAGES.items():
        r = c.get(path)
        row = last_audit(engine)
        assert row.user_name == who and row.address == "127.0.0.1", path
        if action in ALLOWED[who]:
            assert r.status_code == 200, (who, path, r.status_code)
            assert row.action == action, (who, path)
            if action in {"view", "print", "down_form"}:
                assert row.record_id == UP_ID and row.record_number == "A001-20261120-001"
        else:
            assert r.status_code == 403, (who, path, r.status_code)
            assert "王建国" not in r.text
            assert row.action == "denied", (who, path)
    c.close()


def test_a_department_doctor_sees_and_answers_only_their_department(
    hub: Hub, engine: Engine, referrals: None
) -> None:
    cardio, ortho = signed_in(hub, CARDIO), signed_in(hub, ORTHO)
    assert "王建国" in cardio.get("/office/referrals").text
    listed = ortho.get("/office/referrals").text
    assert "赵骨折" in listed and "王建国" not in listed
    csrf = csrf_of(ortho.get("/office/referrals").text)
    r = ortho.post(
        f"/office/referrals/{UP_ID}/receive", data={"csrf": csrf, "receiving_doctor": "王医生"}
    )
    assert r.status_code == 403
    assert hub_referral(engine).data["receiving_doctor"] == ""
    denied = last_audit(engine)
    assert (denied.action, denied.user_name, denied.record_id) == ("denied", ORTHO, UP_ID)
    r = ortho.post("/office/down", data=down_form(csrf, upward_id=UP_ID))
    assert r.status_code == 403  # nor write the 回转单 of another department's patient

    r = cardio.post(
        f"/office/referrals/{UP_ID}/receive",
        data={
            "csrf": csrf_of(cardio.get(PAGES["view"]).text),
            "receiving_doctor": "李医生",
            "appointment_at": "2026-12-02T09:30",
        },
    )
    assert r.status_code == 303
    row = last_audit(engine)
    assert (row.action, row.user_name, row.department, row.record_id) == (
        "receive",
        CARDIO,
        "心血管内科",
        UP_ID,
    )
    # the 回转单 the cardiologist writes is theirs to see; not the orthopaedist's
    r = cardio.post(
        "/office/down",
        data=down_form(csrf_of(cardio.get(PAGES["down_form"]).text), upward_id=UP_ID),
    )
    assert r.status_code == 303, r.text
    down_id = r.headers["location"].split("/")[-1].split("?")[0]
    assert last_audit(engine).action == "send_down"
    assert cardio.get(f"/office/referrals/{down_id}").status_code == 200
    assert ortho.get(f"/office/referrals/{down_id}").status_code == 403


def test_receive_with_a_booking_reaches_the_clinic_in_utc(
    hub: Hub, engine: Engine, referrals: None, token: str
) -> None:
    c = signed_in(hub, OFFICE)
    csrf = csrf_of(c.get(PAGES["view"]).text)
    before = hub_referral(engine).data
    r = c.post(
        f"/office/referrals/{UP_ID}/receive",
        data={"csrf": csrf, "receiving_doctor": "周医生", "appointment_at": "明天上午"},
    )
    assert r.status_code == 400 and "预约到诊时间格式应为" in r.text
    assert 'value="明天上午"' in r.text
    r = c.post(
        f"/office/referrals/{UP_ID}/receive",
        data={"csrf": csrf, "receiving_doctor": "周医生", "appointment_at": "2026-11-01T09:00"},
    )  # before it was sent (11-20)
    assert r.status_code == 400 and "不能早于卫生院转出的时间" in r.text
    assert hub_referral(engine).data == before
    r = c.post(
        f"/office/referrals/{UP_ID}/receive",
        data={"csrf": csrf, "receiving_doctor": "周医生", "appointment_at": "2026-12-02T09:30"},
    )
    assert r.status_code == 303
    d = hub_referral(engine).data
    assert d["appointment_at"] == "2026-12-02T01:30:00"  # 09:30 Beijing, stored as UTC
    page = c.get(PAGES["view"]).text
    assert "2026-12-02 09:30" in page and "周医生" in page
    with httpx.Client(base_url=hub.url) as api:
        (pulled,) = [ch for ch in pull(api, token) if ch["id"] == UP_ID]
    assert pulled["data"]["appointment_at"] == "2026-12-02T01:30:00"
    assert pulled["data"]["receiving_doctor"] == "周医生"
    # a clinic may not book for the county
    with httpx.Client(base_url=hub.url) as api:
        (res,) = push(
            api,
            token,
            [
                {
                    "type": "referral",
                    "id": "c0000000-0000-4000-8000-00000000000c",
                    "version": 1,
                    "data": upward_data(
                        number="A001-20261120-009", appointment_at="2026-12-01T00:00:00"
                    ),
                }
            ],
        )
    error = res["error"] or ""
    assert res["status"] == "rejected" and ("预约到诊时间" in error or "appointment_at" in error)


def test_the_printed_slips_are_the_workstations_pdf_with_the_hospitals_name(
    hub: Hub, engine: Engine, referrals: None, tmp_path: Path
) -> None:
    c = signed_in(hub, OFFICE)
    r = c.post(
        "/office/down",
        data=down_form(
            csrf_of(c.get(PAGES["down_form"]).text), upward_id=UP_ID, from_institution=""
        ),
    )
    assert r.status_code == 400  # the 转出机构 is required; the form prefills the setting
    assert 'value="来安县人民医院"' in c.get(PAGES["down_form"]).text
    r = c.post(
        "/office/down", data=down_form(csrf_of(c.get(PAGES["down_form"]).text), upward_id=UP_ID)
    )
    down_id = r.headers["location"].split("/")[-1].split("?")[0]
    pdf = c.get(f"/office/referrals/{down_id}/slip.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert last_audit(engine).action == "print" and last_audit(engine).record_id == down_id
    (tmp_path / "down.pdf").write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "down.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for expected in (
        "双向转诊（回转）单",
        "王建国",
        "脑梗死恢复期",
        "来安县人民医院",
        "城关镇卫生院",
        "阿司匹林",
    ):
        assert expected in text, expected
    up = c.get(PAGES["print"])
    (tmp_path / "up.pdf").write_bytes(up.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "up.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "双向转诊（转出）单" in text and "A001-20261120-001" in text and "高血压3级" in text


def test_temporary_password_changed_at_first_sign_in(
    hub: Hub, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(engine.url)
    assert county_main(["--db", url, "add-user", "新人", "--role", "department"]) == 1
    assert "须指定科室" in capsys.readouterr().err
    assert (
        county_main(
            ["--db", url, "add-user", "新人", "--role", "department", "--department", "心血管内科"]
        )
        == 0
    )
    out = capsys.readouterr().out
    temp = re.search(r"临时密码.*：(\S+)", out)
    assert temp is not None
    c = signed_in(hub, "新人", temp.group(1))
    assert c.get("/office/referrals").headers["location"] == "/office/password"
    page = c.get("/office/password")
    assert "临时密码" in page.text
    r = c.post(
        "/office/password",
        data={
            "csrf": csrf_of(page.text),
            "current": temp.group(1),
            "new": "short",
            "repeat": "short",
        },
    )
    assert r.status_code == 400 and "至少 8 位" in r.text
    r = c.post(
        "/office/password",
        data={
            "csrf": csrf_of(page.text),
            "current": temp.group(1),
            "new": "my-own-pass",
            "repeat": "my-own-pass",
        },
    )
    assert r.status_code == 303 and last_audit(engine).action == "password"
    assert c.get("/office/referrals").status_code == 200
    signed_in(hub, "新人", "my-own-pass").close()
    # reset: a new temporary password, the browser signed out
    assert county_main(["--db", url, "reset-password", "新人"]) == 0
    assert "临时密码" in capsys.readouterr().out
    row = last_audit(engine)  # what the admin did on the server is in the trail too
    assert (row.action, row.user_name, row.detail) == ("reset_password", "（服务器命令行）", "新人")
    assert c.get("/office/referrals").status_code == 303


def test_a_disabled_account_is_signed_out_and_cannot_sign_in(hub: Hub, engine: Engine) -> None:
    c = signed_in(hub, CARDIO)
    assert c.get("/office/referrals").status_code == 200
    admin = signed_in(hub, ADMIN)
    page = admin.get("/office/accounts").text
    cardio_id = re.search(r"/office/accounts/(\d+)/disable", page[page.index(CARDIO) :])
    assert cardio_id is not None
    r = admin.post(f"/office/accounts/{cardio_id.group(1)}/disable", data={"csrf": csrf_of(page)})
    assert r.status_code == 200 and f"已停用 {CARDIO}" in r.text
    assert last_audit(engine).action == "disable" and last_audit(engine).detail == CARDIO
    assert c.get("/office/referrals").status_code == 303
    # and opens a new one from the browser: a temporary password shown once
    page = admin.get("/office/accounts").text
    r = admin.post(
        "/office/accounts",
        data={"csrf": csrf_of(page), "name": "新医生", "role": "department", "department": ""},
    )
    assert r.status_code == 400 and "须指定科室" in r.text
    r = admin.post(
        "/office/accounts",
        data={"csrf": csrf_of(page), "name": "新医生", "role": "department", "department": "骨科"},
    )
    temp = re.search(r'id="temp-password">([^<]+)<', r.text)
    assert r.status_code == 200 and temp is not None
    assert last_audit(engine).action == "add_user"
    fresh = signed_in(hub, "新医生", temp.group(1))
    assert fresh.get("/office/referrals").headers["location"] == "/office/password"
    login = httpx.Client(base_url=hub.url)
    _OPEN.append(login)
    token = re.search(r'name="login_csrf" value="([^"]+)"', login.get("/office/login").text)
    assert token is not None
    r = login.post(
        "/office/login", data={"name": CARDIO, "password": PW, "login_csrf": token.group(1)}
    )
    assert r.status_code == 401 and "已停用" in r.text


def test_the_admin_searches_the_audit_trail_by_record_and_user(
    hub: Hub, engine: Engine, referrals: None
) -> None:
    office = signed_in(hub, OFFICE)
    office.get(PAGES["view"])
    office.get(PAGES["print"])
    signed_in(hub, CARDIO).get(PAGES["view"])
    admin = signed_in(hub, ADMIN)
    page = admin.get("/office/audit", params={"record": "A001-20261120-001"}).text
    page = page.split("<tbody>")[1]
    assert page.count("查看转诊单") == 2 and "打印转诊单" in page
    assert OFFICE in page and CARDIO in page and "127.0.0.1" in page
    only = admin.get("/office/audit", params={"user": CARDIO, "action": "view"}).text
    assert "共 1 条" in only and OFFICE not in only.split("<tbody>")[1]


def test_consortium_view_and_its_xlsx_show_the_same_figures(
    hub: Hub, engine: Engine, token: str
) -> None:
    from openpyxl import load_workbook

    year = (utcnow() + timedelta(hours=8)).year
    sent = f"{year}-03-10T01:00:00"
    ids = [f"d0000000-0000-4000-8000-00000000000{i}" for i in range(4)]
    with httpx.Client(base_url=hub.url, headers={"User-Agent": "ClinicLink/0.1.0"}) as api:
        sent_referrals = push(
            api,
            token,
            [
                {
                    "type": "referral",
                    "id": ids[0],
                    "version": 1,
                    "data": upward_data(number="A001-1", referred_at=sent),
                },
                {
                    "type": "referral",
                    "id": ids[1],
                    "version": 1,
                    "data": upward_data(number="A001-2", referred_at=sent),
                },
                {
                    "type": "referral",
                    "id": ids[2],
                    "version": 1,
                    "data": upward_data(
                        number="A001-3", referred_at=sent, status="cancelled", cancel_reason="x"
                    ),
                },
                {
                    "type": "referral",
                    "id": ids[3],
                    "version": 1,
                    # a 回转单 typed in from paper at the clinic
                    "data": upward_data(number="A001-4", referred_at=sent, direction="down"),
                },
                {  # 23:30 on 31 December of the year before, Beijing time: not this year
                    "type": "referral",
                    "id": "d0000000-0000-4000-8000-0000000000ff",
                    "version": 1,
                    "data": upward_data(number="A001-5", referred_at=f"{year - 1}-12-31T15:30:00"),
                },
            ],
        )
        assert all(r["status"] == "applied" for r in sent_referrals), sent_referrals
        acts = [
            ("e0000000-0000-4000-8000-00000000000a", "讲座/业务培训"),
            ("e0000000-0000-4000-8000-00000000000b", "讲座/业务培训"),
        ]
        changes = [
            {
                "type": "training_activity",
                "id": i,
                "version": 1,
                "data": {
                    "activity_type": t,
                    "day": f"{year}-03-15",
                    "start": "09:00:00",
                    "end": "11:00:00",
                    "hours": 2.0,
                    "topic": "高血压管理",
                },
            }
            for i, t in acts
        ]
        for n, (act, _t) in enumerate(acts):
            for staff in ("s1", "s2") if n == 0 else ("s1",):
                changes.append(
                    {
                        "type": "training_attendance",
                        "id": f"f0000000-0000-4000-8000-0000000{n}{staff[-1]}00{n}",
                        "version": 1,
                        "data": {"activity_id": act, "staff_id": staff, "status": "present"},
                    }
                )
        results = push(api, token, changes)
        assert all(r["status"] == "applied" for r in results), results
    with make_sessions(engine)() as s, s.begin():
        from county import store

        store.answer_record(
            s,
            "referral",
            ids[0],
            {"received_at": f"{year}-03-12T01:00:00", "receiving_doctor": "李主任"},
        )
    admin = signed_in(hub, ADMIN)
    page = admin.get("/office/figures", params={"year": year}).text
    row = page[page.index(f"<td>{year}-03</td>") :]
    cells = re.findall(r'<td class="num">([^<]*)</td>', row[: row.index("</tr>")])
    # 上转 2 (cancelled not counted), 下转 1, 答复率 1 of 1 judged (the other is within 14 days
    # only if the year's March is < 14 days ago: never, it is in the past), 已接收未到诊 1,
    # 培训班 2 期, 3 人次, 2 人
    assert cells[:7] == ["2", "1", "50%", "1", "2", "3", "2"], cells
    assert "0.1.0" in page  # the workstation version the clinic synced with
    assert last_audit(engine).action == "figures"
    wb = load_workbook(io.BytesIO(admin.get("/office/figures.xlsx", params={"year": year}).content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    first = [c.value for c in ws[2]]
    assert header[:5] == ["卫生院代码", "卫生院", "月份", "上转人次", "下转人次"]
    assert first[:5] == ["A001", "城关镇卫生院", f"{year}-03", 2, 1]
    assert first[5] == 0.5 and first[7:10] == [2, 3, 2]
    assert last_audit(engine).action == "export"


def test_address_comes_from_a_proxy_only_when_the_admin_named_it() -> None:
    from county.office.security import client_address, parse_proxies

    trusted = parse_proxies(["10.0.0.1"])
    assert client_address("127.0.0.1", "6.6.6.6", trusted) == "127.0.0.1"
    assert client_address("10.0.0.1", "6.6.6.6, 192.168.1.20", trusted) == "192.168.1.20"
    assert client_address("10.0.0.1", "nonsense", trusted) == "10.0.0.1"
    with pytest.raises(ValueError, match="trusted-proxy"):
        parse_proxies(["not-an-ip"])
