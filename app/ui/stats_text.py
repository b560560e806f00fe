"""The 统计 figures' labels, units, reasons and definitions in the UI language.

The figures come from app/services/stats.py with their Chinese labels and definitions (the
county's wording, printed on the report). The screen shows them through Qt's translation:
English source strings here, and the zh_CN glossary (resources/translations/zh_CN/stats.tsv)
gives back exactly the service's Chinese text (tests/ui/test_statistics_page.py checks that
they agree). Anything not listed is shown as the service wrote it.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QCoreApplication

from app.domain.stats import NO_DATA, FigureRow, Rate


@cache
def _labels() -> dict[str, str]:
    return {
        "上转人次": QCoreApplication.translate("StatsFigures", "Upward referrals"),
        "下转人次": QCoreApplication.translate("StatsFigures", "Downward referrals"),
        "上转反馈率": QCoreApplication.translate("StatsFigures", "Upward feedback rate"),
        "等待答复（14 天内）": QCoreApplication.translate(
            "StatsFigures", "Awaiting an answer (within 14 days)"
        ),
        "已接收未到诊": QCoreApplication.translate("StatsFigures", "Received, not arrived"),
        "已随访": QCoreApplication.translate("StatsFigures", "Visits done"),
        "其中面对面随访": QCoreApplication.translate("StatsFigures", "of which face to face"),
        "应随访": QCoreApplication.translate("StatsFigures", "Visits due"),
        "当前逾期": QCoreApplication.translate("StatsFigures", "Overdue now"),
        "失访": QCoreApplication.translate("StatsFigures", "Lost to follow-up"),
        "高血压年内已管理": QCoreApplication.translate(
            "StatsFigures", "Hypertension: managed in the year"
        ),
        "高血压规范管理率": QCoreApplication.translate(
            "StatsFigures", "Hypertension: standard management rate"
        ),
        "高血压血压控制率": QCoreApplication.translate(
            "StatsFigures", "Hypertension: BP control rate"
        ),
        "2型糖尿病年内已管理": QCoreApplication.translate(
            "StatsFigures", "Diabetes: managed in the year"
        ),
        "2型糖尿病规范管理率": QCoreApplication.translate(
            "StatsFigures", "Diabetes: standard management rate"
        ),
        "2型糖尿病血糖控制率": QCoreApplication.translate(
            "StatsFigures", "Diabetes: glucose control rate"
        ),
        "培训班期数": QCoreApplication.translate("StatsFigures", "Training courses"),
        "培训人次": QCoreApplication.translate("StatsFigures", "Course attendances"),
        "培训人数": QCoreApplication.translate("StatsFigures", "People trained"),
        "活动学时": QCoreApplication.translate("StatsFigures", "Activity hours"),
        "参训学时": QCoreApplication.translate("StatsFigures", "Attendee hours"),
        "授予I类学分": QCoreApplication.translate("StatsFigures", "Class I credits awarded"),
        "授予II类学分": QCoreApplication.translate("StatsFigures", "Class II credits awarded"),
        "帮扶带教人次": QCoreApplication.translate("StatsFigures", "Teaching attendances"),
        "指导查房次数": QCoreApplication.translate("StatsFigures", "Teaching ward rounds"),
        "接收进修人次": QCoreApplication.translate(
            "StatsFigures", "Staff sent for further training"
        ),
        "驻点医生门诊诊疗人次": QCoreApplication.translate(
            "StatsFigures", "Stationed doctors: outpatient visits"
        ),
        "驻点医生手术台次": QCoreApplication.translate(
            "StatsFigures", "Stationed doctors: operations"
        ),
    }


@cache
def _units() -> dict[str, str]:
    return {
        "人次": QCoreApplication.translate("StatsFigures", "person-times"),
        "人": QCoreApplication.translate("StatsFigures", "people"),
        "次": QCoreApplication.translate("StatsFigures", "times"),
        "期": QCoreApplication.translate("StatsFigures", "courses"),
        "小时": QCoreApplication.translate("StatsFigures", "hours"),
        "分": QCoreApplication.translate("StatsFigures", "credits"),
        "台次": QCoreApplication.translate("StatsFigures", "operations"),
        "%": "%",
    }


@cache
def _reasons() -> dict[str, str]:
    return {
        "期内没有上转单": QCoreApplication.translate(
            "StatsFigures", "no upward referrals in the period"
        ),
        "期内上转单均在 14 天内且尚未答复": QCoreApplication.translate(
            "StatsFigures", "every upward referral is still within its 14 days, unanswered"
        ),
        "本年截至期末没有管理中的高血压患者": QCoreApplication.translate(
            "StatsFigures", "no hypertension patients under management this year"
        ),
        "本年截至期末没有管理中的2型糖尿病患者": QCoreApplication.translate(
            "StatsFigures", "no diabetes patients under management this year"
        ),
        NO_DATA: QCoreApplication.translate("StatsFigures", "no data"),
    }


@cache
def definitions() -> dict[str, str]:
    """Every figure's definition, keyed as app.domain.stats.DEFINITIONS."""
    return {
        "up": QCoreApplication.translate(
            "StatsDefinitions",
            "Upward referrals: upward slips submitted in the period (by the time sent, Beijing "
            "time; drafts, cancelled and voided slips excluded).",
        ),
        "down": QCoreApplication.translate(
            "StatsDefinitions",
            "Downward referrals: downward slips of the period (cancelled and voided excluded).",
        ),
        "by_department": QCoreApplication.translate(
            "StatsDefinitions",
            "By department: upward slips of the period by the county hospital department "
            "receiving them.",
        ),
        "by_indication": QCoreApplication.translate(
            "StatsDefinitions",
            "By indication: upward slips of the period by the indication ticked; a slip with "
            "several indications counts once for each.",
        ),
        "feedback": QCoreApplication.translate(
            "StatsDefinitions",
            "Upward feedback rate = upward slips answered by the county hospital (received, "
            "refused or arrived) or with a receipt recorded by the clinic within 14 days of "
            "sending ÷ upward slips of the period; slips still within their 14 days and "
            "unanswered are left out of the denominator and shown as awaiting.",
        ),
        "not_arrived": QCoreApplication.translate(
            "StatsDefinitions",
            "Received, not arrived: upward slips of the period the county hospital received "
            "and whose patient has not been recorded as arrived.",
        ),
        "visits_done": QCoreApplication.translate(
            "StatsDefinitions",
            "Visits done: follow-up visits recorded in the period (all kinds of plan; face-to-"
            "face visits shown separately).",
        ),
        "visits_due": QCoreApplication.translate(
            "StatsDefinitions",
            "Visits due: next-visit dates (as set at each visit) falling in the period, plus "
            "the first visit of plans started in the period.",
        ),
        "overdue": QCoreApplication.translate(
            "StatsDefinitions",
            "Overdue now: active plans whose next visit date has passed, today (the same as "
            "the worklist's Overdue tab).",
        ),
        "lost": QCoreApplication.translate(
            "StatsDefinitions",
            "Lost to follow-up: patients whose follow-up plan was marked lost in the period.",
        ),
        "managed": QCoreApplication.translate(
            "StatsDefinitions",
            "Managed in the year: patients under management in the year up to the end of the "
            "period (including those enrolled, closed, deceased or lost during the year).",
        ),
        "standard": QCoreApplication.translate(
            "StatsDefinitions",
            "Standard management rate = patients managed to the standard ÷ patients managed "
            "in the year × 100%. To the standard: at least the face-to-face visits (clinic "
            "or home; phone calls do not count) due in the year. Visits due = 4 × days under "
            "management in the year ÷ days in the year, rounded, at least 1 and at most 4; "
            "counted from enrolment for patients enrolled during the year, and up to the day "
            "a plan was closed, or the patient died or was lost (e.g. a patient enrolled in "
            "mid-November is due 1 visit that year, one enrolled on 1 July 2). Monthly and "
            "quarterly figures are for the year up to the end of the period.",
        ),
        "control_htn": QCoreApplication.translate(
            "StatsDefinitions",
            "BP control rate = patients whose last BP reading of the year was on target ÷ "
            "hypertension patients managed in the year × 100%. The denominator is every "
            "managed patient (also those not visited); lost patients count as not on target. "
            "On target: below 140/90 mmHg, aged 65 or over below 150/90 mmHg.",
        ),
        "control_dm": QCoreApplication.translate(
            "StatsDefinitions",
            "Glucose control rate = patients whose last fasting glucose of the year was on "
            "target ÷ type 2 diabetes patients managed in the year × 100%. The denominator is "
            "every managed patient (also those not visited); lost patients count as not on "
            "target. On target: fasting glucose below 7.0 mmol/L.",
        ),
        "courses": QCoreApplication.translate(
            "StatsDefinitions",
            "Training courses: courses (lectures / professional training, skills training, "
            "remote training) held in the period.",
        ),
        "training_times": QCoreApplication.translate(
            "StatsDefinitions",
            "Course attendances: attendances (present or late) at courses in the period; a "
            "person at several courses counts once for each.",
        ),
        "training_people": QCoreApplication.translate(
            "StatsDefinitions",
            "People trained: different people who attended a course in the period (a person "
            "at several courses counts once).",
        ),
        "hours": QCoreApplication.translate(
            "StatsDefinitions",
            "Hours: the hours of every training activity in the period; attendee hours add "
            "each attendee's hours.",
        ),
        "credits": QCoreApplication.translate(
            "StatsDefinitions",
            "Credits: credits earned by attendees in the period (class I and class II apart; "
            "one does not replace the other).",
        ),
        "teaching_times": QCoreApplication.translate(
            "StatsDefinitions",
            "Teaching attendances: attendances at teaching ward rounds, surgery "
            "demonstrations, clinic teaching, case discussions and consultations in the "
            "period (the mentees a stationed doctor records are people, not added).",
        ),
        "rounds": QCoreApplication.translate(
            "StatsDefinitions",
            "Teaching ward rounds: teaching ward round activities in the period, plus those "
            "recorded by stationed doctors (shared out by days).",
        ),
        "secondments": QCoreApplication.translate(
            "StatsDefinitions",
            "Staff sent for further training: further-training records starting in the period.",
        ),
        "outpatient": QCoreApplication.translate(
            "StatsDefinitions",
            "Stationed doctors' outpatient visits: as recorded on counterpart-support records; "
            "a stationing spanning several periods is shared out by the days in each.",
        ),
        "operations": QCoreApplication.translate(
            "StatsDefinitions",
            "Stationed doctors' operations: as recorded on counterpart-support records, shared "
            "out by days across periods.",
        ),
        "short": QCoreApplication.translate(
            "StatsDefinitions",
            "Short of credits: staff on duty whose credits this year do not yet meet the "
            "continuing-education requirement (by the training area's rules).",
        ),
    }


def label(row: FigureRow) -> str:
    return _labels().get(row.label, row.label)


def unit(row: FigureRow) -> str:
    return _units().get(row.unit, row.unit)


def definition(key: str) -> str:
    return definitions().get(key, "")


def reason(text: str) -> str:
    return _reasons().get(text, text)


def value_text(row: FigureRow, value: int | float | Rate | None) -> str:
    """A figure as the page shows it: a rate with its fraction, or — with the reason."""
    if value is None:
        return reason(NO_DATA)
    if isinstance(value, Rate):
        if value.value is None:
            return f"— ({reason(value.reason)})" if value.reason else "—"
        return f"{value.text} ({value.fraction})"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
