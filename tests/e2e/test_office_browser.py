"""The whole referral loop in a real browser: Debian's chromium driven by Selenium through
/usr/bin/chromedriver (nothing downloaded), against a real uvicorn hub on 127.0.0.1, with a
clinic workstation's services (not a mock) on the other side.

Set CLINICLINK_SCREENSHOT_DIR to keep 1366×900 screenshots of the pages it passes through.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.db.referral_models import Referral
from app.domain.booking import booking_text
from app.sync.client import HubClient, NetworkError
from app.sync.engine import SyncEngine
from county.db import utcnow
from county.office import accounts, settings
from county.office.security import SESSION_COOKIE
from tests.conftest import fast_hasher
from tests.hub_server import Hub, running_hub
from tests.services.test_referrals import upward
from tests.sync.conftest import make_clinic, register
from tests.sync.helpers import add_patients

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
webdriver: Any = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
        reason="chromium and chromium-driver are not installed (scripts/setup.sh installs them)",
    ),
]
PW = "county-pass-1"
CARDIO, ORTHO, OFFICE = "心内李", "骨科王", "转诊办周"
SHOTS = os.environ.get("CLINICLINK_SCREENSHOT_DIR", "")


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must not fetch anything
    profile = tempfile.mkdtemp(prefix="cliniclink-chromium-")
    opts = Options()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1366,900",
        "--lang=zh-CN",
        f"--user-data-dir={profile}",
    ):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    driver.set_window_size(1366, 900)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with running_hub(tmp_path) as h:
        with h.sessions() as s, s.begin():
            fast = fast_hasher()
            accounts.add_user(s, CARDIO, "department", "心血管内科", password=PW, hasher=fast)
            accounts.add_user(s, ORTHO, "department", "骨科", password=PW, hasher=fast)
            accounts.add_user(s, OFFICE, "office", password=PW, hasher=fast)
            accounts.add_user(s, "管理员赵", "admin", password=PW, hasher=fast)
            settings.set_hospital(s, "来安县人民医院")
        yield h


def shot(driver: Any, name: str) -> None:
    """A 1366×900 screenshot (taller when the page is, so nothing is cut off)."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    metrics = {"width": 1366, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {**metrics, "height": max(900, min(height, 3000))}
    )
    driver.save_screenshot(str(Path(SHOTS) / f"{name}.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def wait_for(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def sign_in(driver: Any, hub: Hub, name: str) -> None:
    driver.delete_all_cookies()
    driver.get(hub.url + "/office/login")
    wait_for(driver, "#name").send_keys(name)
    driver.find_element("css selector", "#password").send_keys(PW)
    driver.find_element("css selector", "button[type=submit]").click()
    wait_for(driver, "header .who")


def set_value(driver: Any, css: str, value: str) -> None:
    """For date inputs, whose typing rules depend on the browser's locale."""
    el = driver.find_element("css selector", css)
    driver.execute_script("arguments[0].value = arguments[1];", el, value)


def body(driver: Any) -> str:
    return str(driver.find_element("css selector", "body").text)


def test_referral_loop_clinic_to_county_and_back(
    browser: Any, hub: Hub, tmp_path: Path, migrated_template: Path
) -> None:
    # A clinic refers a patient up while offline, then syncs.
    clinic = make_clinic(tmp_path, migrated_template, "A001")
    (pid,) = add_patients(clinic, 1, "王建国")
    up = clinic.referrals.create_upward(upward(pid))
    with (
        HubClient("http://127.0.0.1:9", "no-hub", allow_http=True) as nowhere,
        pytest.raises(NetworkError),
    ):
        SyncEngine(clinic.ctx, nowhere).run_round()  # offline: nothing listens there
    assert clinic.referrals.get(up.id).sync_state == "pending"
    token = register(hub, "A001", "城关镇卫生院")
    client = HubClient(hub.url, token, allow_http=True)
    engine = SyncEngine(clinic.ctx, client)
    assert engine.run_round().complete

    # The cardiology doctor signs in and receives it with a booking.
    sign_in(browser, hub, CARDIO)
    assert up.number in body(browser)
    shot(browser, "01-list")
    browser.find_element("link text", up.number).click()
    wait_for(browser, "#receiving_doctor").send_keys("李主任")
    day = (utcnow() + timedelta(hours=8) + timedelta(days=2)).date()
    set_value(browser, "#appointment_at", f"{day:%Y-%m-%d}T09:30")
    browser.find_element("css selector", "#county_note").send_keys("走绿色通道，直接到心内科")
    browser.find_element("xpath", "//button[text()='接收']").click()
    wait_for(browser, ".msg.ok")
    page = body(browser)
    assert "已接收" in page and f"{day:%Y-%m-%d} 09:30" in page and "李主任" in page
    shot(browser, "02-detail-with-booking")

    # The clinic's next sync shows 已接收 with the booking.
    assert engine.run_round().complete
    row = clinic.referrals.get(up.id)
    assert row.status == "received" and row.receiving_doctor == "李主任"
    assert row.appointment_at is not None
    assert booking_text(row.receiving_doctor, row.appointment_at) == (
        f"李主任 {day:%Y-%m-%d} 09:30"
    )
    assert [r.appointment_at for r in clinic.referrals.timeline(pid)] == [row.appointment_at]

    # The office writes the 回转单 for this patient and prints it.
    sign_in(browser, hub, OFFICE)
    browser.get(f"{hub.url}/office/referrals/{up.id}")
    wait_for(browser, "#write-down").click()
    wait_for(browser, "#diagnosis").send_keys("不稳定型心绞痛")
    browser.find_element("css selector", "#exam_results").send_keys("冠脉造影：前降支狭窄70%")
    browser.find_element("css selector", "#treatment_plan").send_keys(
        "阿司匹林 100mg qd，阿托伐他汀 20mg qn；低盐饮食，每周测血压"
    )
    browser.find_element("css selector", "input[name=indications]").click()
    followup = day + timedelta(days=14)
    set_value(browser, "#followup_date", f"{followup:%Y-%m-%d}")
    browser.find_element("css selector", "#followup_method").send_keys("门诊复查")
    doctor = browser.find_element("css selector", "#referring_doctor")
    assert doctor.get_attribute("value") == "李主任"  # the receiving doctor, brought over
    shot(browser, "03-down-form")
    browser.find_element("xpath", "//button[text()='下发回转单']").click()
    wait_for(browser, ".msg.ok")
    assert "回转单已下发" in body(browser)
    pdf_url = browser.find_element("css selector", "#print-slip").get_attribute("href")
    cookie = browser.get_cookie(SESSION_COOKIE)["value"]
    pdf = httpx.get(pdf_url, cookies={SESSION_COOKIE: cookie}, timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "down.pdf").write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "down.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for expected in (
        "回转",
        "王建国0",
        "不稳定型心绞痛",
        "来安县人民医院",
        "城关镇卫生院",
        "阿托伐他汀",
    ):
        assert expected in text, expected

    # The clinic syncs: the slip and its 下转康复 plan are there.
    assert engine.run_round().complete
    with clinic.ctx.reader() as s:
        down = s.query(Referral).filter(Referral.direction == "down").one()
        assert down.diagnosis == "不稳定型心绞痛" and down.patient_id == pid
        assert down.followup_date == followup
    plans = clinic.followups.plans(pid)
    rehab = [p for p in plans if p.referral_id == down.id]
    assert len(rehab) == 1 and rehab[0].kind == "rehab" and rehab[0].next_due_date == followup
    client.close()

    # The consortium view and the audit search, as the office and the administrator see them.
    browser.get(hub.url + "/office/figures")
    wait_for(browser, "table")
    assert "城关镇卫生院" in body(browser)
    shot(browser, "04-consortium")
    sign_in(browser, hub, "管理员赵")
    browser.get(f"{hub.url}/office/audit?record={up.number}")
    wait_for(browser, "table")
    trail = body(browser)
    assert CARDIO in trail and OFFICE in trail and "接收" in trail and "查看转诊单" in trail
    assert "下发回转单" in trail  # the 回转单 written for it is found by the upward number
    shot(browser, "05-audit")
    browser.get(hub.url + "/office/accounts")
    wait_for(browser, "table")
    assert CARDIO in body(browser) and "心血管内科" in body(browser)
    shot(browser, "07-accounts")


def test_a_doctor_of_another_department_cannot_open_the_referral(
    browser: Any, hub: Hub, tmp_path: Path, migrated_template: Path
) -> None:
    clinic = make_clinic(tmp_path, migrated_template, "A001")
    (pid,) = add_patients(clinic, 1, "王建国")
    up = clinic.referrals.create_upward(upward(pid))
    with HubClient(hub.url, register(hub, "A001", "城关镇卫生院"), allow_http=True) as client:
        assert SyncEngine(clinic.ctx, client).run_round().complete
    sign_in(browser, hub, ORTHO)
    assert up.number not in body(browser)  # not in their list
    browser.get(f"{hub.url}/office/referrals/{up.id}")
    wait_for(browser, "h1")
    page = body(browser)
    assert "无权访问" in page and "王建国" not in page
    shot(browser, "06-other-department-refused")
    browser.get(f"{hub.url}/office/referrals/{up.id}/slip.pdf")
    assert "无权访问" in body(browser)
