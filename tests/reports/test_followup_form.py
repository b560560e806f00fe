"""The 4-column 随访服务记录表 and the phone list, read back with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from app.domain.followup import PlanKind
from app.reports.followup_form import followup_year_pdf

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
