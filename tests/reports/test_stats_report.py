"""The monthly / quarterly / annual report: the PDF read back with pdftotext, the .xlsx with
openpyxl, and the ``report`` command with good and bad periods."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.domain.periods import quarter, year
from app.reports.stats_report import _display_width
from app.services.bundle import AppServices
from tests.services.test_stats import Dataset, build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data(services: AppServices, data_dir: Path) -> Dataset:
    return build(services, data_dir)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    f = tmp_path / "r.pdf"
    f.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, text=True)
    return out.stdout


def test_quarterly_pdf_has_the_figures_the_charts_and_the_definitions(
    services: AppServices, data: Dataset, tmp_path: Path
) -> None:
    pdf = services.stats.report(quarter(2026, 4), "pdf")
    text = pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())
    dense = "".join(text.split())  # wrapped lines joined again
    assert "桃花镇卫生院2026年第4季度医共体工作统计季报" in flat
    assert "统计期：2026-10-01 至 2026-12-31（北京时间）" in flat
    assert "上转人次（人次） 5" in flat and "下转人次（人次） 1" in flat
    assert "上转反馈率（%） 50.0%（2/4）" in flat
    assert "高血压规范管理率（%） 66.7%（4/6）" in flat  # the year up to the end of Q4
    assert "培训人次（人次） 4" in flat and "培训人数（人） 2" in flat
    assert "驻点医生门诊诊疗人次（人次） 61" in flat
    # the definitions are printed under the figures, the pro rata rule with them
    assert "失访者计为未达标" in dense and "11月中旬纳入的患者当年应随访1次" in dense
    assert "上转、下转人次（按月）" in flat  # a chart's title (charts are vector drawings)
    assert "上年同期" in flat and "无数据" in flat  # 2025 Q4 holds nothing
    info = subprocess.run(
        ["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True
    ).stdout
    assert "WenQuanYi" in info or "CJK" in info


def test_an_empty_year_says_no_data(services: AppServices, data: Dataset, tmp_path: Path) -> None:
    flat = " ".join(pdf_text(services.stats.report(year(2019), "pdf"), tmp_path).split())
    assert "本期无数据" in flat
    assert "—（期内没有上转单）" in flat


def test_annual_xlsx_one_sheet_per_table_numbers_as_numbers(
    services: AppServices, data: Dataset
) -> None:
    wb = load_workbook(io.BytesIO(services.stats.report(year(2026), "xlsx")))
    assert {
        "转诊",
        "转诊按月",
        "上转按科室",
        "上转按指征",
        "随访与考核",
        "慢病考核",
        "随访按月",
        "培训与支援",
        "培训按月",
        "学分未达标",
        "指标定义",
    } <= set(wb.sheetnames)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        for cell in ws[1]:  # column widths fit the Chinese header
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= min(40, _display_width(cell.value)), (ws.title, cell.value)
    months = wb["转诊按月"]
    assert [c.value for c in months[1]][:3] == ["月份", "上转（人次）", "下转（人次）"]
    by_month = {r[0]: (r[1], r[2]) for r in months.iter_rows(min_row=2, values_only=True)}
    assert by_month["2026-10"] == (4, 1) and by_month["2026-01"] == (1, 0)
    assert isinstance(by_month["2026-10"][0], int)
    kaohe = wb["慢病考核"]
    htn = next(r for r in kaohe.iter_rows(min_row=2, values_only=True) if r[0] == "高血压")
    assert htn[1:4] == (6, 4, pytest.approx(4 / 6))
    assert kaohe.cell(2, 4).number_format == "0.0%"
    training = {r[0]: r for r in wb["培训与支援"].iter_rows(min_row=2, values_only=True)}
    assert training["培训人次"][1:3] == ("人次", 4) and training["培训人数"][2] == 2
    assert training["驻点医生门诊诊疗人次"][2] == 122


def test_the_report_command(data_dir: Path, data: Dataset, tmp_path: Path) -> None:
    out = tmp_path / "year.xlsx"
    run = [sys.executable, "-m", "app", "--data-dir", str(data_dir), "report"]
    ok = subprocess.run(
        [*run, "--period", "2026", "--format", "xlsx", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "2026年年报" in ok.stdout and out.exists()
    assert load_workbook(out)["转诊"]["C2"].value == 7  # 上转 in 2026 (Beijing dates)
    pdf = tmp_path / "m.pdf"
    ok = subprocess.run(
        [*run, "--period", "2026-10", "--format", "pdf", "--out", str(pdf)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert ok.returncode == 0 and pdf.read_bytes().startswith(b"%PDF")
    for bad in ("2026-13", "2026Q5", "去年"):
        wrong = tmp_path / "bad.pdf"
        r = subprocess.run(
            [*run, "--period", bad, "--format", "pdf", "--out", str(wrong)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert r.returncode == 2 and "统计期格式应为" in r.stdout and not wrong.exists()
    r = subprocess.run(
        [*run, "--period", "2026", "--format", "doc", "--out", str(tmp_path / "x.doc")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 2 and "pdf 或 xlsx" in r.stdout
