"""The office's roles do to a referral what the record-type registry's ``county_perms`` say,
on a real hub with real sign-ins: each role and action, the hub's own write rules when the
office is bypassed, and the registry changed (the pages and the writes follow)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app import registry
from app.domain.roles import OfficePerm, OfficeRole
from county import store
from county.db import COUNTY, HubRecord, make_sessions
from county.office import accounts
from tests.conftest import fast_hasher
from tests.county.test_office import UP_ID, csrf_of, down_form, hub_referral, push_referral
from tests.county.test_office_roles import PW, audit_rows, last_audit, signed_in
from tests.hub_server import Hub, hub_engine
from tests.registry_swap import swap_perms

OFFICE, CARDIO, ADMIN = "转诊办周", "心内李", "管理员赵"
ROLES = {OFFICE: OfficeRole.OFFICE, CARDIO: OfficeRole.DEPARTMENT, ADMIN: OfficeRole.ADMIN}


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    e = hub_engine(tmp_path, "sqlite")
    with make_sessions(e)() as s, s.begin():
        h = fast_hasher()
        accounts.add_user(s, OFFICE, "office", password=PW, hasher=h)
        accounts.add_user(s, CARDIO, "department", "心血管内科", password=PW, hasher=h)
        accounts.add_user(s, ADMIN, "admin", password=PW, hasher=h)
    hub = Hub(e).start()
    from county import auth

    with hub.sessions() as s, s.begin():
        token = auth.add_clinic(s, "A001", "城关镇卫生院")
    with httpx.Client(base_url=hub.url) as c:
        push_referral(c, token)  # to 心血管内科, 待接收
    yield hub
    hub.stop()
    e.dispose()


def _county_slips(hub: Hub) -> int:
    with hub.sessions() as s:
        return int(s.scalar(select(func.count()).where(HubRecord.owner == COUNTY)) or 0)


def do(c: httpx.Client, action: str) -> httpx.Response:
    """One office action on the upward referral, as the page's form sends it."""
    csrf = csrf_of(c.get("/office/password").text)
    slip = f"/office/referrals/{UP_ID}"
    if action == "view":
        return c.get(slip)
    if action == "list":
        return c.get("/office/referrals")
    if action == "print":
        return c.get(f"{slip}/slip.pdf")
    if action == "receive":
        return c.post(f"{slip}/receive", data={"csrf": csrf, "receiving_doctor": "李医生"})
    if action == "reject":
        return c.post(f"{slip}/reject", data={"csrf": csrf, "rejected_reason": "床位已满"})
    if action == "arrive":
        return c.post(f"{slip}/arrive", data={"csrf": csrf})
    if action == "down_form":
        return c.get(f"/office/down/new?up={UP_ID}")
    assert action == "create"
    return c.post("/office/down", data=down_form(csrf, upward_id=UP_ID))


# each page action, and the registry's action it is
ACTIONS = {
    "list": "view",
    "view": "view",
    "print": "print",
    "receive": "receive",
    "reject": "reject",
    "arrive": "arrive",
    "down_form": "create",
    "create": "create",
}


@pytest.mark.parametrize("page_action", list(ACTIONS))
@pytest.mark.parametrize("who", list(ROLES))
def test_each_role_may_do_what_the_registry_gives_it_and_is_refused_the_rest(
    hub: Hub, who: str, page_action: str
) -> None:
    if page_action == "arrive":  # an arrival follows the receipt
        with hub.sessions() as s, s.begin():
            fields = {"received_at": "2026-11-21T01:00:00", "receiving_doctor": "李医生"}
            store.answer_record(s, "referral", UP_ID, fields)
    before, slips = dict(hub_referral(hub.engine).data), _county_slips(hub)
    c = signed_in(hub, who)
    allowed = registry.office_may(ROLES[who], "referral", ACTIONS[page_action])
    r = do(c, page_action)
    if not allowed:
        assert r.status_code == 403, r.text
        assert "王建国" not in r.text
        assert last_audit(hub.engine).action == "denied"
        assert hub_referral(hub.engine).data == before and _county_slips(hub) == slips
        return
    assert r.status_code in (200, 303), (r.status_code, r.text[:300])
    after = hub_referral(hub.engine).data
    if page_action == "receive":
        assert after["receiving_doctor"] == "李医生" and after["status"] == "received"
    elif page_action == "reject":
        assert after["rejected_reason"] == "床位已满" and after["status"] == "rejected"
    elif page_action == "arrive":
        assert after["arrived_at"] and after["status"] == "arrived"
    elif page_action == "create":
        assert _county_slips(hub) == slips + 1
    else:
        assert after == before
    assert last_audit(hub.engine).action != "denied"


def test_the_matrix_as_the_registry_declares_it() -> None:
    may = {
        role: {
            a
            for a in registry.entry("referral").county_perms
            if registry.office_may(role, "referral", a)
        }
        for role in OfficeRole
    }
    everything = {"view", "receive", "reject", "arrive", "create", "edit", "print"}
    assert may == {
        OfficeRole.OFFICE: everything,
        OfficeRole.DEPARTMENT: everything,  # their department's referrals only (scope)
        OfficeRole.ADMIN: set(),
    }


def _swap(monkeypatch: pytest.MonkeyPatch, **changes: OfficePerm | None) -> None:
    swap_perms(monkeypatch, "referral", changes, "county_perms")


def test_a_permission_changed_in_the_registry_is_the_one_the_office_checks(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    office, cardio = signed_in(hub, OFFICE), signed_in(hub, CARDIO)
    assert 'id="print-slip"' in cardio.get(f"/office/referrals/{UP_ID}").text
    assert do(office, "receive").status_code == 303
    assert f"/office/referrals/{UP_ID}/arrive" in office.get(f"/office/referrals/{UP_ID}").text
    # printing becomes the figures' right (the office has it, a department doctor not), and
    # nobody may record an arrival
    _swap(monkeypatch, print=OfficePerm.FIGURES, arrive=None)
    assert 'id="print-slip"' not in cardio.get(f"/office/referrals/{UP_ID}").text
    assert do(cardio, "print").status_code == 403
    assert do(office, "print").status_code == 200
    page = office.get(f"/office/referrals/{UP_ID}").text
    assert "/arrive" not in page  # the button is not offered ...
    assert do(office, "arrive").status_code == 403  # ... nor the write accepted
    assert hub_referral(hub.engine).data["arrived_at"] in (None, "")
    assert [r.action for r in audit_rows(hub.engine)][-1] == "denied"


def test_the_hubs_write_rules_refuse_a_role_without_the_permission(hub: Hub) -> None:
    """The same rule below the pages: a county-side write made for an office account."""
    with hub.sessions() as s, s.begin():
        with pytest.raises(store.NotAllowed, match="医共体管理员"):
            store.answer_record(
                s,
                "referral",
                UP_ID,
                {"received_at": "2026-11-21T01:00:00", "receiving_doctor": "赵"},
                role=OfficeRole.ADMIN,
            )
        with pytest.raises(store.NotAllowed, match="医共体管理员"):
            store.create_for_clinic(
                s,
                "referral",
                "d0000000-0000-4000-8000-000000000001",
                "A001",
                {},
                role=OfficeRole.ADMIN,
            )
    assert hub_referral(hub.engine).data["receiving_doctor"] == ""
    # a department doctor may; the hub's own command line (no account) too
    with hub.sessions() as s, s.begin():
        store.answer_record(
            s,
            "referral",
            UP_ID,
            {"received_at": "2026-11-21T01:00:00", "receiving_doctor": "李医生"},
            role=OfficeRole.DEPARTMENT,
        )
        store.answer_record(s, "referral", UP_ID, {"arrived_at": "2026-11-22T01:00:00"})
    assert hub_referral(hub.engine).data["status"] == "arrived"
