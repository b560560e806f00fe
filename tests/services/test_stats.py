"""统计 figures against counts made independently with plain SQL on a fixed dataset.

The dataset is written through the services (a few times fixed afterwards with plain SQL,
where only the county or the clock could set them) with "now" pinned at 2026-11-30 12:00
Beijing time. It holds records exactly at period boundaries (Beijing midnight), voided
records, a patient enrolled in November and one enrolled on 1 July, a 失访 patient, a
stationing spanning two quarters, and a person trained in three sessions.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.domain import clinic_clock
from app.domain.followup import PlanKind, PlanStatus, VisitInput
from app.domain.idcard import make_number
from app.domain.patient import PatientInput
from app.domain.periods import BadPeriod, month, parse_period, quarter, split_by_days, year
from app.domain.referral import DOWN_INDICATIONS, UP_INDICATIONS, Direction, ReferralInput, Status
from app.domain.stats import bp_on_target, fpg_on_target, required_visits
from app.domain.training import ActivityInput, Attendance
from app.services.bundle import AppServices

NOW = datetime(2026, 11, 30, 4, 0)  # UTC = 12:00 Beijing


@dataclass
class Dataset:
    patients: dict[str, str]
    plans: dict[str, str]
    referrals: dict[str, str]
    staff: dict[str, str]


def sql(data_dir: Path, query: str, *args: object) -> list[tuple]:
    with sqlite3.connect(db_path(data_dir)) as c:
        return c.execute(query, args).fetchall()


def one(data_dir: Path, query: str, *args: object) -> object:
    return sql(data_dir, query, *args)[0][0]


def at(services: AppServices, when: datetime) -> None:
    services.ctx.clock = lambda: when


def upward(patient_id: str, dept: str, indications: list[str]) -> ReferralInput:
    return ReferralInput(
        direction=Direction.UP,
        patient_id=patient_id,
        to_institution="来安县人民医院",
        to_department=dept,
        indications=indications,
        impression="高血压3级",
        present_illness="胸闷3小时",
        past_history="高血压10年",
        treatment="硝酸甘油舌下含服",
        referring_doctor="李秀英",
        referring_phone="0550-5012345",
        patient_type="急诊",
        transport="120",
    )


def visit(day: date, sbp: int = 130, dbp: int = 80, method: str = "1", **kw: object) -> VisitInput:
    return VisitInput(
        visit_date=day,
        method=method,
        sbp=sbp,
        dbp=dbp,
        symptoms=["无症状"],
        next_date=day + timedelta(days=90),
        doctor="李秀英",
        **kw,  # type: ignore[arg-type]
    )


def build(services: AppServices, data_dir: Path) -> Dataset:
    at(services, datetime(2025, 1, 1, 4, 0))
    p: dict[str, str] = {}
    for key, name, birth in (
        ("old", "王老汉", "19560310"),  # 70 in 2026: the ≥65 target applies
        ("mid", "李中年", "19760310"),
        ("nov", "赵新入", "19700505"),
        ("jul", "钱七月", "19700505"),
        ("lost", "孙失访", "19700505"),
        ("none", "周未访", "19700505"),
        ("void", "吴作废", "19700505"),
        ("dm_ok", "郑糖控", "19700505"),
        ("dm_edge", "冯糖边", "19700505"),
    ):
        birth_day = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
        number = make_number("341122", birth_day, 10 + len(p) * 2)
        p[key] = services.patients.create(
            PatientInput(name=name, id_number=number, village="桃花村", phone="13800000000")
        ).id
    plans: dict[str, str] = {}
    fs = services.followups
    for key in ("old", "mid", "lost", "none", "void"):
        plans[key] = fs.create_plan(p[key], PlanKind.HYPERTENSION, date(2025, 1, 1), "李秀英").id
    for key in ("dm_ok", "dm_edge"):
        plans[key] = fs.create_plan(p[key], PlanKind.DIABETES, date(2025, 1, 1), "李秀英").id

    at(services, NOW)
    # a visit on the last day of 2025 belongs to 2025, one on 1 January 2026 to 2026
    fs.record_visit(plans["old"], visit(date(2025, 12, 31), 170, 100))
    for d in (date(2026, 1, 1), date(2026, 4, 2), date(2026, 7, 3), date(2026, 11, 10)):
        fs.record_visit(plans["old"], visit(d, 145, 85))  # 145/85 at 70: on target (<150/90)
    for d in (date(2026, 2, 1), date(2026, 5, 1), date(2026, 8, 1)):
        fs.record_visit(plans["mid"], visit(d, 135, 85))
    fs.record_visit(plans["mid"], visit(date(2026, 11, 1), 145, 85, method="3"))  # phone
    for d in (date(2026, 2, 1), date(2026, 5, 1), date(2026, 8, 1), date(2026, 10, 1)):
        fs.record_visit(plans["lost"], visit(d, 120, 80))
    fs.set_status(plans["lost"], PlanStatus.LOST, "外出务工，联系不上")
    for d in (date(2026, 2, 1), date(2026, 5, 1), date(2026, 8, 1), date(2026, 10, 1)):
        fs.record_visit(plans["void"], visit(d, 120, 80))
    for d, fpg in ((date(2026, 3, 1), 8.0), (date(2026, 6, 1), 7.5), (date(2026, 9, 1), 6.9)):
        fs.record_visit(plans["dm_ok"], visit(d, 150, 95, fasting_glucose=fpg))
    fs.record_visit(plans["dm_ok"], visit(date(2026, 10, 1), 150, 95, fasting_glucose=6.5))
    for d in (date(2026, 3, 1), date(2026, 6, 1), date(2026, 9, 1), date(2026, 10, 1)):
        fs.record_visit(plans["dm_edge"], visit(d, 120, 70, fasting_glucose=7.0))
    plans["nov"] = fs.create_plan(p["nov"], PlanKind.HYPERTENSION, date(2026, 11, 15), "李秀英").id
    fs.record_visit(plans["nov"], visit(date(2026, 11, 20), 130, 80))
    plans["jul"] = fs.create_plan(p["jul"], PlanKind.HYPERTENSION, date(2026, 7, 1), "李秀英").id
    for d in (date(2026, 7, 1), date(2026, 10, 1)):
        fs.record_visit(plans["jul"], visit(d, 130, 80))
    services.patients.void(p["void"], "重复建档")

    # referrals: submitted at set UTC times, then the county's answers as sync stores them
    r: dict[str, str] = {}
    rs = services.referrals

    def up(key: str, when: datetime, dept: str = "心血管内科", ind: int = 0) -> None:
        at(services, when)
        r[key] = rs.create_upward(upward(p["old"], dept, [UP_INDICATIONS[ind]])).id

    up("q3_last", datetime(2026, 9, 30, 15, 59, 59))  # 23:59:59 Beijing, 30 Sep
    up("q4_first", datetime(2026, 9, 30, 16, 0, 0), "神经内科", 1)  # 00:00 Beijing, 1 Oct
    up("answered", datetime(2026, 10, 10, 2, 0), "神经内科", 1)
    up("late", datetime(2026, 10, 12, 2, 0))
    up("refused", datetime(2026, 10, 15, 2, 0), "骨科", 4)
    up("waiting", datetime(2026, 11, 25, 2, 0))
    up("voided", datetime(2026, 10, 20, 2, 0))
    up("cancelled", datetime(2026, 10, 21, 2, 0))
    up("dec_2025", datetime(2025, 12, 31, 16, 0))  # 1 Jan 2026 Beijing
    at(services, NOW)
    rs.transition(r["cancelled"], Status.CANCELLED, "患者拒绝")
    rs.create_upward(upward(p["old"], "骨科", [UP_INDICATIONS[0]]), submit=False)  # a draft
    down = ReferralInput(
        direction=Direction.DOWN,
        patient_id=p["old"],
        from_institution="来安县人民医院",
        indications=[DOWN_INDICATIONS[0]],
        diagnosis="脑梗死恢复期",
        exam_results="头颅MRI：左侧基底节区梗死灶",
        treatment_plan="阿司匹林100mg qd；康复训练",
        referring_doctor="张主任",
        referring_phone="0550-7001234",
        followup_date=date(2026, 12, 6),
        referred_on=date(2026, 10, 1),
    )
    r["down"] = rs.enter_downward(down).id
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute(
            "UPDATE referrals SET status='received', received_at=? WHERE id=?",
            (datetime(2026, 10, 13, 2, 0).isoformat(" "), r["answered"]),
        )
        c.execute(
            "UPDATE referrals SET status='received', received_at=? WHERE id=?",
            (datetime(2026, 10, 27, 2, 0).isoformat(" "), r["late"]),
        )
        c.execute(
            "UPDATE referrals SET status='rejected', rejected_reason='床位已满', updated_at=? "
            "WHERE id=?",
            (datetime(2026, 10, 16, 2, 0).isoformat(" "), r["refused"]),
        )
        c.execute("UPDATE referrals SET deleted=1 WHERE id=?", (r["voided"],))

    # training: one person in three sessions, a voided session, a stationing over two quarters
    ts = services.training
    staff = {
        k: ts.add_staff(name, "内科", "主治医师", "临床").id
        for k, name in (("a", "甲医生"), ("b", "乙护士"), ("c", "丙医生"))
    }

    def activity(day: date, kind: str = "讲座/业务培训", credits: float = 1.0) -> str:
        return ts.plan_activity(
            ActivityInput(
                activity_type=kind,
                day=day,
                start=time(14, 0),
                end=time(16, 0),
                hours=2.0,
                topic=f"{kind}{day}",
                lecturer="县医院专家",
                credit_class="II类" if credits else "无",
                credits=credits,
            )
        ).id

    for day in (date(2026, 10, 1), date(2026, 10, 15), date(2026, 11, 2)):
        aid = activity(day)
        marks = {staff["a"]: Attendance.PRESENT, staff["c"]: Attendance.ABSENT}
        if day.day == 15:
            marks[staff["b"]] = Attendance.LATE
        ts.record_attendance(aid, marks)
    rounds = activity(date(2026, 9, 30), "教学查房", 0)
    ts.record_attendance(rounds, {staff["a"]: Attendance.PRESENT, staff["b"]: Attendance.PRESENT})
    gone = activity(date(2026, 10, 20))
    ts.record_attendance(gone, {staff["b"]: Attendance.PRESENT})
    ts.void_activity(gone)
    ts.add_stationing(
        "县医院李主任",
        "来安县人民医院",
        date(2026, 8, 1),
        date(2026, 11, 30),  # 61 days in Q3, 61 in Q4
        {"outpatient_visits": 122, "operations": 7, "teaching_rounds": 4, "mentees": 9},
    )
    ts.add_secondment(staff["c"], "来安县人民医院", date(2026, 10, 10), date(2027, 4, 9))
    return Dataset(p, plans, r, staff)


@pytest.fixture
def data(services: AppServices, data_dir: Path) -> Dataset:
    return build(services, data_dir)


IN_Q4 = "date(referred_at, '+8 hours') >= '2026-10-01' AND date(referred_at, '+8 hours') < '2027'"
UP_IN = """
    SELECT count(*) FROM referrals
    WHERE direction=? AND deleted=0 AND status NOT IN ('draft','cancelled')
      AND date(referred_at, '+8 hours') >= ? AND date(referred_at, '+8 hours') < ?
"""


def test_referral_counts_follow_beijing_dates(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    stats = services.stats
    for period in (quarter(2026, 3), quarter(2026, 4), month(2026, 10), year(2026), year(2025)):
        f = stats.referral_figures(period)
        args = (period.start.isoformat(), period.end.isoformat())
        assert f.up == one(data_dir, UP_IN, "up", *args), period
        assert f.down == one(data_dir, UP_IN, "down", *args), period
        assert sum(m.a for m in f.by_month) == f.up
    q4 = stats.referral_figures(quarter(2026, 4))
    # 1 Oct 00:00 Beijing is Q4; 23:59:59 on 30 Sep is Q3; voided, draft, cancelled: none
    assert q4.up == 5 and q4.down == 1
    assert stats.referral_figures(quarter(2026, 3)).up == 1
    assert stats.referral_figures(year(2025)).up == 0  # 31 Dec 16:00 UTC is 2026 in Beijing
    assert stats.referral_figures(month(2026, 1)).up == 1
    assert dict(q4.by_department) == {"心血管内科": 2, "神经内科": 2, "骨科": 1}
    assert dict(q4.by_indication) == {
        UP_INDICATIONS[0]: 2,
        UP_INDICATIONS[1]: 2,
        UP_INDICATIONS[4]: 1,
    }
    months = {m.month: (m.a, m.b) for m in q4.by_month}
    assert months == {"2026-10": (4, 1), "2026-11": (1, 0), "2026-12": (0, 0)}


def test_feedback_rate_counts_answers_within_14_days(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    q4 = services.stats.referral_figures(quarter(2026, 4))
    # decided: q4_first (no answer, window over), answered (3 days), late (15 days), refused
    # (1 day); waiting (5 days ago, no answer) is left out of the denominator
    in_time = one(
        data_dir,
        """SELECT count(*) FROM referrals WHERE direction='up' AND deleted=0
           AND status NOT IN ('draft','cancelled')
           AND """
        + IN_Q4
        + """ AND ((received_at IS NOT NULL
                   AND julianday(received_at) - julianday(referred_at) <= 14)
             OR (rejected_reason != ''
                 AND julianday(updated_at) - julianday(referred_at) <= 14))""",
    )
    assert (q4.feedback.numerator, q4.feedback.denominator) == (in_time, 4) == (2, 4)
    assert q4.feedback.text == "50.0%" and q4.feedback_waiting == 1
    assert q4.not_arrived == one(
        data_dir,
        "SELECT count(*) FROM referrals WHERE direction='up' AND deleted=0 AND status='received'"
        " AND " + IN_Q4,
    )
    empty = services.stats.referral_figures(month(2026, 6))
    assert empty.empty and empty.feedback.text == "—" and "没有上转单" in empty.feedback.reason
    nov = services.stats.referral_figures(month(2026, 11))
    assert nov.feedback.value is None and "14 天内" in nov.feedback.reason


# The 考核 figures, counted the county's way in plain SQL: every managed patient is in the
# denominator; the last reading of the year decides 达标; 失访 is never 达标; visits due pro
# rata from enrolment (4 × days managed ÷ days in the year, rounded, 1 to 4).
MANAGED = """
WITH plans AS (
  SELECT p.id, p.patient_id, p.status, p.start_date, pa.birth_date,
         CASE WHEN p.status='active' THEN NULL ELSE date(p.updated_at, '+8 hours') END AS ended
  FROM followup_plans p JOIN patients pa ON pa.id = p.patient_id
  WHERE p.kind = :kind AND p.deleted = 0 AND pa.deleted = 0 AND p.start_date < :end
), managed AS (
  SELECT * FROM plans WHERE ended IS NULL OR ended >= :start OR ended >= :end
), visits AS (
  SELECT m.patient_id, v.visit_date, v.method, v.sbp, v.dbp, v.fasting_glucose, m.birth_date,
         ROW_NUMBER() OVER (PARTITION BY m.patient_id ORDER BY v.visit_date DESC,
                            v.created_at DESC) AS rn
  FROM followup_visits v JOIN managed m ON m.id = v.plan_id
  WHERE v.deleted = 0 AND v.visit_date >= :start AND v.visit_date < :end
    AND (CASE WHEN :kind = 'htn' THEN v.sbp IS NOT NULL ELSE v.fasting_glucose IS NOT NULL END)
), f2f AS (
  SELECT m.patient_id, count(*) AS n FROM followup_visits v JOIN managed m ON m.id = v.plan_id
  WHERE v.deleted = 0 AND v.visit_date >= :start AND v.visit_date < :end AND v.method IN ('1','2')
  GROUP BY m.patient_id
), people AS (
  SELECT patient_id,
         max(start_date) AS start_date,
         max(CASE WHEN ended IS NULL OR ended >= :end THEN 1 ELSE 0 END) AS open,
         max(ended) AS ended,
         max(CASE WHEN status='lost' AND ended < :end THEN 1 ELSE 0 END) AS lost,
         min(birth_date) AS birth_date
  FROM managed GROUP BY patient_id
), due AS (
  SELECT patient_id, lost,
    julianday(CASE WHEN open = 1 THEN :end ELSE min(date(ended, '+1 day'), :end) END)
      - julianday(max(start_date, :start)) AS days
  FROM people
)
SELECT
  (SELECT count(*) FROM people),
  (SELECT count(*) FROM due d LEFT JOIN f2f ON f2f.patient_id = d.patient_id
     WHERE coalesce(f2f.n, 0) >= max(1, min(4, CAST((8 * d.days + :ydays) / (2 * :ydays) AS INT)))),
  (SELECT count(*) FROM visits v JOIN people pe ON pe.patient_id = v.patient_id
     WHERE v.rn = 1 AND pe.lost = 0 AND
       CASE WHEN :kind = 'htn' THEN
         v.dbp < 90 AND v.sbp < CASE WHEN
           (CAST(strftime('%Y', v.visit_date) AS INT) - CAST(strftime('%Y', v.birth_date) AS INT)
            - (strftime('%m-%d', v.visit_date) < strftime('%m-%d', v.birth_date))) >= 65
           THEN 150 ELSE 140 END
       ELSE v.fasting_glucose < 7.0 END)
"""


def sql_kaohe(data_dir: Path, kind: str, y: int, end: date | None = None) -> tuple[int, int, int]:
    start = date(y, 1, 1)
    end = end or date(y + 1, 1, 1)
    ydays = (date(y + 1, 1, 1) - start).days
    with sqlite3.connect(db_path(data_dir)) as c:
        row = c.execute(
            MANAGED,
            {"kind": kind, "start": start.isoformat(), "end": end.isoformat(), "ydays": ydays},
        ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def test_kaohe_rates_are_the_counties_definition(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    f = services.stats.followup_figures(year(2026))
    htn, dm = f.htn, f.dm
    managed, standard, controlled = sql_kaohe(data_dir, "htn", 2026)
    assert (htn.managed, htn.standard.numerator, htn.control.numerator) == (
        managed,
        standard,
        controlled,
    )
    # old (4 visits, 145/85 at 70: on target), mid (3 face-to-face + phone, 145/85 at 50),
    # lost (4 visits on target, but 失访), none (no visit), nov (due 1, had 1), jul (due 2,
    # had 2); the voided resident is not counted
    assert (htn.managed, htn.standard.numerator, htn.control.numerator) == (6, 4, 3)
    assert htn.standard.text == "66.7%" and htn.control.fraction == "3/6"
    assert htn.lost == 1 and htn.not_visited == 1
    assert (dm.managed, dm.standard.numerator, dm.control.numerator) == sql_kaohe(
        data_dir, "dm", 2026
    )
    # FPG 6.5 with BP 150/95 is on target (glucose only); FPG 7.0 is not
    assert (dm.managed, dm.control.numerator) == (2, 1)
    # the year up to the end of June: visits due pro rata to the days of the window
    q2 = services.stats.followup_figures(quarter(2026, 2))
    assert (q2.htn.managed, q2.htn.standard.numerator, q2.htn.control.numerator) == sql_kaohe(
        data_dir, "htn", 2026, date(2026, 7, 1)
    )


def test_compliance_does_not_flag_the_november_patient(
    services: AppServices, data: Dataset
) -> None:
    short = services.stats.compliance(year(2026))
    names = {x.name: (x.face_to_face, x.required) for x in short}
    assert names == {"李中年": (3, 4), "周未访": (0, 4)}
    by_name = {x.name: x for x in services.stats.standings(year(2026))}
    assert (by_name["赵新入"].required, by_name["钱七月"].required) == (1, 2)


def test_followup_visit_counts(services: AppServices, data_dir: Path, data: Dataset) -> None:
    for period in (month(2026, 1), quarter(2026, 4), year(2025), year(2026)):
        f = services.stats.followup_figures(period)
        args = (period.start.isoformat(), period.end.isoformat())
        assert f.visits_done == one(
            data_dir,
            """SELECT count(*) FROM followup_visits v JOIN followup_plans p ON p.id = v.plan_id
               JOIN patients pa ON pa.id = v.patient_id
               WHERE v.deleted=0 AND p.deleted=0 AND pa.deleted=0
               AND v.visit_date >= ? AND v.visit_date < ?""",
            *args,
        ), period
        assert f.visits_due == one(
            data_dir,
            """SELECT (SELECT count(*) FROM followup_visits v
                       JOIN followup_plans p ON p.id=v.plan_id
                       JOIN patients pa ON pa.id = v.patient_id
                       WHERE v.deleted=0 AND p.deleted=0 AND pa.deleted=0
                       AND v.next_date >= ?1 AND v.next_date < ?2)
                    + (SELECT count(*) FROM followup_plans p
                       JOIN patients pa ON pa.id=p.patient_id
                       WHERE p.deleted=0 AND pa.deleted=0
                       AND p.start_date >= ?1 AND p.start_date < ?2)""",
            *args,
        ), period
    assert services.stats.followup_figures(year(2025)).visits_done == 1  # 31 Dec 2025
    nov = services.stats.followup_figures(month(2026, 11))
    assert nov.lost == 1 and nov.face_to_face == 2 and nov.visits_done == 3
    assert nov.overdue_now == services.followups.worklist_count("overdue")


def test_training_people_and_person_times_are_kept_apart(
    services: AppServices, data_dir: Path, data: Dataset
) -> None:
    q4 = services.stats.training_figures(quarter(2026, 4))
    attended = """
        SELECT {what} FROM training_attendance t JOIN training_activities a ON a.id = t.activity_id
        WHERE t.deleted=0 AND a.deleted=0 AND t.status IN ('present','late')
          AND a.activity_type IN ('讲座/业务培训','技能操作培训','远程培训')
          AND a.day >= '2026-10-01' AND a.day < '2027-01-01'"""
    assert q4.training_times == one(data_dir, attended.format(what="count(*)")) == 4
    assert q4.training_people == one(data_dir, attended.format(what="count(DISTINCT staff_id)"))
    assert q4.training_people == 2  # 甲 three times (1 人, 3 人次), 乙 once
    assert (
        q4.courses
        == one(
            data_dir,
            """SELECT count(*) FROM training_activities WHERE deleted=0
           AND activity_type IN ('讲座/业务培训','技能操作培训','远程培训')
           AND day >= '2026-10-01' AND day < '2027-01-01'""",
        )
        == 3
    )
    assert q4.attendee_hours == 8.0 and q4.credits_ii == 4.0
    assert q4.secondments == 1
    q3 = services.stats.training_figures(quarter(2026, 3))
    # the stationing (1 Aug – 30 Nov: 61 days in Q3, 61 in Q4) is split by days
    assert (q3.outpatient, q4.outpatient) == (61, 61)
    assert q3.operations + q4.operations == 7 and (q3.operations, q4.operations) == (4, 3)
    assert (q3.rounds, q4.rounds) == (1 + 2, 2)  # the 教学查房 of 30 Sep + 2 of the 4 rounds
    assert q3.teaching_times == 2  # attendance only: the stationing's 带教人数 are people
    assert services.stats.training_figures(year(2026)).outpatient == 122
    assert services.stats.training_figures(quarter(2026, 1)).empty


def test_drill_lists_hold_exactly_the_counted_records(services: AppServices, data: Dataset) -> None:
    s, q4 = services.stats, quarter(2026, 4)
    f = s.referral_figures(q4)
    assert len(s.drill("referrals.up", q4).rows) == f.up
    oct_up = s.drill("referrals.up", q4, "2026-10")
    assert len(oct_up.rows) == 4 and set(oct_up.ids) == {
        data.referrals[k] for k in ("q4_first", "answered", "late", "refused")
    }
    assert set(s.drill("referrals.department", q4, "神经内科").ids) == {
        data.referrals["q4_first"],
        data.referrals["answered"],
    }
    late = s.drill("referrals.no_feedback", q4)
    assert set(late.ids) == {data.referrals["q4_first"], data.referrals["late"]}
    not_std = s.drill("followups.not_standard", year(2026), "htn")
    assert {r[0] for r in not_std.rows} == {"李中年", "周未访"}
    assert len(s.drill("training.courses", q4).rows) == 3
    assert len(s.drill("followups.overdue", q4).rows) == services.followups.worklist_count(
        "overdue"
    )


def test_an_empty_period_says_no_data(services: AppServices, data: Dataset) -> None:
    f = services.stats.figures(year(2019))
    assert f.empty
    assert f.followups is not None and f.followups.htn.standard.text == "—"
    assert "没有管理中" in f.followups.htn.standard.reason


def test_each_area_needs_its_permission(services: AppServices, data: Dataset) -> None:
    from tests.conftest import login_as

    login_as(services, "nurse")
    f = services.stats.figures(quarter(2026, 4))
    assert f.period == quarter(2026, 4) and f.earlier is not None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2026-10", "2026-10"),
        ("2026-1", "2026-01"),
        ("2026Q4", "2026Q4"),
        ("2026q1", "2026Q1"),
        (" 2026 ", "2026"),
    ],
)
def test_periods_parse(text: str, code: str) -> None:
    assert parse_period(text).code == code


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026Q5", "26Q1", "2026/10", "", "1999"])
def test_bad_periods_are_refused_in_chinese(text: str) -> None:
    with pytest.raises(BadPeriod, match="统计期格式应为"):
        parse_period(text)


def test_rules_at_their_boundaries() -> None:
    assert bp_on_target(139, 89, 64) and not bp_on_target(140, 80, 64)
    assert bp_on_target(149, 89, 65) and not bp_on_target(150, 80, 65)
    assert not bp_on_target(120, 90, 70)
    assert fpg_on_target(6.99) and not fpg_on_target(7.0)
    assert required_visits(365, 365) == 4 and required_visits(47, 365) == 1
    assert required_visits(184, 365) == 2 and required_visits(1, 365) == 1
    assert required_visits(0, 365) == 0
    parts = [
        split_by_days(7, date(2026, 8, 1), date(2026, 11, 30), q.start, q.end)
        for q in (quarter(2026, n) for n in (1, 2, 3, 4))
    ]
    assert sum(parts) == 7


def test_kaohe_on_the_demo_clinic_equals_plain_sql(tmp_path: Path) -> None:
    from app.db.migrate import open_database
    from app.demo import seed_demo
    from app.services.context import ServiceContext
    from tests.conftest import fast_hasher

    open_database(tmp_path)
    demo = AppServices.create(
        ServiceContext.open(tmp_path, password_hasher=fast_hasher()), tmp_path
    )
    seed_demo(demo)  # the demo clinic as setup --demo builds it
    demo.users.login("doctor", "doctor123")
    this_year = clinic_clock.today().year
    try:
        for y in (this_year, this_year - 1):
            f = demo.stats.followup_figures(year(y))
            for kind, d in (("htn", f.htn), ("dm", f.dm)):
                counted = (d.managed, d.standard.numerator, d.control.numerator)
                assert counted == sql_kaohe(tmp_path, kind, y), (y, kind)
                assert d.managed > 0
        # the demo has someone lost to follow-up: in the denominator, never 达标
        f = demo.stats.followup_figures(year(this_year))
        assert f.htn.lost + f.dm.lost >= 1
    finally:
        demo.ctx.dispose()


def test_the_control_rate_follows_the_provinces_targets(tmp_path: Path) -> None:
    """控制率 counts a reading as 达标 by the targets in 设置, the same ones a visit is
    classified against: a province that sets looser targets sees more patients 达标."""
    from app.db.migrate import open_database
    from app.demo import seed_demo
    from app.domain.followup_criteria import ControlTargets
    from app.services.context import ServiceContext
    from tests.conftest import fast_hasher

    open_database(tmp_path)
    demo = AppServices.create(
        ServiceContext.open(tmp_path, password_hasher=fast_hasher()), tmp_path
    )
    seed_demo(demo)
    demo.users.login("admin", "admin123")
    this = year(clinic_clock.today().year)
    try:
        before = demo.stats.followup_figures(this)
        demo.followups.set_targets(
            ControlTargets(htn_sbp=160, htn_dbp=100, elderly_sbp=170, elderly_dbp=100, dm_fpg=10.0)
        )
        after = demo.stats.followup_figures(this)
        assert after.htn.managed == before.htn.managed
        assert after.htn.control.numerator > before.htn.control.numerator
        assert after.dm.control.numerator > before.dm.control.numerator
        # still never more than those with a reading who are not lost
        assert after.htn.control.numerator <= after.htn.managed - after.htn.lost
    finally:
        demo.ctx.dispose()
