"""The slip corrections of the national-rules review: what the official form must and must not
print, read back page by page with pdftotext."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from app.db.engine import db_path
from app.reports.referral_slip import referral_slip_pdf
from app.services.bundle import AppServices
from tests.reports.test_referral_slip import DOWN, UP, flat, pages
from tests.services.test_referrals import downward

STORY = "".join(f"第{i}天：胸闷气短，夜间不能平卧，予对症处理后稍缓解。" for i in range(1, 45))


def page_text(pdf: bytes, tmp_path: Path, n: int, layout: bool = False) -> str:
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-f", str(n), "-l", str(n)] + (["-layout"] if layout else [])
    return subprocess.run(
        [*args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("code", ["02", "03"])
@pytest.mark.parametrize("page", ["A4", "A5"])
def test_payment_type_prints_the_standard_name_never_the_ui_tag(
    code: str, page: str, tmp_path: Path
) -> None:
    pdf = referral_slip_pdf(replace(UP, payment_type=code), page)
    text = flat(page_text(pdf, tmp_path, 1))
    name = {"02": "城镇居民基本医疗保险", "03": "新型农村合作医疗"}[code]
    assert f"医疗付费方式：{name}" in text
    assert "（旧）" not in text and "旧" not in text


@pytest.mark.parametrize(
    "slip",
    [
        replace(UP, present_illness=STORY, treatment=STORY[:300]),
        replace(DOWN, treatment_plan=STORY, exam_results=STORY[:300]),
    ],
    ids=["up", "down"],
)
def test_a_long_a5_slip_marks_every_page_and_signs_only_where_the_body_ends(
    slip: object, tmp_path: Path
) -> None:
    pdf = referral_slip_pdf(slip, "A5")  # type: ignore[arg-type]
    total = pages(pdf, tmp_path)
    assert total >= 2
    texts = [page_text(pdf, tmp_path, n) for n in range(1, total + 1)]
    for n, text in enumerate(texts, start=1):
        assert f"第{n}页共{total}页" in flat(text)  # printed "第 n 页 共 m 页"
        if n > 1:  # a continuation page says whose slip it is
            assert f"转诊单号：{UP.number}" in text and UP.patient_name in text
    assert "（续）" not in texts[0]
    seal = "（机构盖章）"
    assert [seal in flat(t) for t in texts] == [False] * (total - 1) + [True]
    # The body's signature is on the last page only, and never alone there: the last section
    # of the body is on the same page above it.
    body_signer = [flat(t).count("转诊医生（签字）") for t in texts]
    assert body_signer[-1] == 1 and sum(body_signer[1:-1]) == 0
    last = flat(texts[-1])
    last_section = "注意事项：" + flat(UP.cautions)
    assert last_section in last and last.index(last_section) < last.index(seal)


def test_a_two_page_slip_says_page_2_of_2(tmp_path: Path) -> None:
    slip = replace(UP, present_illness=STORY[: len(STORY) // 2])
    pdf = referral_slip_pdf(slip, "A5")
    assert pages(pdf, tmp_path) == 2
    second = page_text(pdf, tmp_path, 2)
    assert "第2页共2页" in flat(second) and UP.number in second and "欧阳秀英" in second


def stub_of(pdf: bytes, tmp_path: Path) -> str:
    return flat(page_text(pdf, tmp_path, 1).split("剪")[0])


@pytest.mark.parametrize("page", ["A4", "A5"])
def test_downward_stub_prints_the_inpatient_number_under_bingan_hao(
    page: str, tmp_path: Path
) -> None:
    stub = stub_of(referral_slip_pdf(DOWN, page), tmp_path)
    assert f"病案号{DOWN.inpatient_no}" in stub
    assert DOWN.patient_record_number not in stub


@pytest.mark.parametrize("page", ["A4", "A5"])
def test_downward_stub_leaves_bingan_hao_blank_without_an_inpatient_number(
    page: str, tmp_path: Path
) -> None:
    pdf = referral_slip_pdf(replace(DOWN, inpatient_no=""), page)
    stub = stub_of(pdf, tmp_path)
    assert "病案号" in stub
    assert DOWN.patient_record_number not in flat(page_text(pdf, tmp_path, 1))  # nowhere
    assert re.search(r"病案号(家庭住址)", stub) or "病案号_" in stub


def test_upward_stub_still_prints_the_health_record_number(tmp_path: Path) -> None:
    assert f"档案编号{UP.patient_record_number}" in stub_of(referral_slip_pdf(UP), tmp_path)


@pytest.mark.parametrize("page", ["A4", "A5"])
def test_a_transcribed_downward_slip_is_a_copy_without_the_county_seal(
    page: str, tmp_path: Path
) -> None:
    pdf = referral_slip_pdf(replace(DOWN, transcribed=True), page)
    text = flat(page_text(pdf, tmp_path, 1))
    assert text.count("录入副本") >= 2  # stub and body titles, and the closing note
    assert "机构盖章" not in text and "盖章）" not in text
    original = flat(page_text(referral_slip_pdf(DOWN, page), tmp_path, 1))
    assert "录入副本" not in original and "来安县人民医院（机构盖章）" in original


@pytest.mark.parametrize("page", ["A4", "A5"])
@pytest.mark.parametrize("payment", ["10", "01", "08"])
def test_labels_never_wrap_inside_a_word(page: str, payment: str, tmp_path: Path) -> None:
    slip = replace(UP, payment_type=payment, transport="转诊单位护送", patient_type="门诊")
    lines = [x.strip() for x in page_text(referral_slip_pdf(slip, page), tmp_path, 1).splitlines()]
    for label in (
        "身份证号：",
        "健康档案号：",
        "病人性质：",
        "医疗付费方式：",
        "转送方式：",
        "接诊科室：",
    ):
        assert any(label in x for x in lines), (label, lines)
    assert not any(x.endswith("医疗付") or x.startswith("费方式") for x in lines)


@pytest.mark.parametrize("page", ["A4", "A5"])
def test_room_is_left_for_a_handwritten_signature(page: str, tmp_path: Path) -> None:
    text = page_text(referral_slip_pdf(UP, page), tmp_path, 1, layout=True)
    gaps = re.findall(r"转诊医生（签字）：( +)（李秀英）", text)
    assert len(gaps) == 2  # stub and body
    assert all(len(g) >= 8 for g in gaps), gaps


def test_a_paper_downward_slip_printed_at_the_clinic_is_a_copy(
    services: AppServices, data_dir: Path, tmp_path: Path
) -> None:
    from app.domain.patient import PatientInput

    pid = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X")).id
    typed = services.referrals.enter_downward(downward(pid, referred_on=date(2026, 11, 20)))
    pdf, _row, _ = services.referrals.slip_pdf(typed.id, "A5")
    text = flat(page_text(pdf, tmp_path, 1))
    assert "录入副本" in text and "机构盖章" not in text
    # The county's own 回转单 (arrived by sync: written by the county, not this clinic).
    other = services.referrals.enter_downward(downward(pid, referred_on=date(2026, 11, 20)))
    with sqlite3.connect(db_path(data_dir)) as c:
        c.execute("UPDATE referrals SET clinic_code = 'county' WHERE id = ?", (other.id,))
    pdf, _row, _ = services.referrals.slip_pdf(other.id, "A5")
    text = flat(page_text(pdf, tmp_path, 1))
    assert "录入副本" not in text and "来安县人民医院（机构盖章）" in text


LONG = dict(
    patient_address="来安县桃花镇桃花村三组十二号附近的老供销社后面第二排西数第三户",
    receiving_institution="滁州市第一人民医院（来安县医共体牵头医院）",
    receiving_doctor="欧阳主任医师",
)


@pytest.mark.parametrize("base", [UP, DOWN], ids=["up", "down"])
@pytest.mark.parametrize("page", ["A4", "A5"])
def test_long_values_never_split_a_label_on_the_stub(
    base: object, page: str, tmp_path: Path
) -> None:
    slip = replace(base, **LONG)  # type: ignore[type-var]
    text = page_text(referral_slip_pdf(slip, page), tmp_path, 1)
    lines = [x.strip() for x in text.split("剪")[0].splitlines() if x.strip()]
    labels = ["患者姓名", "家庭住址", "联系电话", "接诊医生", "因病情需要"]
    labels += ["档案编号" if base is UP else "病案号"]
    for label in labels:
        assert any(label in x for x in lines), (label, lines)
    assert flat(LONG["patient_address"]) in flat(text)  # the value itself is all there
