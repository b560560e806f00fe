"""双向转诊单 as PDF: the 转出单 (upward) and 回转单 (downward), each a 存根 (kept) and a body
(carried by the patient) separated by a dashed cut line, on A4 or A5 portrait.

Layout and wording follow the national 双向转诊单 template (存根 + body); the regional additions
(转诊单号 with a QR code, 身份证号, 病人性质, 付费方式, 转送方式, 指征, 转诊目的, 注意事项)
are printed in the body. Long text wraps and continues on the next page; nothing is cut off.
"""

from __future__ import annotations

import io
import itertools
from datetime import date
from functools import lru_cache

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.codes import PAYMENT_TYPES, SEX
from app.domain.slip import SlipData
from app.reports.fonts import MAIN, markup, register_fonts

SIZES = {"A4": A4, "A5": A5}


def payment_name(code: str) -> str:
    """The payment type as the official form names it: the standard name, no UI tags."""
    return PAYMENT_TYPES.get(code, code) if code else ""


class CutLine(Flowable):
    """A dashed line across the page with 剪切线 in the middle."""

    def __init__(self, width: float, font_size: float) -> None:
        super().__init__()
        self.width = width
        self.font_size = font_size
        self.height = font_size * 2.2

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        y = self.height / 2
        label = "剪  切  线"
        c.setFont(MAIN, self.font_size)
        tw = c.stringWidth(label, MAIN, self.font_size)
        c.setDash(4, 3)
        c.setStrokeColor(colors.black)
        c.line(0, y, (self.width - tw) / 2 - 6, y)
        c.line((self.width + tw) / 2 + 6, y, self.width, y)
        c.setDash()
        c.drawCentredString(self.width / 2, y - self.font_size / 3, label)


@lru_cache(maxsize=64)
def qr_runs(value: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR code of ``value`` (level M) as (module count, dark runs (row, col, length))."""
    matrix = segno.make_qr(value, error="m", boost_error=False).matrix
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        for dark, group in itertools.groupby(bool(m) for m in row):
            n = len(list(group))
            if dark:
                runs.append((r, c, n))
            c += n
    return len(matrix), tuple(runs)


class QrFlowable(Flowable):
    """A QR code drawn as one filled path (the stub and body share one encoding)."""

    BORDER = 2  # quiet zone, in modules

    def __init__(self, value: str, size: float) -> None:
        super().__init__()
        self.value = value
        self.size = size

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        count, runs = qr_runs(self.value)
        box = self.size / (count + 2 * self.BORDER)
        path = self.canv.beginPath()
        for r, c, n in runs:
            path.rect(
                (c + self.BORDER) * box, self.size - (r + self.BORDER + 1) * box, n * box, box
            )
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


class SlipHeader(Flowable):
    """Title centred, the slip number under it on the right, and the QR code at the right edge.

    Drawn straight on the canvas: the static header is the same on every slip, and laying it
    out as a table of paragraphs cost a quarter of the time to make a slip.
    """

    def __init__(
        self, title: str, number_line: str, qr_value: str, width: float, size: float
    ) -> None:
        super().__init__()
        self.title = title
        self.number_line = number_line
        self.qr = QrFlowable(qr_value, size * 4.2)
        self.width = width
        self.size = size
        self.height = size * 4.4

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        qr_size = self.qr.size
        text_right = self.width - qr_size - self.size * 0.5
        # Centred on the page, clear of the QR code: shrink a long title (a reprint on A5).
        title_size = self.size * 1.55
        room = self.width - 2 * (qr_size + self.size * 0.5)
        width = c.stringWidth(self.title, MAIN, title_size)
        if width > room:
            title_size *= room / width
        c.setFont(MAIN, title_size)
        c.drawCentredString(self.width / 2, self.height - self.size * 1.9, self.title)
        c.setFont(MAIN, self.size)
        c.drawRightString(text_right, self.size * 0.6, self.number_line)
        self.qr.drawOn(c, self.width - qr_size, (self.height - qr_size) / 2)


def _ymd(d: date | None) -> str:
    return f"{d:%Y年%m月%d日}" if d else "____ 年 ___ 月 ___ 日"


def _blank(value: str, width: int = 8) -> str:
    return value if value.strip() else "_" * width


class SlipBuilder:
    def __init__(self, slip: SlipData, page: str) -> None:
        register_fonts()
        self.s = slip
        self.page = page
        small = page == "A5"
        self.size = 9.0 if small else 11.0
        self.lead = self.size * 1.55
        base = ParagraphStyle(
            "base", fontName=MAIN, fontSize=self.size, leading=self.lead, wordWrap="CJK"
        )
        self.body = base
        self.indent = ParagraphStyle("indent", parent=base, firstLineIndent=self.size * 2)
        # Lines of labels and filled-in values ("家庭住址 ___ 联系电话 ___"): break only at the
        # spaces between them, so a label never splits inside a word ("联系电 / 话"); a value
        # longer than a whole line still breaks inside itself.
        self.words = ParagraphStyle("words", parent=base, wordWrap=None, splitLongWords=1)
        self.words_indent = ParagraphStyle(
            "words_indent", parent=self.words, firstLineIndent=self.size * 2
        )
        self.title = ParagraphStyle(
            "title",
            parent=base,
            fontSize=self.size * 1.55,
            leading=self.size * 2.1,
            alignment=TA_CENTER,
        )
        self.right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
        self.label = ParagraphStyle("label", parent=base, textColor=colors.black)

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(text, style or self.body)

    def t(self, text: str) -> str:
        return markup(text)

    def header(self, title: str, width: float) -> Flowable:
        s = self.s
        number = f"转诊单号：{s.number}" + (f"　紧急程度：{s.urgency}" if s.urgency else "")
        marks = ("（录入副本）" if s.transcribed else "") + ("（补打）" if s.reprint else "")
        return SlipHeader(title + marks, number, s.number, width, self.size)

    def stub(self, width: float) -> list[Flowable]:
        s = self.s
        up = s.direction == "up"
        # 转出: the health-record number (档案编号); 回转: the county's inpatient record number
        # (病案号), left blank when there is none, never the health-record number.
        record_label = "档案编号" if up else "病案号"
        record = s.patient_record_number if up else s.inpatient_no
        t = self.t
        flow: list[Flowable] = [
            self.header("双向转诊单（存根）" if up else "双向转诊（回转）单（存根）", width),
            self.p(
                f"患者姓名 <u>{t(s.patient_name)}</u>　性别 <u>{t(SEX.get(s.patient_sex, ''))}</u>"
                f"　年龄 <u>{s.patient_age}</u> 岁　{record_label} <u>{t(_blank(record))}</u>",
                self.words,
            ),
            self.p(
                f"家庭住址 <u>{t(_blank(s.patient_address, 20))}</u>"
                f"　联系电话 <u>{t(_blank(s.patient_phone, 11))}</u>",
                self.words,
            ),
        ]
        if up:
            flow.append(
                self.p(
                    f"于 {_ymd(s.referral_date)} 因病情需要，"
                    f"转入 <u>{t(s.receiving_institution)}</u>"
                    f" 单位 <u>{t(_blank(s.receiving_department, 6))}</u> 科室"
                    f" <u>{t(_blank(s.receiving_doctor, 6))}</u> 接诊医生。",
                    self.words,
                )
            )
        else:
            flow.append(
                self.p(
                    f"于 {_ymd(s.referral_date)} 因病情需要，"
                    f"转回 <u>{t(s.receiving_institution)}</u>"
                    f" 单位 <u>{t(_blank(s.receiving_doctor, 6))}</u> 接诊医生。",
                    self.words,
                )
            )
            flow.append(self.p(f"病情转归：{t(_blank(s.outcome, 6))}", self.words))
        flow.append(
            KeepTogether(
                [
                    Spacer(1, self.lead * 0.4),
                    self.signer_line(),
                    self.p(_ymd(s.referral_date), self.right),
                ]
            )
        )
        return flow

    def signer_line(self) -> Paragraph:
        """转诊医生（签字）: the typed name and, beside it, room to sign by hand (a copy typed
        in from paper names the signer; the signature is on the original)."""
        s, t = self.s, self.t
        name = t(s.referring_doctor) if s.referring_doctor.strip() else ""
        if self.s.transcribed:
            return self.p(f"转诊医生：{name or '—'}", self.right)
        space = "&nbsp;" * 26
        typed = f"（{name}）" if name else ""
        return self.p(f"转诊医生（签字）：<u>{space}</u>{typed}", self.right)

    def section(self, label: str, text: str) -> list[Flowable]:
        return [
            self.p(f"<b>{self.t(label)}：</b>{self.t(text) if text.strip() else '无'}", self.indent)
        ]

    def body_up(self, width: float) -> list[Flowable]:
        s, t = self.s, self.t
        indications = [i for i in s.indications if i != "其他"]
        if "其他" in s.indications:
            indications.append(f"其他：{s.indication_other}")
        flow: list[Flowable] = [
            self.header("双向转诊（转出）单", width),
            self.p(f"<u>{t(s.receiving_institution)}</u>（机构名称）：", self.words),
            self.p(
                f"现有患者 <u>{t(s.patient_name)}</u> 性别 <u>{t(SEX.get(s.patient_sex, ''))}</u>"
                f" 年龄 <u>{s.patient_age}</u> 岁 因病情需要，需转入贵单位，请予以接诊。",
                self.words_indent,
            ),
        ]
        flow += self.section("初步印象", s.impression)
        flow += self.section("主要现病史（转出原因）", s.present_illness)
        flow += self.section("主要既往史", s.past_history)
        flow += self.section("治疗经过", s.treatment)
        flow += self.section("转诊指征", "；".join(indications))
        extra = [
            ("身份证号", s.patient_id_number),
            ("健康档案号", s.patient_record_number),
            ("病人性质", s.patient_type),
            ("医疗付费方式", payment_name(s.payment_type)),
            ("转送方式", s.transport),
            ("接诊科室", s.receiving_department),
        ]
        flow.append(self.fields_table(extra, width))
        if s.purpose.strip():
            flow += self.section("转诊目的", s.purpose)
        if s.cautions.strip():
            flow += self.section("注意事项", s.cautions)
        flow.append(self.closing([flow.pop()]))
        return flow

    def fields_table(self, items: list[tuple[str, str]], width: float) -> Table:
        """Label / value pairs two to a row; a label never breaks inside a word, a long value
        wraps within its own cell."""
        label_w = max(self.canv_width(f"{k}：") for k, _ in items) + 2
        indent = self.size * 2  # in line with the sections above and below
        value_w = (width - indent - 2 * label_w) / 2
        cells = [[self.p(f"{k}："), self.p(self.t(v) if v else "—")] for k, v in items]
        rows = [
            ["", *cells[i], *(cells[i + 1] if i + 1 < len(cells) else ["", ""])]
            for i in range(0, len(cells), 2)
        ]
        table = Table(
            rows,
            colWidths=[indent, label_w, value_w, label_w, value_w],
            hAlign="LEFT",
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONTNAME", (0, 0), (-1, -1), MAIN),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            ),
        )
        return table

    def canv_width(self, text: str) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return stringWidth(text, MAIN, self.size)

    def body_down(self, width: float) -> list[Flowable]:
        s, t = self.s, self.t
        flow: list[Flowable] = [
            self.header("双向转诊（回转）单", width),
            self.p(f"<u>{t(s.receiving_institution)}</u>（机构名称）：", self.words),
            self.p(
                f"现有患者 <u>{t(s.patient_name)}</u> 因病情需要，现转回贵单位，请予以接诊。",
                self.words_indent,
            ),
        ]
        diag = s.diagnosis + (f"（ICD-10：{s.icd10}）" if s.icd10.strip() else "")
        flow += self.section("诊断结果", diag)
        flow += self.section("住院病案号", s.inpatient_no)
        flow += self.section("主要检查结果", s.exam_results)
        flow += self.section("治疗经过、下一步治疗方案及康复建议", s.treatment_plan)
        when = _ymd(s.followup_date) if s.followup_date else "—"
        method = f"（{s.followup_method}）" if s.followup_method else ""
        flow += self.section("预约复诊或随访时间和方式", f"{when}{method}")
        if s.cautions.strip():
            flow += self.section("注意事项", s.cautions)
        flow.append(self.closing([flow.pop()]))
        return flow

    def closing(self, last: list[Flowable]) -> KeepTogether:
        """The body's last section with the signature, seal and date: kept on one page, so the
        signature never stands alone at the top of a page and appears only where the body
        ends."""
        return KeepTogether(last + self.signature())

    def signature(self) -> list[Flowable]:
        s, t = self.s, self.t
        flow: list[Flowable] = [
            Spacer(1, self.lead * 0.9),
            self.signer_line(),
            Spacer(1, self.lead * 0.3),
            self.p(f"联系电话：{t(_blank(s.referring_phone, 11))}", self.right),
        ]
        if s.transcribed:
            # The seal is the county's, on its paper original: a copy typed in here says so.
            flow.append(
                self.p(
                    f"录入副本：据{t(s.issuing_institution)}纸质回转单录入，以原件盖章为准",
                    self.right,
                )
            )
        else:
            flow.append(self.p(f"{t(s.issuing_institution)}（机构盖章）", self.right))
        flow.append(self.p(_ymd(s.referral_date), self.right))
        if s.reprint and s.printed_at:
            flow.append(self.p(f"补打：{s.printed_at:%Y-%m-%d %H:%M}", self.right))
        return flow

    def build(self) -> bytes:
        pagesize = SIZES[self.page]
        margin = 12 * mm if self.page == "A5" else 18 * mm
        buf = io.BytesIO()
        doc = SimpleDocTemplate(
            buf,
            pagesize=pagesize,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin * 0.8,
            bottomMargin=margin * 0.8,
            title=f"双向转诊单 {self.s.number}",
            author=self.s.issuing_institution,
            subject="双向转诊单",
            creator="ClinicLink",
            # Uncompressed pages: a slip is printed locally, and zlib would cost a third of the
            # time it takes to make one (figures in bench/README.md).
            pageCompression=0,
            initialFontName=MAIN,  # no unembedded Helvetica in the file
        )
        width = pagesize[0] - 2 * margin
        flow = self.stub(width)
        flow.append(CutLine(width, self.size * 0.9))
        flow += self.body_up(width) if self.s.direction == "up" else self.body_down(width)
        doc.build(flow, canvasmaker=self.canvas_maker())
        return buf.getvalue()

    def canvas_maker(self) -> type[Canvas]:
        """A canvas that, once the page count is known, marks every page of a slip longer
        than one page: 转诊单号 and the patient's name at the top of each continuation page,
        "第 n 页 共 m 页" at the foot of every page."""
        s, size, page = self.s, self.size, self.page
        margin = 12 * mm if page == "A5" else 18 * mm
        top_line = f"转诊单号：{s.number}　患者：{s.patient_name}（续）"

        class NumberedCanvas(Canvas):
            def __init__(self, *args: object, **kw: object) -> None:
                super().__init__(*args, **kw)  # type: ignore[arg-type]
                self._pages: list[dict[str, object]] = []

            def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
                self._pages.append(dict(self.__dict__))
                self._startPage()

            def save(self) -> None:
                total = len(self._pages)
                for state in self._pages:
                    self.__dict__.update(state)
                    if total > 1:
                        self._furniture(total)
                    super().showPage()
                super().save()

            def _furniture(self, total: int) -> None:
                w, h = self._pagesize
                n = self._pageNumber
                self.setFont(MAIN, size * 0.85)
                self.drawCentredString(w / 2, margin * 0.35, f"第 {n} 页 共 {total} 页")
                if n > 1:
                    self.drawString(margin, h - margin * 0.55, top_line)

        return NumberedCanvas


def referral_slip_pdf(slip: SlipData, page: str = "A4") -> bytes:
    """The slip as PDF bytes; ``page`` is "A4" or "A5" (portrait)."""
    if page not in SIZES:
        raise ValueError(f"unknown page size {page}")
    return SlipBuilder(slip, page).build()
