"""Training service on a real database: lifecycle, attendance, totals, summary, paperwork."""

from __future__ import annotations

import io
import sqlite3
import subprocess
from datetime import date, datetime, time
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.training import ActivityInput, Attendance
from app.services.bundle import AppServices
from tests.conftest import login_as


def lecture(**kw: object) -> ActivityInput:
    base: dict[str, object] = dict(
        activity_type="讲座/业务培训",
        day=date(2026, 3, 5),
        start=time(14, 0),
        end=time(17, 0),
        hours=3.0,
        topic="高血压规范化管理",
        place="会议室",
        lecturer="陈主任",
        lecturer_unit="来安县人民医院",
        lecturer_title="主任医师",
        organiser="来安县人民医院",
        credit_class="II类",
        credits=1.0,
    )
    base.update(kw)
    return ActivityInput(**base)  # type: ignore[arg-type]


@pytest.fixture
def staff(services: AppServices) -> dict[str, str]:
    t = services.training
    return {
        "王芳": t.add_staff("王芳", "内科", "主治医师", "临床").id,
        "李强": t.add_staff("李强", "外科", "医师", "临床").id,
        "赵敏": t.add_staff("赵敏", "护理部", "护师", "护理").id,
        "孙老": t.add_staff("孙老", "桃花村卫生室", "乡村医生", "乡村医生", village_doctor=True).id,
    }


def test_lifecycle_planned_printed_entered_closed(
    services: AppServices, staff: dict[str, str]
) -> None:
    t = services.training
    a = t.plan_activity(lecture())
    assert a.status == "planned"
    pdf = t.signin_sheet_pdf(a.id)
    assert pdf.startswith(b"%PDF") and t.get_activity(a.id).status == "sheet_printed"
    sheet = t.sheet(a.id)
    assert [line.name for line in sheet] == sorted(
        [line.name for line in sheet], key=lambda n: n
    ) or len(sheet) == 4
    assert {line.status for line in sheet} == {""}
    marks = {
        staff["王芳"]: Attendance.PRESENT,
        staff["李强"]: Attendance.LATE,
        staff["赵敏"]: Attendance.LEAVE,
        staff["孙老"]: Attendance.ABSENT,
    }
    a = t.record_attendance(a.id, marks, {staff["李强"]: datetime(2026, 3, 5, 14, 20)})
    assert a.status == "attendance_entered"
    assert t.activities(2026)[0].attended == 2  # present + late
    assert t.close_activity(a.id).status == "closed"


def test_yearly_totals_change_with_attendance(services: AppServices, staff: dict[str, str]) -> None:
    t = services.training
    a = t.plan_activity(lecture())
    b = t.plan_activity(
        lecture(
            topic="糖尿病足筛查",
            credit_class="I类",
            credits=2.0,
            credits_stated=True,  # the project's own award wins over 2 h / 3
            start=time(9, 0),
            end=time(11, 0),
            hours=2.0,
        )
    )
    t.record_attendance(a.id, {staff["王芳"]: Attendance.PRESENT})
    t.record_attendance(b.id, {staff["王芳"]: Attendance.LATE, staff["李强"]: Attendance.ABSENT})
    year = {p.name: p for p in t.person_year(2026)}
    assert (year["王芳"].hours, year["王芳"].credits) == (5.0, {"I类": 2.0, "II类": 1.0})
    # 主治医师: 25 in all, I类 ≥5, II类 ≥15
    assert year["王芳"].shortfall(t.rules) == {"I类": 3.0, "II类": 14.0, "合计": 5.0}
    assert year["李强"].hours == 0  # absent earns nothing
    assert year["孙老"].sessions == 0  # listed with nothing yet
    # correcting the paper sheet later changes the totals
    t.record_attendance(b.id, {staff["李强"]: Attendance.PRESENT})
    assert {p.name: p.hours for p in t.person_year(2026)}["李强"] == 2.0
    assert t.person_year(2025)[0].hours == 0


def test_bad_activity_writes_nothing(services: AppServices, data_dir: Path) -> None:
    with sqlite3.connect(db_path(data_dir)) as c:
        before = c.execute("SELECT count(*) FROM training_activities").fetchone()
    with pytest.raises(ValidationError) as err:
        services.training.plan_activity(lecture(end=time(13, 0), topic=""))
    assert err.value.fields() == {"end", "topic"}
    with sqlite3.connect(db_path(data_dir)) as c:
        assert c.execute("SELECT count(*) FROM training_activities").fetchone() == before


def test_attendance_for_someone_who_had_left_is_refused(
    services: AppServices, staff: dict[str, str]
) -> None:
    t = services.training
    t.staff_left(staff["李强"], date(2026, 2, 1))
    a = t.plan_activity(lecture())
    assert "李强" not in [line.name for line in t.sheet(a.id)]
    with pytest.raises(ValidationError, match="李强已于2026-02-01离职"):
        t.record_attendance(
            a.id, {staff["王芳"]: Attendance.PRESENT, staff["李强"]: Attendance.PRESENT}
        )
    assert t.activities(2026)[0].attended == 0  # nothing half-saved


def test_voiding_keeps_tombstones(
    services: AppServices, staff: dict[str, str], data_dir: Path
) -> None:
    t = services.training
    a = t.plan_activity(lecture())
    t.record_attendance(a.id, {staff["王芳"]: Attendance.PRESENT})
    assert t.has_attendance(a.id)
    t.void_activity(a.id)
    assert t.activities(2026) == []
    with sqlite3.connect(db_path(data_dir)) as c:
        assert c.execute("SELECT deleted FROM training_activities").fetchall() == [(1,)]
        assert c.execute("SELECT deleted FROM training_attendance").fetchall() == [(1,)]
        queued = {r[0] for r in c.execute("SELECT record_type FROM outbox")}
    assert {"training_activity", "training_attendance", "staff"} <= queued
    assert {p.name: p.hours for p in t.person_year(2026)}["王芳"] == 0


def test_nurse_records_training_but_cannot_edit_the_roster(services: AppServices) -> None:
    login_as(services, "nurse")
    services.training.plan_activity(lecture())
    with pytest.raises(PermissionDenied):
        services.training.add_staff("某人")


def test_summary_counts_activities_stationing_and_secondments(
    services: AppServices, staff: dict[str, str]
) -> None:
    t = services.training
    rounds = t.plan_activity(lecture(activity_type="教学查房", credit_class="无", credits=0))
    t.record_attendance(
        rounds.id, {staff["王芳"]: Attendance.PRESENT, staff["李强"]: Attendance.PRESENT}
    )
    course = t.plan_activity(lecture(day=date(2026, 8, 1), course="2026年慢病管理培训班"))
    t.record_attendance(course.id, {staff["赵敏"]: Attendance.PRESENT})
    t.plan_activity(lecture(activity_type="手术示教", credit_class="无", credits=0))
    t.add_secondment(
        staff["王芳"],
        "来安县人民医院",
        date(2026, 4, 1),
        date(2026, 9, 30),
        "心血管内科",
        "心内科",
        "陈主任",
    )
    t.add_stationing(
        "刘主任",
        "来安县人民医院",
        date(2026, 5, 1),
        date(2026, 10, 31),
        {
            "teaching_rounds": 10,
            "surgery_demos": 3,
            "mentees": 4,
            "new_techniques": 2,
            "lectures": 5,
            "consultations": 6,
        },
    )
    with pytest.raises(ValidationError, match="负数"):
        t.add_stationing("x", "y", date(2026, 1, 1), date(2026, 2, 1), {"operations": -3})
    s = t.summary(2026)
    # a course session is no 学术讲座场: the stationing's 5 lectures only
    assert (s.ward_rounds, s.surgery_demos, s.lectures, s.courses) == (11, 4, 5, 1)
    # 带教人数 (people) is never added to 帮扶带教人次
    assert (s.teaching_person_times, s.mentees, s.training_person_times) == (2, 4, 1)
    assert (s.secondments, s.new_techniques, s.consultations) == (1, 2, 6)
    q1 = t.summary(2026, 1)
    assert (q1.ward_rounds, q1.courses, q1.secondments) == (1, 0, 0)
    # 05-01..10-31 (184 days): May-June 61, Jul-Sep 92, October 31 -> 10 rounds as 3 / 5 / 2
    quarters = [t.summary(2026, q).ward_rounds for q in (2, 3, 4)]
    assert quarters == [3, 5, 2] and sum(quarters) == 10


def test_summary_pdf_and_xlsx_carry_the_figures(
    services: AppServices, staff: dict[str, str], tmp_path: Path
) -> None:
    t = services.training
    a = t.plan_activity(lecture())
    t.record_attendance(a.id, {staff["王芳"]: Attendance.PRESENT})
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(t.summary_pdf(2026))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "桃花镇卫生院2026年对口支援与培训工作统计" in flat
    assert "业务培训人次1" in flat and "学术讲座场1" in flat and "王芳" in flat
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(t.summary_xlsx(2026)))
    figures = {r[0]: r[1] for r in wb["帮扶统计"].iter_rows(min_row=3, values_only=True)}
    assert figures["业务培训人次"] == 1 and figures["学术讲座场"] == 1
    people = {r[0]: r for r in wb["个人学分"].iter_rows(min_row=2, values_only=True)}
    assert people["王芳"][1:4] == (3.0, 0.0, 1.0)
    assert people["王芳"][4] == "I类缺5、II类缺14、另缺5"


def test_signin_sheet_lists_the_roster_with_blank_signatures(
    services: AppServices, staff: dict[str, str], tmp_path: Path
) -> None:
    a = services.training.plan_activity(lecture(topic="𠀀䶮病例讨论"))
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(services.training.signin_sheet_pdf(a.id))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    flat = "".join(text.split())
    assert "培训活动签到表" in flat and "𠀀䶮病例讨论" in flat
    for name in ("王芳", "李强", "赵敏", "孙老"):
        assert name in flat
    assert "签到时间" in flat and "签名" in flat and "主任医师" in flat
    assert "3学时" in flat


def test_stationing_work_and_secondments_reach_the_summary_and_the_people(
    services: AppServices, staff: dict[str, str]
) -> None:
    """对口支援记录：门诊诊疗人次、手术台次 are figures of the summary; a January-June stationing
    is split between Q1 and Q2 by its days; 全脱产进修满6个月 meets 王芳's year."""
    t = services.training
    t.add_stationing(
        "刘主任",
        "来安县人民医院",
        date(2026, 1, 1),
        date(2026, 6, 30),
        {"outpatient_visits": 362, "operations": 12, "mentees": 3, "trainees": 20},
    )
    year, q1, q2 = t.summary(2026), t.summary(2026, 1), t.summary(2026, 2)
    assert (year.outpatient_visits, year.operations, year.mentees) == (362, 12, 3)
    assert (q1.outpatient_visits, q2.outpatient_visits) == (180, 182)  # 90 and 91 of 181 days
    assert (q1.operations, q2.operations) == (6, 6)
    assert year.teaching_person_times == 0  # 3 people taught are not 人次
    assert dict(year.rows())["门诊诊疗人次"] == 362
    t.add_secondment(staff["王芳"], "来安县人民医院", date(2026, 1, 1), date(2026, 6, 30))
    people = {p.name: p for p in t.person_year(2026)}
    assert people["王芳"].status_text(t.rules) == "进修6.0个月，视为达标"
    assert people["孙老"].shortfall(t.rules) == {"学时": 80.0}  # 乡村医生: hours, not credits
    assert people["李强"].shortfall(t.rules) == {"学时": 24.0}  # 初级
    assert t.secondments()[0].months == 6.0
