"""Printed follow-ups: a patient's year on the national 4-column 随访服务记录表 (高血压 / 2型糖尿病
患者随访服务记录表), and the worklist / phone list.

Pure functions of plain data (the service's ``visits()`` dicts): no database, no Qt.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.domain import followup as rules
from app.domain.followup import PlanKind
from app.reports.fonts import MAIN, markup, register_fonts

COLUMNS = 4


def _p(text: str, size: float = 8, align: int = 0) -> Paragraph:
    style = ParagraphStyle("c", fontName=MAIN, fontSize=size, leading=size + 2, alignment=align)
    return Paragraph(markup(text), style)


def _pair(v: Any, unit: str = "") -> str:
    if (
        not isinstance(v, (list, tuple))
        or len(v) != 2
        or (v[0] in (None, "") and v[1] in (None, ""))
    ):
        return ""
    a, b = ("" if x is None else str(x) for x in v)
    return f"{a}{unit} / {b}{unit}"


def _num(v: Any, unit: str = "") -> str:
    return "" if v in (None, "") else f"{v}{unit}"


def _hba1c(f: dict[str, Any]) -> str:
    """糖化血红蛋白 with its 检查日期 (月/日, as the form asks)."""
    if not f.get("hba1c"):
        return ""
    text = f"糖化血红蛋白 {f['hba1c']}%"
    when = f.get("hba1c_date")
    if when:
        d = when if isinstance(when, date) else date.fromisoformat(str(when)[:10])
        text += f" 检查日期：{d.month}月{d.day}日"
    return text


def form_number(record_number: str) -> str:
    """The 8 digits of the form's 编号 box: the last 8 digits of the 居民健康档案编号 (its
    village code and personal serial); fewer digits are printed right-aligned."""
    digits = "".join(ch for ch in record_number if ch.isdigit())
    return digits[-8:]


def _number_boxes(number: str) -> Table:
    """编号□□□-□□□□□: eight boxes, the digits right-aligned in them."""
    cells = list(number.rjust(8))
    row = [_p("编号", 9), *[_p(c, 9, 1) for c in cells[:3]], _p("-", 9, 1)]
    row += [_p(c, 9, 1) for c in cells[3:]]
    box = 5 * mm
    t = Table([row], colWidths=[10 * mm] + [box] * 3 + [3 * mm] + [box] * 5, rowHeights=[box])
    t.setStyle(
        TableStyle(
            [
                ("BOX", (1, 0), (1, 0), 0.5, colors.black),
                ("BOX", (2, 0), (2, 0), 0.5, colors.black),
                ("BOX", (3, 0), (3, 0), 0.5, colors.black),
                *[("BOX", (c, 0), (c, 0), 0.5, colors.black) for c in range(5, 10)],
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return t


def _class_name(f: dict[str, Any]) -> str:
    c = f.get("classification")
    return rules.CLASS_NAMES.get(rules.Classification(c), "") if c else ""


def ending_text(status: str, note: str) -> str:
    """What the 随访日期 row says for a patient lost to follow-up or dead (填表说明: 失访 the
    reason; 死亡 the date and cause)."""
    label = {"lost": "失访", "dead": "死亡"}.get(status, "")
    if not label:
        return ""
    return note if note.startswith(label) else f"{label}：{note}"


def _rows(kind: PlanKind) -> list[tuple[str, str, Any]]:
    """(section, label, getter(form) -> str)."""
    dm = kind is PlanKind.DIABETES
    symptoms = rules.DM_SYMPTOMS if dm else rules.HTN_SYMPTOMS

    def sym(f: dict[str, Any]) -> str:
        chosen = [str(s) for s in f.get("symptoms") or []]
        names = [symptoms[int(s)] if s.isdigit() and int(s) < len(symptoms) else s for s in chosen]
        other = "，".join(
            x
            for x in (
                f.get("other_symptom") or "",
                *(f.get("emergency_signs") or []),
                f.get("other_abnormal") or "",
                f.get("other_illness") or "",
            )
            if x
        )
        return "，".join(names + ([f"其他：{other}"] if other else []))

    def bmi(f: dict[str, Any]) -> str:
        now = rules.bmi(f.get("weight"), f.get("height_cm"))
        tgt = rules.bmi(f.get("target_weight"), f.get("height_cm"))
        return _pair((now, tgt)) if now else ""

    def meds(f: dict[str, Any]) -> str:
        out = [
            f"{m.get('drug') or m.get('name', '')} "
            f"每日{m.get('times_per_day', '')}次 每次{m.get('dose', '')}"
            for m in f.get("medications") or []
        ]
        insulin = "　".join(x for x in (f.get("insulin"), f.get("insulin_dose")) if x)
        if insulin:
            out.append(f"胰岛素：{insulin}")
        return "\n".join(out)

    rows: list[tuple[str, str, Any]] = [
        ("", "随访日期", lambda f: f.get("_ending") or str(f.get("visit_date") or "")),
        ("", "随访方式", lambda f: rules.METHODS.get(str(f.get("method") or ""), "")),
        ("", "症状", sym),
        ("体征", "血压(mmHg)", lambda f: f"{f['sbp']}/{f['dbp']}" if f.get("sbp") else ""),
        ("体征", "体重(kg)", lambda f: _pair((f.get("weight"), f.get("target_weight")))),
        ("体征", "体质指数(kg/m²)", bmi),
    ]
    if dm:
        rows.append(("体征", "足背动脉搏动", lambda f: f.get("foot_pulse") or ""))
    else:
        rows.append(("体征", "心率(次/分钟)", lambda f: _num(f.get("heart_rate"))))
    rows += [
        ("体征", "其他", lambda f: f.get("other_signs") or ""),
        ("生活方式指导", "日吸烟量(支)", lambda f: _pair(f.get("smoking"))),
        ("生活方式指导", "日饮酒量(两)", lambda f: _pair(f.get("drinking"))),
        (
            "生活方式指导",
            "运动",
            lambda f: " ".join(
                x
                for x in (
                    _pair(f.get("exercise_times"), "次/周"),
                    _pair(f.get("exercise_minutes"), "分钟/次"),
                )
                if x
            ),
        ),
    ]
    if dm:
        rows.append(("生活方式指导", "主食(克/天)", lambda f: _pair(f.get("staple_food"))))
    else:
        rows.append(("生活方式指导", "摄盐情况(咸淡)", lambda f: _pair(f.get("salt"))))
    rows += [
        ("生活方式指导", "心理调整", lambda f: f.get("psych") or ""),
        ("生活方式指导", "遵医行为", lambda f: f.get("compliance") or ""),
    ]
    if dm:
        rows += [
            ("辅助检查", "空腹血糖值(mmol/L)", lambda f: _num(f.get("fasting_glucose"))),
            (
                "辅助检查",
                "其他检查",
                lambda f: " ".join(
                    x
                    for x in (
                        _hba1c(f),
                        f.get("other_tests") or "",
                    )
                    if x
                ),
            ),
        ]
    else:
        rows.append(("", "辅助检查", lambda f: f.get("other_tests") or ""))
    rows += [
        ("", "服药依从性", lambda f: rules.ADHERENCE.get(str(f.get("adherence")), "")),
        (
            "",
            "药物不良反应",
            lambda f: f"有：{f['adverse_reaction']}" if f.get("adverse_reaction") else "无",
        ),
    ]
    if dm:
        rows.append(
            ("", "低血糖反应", lambda f: rules.HYPOGLYCEMIA.get(str(f.get("hypoglycemia")), ""))
        )
    rows += [
        ("", "此次随访分类", _class_name),
        ("", "用药情况", meds),
        ("转诊", "原因", lambda f: f.get("referral_reason") or ""),
        ("转诊", "机构及科别", lambda f: f.get("referral_to") or ""),
        ("", "下次随访日期", lambda f: str(f.get("next_date") or "")),
        ("", "随访医生签名", lambda f: f.get("doctor") or ""),
    ]
    return rows


def followup_year_pdf(
    kind: PlanKind,
    patient_name: str,
    patient_no: str,
    year: int,
    visits: Sequence[dict[str, Any]],
    ending: tuple[str, str] | None = None,
) -> bytes:
    """The national form: four visits per page side by side, one page per four visits.
    ``patient_no`` is the 居民健康档案编号 (its last 8 digits fill the 编号 box); ``ending``
    (status ``lost`` / ``dead``, note) adds the column whose 随访日期 row says 失访 and why, or
    死亡 with its date and cause."""
    register_fonts()
    title = (
        "2型糖尿病患者随访服务记录表" if kind is PlanKind.DIABETES else "高血压患者随访服务记录表"
    )
    forms: list[dict[str, Any]] = []
    for v in visits:
        f = dict(v.get("form") or {})
        # the visit's own columns (the registry's form fields) win over the form as typed:
        # the class and the next date are the ones worked out on save
        f.update({name: v[name] for name in rules.VISIT_FORM_FIELDS if name in v})
        forms.append(f)
    if ending and ending_text(*ending):
        forms.append({"_ending": ending_text(*ending)})
    pages = [forms[i : i + COLUMNS] for i in range(0, len(forms), COLUMNS)] or [[]]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
    )
    story: list[Any] = []
    rows = _rows(kind)
    width = A4[0] - 24 * mm
    col_w = [18 * mm, 30 * mm] + [(width - 48 * mm) / COLUMNS] * COLUMNS
    for n, page in enumerate(pages):
        story.append(_p(title, 15, 1))
        story.append(Spacer(1, 3 * mm))
        head = Table(
            [
                [
                    _p(f"姓名：{patient_name}　　年度：{year}", 9),
                    _number_boxes(form_number(patient_no)),
                ]
            ],
            colWidths=[width - 60 * mm, 60 * mm],
        )
        head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story.append(head)
        story.append(Spacer(1, 2 * mm))
        data = []
        for section, label, get in rows:
            cells = [_p(section), _p(label)]
            for i in range(COLUMNS):
                shown = i < len(page) and ("_ending" not in page[i] or label == "随访日期")
                cells.append(_p(get(page[i]) if shown else ""))
            if not section:
                cells[0] = _p(label)
            data.append(cells)
        t = Table(data, colWidths=col_w, repeatRows=0)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONTNAME", (0, 0), (-1, -1), MAIN),
        ]
        # merge the section column over its rows; span label over section when it has none
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or rows[i][0] != rows[start][0]:
                if rows[start][0]:
                    style.append(("SPAN", (0, start), (0, i - 1)))
                else:
                    for r in range(start, i):
                        style.append(("SPAN", (0, r), (1, r)))
                start = i
        t.setStyle(TableStyle(style))
        story.append(t)
        if n < len(pages) - 1:
            from reportlab.platypus import PageBreak

            story.append(PageBreak())
    doc.build(story)
    return buf.getvalue()


def worklist_pdf(
    title: str, items: Sequence[Any], printed: date, total: int | None = None
) -> bytes:
    """The phone list: patient, village, phone, kind, due date, days overdue, last contact,
    and an empty column to write the call outcome in. ``total``: how many the list holds in
    all, when ``items`` is only its first page."""
    register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
    )
    head = ["姓名", "村/居", "电话", "类型", "应随访日期", "逾期天数", "最近联系", "联系结果"]
    data = [[_p(h, 9) for h in head]]
    for it in items:
        data.append(
            [
                _p(it.name, 9),
                _p(it.village, 9),
                _p(it.phone, 9),
                _p(rules.PLAN_KIND_NAMES[PlanKind(it.kind)], 9),
                _p(str(it.due), 9),
                _p(str(it.days_overdue or ""), 9),
                _p(it.contact_text, 9),
                _p("", 9),
            ]
        )
    w = [20, 26, 28, 26, 22, 16, 22, 30]
    t = Table(data, colWidths=[x * mm for x in w], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    count = f"共 {len(items)} 人"
    if total is not None and total > len(items):
        count = f"共 {total} 人，列出最早到期的 {len(items)} 人"
    doc.build([_p(f"{title}（{printed}，{count}）", 13), Spacer(1, 3 * mm), t])
    return buf.getvalue()
