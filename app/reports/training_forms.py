"""Training paperwork: the sign-in sheet (签到表) printed before an activity, and the annual
counterpart-support summary (PDF and .xlsx)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.reports.fonts import MAIN, markup, register_fonts


@dataclass(frozen=True)
class SheetActivity:
    clinic: str
    activity_type: str
    topic: str
    day: date
    start: time
    end: time
    hours: float
    place: str
    lecturer: str
    lecturer_unit: str
    lecturer_title: str
    organiser: str
    credit_class: str
    credits: float


@dataclass(frozen=True)
class SheetPerson:
    name: str
    department: str
    title: str


@dataclass(frozen=True)
class SummaryReport:
    clinic: str
    period: str  # e.g. "2026年" or "2026年第3季度"
    figures: list[tuple[str, int]]
    by_type: list[tuple[str, int, int, float]]  # type, sessions, attendances, hours
    people: list[tuple[str, float, float, float, str]]  # name, hours, I类, II类, shortfall text
    requirement: str = ""
    notes: list[str] = field(default_factory=list)


def _styles(size: float = 10.5) -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("b", fontName=MAIN, fontSize=size, leading=size * 1.45, wordWrap="CJK")
    title = ParagraphStyle(
        "t", parent=body, fontSize=size * 1.7, leading=size * 2.3, alignment=TA_CENTER
    )
    cell = ParagraphStyle("c", parent=body, fontSize=size * 0.95, leading=size * 1.3)
    return body, title, cell


def _grid(data: list[list[Any]], widths: list[float], header_rows: int = 1) -> Table:
    table = Table(data, colWidths=widths, repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), MAIN, 10),
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"),
            ]
        )
    )
    return table


def signin_sheet_pdf(
    activity: SheetActivity, people: list[SheetPerson], blank_rows: int = 5
) -> bytes:
    """签到表: activity details on top, one row per person with empty 签到时间 and 签名."""
    body, title, cell = _styles()
    a = activity
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"签到表 {a.topic}",
        creator="ClinicLink",
        initialFontName=MAIN,
    )
    width = A4[0] - 30 * mm
    credit = f"{a.credit_class} {a.credits:g} 学分" if a.credit_class != "无" else "无"
    info = [
        [
            Paragraph(f"主题/内容：{markup(a.topic)}", body),
            Paragraph(f"活动类型：{a.activity_type}", body),
        ],
        [
            Paragraph(
                f"日期：{a.day:%Y年%m月%d日}　{a.start:%H:%M}–{a.end:%H:%M}（{a.hours:g} 学时）",
                body,
            ),
            Paragraph(f"地点：{markup(a.place)}", body),
        ],
        [
            Paragraph(
                f"主讲人/带教老师：{markup(a.lecturer)}　{markup(a.lecturer_title)}"
                f"　{markup(a.lecturer_unit)}",
                body,
            ),
            Paragraph(f"主办单位：{markup(a.organiser)}　学分：{credit}", body),
        ],
    ]
    info_table = Table(info, colWidths=[width * 0.6, width * 0.4])
    info_table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    rows: list[list[object]] = [["序号", "姓名", "科室", "职称/岗位", "签到时间", "签名"]]
    for i, p in enumerate(people, 1):
        rows.append(
            [
                str(i),
                Paragraph(markup(p.name), cell),
                Paragraph(markup(p.department), cell),
                Paragraph(markup(p.title), cell),
                "",
                "",
            ]
        )
    for i in range(blank_rows):
        rows.append([str(len(people) + i + 1), "", "", "", "", ""])
    table = _grid(rows, [w * width for w in (0.07, 0.16, 0.18, 0.19, 0.15, 0.25)])
    table.setStyle(
        TableStyle(
            [
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None]),
                ("TOPPADDING", (0, 1), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
                ("ALIGN", (0, 1), (0, -1), "CENTER"),
            ]
        )
    )
    story = [
        Paragraph(f"{markup(a.clinic)}", ParagraphStyle("c2", parent=body, alignment=TA_CENTER)),
        Paragraph("培训活动签到表", title),
        info_table,
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 5 * mm),
        Paragraph(
            "应到 ____ 人　实到 ____ 人　迟到 ____ 人　请假 ____ 人　缺席 ____ 人"
            "　　记录人：________",
            body,
        ),
    ]
    doc.build(story)
    return buf.getvalue()


def summary_pdf(report: SummaryReport) -> bytes:
    body, title, cell = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"对口支援与培训工作统计 {report.period}",
        creator="ClinicLink",
        initialFontName=MAIN,
    )
    width = A4[0] - 36 * mm
    story: list[object] = [
        Paragraph(f"{markup(report.clinic)}{report.period}对口支援与培训工作统计", title),
        Spacer(1, 3 * mm),
        Paragraph("一、医共体帮扶统计", body),
        _grid(
            [["项目", "数量"], *[[label, str(n)] for label, n in report.figures]],
            [width * 0.7, width * 0.3],
        ),
        Spacer(1, 5 * mm),
        Paragraph("二、按活动类型", body),
        _grid(
            [
                ["活动类型", "次数", "参加人次", "学时"],
                *[[t, str(n), str(p), f"{h:g}"] for t, n, p, h in report.by_type],
            ],
            [width * 0.4, width * 0.2, width * 0.2, width * 0.2],
        ),
        Spacer(1, 5 * mm),
        Paragraph(f"三、个人学时与学分（{report.requirement}）", body),
        _grid(
            [
                ["姓名", "学时", "I类学分", "II类学分", "尚缺"],
                *[
                    [Paragraph(markup(n), cell), f"{h:g}", f"{c1:g}", f"{c2:g}", Paragraph(s, cell)]
                    for n, h, c1, c2, s in report.people
                ],
            ],
            [width * 0.22, width * 0.14, width * 0.16, width * 0.16, width * 0.32],
        ),
    ]
    for note in report.notes:
        story.append(Paragraph(note, body))
    doc.build(story)
    return buf.getvalue()


def summary_xlsx(report: SummaryReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "帮扶统计"
    ws.append([f"{report.clinic}{report.period}对口支援与培训工作统计"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["项目", "数量"])
    for label, n in report.figures:
        ws.append([label, n])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 12
    types = wb.create_sheet("按活动类型")
    types.append(["活动类型", "次数", "参加人次", "学时"])
    for type_row in report.by_type:
        types.append(list(type_row))
    types.column_dimensions["A"].width = 22
    people = wb.create_sheet("个人学分")
    people.append(["姓名", "学时", "I类学分", "II类学分", "尚缺"])
    for person in report.people:
        people.append(list(person))
    people.column_dimensions["E"].width = 30
    for sheet in (ws, types, people):
        for cell in sheet[2 if sheet is ws else 1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
