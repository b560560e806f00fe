"""The 4-column 随访服务记录表 and the phone list, read back with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from app.domain.followup import PlanKind
from app.reports.followup_form import followup_year_pdf, form_number

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def _text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _visit(m: int) -> dict[str, object]:
    return {
        "visit_date": date(2026, m, 5),
        "method": "1" if m < 10 else "3",
        "classification": "1" if m % 2 else "2",
        "next_date": date(2026, min(m + 1, 12), 25),
        "form": {
            "symptoms": ["无症状"],
            "sbp": 130 + m,
            "dbp": 80,
            "weight": 70,
            "target_weight": 65,
            "height_cm": 168,
            "salt": ["重", "轻"],
            "staple_food": [400, 300],
            "fasting_glucose": 7.8,
            "foot_pulse": "触及正常",
            "medications": [{"drug": "二甲双胍", "times_per_day": 3, "dose": "0.5g"}],
            "doctor": "王医生",
        },
    }


def test_htn_year_on_four_columns() -> None:
    visits = [_visit(m) for m in (1, 4, 7, 10, 11)]
    text = _text(followup_year_pdf(PlanKind.HYPERTENSION, "张三", "0001", 2026, visits))
    assert "高血压患者随访服务记录表" in text
    assert text.count("\f") == 2  # five visits: two pages of four columns
    assert "131/80" in text and "141/80" in text and "电话" in text
    assert "摄盐情况" in text and "重/轻" in text.replace(" ", "") and "控制不满意" in text
    assert "足背动脉" not in text


def test_dm_form_has_its_own_rows() -> None:
    text = _text(followup_year_pdf(PlanKind.DIABETES, "张三", "0001", 2026, [_visit(1)]))
    assert "2型糖尿病患者随访服务记录表" in text
    for label in ("足背动脉搏动", "空腹血糖值", "低血糖反应", "主食", "二甲双胍"):
        assert label in text
    assert "摄盐" not in text


@pytest.mark.parametrize(
    ("record_number", "printed"),
    [
        ("34112210200100023", "00100023"),  # 17-digit 健康档案编号: its last 8 digits
        ("341122-102-001-00023", "00100023"),
        ("1234", "1234"),  # a short number is right-aligned, nothing invented
        ("", ""),
    ],
)
def test_the_number_box_holds_the_last_8_digits_of_the_record_number(
    record_number: str, printed: str
) -> None:
    """规范（填表说明）：编号 为居民健康档案编号的后8位（3位村（居）委会编码 + 5位个人序号）。"""
    assert form_number(record_number) == printed


def test_the_8_digit_box_is_printed_not_17_digits() -> None:
    pdf = followup_year_pdf(PlanKind.HYPERTENSION, "张三", "34112210200100023", 2026, [_visit(1)])
    text = _text(pdf).replace(" ", "")
    assert "34112210200100023" not in text and "341122" not in text
    assert "001-00023" in text


@pytest.mark.parametrize(
    ("ending", "words"),
    [
        (("lost", "外出务工，联系不上"), "失访：外出务工，联系不上"),
        (("dead", "2026-10-03脑出血"), "死亡：2026-10-03脑出血"),
    ],
)
def test_lost_and_dead_are_printed_on_the_visit_date_row(
    ending: tuple[str, str], words: str
) -> None:
    """规范（填表说明）：“随访日期：……如失访，在随访日期处写明失访原因；若死亡，写明死亡日期和
    死亡原因。”"""
    visits = [_visit(m) for m in (1, 4)]
    text = _text(followup_year_pdf(PlanKind.HYPERTENSION, "张三", "0001", 2026, visits, ending))
    date_row = text.split("随访方式")[0]  # the 随访日期 row (its cells may wrap)
    cell = "".join(line.split("2026-04-05")[-1].strip() for line in date_row.splitlines()[2:])
    assert cell.replace("随访日期", "").replace("2026-01-05", "") == words.replace(" ", "")
    adverse_row = next(line for line in text.splitlines() if "药物不良反应" in line)
    assert adverse_row.split() == ["药物不良反应", "无", "无"]  # no other row filled for it


def test_hba1c_is_printed_with_its_test_date() -> None:
    """规范（糖尿病患者随访服务记录表）：“糖化血红蛋白 ____% 检查日期：____月____日”。"""
    v = _visit(4)
    v["form"] = {**v["form"], "hba1c": 7.4, "hba1c_date": "2026-03-28"}  # type: ignore[dict-item]
    text = _text(followup_year_pdf(PlanKind.DIABETES, "张三", "0001", 2026, [v]))
    squeezed = "".join(text.split())
    assert "糖化血红蛋白7.4%" in squeezed and "检查日期：3月28日" in squeezed
