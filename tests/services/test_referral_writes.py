"""What a referral's writes leave behind, as the clinic, the county and the administrator see
them: the slip's copy of the resident, the status history with its times and reasons, the
audit trail, the pages' change notices, the refusals beside the right field, and the list's
filters on clinic dates."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.db.engine import db_path
from app.db.referral_models import Referral, ReferralEvent
from app.domain.errors import FieldError, NotFound, PermissionDenied, ValidationError
from app.domain.patient import PatientInput
from app.domain.referral import DOWN_INDICATIONS, UP_INDICATIONS, Side, Status
from app.reports.referral_slip import SlipData
from app.services.bundle import AppServices
from app.services.context import Changes, ServiceContext
from app.services.referral_feedback import save_not_arrived_days
from app.services.referrals import ReferralFilter, ReferralService, slip_data
from tests.conftest import login_as
from tests.services.test_referrals import downward, upward

T0 = datetime(2026, 11, 20, 1, 0)  # 09:00 on 20 Nov in Beijing


@pytest.fixture
def clock(services: AppServices) -> Callable[[datetime], None]:
    def set_to(at: datetime) -> None:
        services.ctx.clock = lambda: at

    set_to(T0)
    return set_to


@pytest.fixture
def zhang(services: AppServices) -> str:
    return services.patients.create(
        PatientInput(
            name="张三",
            id_number="11010519491231002X",
            phone="13812345678",
            village="桃花村",
            address="桃花村3组",
            record_number="34112210200100001",
            payment_type="10",
        )
    ).id


@pytest.fixture
def notices(services: AppServices) -> list[Changes]:
    got: list[Changes] = []
    services.ctx.listeners.append(got.append)
    return got


def refusal(call: Callable[[], object]) -> list[FieldError]:
    with pytest.raises(ValidationError) as err:
        call()
    return err.value.errors


def ts(at: datetime) -> str:
    """A moment as SQLite holds it."""
    return at.isoformat(" ", timespec="microseconds")


def table(data_dir: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path(data_dir)) as c:
        return c.execute(sql, args).fetchall()


def test_the_slip_copies_the_resident_as_registered(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    r = services.referrals.create_upward(
        upward(
            zhang,
            impression="  高血压3级  ",
            indications=[UP_INDICATIONS[4], "其他"],
            indication_other="家属要求",
        )
    )
    assert (r.patient_name, r.patient_sex, r.patient_age) == ("张三", "2", 76)
    assert (r.patient_id_number, r.patient_record_number) == (
        "11010519491231002X",
        "34112210200100001",
    )
    assert (r.patient_address, r.patient_phone) == ("桃花村3组", "13812345678")
    assert r.impression == "高血压3级"  # typed text is trimmed
    assert r.payment_type == "10"  # none on the slip: the resident's
    assert r.indications == [UP_INDICATIONS[4], "其他"]
    assert services.referrals.get(r.id).indications == [UP_INDICATIONS[4], "其他"]
    assert r.urgency == "普通" and r.created_at == T0 and r.clinic_code == "TH001"
    own = services.referrals.create_upward(upward(zhang, payment_type="07"))
    assert own.payment_type == "07"


def test_a_resident_without_id_card_or_address(
    services: AppServices, clock: Callable[[datetime], None]
) -> None:
    pid = services.patients.create(
        PatientInput(name="李四", sex="1", birth_date=date(1950, 11, 21), village="黄庄村")
    ).id
    # the paper slip is dated the day before his 76th birthday
    d = services.referrals.enter_downward(downward(pid, referred_on=date(2026, 11, 20)))
    assert (d.patient_id_number, d.patient_address, d.patient_age) == ("", "黄庄村", 75)
    up = services.referrals.create_upward(upward(pid))
    assert up.patient_age == 75  # today, 20 Nov


def test_submitting_a_draft_dates_it_then(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    draft = services.referrals.create_upward(upward(zhang), submit=False)
    assert draft.referred_at is None and draft.status == "draft"
    later = T0 + timedelta(hours=5)
    clock(later)
    sent = services.referrals.transition(draft.id, Status.PENDING)
    assert (sent.status, sent.referred_at) == ("pending", later)
    plans = services.followups.plans(zhang)  # the 上转结果追踪 check the submit starts
    assert [(p.kind, p.referral_id, p.next_due_date) for p in plans] == [
        ("outcome", draft.id, date(2026, 12, 4))
    ]


def test_a_draft_submitted_from_the_form_starts_its_check_too(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    draft = services.referrals.create_upward(upward(zhang, treatment=""), submit=False)
    assert services.followups.plans(zhang) == []
    edited = services.referrals.update_draft(draft.id, upward(zhang, treatment="含服"))
    assert (edited.status, edited.treatment, edited.version) == ("draft", "含服", 2)
    assert services.followups.plans(zhang) == []
    sent = services.referrals.update_draft(draft.id, upward(zhang), submit=True)
    assert (sent.status, sent.referred_at) == ("pending", T0)
    assert [p.referral_id for p in services.followups.plans(zhang)] == [draft.id]
    assert [(h.to_status, h.reason) for h in services.referrals.history(draft.id)] == [
        ("draft", ""),
        ("pending", ""),
    ]


def test_history_keeps_who_when_which_side_and_why(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    r = services.referrals.create_upward(upward(zhang))
    clock(T0 + timedelta(days=1))
    services.referrals.transition(r.id, Status.RECEIVED, side=Side.COUNTY)
    login_as(services, "doctor")
    clock(T0 + timedelta(days=2))
    long_reason = "  " + "患" * 600 + "  "
    services.referrals.transition(r.id, Status.CANCELLED, long_reason)
    history = services.referrals.history(r.id)
    assert [(h.from_status, h.to_status, h.side, h.actor, h.at) for h in history] == [
        ("", "draft", "clinic", "王主任", T0),
        ("draft", "pending", "clinic", "王主任", T0),
        ("pending", "received", "county", "王主任", T0 + timedelta(days=1)),
        ("received", "cancelled", "clinic", "李医生", T0 + timedelta(days=2)),
    ]
    assert [h.reason for h in history[:3]] == ["", "", ""]
    assert history[-1].reason == "患" * 500 and history[-1].kind == "status"
    row = services.referrals.get(r.id)
    assert row.cancel_reason == "患" * 500 and row.status_name == "已取消"


def test_a_downward_slip_entered_from_paper(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    d = services.referrals.enter_downward(downward(zhang, referring_doctor=" 张主任 "))
    assert (d.direction_name, d.status_name, d.referring_doctor) == ("下转", "待接收", "张主任")
    assert d.number == "TH001-20261120-001"
    [entered] = services.referrals.history(d.id)
    assert (entered.from_status, entered.to_status, entered.side, entered.reason) == (
        "",
        "pending",
        "county",
        "纸质回转单录入",
    )
    # its 下转康复 plan, due on the slip's 预约复诊 date
    assert [(p.kind, p.next_due_date) for p in services.followups.plans(zhang)] == [
        ("rehab", date(2026, 12, 6))
    ]


def test_the_clinic_acknowledges_receives_and_closes_a_downward_referral(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    d = services.referrals.enter_downward(downward(zhang))
    steps = [(Status.RECEIVED, 1), (Status.ARRIVED, 2), (Status.COMPLETED, 3)]
    for target, hours in steps:
        clock(T0 + timedelta(hours=hours))
        services.referrals.transition(d.id, target)
    done = services.referrals.get(d.id)
    assert (done.acknowledged_at, done.clinic_arrived_at, done.completed_at) == (
        T0 + timedelta(hours=1),
        T0 + timedelta(hours=2),
        T0 + timedelta(hours=3),
    )
    assert done.cancel_reason == "" and done.version == 4


def test_a_downward_referral_refused_at_the_clinic_keeps_the_reason(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    d = services.referrals.enter_downward(downward(zhang))
    rejected = services.referrals.transition(d.id, Status.REJECTED, "  患者已转往外地  ")
    assert (rejected.status, rejected.cancel_reason) == ("rejected", "患者已转往外地")
    assert rejected.acknowledged_at is None and rejected.completed_at is None


def test_an_upward_referral_answered_by_the_county_keeps_the_clinics_fields(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    r = services.referrals.create_upward(upward(zhang))
    services.referrals.transition(r.id, Status.RECEIVED, side=Side.COUNTY)
    arrived = services.referrals.transition(r.id, Status.ARRIVED, side=Side.COUNTY)
    # the county's own times come by sync, not from the clinic's clock
    assert (arrived.acknowledged_at, arrived.clinic_arrived_at) == (None, None)
    assert arrived.completed_at is None and arrived.cancel_reason == ""


def test_each_write_tells_the_pages_and_a_refusal_tells_nothing(
    services: AppServices, zhang: str, notices: list[Changes]
) -> None:
    draft = services.referrals.create_upward(upward(zhang), submit=False)
    services.referrals.update_draft(draft.id, upward(zhang))
    services.referrals.transition(draft.id, Status.PENDING)
    d = services.referrals.enter_downward(downward(zhang))
    services.referrals.slip(d.id)  # a print: local bookkeeping, no page changes
    with pytest.raises(ValidationError):
        services.referrals.transition(d.id, Status.COMPLETED)
    assert notices == [
        Changes("referral", frozenset({draft.id}), "create"),
        Changes("referral", frozenset({draft.id}), "edit"),
        Changes("referral", frozenset({draft.id}), "edit"),
        Changes("referral", frozenset({d.id}), "create"),
    ]


def test_the_audit_trail_names_the_slip_the_change_and_the_printer(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    draft = services.referrals.create_upward(upward(zhang), submit=False)
    services.referrals.update_draft(draft.id, upward(zhang))
    services.referrals.transition(draft.id, Status.PENDING)
    login_as(services, "nurse")
    services.referrals.slip(draft.id)
    services.referrals.slip(draft.id)
    login_as(services, "admin")
    services.referrals.transition(draft.id, Status.CANCELLED, " 患者拒绝 ")
    n = draft.number
    rows = services.audit.search(patient="张三").rows
    trail = [
        (r.username, r.action, r.detail) for r in reversed(rows) if r.record_type == "referral"
    ]
    assert trail == [
        ("admin", "create", f"number: {n}"),
        ("admin", "edit", f"number: {n}"),
        ("admin", "status", f"number: {n}；to: pending；reason: "),
        ("nurse", "print", f"number: {n}；by: nurse"),
        ("nurse", "reprint", f"number: {n}；by: nurse"),
        ("admin", "status", f"number: {n}；to: cancelled；reason: 患者拒绝"),
    ]


def test_a_slip_needs_a_live_resident(services: AppServices, zhang: str, data_dir: Path) -> None:
    before = table(data_dir, "SELECT count(*) FROM referrals")
    assert refusal(lambda: services.referrals.create_upward(upward(""))) == [
        FieldError("patient_id", "required", "请选择患者")
    ]
    assert refusal(lambda: services.referrals.enter_downward(downward("no-such-id"))) == [
        FieldError("patient_id", "required", "请选择患者")
    ]
    services.patients.void(zhang, "重复建档")
    assert refusal(lambda: services.referrals.create_upward(upward(zhang), submit=False)) == [
        FieldError("patient_id", "voided", "张三的档案已作废，不能开具转诊单")
    ]
    assert table(data_dir, "SELECT count(*) FROM referrals") == before


def test_a_submitted_slip_is_frozen(services: AppServices, zhang: str, data_dir: Path) -> None:
    r = services.referrals.create_upward(upward(zhang))
    before = table(data_dir, "SELECT * FROM referrals")
    errors = refusal(
        lambda: services.referrals.update_draft(r.id, upward(zhang, impression="改过"))
    )
    assert errors == [FieldError("status", "not_draft", "已提交的转诊单不能修改，请取消后重新开具")]
    errors = refusal(lambda: services.referrals.transition(r.id, Status.COMPLETED))
    assert errors == [FieldError("status", "refused", "上转转诊单不能从“待接收”改为“已完成”")]
    assert table(data_dir, "SELECT * FROM referrals") == before


def test_a_draft_is_not_printed(services: AppServices, zhang: str, data_dir: Path) -> None:
    draft = services.referrals.create_upward(upward(zhang), submit=False)
    errors = refusal(lambda: services.referrals.slip(draft.id))
    assert errors == [FieldError("status", "draft", "草稿不能打印，请先提交转诊单")]
    assert services.referrals.get(draft.id).print_count == 0


def test_printing_counts_and_a_preview_does_not(services: AppServices, zhang: str) -> None:
    r = services.referrals.create_upward(upward(zhang))
    pdf = services.referrals.preview_pdf(r.id)
    assert pdf.startswith(b"%PDF")
    assert services.referrals.get(r.id).print_count == 0
    _pdf, row, reprint = services.referrals.slip_pdf(r.id)
    assert (row.print_count, reprint) == (1, False)
    _row, reprint = services.referrals.slip(r.id, record_print=False)
    assert reprint and services.referrals.get(r.id).print_count == 1
    assert page_size(services.referrals.preview_pdf(r.id, "A5")) == "419.528 x 595.276 pts"
    assert page_size(services.referrals.preview_pdf(r.id)) == "595.276 x 841.89 pts (A4)"


def test_what_the_printed_slip_shows(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    clock(datetime(2026, 11, 20, 17, 0))  # 01:00 on 21 Nov in Beijing
    up = services.referrals.create_upward(upward(zhang, to_doctor="周医生"))
    data = slip_data(up, False, clinic_code="TH001")
    assert (data.referral_date, data.receiving_doctor, data.transcribed) == (
        date(2026, 11, 21),
        "周医生",
        False,
    )
    assert (data.issuing_institution, data.receiving_institution) == (
        "桃花镇卫生院",
        "来安县人民医院",
    )
    assert (data.patient_name, data.patient_age, data.impression) == ("张三", 76, "高血压3级")
    assert data.indications == up.indications and not data.reprint
    down = services.referrals.enter_downward(downward(zhang))
    paper = slip_data(down, True, datetime(2026, 11, 21, 9, 0), clinic_code="TH001")
    assert (paper.transcribed, paper.reprint, paper.referral_date) == (
        True,
        True,
        date(2026, 11, 20),
    )
    assert paper.receiving_doctor == "" and paper.diagnosis == "脑梗死恢复期"
    assert paper.printed_at == datetime(2026, 11, 21, 9, 0)
    assert not slip_data(down, False).transcribed  # whose it is not known: not marked
    assert not slip_data(down, False, clinic_code="TH002").transcribed
    assert services.referrals.clinic_header() == ("桃花镇卫生院", "来安县人民医院")


def test_who_may_move_a_referral(services: AppServices, zhang: str) -> None:
    d = services.referrals.enter_downward(downward(zhang))
    login_as(services, "nurse")
    services.referrals.transition(d.id, Status.RECEIVED)
    services.referrals.transition(d.id, Status.ARRIVED)
    with pytest.raises(PermissionDenied, match="护士无权开具转诊单"):
        services.referrals.transition(d.id, Status.COMPLETED)
    draft_id = ""
    login_as(services, "doctor")
    draft_id = services.referrals.create_upward(upward(zhang), submit=False).id
    login_as(services, "nurse")
    with pytest.raises(PermissionDenied, match="护士无权开具转诊单"):
        services.referrals.transition(draft_id, Status.PENDING)
    with pytest.raises(PermissionDenied, match="护士无权取消转诊"):
        services.referrals.transition(draft_id, Status.CANCELLED, "x")
    with pytest.raises(PermissionDenied, match="护士无权开具转诊单"):
        services.referrals.update_draft(draft_id, upward(zhang))
    with pytest.raises(PermissionDenied, match="护士无权开具转诊单"):
        services.referrals.enter_downward(downward(zhang))
    with pytest.raises(PermissionDenied, match="护士无权维护转诊机构和科室"):
        services.referrals.set_destinations({"来安县中医院": ["针灸科"]})
    login_as(services, "doctor")
    assert services.referrals.transition(d.id, Status.COMPLETED).status == "completed"


def test_unknown_or_deleted_referrals_are_not_found(
    services: AppServices, zhang: str, data_dir: Path
) -> None:
    r = services.referrals.create_upward(upward(zhang))
    assert services.referrals.by_number(f"  {r.number} ").id == r.id
    with pytest.raises(NotFound):
        services.referrals.by_number("TH001-20990101-001")
    with pytest.raises(NotFound):
        services.referrals.get("no-such-id")
    with sqlite3.connect(db_path(data_dir)) as c:  # deleted at the county, by sync
        c.execute("UPDATE referrals SET deleted=1 WHERE id=?", (r.id,))
    with pytest.raises(NotFound):
        services.referrals.transition(r.id, Status.CANCELLED, "x")
    with pytest.raises(NotFound):
        services.referrals.slip(r.id)
    assert services.referrals.search() == [] and services.referrals.count() == 0
    assert services.referrals.timeline(zhang) == []


def test_the_list_filters_on_clinic_dates_and_each_key(
    services: AppServices, zhang: str, data_dir: Path, clock: Callable[[datetime], None]
) -> None:
    li = services.patients.create(PatientInput(name="李四", sex="1", birth_date=date(1950, 1, 1)))
    clock(datetime(2026, 11, 20, 15, 59))  # 23:59 on 20 Nov in Beijing
    a = services.referrals.create_upward(upward(zhang, referring_doctor="李秀英"))
    clock(datetime(2026, 11, 20, 16, 0))  # 00:00 on 21 Nov
    b = services.referrals.create_upward(
        upward(li.id, referring_doctor="周医生", to_institution="来安县中医院")
    )
    clock(datetime(2026, 11, 22, 3, 0))
    c = services.referrals.create_upward(upward(zhang, referring_doctor="李秀英"))
    svc = services.referrals

    def ids(**kw: Any) -> list[str]:
        f = ReferralFilter(**kw)
        return [r.id for r in svc.search(f, sort="referred_at", descending=False)]

    assert ids(date_from=date(2026, 11, 21)) == [b.id, c.id]
    assert ids(date_to=date(2026, 11, 20)) == [a.id]
    assert ids(date_from=date(2026, 11, 21), date_to=date(2026, 11, 21)) == [b.id]
    assert ids(doctor="李秀英") == [a.id, c.id]
    assert ids(destination="来安县中医院") == [b.id]
    assert ids(patient_query="张三") == [a.id, c.id]
    assert ids(patient_query="   ") == [a.id, b.id, c.id]
    assert ids(status="pending", direction="up") == [a.id, b.id, c.id]
    assert ids(direction="down") == []
    with sqlite3.connect(db_path(data_dir)) as conn:  # b went up and was acknowledged
        conn.execute("UPDATE referrals SET sync_state='synced' WHERE id=?", (b.id,))
    assert ids(unsynced_only=True) == [a.id, c.id]
    assert svc.count(ReferralFilter(unsynced_only=True)) == 2
    assert svc.count() == 3
    # newest first unless asked; each column sorts
    assert [r.id for r in svc.search()] == [c.id, b.id, a.id]
    # (text sorts by code point: 周 before 李, 张 before 李, 中 before 人)
    assert [r.id for r in svc.search(sort="doctor", descending=False)][0] == b.id
    assert [r.patient_name for r in svc.search(sort="patient")] == ["李四", "张三", "张三"]
    assert [r.id for r in svc.search(sort="destination", descending=False)][0] == b.id
    assert [r.id for r in svc.search(sort="number", descending=False)] == [a.id, b.id, c.id]
    assert [r.id for r in svc.search(sort="no-such-column")] == [c.id, b.id, a.id]
    assert [r.id for r in svc.search(limit=1, offset=1)] == [b.id]
    assert [r.id for r in svc.timeline(zhang)] == [c.id, a.id]
    assert svc.referring_doctors() == sorted({"李秀英", "周医生"})


def test_destinations_are_kept_as_typed_without_blanks_or_repeats(
    services: AppServices, data_dir: Path
) -> None:
    services.referrals.set_destinations(
        {" 来安县人民医院 ": ["心内科", " 外科 ", "", "心内科", "  "], "来安县中医院": ["针灸科"]}
    )
    assert services.referrals.destinations() == {
        "来安县人民医院": ["心内科", "外科"],
        "来安县中医院": ["针灸科"],
    }
    rows = services.audit.search(action="edit").rows
    assert rows[0].record_type == "referral_destinations"
    assert "来安县中医院" in rows[0].detail


def page_size(pdf: bytes) -> str:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    [line] = [x for x in info.stdout.decode().splitlines() if x.startswith("Page size:")]
    return line.removeprefix("Page size:").strip()


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode()


def test_history_puts_a_county_answer_pulled_later_at_its_own_time(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    r = services.referrals.create_upward(upward(zhang))
    clock(T0 + timedelta(hours=3))
    services.referrals.transition(r.id, Status.CANCELLED, "患者拒绝")
    with services.ctx.session() as s:  # the county's receipt at T0+1h, pulled at T0+5h
        s.add(
            ReferralEvent(
                referral_id=r.id,
                from_status="pending",
                to_status="received",
                side="county",
                actor="县医院",
                at=T0 + timedelta(hours=1),
                clinic_code="COUNTY",
                version=1,
                created_at=T0 + timedelta(hours=5),
                updated_at=T0 + timedelta(hours=5),
                sync_state="synced",
            )
        )
    assert [h.to_status for h in services.referrals.history(r.id)] == [
        "draft",
        "pending",
        "received",
        "cancelled",
    ]


def test_a_patients_timeline_is_newest_first(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    first = services.referrals.create_upward(upward(zhang), submit=False)
    clock(T0 + timedelta(hours=1))
    second = services.referrals.create_upward(upward(zhang), submit=False)
    assert [r.id for r in services.referrals.timeline(zhang)] == [second.id, first.id]
    clock(T0 + timedelta(hours=2))
    sent = services.referrals.create_upward(upward(zhang))
    clock(T0 + timedelta(hours=3))
    services.referrals.transition(first.id, Status.PENDING)  # sent last, written first
    assert [r.id for r in services.referrals.timeline(zhang)] == [first.id, sent.id, second.id]


def test_the_doctor_filter_offers_the_clinics_own_referring_doctors(
    services: AppServices, zhang: str
) -> None:
    services.referrals.create_upward(upward(zhang, referring_doctor="周医生"))
    services.referrals.create_upward(upward(zhang, referring_doctor="李秀英"))
    services.referrals.create_upward(upward(zhang, referring_doctor="周医生"))
    services.referrals.create_upward(upward(zhang, referring_doctor=""), submit=False)
    services.referrals.enter_downward(downward(zhang, referring_doctor="张主任"))  # county's
    assert services.referrals.referring_doctors() == ["周医生", "李秀英"]


def test_no_destinations_offered_before_the_county_hospital_is_known(
    services: AppServices, data_dir: Path
) -> None:
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("UPDATE clinic SET county_hospital=''")
    assert services.referrals.destinations() == {}


def test_changing_the_destinations_is_audited(services: AppServices) -> None:
    services.referrals.set_destinations({"来安县人民医院": ["内科"], "来安县中医院": ["针灸科"]})
    [row] = services.audit.search(action="edit").rows
    assert (row.record_type, row.detail) == (
        "referral_destinations",
        "institutions: 来安县人民医院、来安县中医院",
    )


def test_no_slip_header_before_setup(ctx: ServiceContext) -> None:
    with pytest.raises(PermissionDenied, match="^本机尚未完成初始设置$"):
        ReferralService(ctx).clinic_header()


def test_the_preview_shows_what_the_next_print_will_be(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    r = services.referrals.create_upward(upward(zhang))
    before = pdf_text(services.referrals.preview_pdf(r.id))
    assert "补打" not in before and "2026年11月20日" in before
    services.referrals.slip_pdf(r.id)
    clock(T0 + timedelta(hours=2))
    after = pdf_text(services.referrals.preview_pdf(r.id))
    assert "（补打）" in after and "补打：2026-11-20 11:00" in after  # Beijing time
    d = services.referrals.enter_downward(downward(zhang))
    assert "（录入副本）" in pdf_text(services.referrals.preview_pdf(d.id))


def test_the_slip_is_dated_in_the_clinics_own_time_zone(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    clock(datetime(2026, 11, 20, 17, 0))  # 01:00 on 21 Nov in Beijing, 23:00 on 20 Nov in Urumqi
    r = services.referrals.create_upward(upward(zhang))
    assert "2026年11月21日" in pdf_text(services.referrals.preview_pdf(r.id))
    services.ctx.timezone = "Asia/Urumqi"
    assert "2026年11月20日" in pdf_text(services.referrals.preview_pdf(r.id))
    printed, _row, _reprint = services.referrals.slip_pdf(r.id)
    assert "2026年11月20日" in pdf_text(printed)


def test_not_arrived_filter_agrees_with_the_flag(
    services: AppServices, zhang: str, data_dir: Path, clock: Callable[[datetime], None]
) -> None:
    """The 已接收未到诊 list and the row's flag, on what the county and a 回执 left: the county's
    receipt time counts before the clinic's 回执; only a 回执 saying received counts."""
    now = T0 + timedelta(days=30)
    old, recent = now - timedelta(days=10), now - timedelta(days=2)
    cases = {
        "county_old": (old, "", None),
        "county_recent_receipt_old": (recent, "received", old),
        "receipt_old": (None, "received", old),
        "receipt_recent": (None, "received", recent),
        "receipt_refused_old": (None, "rejected", old),
    }
    ids = {}
    for name, (received_at, result, feedback_at) in cases.items():
        r = services.referrals.create_upward(upward(zhang, to_doctor=name))
        ids[name] = r.id
        with sqlite3.connect(db_path(data_dir)) as c:
            c.execute(
                "UPDATE referrals SET received_at=?, feedback_result=?, feedback_at=? WHERE id=?",
                (
                    received_at and ts(received_at),
                    result,
                    feedback_at and ts(feedback_at),
                    r.id,
                ),
            )
    clock(now)
    svc = services.referrals
    listed = {r.id for r in svc.search(ReferralFilter(not_arrived_only=True))}
    flagged = {r.id for r in svc.search() if r.not_arrived}
    assert listed == flagged == {ids["county_old"], ids["receipt_old"]}


def test_every_view_of_a_referral_flags_it_after_the_clinics_n_days(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    save_not_arrived_days(services.ctx, 3)
    r = services.referrals.create_upward(upward(zhang))
    services.referrals.transition(r.id, Status.RECEIVED, side=Side.COUNTY)
    with services.ctx.session() as s:
        s.get(Referral, r.id).received_at = T0  # type: ignore[union-attr]
    clock(T0 + timedelta(days=4))
    svc = services.referrals
    assert svc.get(r.id).not_arrived and svc.by_number(r.number).not_arrived
    assert [x.not_arrived for x in svc.timeline(zhang)] == [True]
    assert [x.not_arrived for x in svc.search()] == [True]


def test_a_clinic_in_another_time_zone_files_by_its_own_dates(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    """The clinic's settings name its zone (here UTC+6): a paper slip's date is midnight
    there, and the list's date filter is on its days."""
    services.ctx.timezone = "Asia/Urumqi"
    d = services.referrals.enter_downward(downward(zhang, referred_on=date(2026, 11, 20)))
    assert d.referred_at == datetime(2026, 11, 19, 18, 0)
    clock(datetime(2026, 11, 20, 17, 0))  # 23:00 on 20 Nov there, already 21 Nov in Beijing
    late = services.referrals.create_upward(upward(zhang))

    def ids(f: ReferralFilter) -> set[str]:
        return {r.id for r in services.referrals.search(f)}

    day = date(2026, 11, 20)
    assert ids(ReferralFilter(date_from=day, date_to=day)) == {d.id, late.id}
    assert ids(ReferralFilter(date_from=date(2026, 11, 21))) == set()
    assert ids(ReferralFilter(date_to=date(2026, 11, 19))) == set()


def test_the_slip_says_who_wrote_it_and_starts_unprinted(
    services: AppServices, zhang: str, data_dir: Path
) -> None:
    login_as(services, "doctor")
    up = services.referrals.create_upward(upward(zhang))
    d = services.referrals.enter_downward(downward(zhang))
    assert table(data_dir, "SELECT created_by, print_count FROM referrals ORDER BY number") == [
        ("doctor", 0),
        ("doctor", 0),
    ]
    for r in (up, d):
        _pdf, row, reprint = services.referrals.slip_pdf(r.id)
        assert (row.print_count, reprint) == (1, False)
    login_as(services, "admin")
    rows = services.audit.search(patient="张三").rows
    assert [(x.action, x.detail) for x in reversed(rows) if x.record_type == "referral"] == [
        ("create", f"number: {up.number}"),
        ("create", f"number: {d.number}"),
        ("print", f"number: {up.number}；by: doctor"),
        ("print", f"number: {d.number}；by: doctor"),
    ]


def test_overdue_from_exactly_14_days_after_sending_and_only_upward(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    """Times as the workstation itself writes them (the day-boundary test above edits them
    in SQL): sent at T0, unanswered at T0 + 14 days to the second; a 回转单 is never overdue."""
    up = services.referrals.create_upward(upward(zhang))
    services.referrals.enter_downward(downward(zhang, referred_on=date(2026, 11, 1)))
    svc = services.referrals
    clock(T0 + timedelta(days=14) - timedelta(seconds=1))
    assert svc.search(ReferralFilter(overdue_only=True)) == []
    clock(T0 + timedelta(days=14))
    assert [r.id for r in svc.search(ReferralFilter(overdue_only=True))] == [up.id]
    assert [r.id for r in svc.search() if r.overdue] == [up.id]


def test_every_field_of_the_slip_reaches_the_printed_form(
    services: AppServices, zhang: str, clock: Callable[[datetime], None]
) -> None:
    up = services.referrals.create_upward(
        upward(
            zhang,
            to_doctor="周医生",
            indications=[UP_INDICATIONS[4], "其他"],
            indication_other="家属要求",
            payment_type="07",
            purpose="明确诊断",
            cautions="途中吸氧",
            urgency="紧急",
        )
    )
    assert slip_data(up, False) == SlipData(
        number=up.number,
        direction="up",
        issuing_institution="桃花镇卫生院",
        receiving_institution="来安县人民医院",
        receiving_department="心血管内科",
        receiving_doctor="周医生",
        patient_name="张三",
        patient_sex="2",
        patient_age=76,
        patient_id_number="11010519491231002X",
        patient_record_number="34112210200100001",
        patient_address="桃花村3组",
        patient_phone="13812345678",
        referral_date=date(2026, 11, 20),
        referring_doctor="李秀英",
        referring_phone="0550-5012345",
        indications=[UP_INDICATIONS[4], "其他"],
        indication_other="家属要求",
        impression="高血压3级",
        present_illness="胸闷3小时",
        past_history="高血压10年",
        treatment="硝酸甘油舌下含服",
        patient_type="急诊",
        payment_type="07",
        transport="120",
        purpose="明确诊断",
        cautions="途中吸氧",
        urgency="紧急",
    )
    d = services.referrals.enter_downward(
        downward(
            zhang,
            patient_type="住院",
            inpatient_no="ZY2026-0815",
            icd10="I63.9",
            followup_method="电话",
            outcome="好转",
        )
    )
    assert slip_data(d, True, datetime(2026, 11, 20, 10, 0), clinic_code="TH001") == SlipData(
        number=d.number,
        direction="down",
        issuing_institution="来安县人民医院",
        receiving_institution="桃花镇卫生院",
        patient_name="张三",
        patient_sex="2",
        patient_age=76,
        patient_id_number="11010519491231002X",
        patient_record_number="34112210200100001",
        patient_address="桃花村3组",
        patient_phone="13812345678",
        referral_date=date(2026, 11, 20),
        referring_doctor="张主任",
        referring_phone="0550-7001234",
        indications=[DOWN_INDICATIONS[0]],
        patient_type="住院",
        payment_type="10",
        urgency="普通",
        diagnosis="脑梗死恢复期",
        icd10="I63.9",
        inpatient_no="ZY2026-0815",
        exam_results="头颅MRI：左侧基底节区梗死灶",
        treatment_plan="阿司匹林100mg qd；康复训练",
        followup_date=date(2026, 12, 6),
        followup_method="电话",
        outcome="好转",
        reprint=True,
        printed_at=datetime(2026, 11, 20, 10, 0),
        transcribed=True,
    )


def test_a_reprint_is_marked_with_its_time_on_the_chosen_paper(
    services: AppServices, zhang: str, clock: Callable[[datetime], None], tmp_path: Path
) -> None:
    d = services.referrals.enter_downward(downward(zhang))
    first, _row, _ = services.referrals.slip_pdf(d.id)
    assert "补打" not in pdf_text(first) and "（录入副本）" in pdf_text(first)
    clock(T0 + timedelta(hours=2))
    second, _row, _ = services.referrals.slip_pdf(d.id, "A5")
    text = pdf_text(second)
    assert "（补打）" in text and "补打：2026-11-20 11:00" in text  # Beijing time
    assert page_size(second) == "419.528 x 595.276 pts"  # A5


def test_a_draft_for_a_resident_voided_since_cannot_be_submitted(
    services: AppServices, zhang: str, data_dir: Path
) -> None:
    """The list's status menu offers 待接收 on a draft: it must refuse as the form does once
    the resident's record was voided (and cancelling the draft stays possible)."""
    draft = services.referrals.create_upward(upward(zhang), submit=False)
    services.patients.void(zhang, "重复建档")
    before = table(data_dir, "SELECT * FROM referrals")
    assert refusal(lambda: services.referrals.transition(draft.id, Status.PENDING)) == [
        FieldError("patient_id", "voided", "张三的档案已作废，不能开具转诊单")
    ]
    assert table(data_dir, "SELECT * FROM referrals") == before
    assert services.followups.plans(zhang) == []
    cancelled = services.referrals.transition(draft.id, Status.CANCELLED, "居民档案作废")
    assert cancelled.status == "cancelled"


def test_a_cancelled_draft_keeps_its_reason_and_was_never_sent(
    services: AppServices, zhang: str
) -> None:
    draft = services.referrals.create_upward(upward(zhang), submit=False)
    cancelled = services.referrals.transition(draft.id, Status.CANCELLED, " 写错了 ")
    assert (cancelled.status, cancelled.cancel_reason, cancelled.referred_at) == (
        "cancelled",
        "写错了",
        None,
    )


def test_a_downward_slip_names_the_county_doctor_who_received_it(
    services: AppServices, zhang: str, data_dir: Path
) -> None:
    d = services.referrals.enter_downward(downward(zhang))
    with sqlite3.connect(db_path(data_dir)) as c:  # as the county's copy brings it
        c.execute(
            "UPDATE referrals SET receiving_doctor='王医生', to_doctor='' WHERE id=?", (d.id,)
        )
    assert slip_data(services.referrals.get(d.id), False).receiving_doctor == "王医生"


def test_each_status_change_is_audited_as_a_history_entry_of_its_slip(
    services: AppServices, zhang: str
) -> None:
    r = services.referrals.create_upward(upward(zhang))
    rows = services.audit.search(action="create").rows
    events = [
        (x.record_type, x.detail)
        for x in reversed(rows)
        if x.record_type not in ("patient", "user")
    ]
    assert events == [
        ("referral", f"number: {r.number}"),
        ("referral_event", f"referral: {r.number}"),
        ("referral_event", f"referral: {r.number}"),
        ("followup_plan", "kind: outcome"),
    ]


def test_reasons_are_kept_on_the_side_that_gave_them(services: AppServices, zhang: str) -> None:
    up = services.referrals.create_upward(upward(zhang))
    rejected = services.referrals.transition(up.id, Status.REJECTED, "床位已满", side=Side.COUNTY)
    # the county's reason comes with its copy (rejected_reason), not as the clinic's cancel
    assert (rejected.status, rejected.cancel_reason) == ("rejected", "")
    d = services.referrals.enter_downward(downward(zhang))
    refused = services.referrals.transition(d.id, Status.REJECTED, "拒" * 600)
    assert refused.cancel_reason == "拒" * 500
