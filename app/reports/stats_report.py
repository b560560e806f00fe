"""The monthly / quarterly / annual report a clinic hands to the consortium (月报、季报、年报),
as PDF (charts as vector drawings, tables, each figure's definition under it) and as .xlsx
(one sheet per table, numbers as numbers, units in the headers, frozen header row).

Takes the plain figures of app/domain/stats.py; counts nothing itself.
"""

from __future__ import annotations

import io
import math
from datetime import timedelta

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.domain import clinic_clock
from app.domain.axis import round_step
from app.domain.stats import (
    DEFINITIONS,
    NO_DATA,
    STANDARD_RULE,
    ClinicFigures,
    FigureRow,
    MonthRow,
    Rate,
    followup_rows,
    local_time_text,
    referral_rows,
    training_rows,
)
from app.reports.fonts import MAIN, markup, register_fonts

BLUE, ORANGE, GREY = colors.HexColor("#2e6da4"), colors.HexColor("#e08a2c"), colors.grey


def title_of(f: ClinicFigures) -> str:
    return f"{f.clinic}{f.period.label}医共体工作统计{f.period.report_name}"


def period_text(f: ClinicFigures) -> str:
    """The period's first and last day, and whose clock cuts it (北京时间 unless the clinic set
    another zone), as the PDF and the xlsx print it."""
    return f"{f.period.start:%Y-%m-%d} 至 {_last_day(f)}（{clinic_clock.zone_label(f.timezone)}）"


def _last_day(f: ClinicFigures) -> str:
    return f"{f.period.end - timedelta(days=1):%Y-%m-%d}"


# -- PDF ---------------------------------------------------------------------------------------
def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("b", fontName=MAIN, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "body": body,
        "title": ParagraphStyle(
            "t", parent=body, fontSize=16, leading=22, alignment=TA_CENTER, spaceAfter=4
        ),
        "sub": ParagraphStyle("s", parent=body, alignment=TA_CENTER, textColor=GREY),
        "h": ParagraphStyle("h", parent=body, fontSize=12.5, leading=18, spaceBefore=8),
        "cell": ParagraphStyle("c", parent=body, fontSize=9.5, leading=12.5),
        "def": ParagraphStyle(
            "d", parent=body, fontSize=8, leading=10.5, textColor=colors.HexColor("#555555")
        ),
    }


def _figure_table(rows: list[FigureRow], st: dict[str, ParagraphStyle], width: float) -> Table:
    """Figure | this period | a year earlier, with the definition in a row under each."""
    data: list[list[object]] = [["指标", "本期", "上年同期"]]
    style = [
        ("FONT", (0, 0), (-1, -1), MAIN, 9.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
    ]
    shown_defs: set[str] = set()
    for r in rows:
        data.append(
            [
                Paragraph(f"{r.label}（{r.unit}）", st["cell"]),
                Paragraph(markup(r.text()), st["cell"]),
                Paragraph(markup(r.earlier_text), st["cell"]),
            ]
        )
        i = len(data) - 1
        style.append(("LINEABOVE", (0, i), (-1, i), 0.3, colors.HexColor("#999999")))
        if r.definition and r.key not in shown_defs:
            shown_defs.add(r.key)
            data.append([Paragraph(markup(r.definition), st["def"]), "", ""])
            j = len(data) - 1
            style += [("SPAN", (0, j), (-1, j)), ("TOPPADDING", (0, j), (-1, j), 0)]
    t = Table(data, colWidths=[width * 0.36, width * 0.34, width * 0.30], repeatRows=1)
    t.setStyle(TableStyle(style))
    return t


def _list_table(
    headers: list[str], rows: list[list[object]], widths: list[float], st: dict[str, ParagraphStyle]
) -> Table:
    data: list[list[object]] = [list(headers)]
    for row in rows:
        data.append([Paragraph(markup(str(v)), st["cell"]) for v in row])
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), MAIN, 9.5),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return t


def _count_label(v: float) -> str:
    return f"{v:.0f}" if v else ""  # no "0" over every empty month


def _integer_axis(chart: VerticalBarChart, top: float) -> None:
    step = round_step(top / 5)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * (math.ceil(top / step) + (1 if top else 5))


def month_chart(
    rows: list[MonthRow],
    earlier: list[MonthRow] | None,
    names: tuple[str, str],
    width: float,
    height: float = 58 * mm,
    title: str = "",
) -> Drawing:
    """Grouped bars per month (a, b), and the same months a year earlier in light colours."""
    d = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 28
    chart.width, chart.height = width - 130, height - 48
    series = [[r.a for r in rows], [r.b for r in rows]]
    fills = [BLUE, ORANGE]
    labels = list(names)
    if earlier is not None and len(earlier) == len(rows):
        series += [[r.a for r in earlier], [r.b for r in earlier]]
        fills += [colors.HexColor("#a9c4e0"), colors.HexColor("#f3cfa6")]
        labels += [f"{names[0]}（上年同期）", f"{names[1]}（上年同期）"]
    chart.data = series
    for i, fill in enumerate(fills):
        chart.bars[i].fillColor = fill
        chart.bars[i].strokeColor = None
    chart.categoryAxis.categoryNames = [r.month[5:] + "月" for r in rows]
    chart.categoryAxis.labels.fontName = MAIN
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = MAIN
    chart.valueAxis.labels.fontSize = 7
    _integer_axis(chart, max([max(s) for s in series if s] + [0]))
    chart.barLabelFormat = _count_label
    chart.barLabels.fontName = MAIN
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 5
    chart.groupSpacing = 6
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 95, height - 22
    legend.fontName = MAIN
    legend.fontSize = 7
    legend.dxTextSpace = 4
    legend.deltay = 10
    legend.alignment = "right"
    legend.columnMaximum = 4
    legend.colorNamePairs = list(zip(fills, labels, strict=True))
    d.add(legend)
    if title:
        d.add(String(30, height - 12, title, fontName=MAIN, fontSize=9))
    return d


def _rate_chart(f: ClinicFigures, width: float, height: float = 50 * mm) -> Drawing:
    """规范管理率 and 控制率 per disease, this year and a year earlier (percent)."""
    x = f.followups
    assert x is not None
    e = f.earlier.followups if f.earlier else None

    def pct(r: Rate | None) -> float:
        return 0.0 if r is None or r.value is None else round(r.value * 100, 1)

    d = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 24
    chart.width, chart.height = width - 130, height - 40
    chart.data = [
        [pct(x.htn.standard), pct(x.htn.control), pct(x.dm.standard), pct(x.dm.control)],
        [
            pct(e.htn.standard if e else None),
            pct(e.htn.control if e else None),
            pct(e.dm.standard if e else None),
            pct(e.dm.control if e else None),
        ],
    ]
    chart.bars[0].fillColor = BLUE
    chart.bars[1].fillColor = colors.HexColor("#a9c4e0")
    for i in (0, 1):
        chart.bars[i].strokeColor = None
    chart.categoryAxis.categoryNames = [
        "高血压规范管理率",
        "血压控制率",
        "糖尿病规范管理率",
        "血糖控制率",
    ]
    for labels in (chart.categoryAxis.labels, chart.valueAxis.labels, chart.barLabels):
        labels.fontName = MAIN
        labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.barLabelFormat = "%.1f%%"
    chart.barLabels.nudge = 5
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 95, height - 18
    legend.fontName, legend.fontSize = MAIN, 7
    legend.alignment = "right"
    legend.colorNamePairs = [(BLUE, f"{f.period.year}年"), (chart.bars[1].fillColor, "上年")]
    d.add(legend)
    return d


def _bars(pairs: list[tuple[str, int]], width: float, title: str) -> Drawing:
    """Horizontal-looking ranking as vertical bars (departments, indications)."""
    height = 52 * mm
    d = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 34
    chart.width, chart.height = width - 40, height - 50
    top = pairs[:10]
    chart.data = [[n for _k, n in top]]
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = [k if len(k) <= 8 else k[:7] + "…" for k, _n in top]
    for labels in (chart.categoryAxis.labels, chart.valueAxis.labels, chart.barLabels):
        labels.fontName = MAIN
        labels.fontSize = 7
    chart.categoryAxis.labels.angle = 20
    chart.categoryAxis.labels.dy = -6
    _integer_axis(chart, max([n for _k, n in top] + [0]))
    chart.barLabelFormat = _count_label
    chart.barLabels.nudge = 5
    d.add(chart)
    d.add(String(30, height - 10, title, fontName=MAIN, fontSize=9))
    return d


def report_pdf(f: ClinicFigures) -> bytes:
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title_of(f),
        creator="ClinicLink",
        initialFontName=MAIN,
    )
    width = A4[0] - 32 * mm

    def on_page(canvas, doc_) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(MAIN, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(16 * mm, 8 * mm, f"{f.clinic}　{f.period.label}{f.period.report_name}")
        canvas.drawRightString(A4[0] - 16 * mm, 8 * mm, f"第 {doc_.page} 页")
        canvas.restoreState()

    earlier = f.earlier
    story: list[object] = [
        Paragraph(markup(title_of(f)), st["title"]),
        Paragraph(
            f"统计期：{period_text(f)}"
            f"　对比：上年同期 {f.period.year_earlier().label}"
            f"　生成时间：{local_time_text(f.computed_at, f.timezone)}",
            st["sub"],
        ),
    ]
    if f.empty:
        story.append(Paragraph(f"本期{NO_DATA}：统计期内没有转诊、随访和培训记录。", st["h"]))
    # 一、双向转诊
    r = f.referrals
    if r is not None:
        story.append(Paragraph("一、双向转诊", st["h"]))
        if r.empty:
            story.append(Paragraph(f"本期{NO_DATA}（没有上转或下转单）。", st["body"]))
        else:
            story.append(
                month_chart(
                    r.by_month,
                    earlier.referrals.by_month if earlier and earlier.referrals else None,
                    ("上转", "下转"),
                    width,
                    title="上转、下转人次（按月）",
                )
            )
        story.append(_figure_table(referral_rows(f), st, width))
        if r.by_department:
            story.append(Spacer(1, 3 * mm))
            story.append(
                KeepTogether(
                    [
                        _bars(r.by_department, width, "上转人次（按接收科室）"),
                        _list_table(
                            ["接收科室", "上转（人次）"],
                            [[k, n] for k, n in r.by_department],
                            [width * 0.7, width * 0.3],
                            st,
                        ),
                        Paragraph(markup(DEFINITIONS["by_department"]), st["def"]),
                    ]
                )
            )
        if r.by_indication:
            story.append(Spacer(1, 3 * mm))
            story.append(
                KeepTogether(
                    [
                        _list_table(
                            ["上转指征", "上转（人次）"],
                            [[k, n] for k, n in r.by_indication],
                            [width * 0.8, width * 0.2],
                            st,
                        ),
                        Paragraph(markup(DEFINITIONS["by_indication"]), st["def"]),
                    ]
                )
            )
    # 二、慢病随访与考核
    x = f.followups
    if x is not None:
        story.append(Paragraph("二、随访与慢病管理考核", st["h"]))
        if x.empty:
            story.append(Paragraph(f"本期{NO_DATA}（没有随访记录或在管慢病患者）。", st["body"]))
        else:
            story.append(
                month_chart(
                    x.by_month,
                    None,
                    ("已随访", "应随访"),
                    width,
                    title="已随访与应随访次数（按月）",
                )
            )
            story.append(_rate_chart(f, width))
        story.append(_figure_table(followup_rows(f), st, width))
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(markup(STANDARD_RULE), st["def"]))
    # 三、培训与对口支援
    t = f.training
    if t is not None:
        story.append(Paragraph("三、培训与对口支援", st["h"]))
        if t.empty:
            story.append(Paragraph(f"本期{NO_DATA}（没有培训、进修或对口支援记录）。", st["body"]))
        else:
            story.append(
                month_chart(
                    t.by_month,
                    earlier.training.by_month if earlier and earlier.training else None,
                    ("培训班期数", "培训人次"),
                    width,
                    title="培训班期数与培训人次（按月）",
                )
            )
        story.append(_figure_table(training_rows(f), st, width))
        story.append(Spacer(1, 3 * mm))
        heading = Paragraph(f"{f.period.year}年学分未达标人员", st["body"])
        if t.short:
            story.append(
                KeepTogether(
                    [
                        heading,
                        _list_table(
                            ["姓名", "学时（小时）", "I类学分", "II类学分", "尚缺"],
                            [
                                [
                                    p.name,
                                    f"{p.hours:g}",
                                    f"{p.class_i:g}",
                                    f"{p.class_ii:g}",
                                    p.missing,
                                ]
                                for p in t.short
                            ],
                            [w * width for w in (0.18, 0.16, 0.14, 0.14, 0.38)],
                            st,
                        ),
                    ]
                )
            )
        else:
            story.append(heading)
            story.append(Paragraph("无（全部在岗人员已达标）。", st["body"]))
        story.append(Paragraph(markup(DEFINITIONS["short"]), st["def"]))
    story += [
        Spacer(1, 8 * mm),
        Paragraph("填报人：__________　　审核人（院长）：__________　　（单位盖章）", st["body"]),
    ]
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


# -- .xlsx -------------------------------------------------------------------------------------
def _display_width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def report_xlsx(f: ClinicFigures) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    sheets: list[tuple[Worksheet, set[int]]] = []  # sheet, columns that wrap

    def sheet(title: str, headers: list[str], wrap: set[int] | None = None) -> Worksheet:
        ws = wb.create_sheet(title)
        ws.append(headers)
        ws.freeze_panes = "A2"
        sheets.append((ws, wrap or set()))
        return ws

    def number(v: int | float | Rate | None) -> object:
        if isinstance(v, Rate):
            return v.value if v.value is not None else "—"
        return v

    def figures_sheet(title: str, rows: list[FigureRow], empty: bool) -> None:
        ws = sheet(
            title,
            ["指标", "单位", "本期", "上年同期", "分子（本期）", "分母（本期）", "说明"],
            {7},
        )
        for r in rows:
            rate = r.value if isinstance(r.value, Rate) else None
            note = r.definition
            if rate is not None and rate.value is None and rate.reason:
                note = f"{rate.reason}。{note}"
            ws.append(
                [
                    r.label,
                    r.unit,
                    number(r.value),
                    number(r.earlier) if r.earlier is not None else r.earlier_text,
                    rate.numerator if rate else None,
                    rate.denominator if rate else None,
                    note,
                ]
            )
            for col in (3, 4):
                cell = ws.cell(ws.max_row, col)
                if r.unit == "%" and isinstance(cell.value, float):
                    cell.number_format = "0.0%"
        if empty:
            ws.append([f"本期{NO_DATA}"])

    def month_sheet(title: str, rows: list[MonthRow], names: tuple[str, str]) -> None:
        ws = sheet(title, ["月份", *names])
        for m in rows:
            ws.append([m.month, m.a, m.b])

    ws0 = wb.active
    assert ws0 is not None
    ws0.title = "报表信息"
    ws0.append(["项目", "内容"])
    ws0.freeze_panes = "A2"
    for k, v in (
        ("报表", title_of(f)),
        ("单位", f.clinic),
        (
            "统计期",
            period_text(f),
        ),
        ("对比", f"上年同期 {f.period.year_earlier().label}"),
        ("生成时间", local_time_text(f.computed_at, f.timezone)),
        ("规范管理判定", STANDARD_RULE),
    ):
        ws0.append([k, v])
    if f.empty:
        ws0.append(["说明", f"本期{NO_DATA}：统计期内没有转诊、随访和培训记录"])
    sheets.append((ws0, {2}))
    if f.referrals is not None:
        r = f.referrals
        figures_sheet("转诊", referral_rows(f), r.empty)
        ws = sheet(
            "转诊按月",
            [
                "月份",
                "上转（人次）",
                "下转（人次）",
                "上年同月上转（人次）",
                "上年同月下转（人次）",
            ],
        )
        before = f.earlier.referrals.by_month if f.earlier and f.earlier.referrals else []
        for i, m in enumerate(r.by_month):
            b = before[i] if i < len(before) else None
            ws.append([m.month, m.a, m.b, b.a if b else None, b.b if b else None])
        ws = sheet("上转按科室", ["接收科室", "上转（人次）"])
        for k, n in r.by_department:
            ws.append([k, n])
        ws = sheet("上转按指征", ["上转指征", "上转（人次）"])
        for k, n in r.by_indication:
            ws.append([k, n])
    if f.followups is not None:
        x = f.followups
        figures_sheet("随访与考核", followup_rows(f), x.empty)
        ws = sheet(
            "慢病考核",
            [
                "病种",
                "年内已管理（人）",
                "规范管理（人）",
                "规范管理率（%）",
                "最近一次随访达标（人）",
                "控制率（%）",
                "失访（人）",
                "年内无随访（人）",
            ],
        )
        for name, d in (("高血压", x.htn), ("2型糖尿病", x.dm)):
            ws.append(
                [
                    name,
                    d.managed,
                    d.standard.numerator,
                    d.standard.value if d.standard.value is not None else "—",
                    d.control.numerator,
                    d.control.value if d.control.value is not None else "—",
                    d.lost,
                    d.not_visited,
                ]
            )
            for col in (4, 6):
                if isinstance(ws.cell(ws.max_row, col).value, float):
                    ws.cell(ws.max_row, col).number_format = "0.0%"
        month_sheet("随访按月", x.by_month, ("已随访（次）", "应随访（次）"))
    if f.training is not None:
        t = f.training
        figures_sheet("培训与支援", training_rows(f), t.empty)
        month_sheet("培训按月", t.by_month, ("培训班（期）", "培训人次（人次）"))
        ws = sheet(
            "学分未达标", ["姓名", "学时（小时）", "I类学分（分）", "II类学分（分）", "尚缺"]
        )
        for p in t.short:
            ws.append([p.name, p.hours, p.class_i, p.class_ii, p.missing])
    ws = sheet("指标定义", ["指标", "定义"], {2})
    for text in DEFINITIONS.values():
        ws.append([text.split("：", 1)[0].split(" = ", 1)[0], text])
    for ws, wrap in sheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="EEEEEE")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for col in ws.columns:
            letter = col[0].column_letter
            index = col[0].column
            widest = max(_display_width(c.value) for c in col)
            if index in wrap:
                ws.column_dimensions[letter].width = 60
                for c in col[1:]:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                ws.column_dimensions[letter].width = min(40, max(8, widest + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
