"""Printed slips read back as a user would see them: pdftotext for the text, pdffonts for fonts."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from app.reports.referral_slip import SlipData, qr_runs, referral_slip_pdf

UP = SlipData(
    number="341122TH-20261122-001",
    direction="up",
    issuing_institution="来安县桃花镇卫生院",
    receiving_institution="来安县人民医院",
    receiving_department="心血管内科",
    patient_name="欧阳秀英",
    patient_sex="2",
    patient_age=67,
    patient_id_number="34112219590301068X",
    patient_record_number="34112210200100004",
    patient_address="来安县桃花镇桃花村三组12号",
    patient_phone="13955001234",
    referral_date=date(2026, 11, 22),
    referring_doctor="李秀英",
    referring_phone="0550-5012345",
    indications=["需上级机构进一步检查以明确诊断", "其他"],
    indication_other="家属要求",
    impression="高血压3级（极高危）",
    present_illness="反复胸闷2年，加重伴胸痛3小时",
    past_history="高血压病史10年",
    treatment="硝酸甘油舌下含服，吸氧",
    patient_type="急诊",
    payment_type="10",
    transport="120",
    purpose="明确诊断",
    cautions="途中监测血压",
    urgency="紧急",
)
DOWN = replace(
    UP,
    direction="down",
    issuing_institution="来安县人民医院",
    receiving_institution="来安县桃花镇卫生院",
    diagnosis="急性心肌梗死",
    icd10="I21.4",
    inpatient_no="2026012345",
    exam_results="冠脉造影：前降支狭窄80%",
    treatment_plan="PCI术后，双抗12个月；低盐低脂饮食",
    followup_date=date(2026, 12, 6),
    followup_method="门诊复查",
    outcome="好转",
    referring_doctor="张主任",
)


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "slip.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def flat(text: str) -> str:
    return "".join(text.split())


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


@pytest.mark.parametrize("page", ["A4", "A5"])
def test_upward_slip_has_stub_cut_line_and_every_field(page: str, tmp_path: Path) -> None:
    text = flat(pdf_text(referral_slip_pdf(UP, page), tmp_path))
    assert text.count("双向转诊单（存根）") == 1
    assert "剪切线" in text
    assert "双向转诊（转出）单" in text
    assert "现有患者欧阳秀英性别女年龄67岁因病情需要，需转入贵单位，请予以接诊。" in text
    assert "转入来安县人民医院单位心血管内科科室" in text
    for value in (
        UP.number,
        UP.patient_id_number,
        UP.patient_record_number,
        UP.patient_address,
        UP.patient_phone,
        UP.impression,
        UP.present_illness,
        UP.past_history,
        UP.treatment,
        "需上级机构进一步检查以明确诊断",
        "其他：家属要求",
        "城乡居民基本医疗保险",
        "急诊",
        "120",
        UP.purpose,
        UP.cautions,
        UP.referring_doctor,
        UP.referring_phone,
        "来安县桃花镇卫生院（机构盖章）",
        "2026年11月22日",
    ):
        assert flat(value) in text, value
    assert text.count(UP.number) == 2  # on the stub and on the body


@pytest.mark.parametrize("page", ["A4", "A5"])
def test_downward_slip_has_its_fields(page: str, tmp_path: Path) -> None:
    text = flat(pdf_text(referral_slip_pdf(DOWN, page), tmp_path))
    assert "双向转诊（回转）单（存根）" in text and "双向转诊（回转）单" in text
    assert "现有患者欧阳秀英因病情需要，现转回贵单位，请予以接诊。" in text
    for value in (
        DOWN.diagnosis,
        "I21.4",
        DOWN.inpatient_no,
        DOWN.exam_results,
        DOWN.treatment_plan,
        "2026年12月06日（门诊复查）",
        "病情转归：好转",
        "来安县人民医院（机构盖章）",
    ):
        assert flat(value) in text, value


def test_the_font_is_embedded(tmp_path: Path) -> None:
    fonts = pdf_fonts(referral_slip_pdf(UP), tmp_path)
    cjk = [f for f in fonts if "WenQuanYi" in f[0]]
    assert cjk, fonts
    for f in cjk:
        assert f[-5] == "yes", f  # emb column
    assert all(f[-5] == "yes" for f in fonts), fonts  # no font left unembedded


def test_rare_name_characters_print_and_read_back_exactly(tmp_path: Path) -> None:
    slip = replace(UP, patient_name="王𠀀䶮", patient_address="来安县䶮村𠇔组")
    text = flat(pdf_text(referral_slip_pdf(slip), tmp_path))
    assert "王𠀀䶮" in text and "来安县䶮村𠇔组" in text
    fonts = [f[0] for f in pdf_fonts(referral_slip_pdf(slip), tmp_path)]
    assert any("HanaMin" in f for f in fonts), fonts  # the fallback font, embedded


def test_long_text_continues_on_the_next_page_and_nothing_is_lost(tmp_path: Path) -> None:
    story = "".join(f"第{i}天：胸闷气短，夜间不能平卧，予对症处理后稍缓解。" for i in range(1, 80))
    slip = replace(UP, present_illness=story, treatment=story[:400])
    pdf = referral_slip_pdf(slip, "A5")
    assert pages(pdf, tmp_path) > 1
    # Without the page furniture (continuation header, page numbers) the text runs on whole.
    furniture = re.compile(r"^(转诊单号：[-\w]+|患者：\w+（续）|第 ?\d+ ?页 ?共 ?\d+ ?页)$")
    lines = pdf_text(pdf, tmp_path).splitlines()
    text = flat("\n".join(x for x in lines if not furniture.match(x.strip())))
    assert flat(story) in text
    assert "第79天：胸闷气短" in text


def test_reprint_is_marked(tmp_path: Path) -> None:
    slip = replace(UP, reprint=True, printed_at=datetime(2026, 11, 23, 9, 5))
    text = flat(pdf_text(referral_slip_pdf(slip), tmp_path))
    assert text.count("（补打）") == 2 and "补打：2026-11-2309:05" in text


def test_qr_code_encodes_the_number() -> None:
    count, runs = qr_runs(UP.number)
    assert count >= 21 and runs  # a real symbol; decoding is checked against segno itself
    import segno

    assert segno.make_qr(UP.number, error="m", boost_error=False).symbol_size(border=0)[0] == count


def test_unknown_page_size_is_refused() -> None:
    with pytest.raises(ValueError):
        referral_slip_pdf(UP, "Letter")


ROOT = Path(__file__).resolve().parents[2]


def test_print_referral_command(tmp_path: Path) -> None:
    from app.db.migrate import open_database
    from app.domain.patient import PatientInput
    from app.domain.referral import UP_INDICATIONS, ReferralInput
    from app.services.bundle import AppServices
    from app.services.context import ServiceContext
    from tests.conftest import fast_hasher

    data = tmp_path / "data"
    open_database(data)
    s = AppServices.create(ServiceContext.open(data, password_hasher=fast_hasher()), data)
    s.users.setup(
        clinic_code="TH001",
        clinic_name="桃花镇卫生院",
        county_hospital="来安县人民医院",
        admin_username="admin",
        admin_display_name="王主任",
        admin_password="secret-1",
    )
    s.users.login("admin", "secret-1")
    pid = s.patients.create(PatientInput(name="张三", id_number="11010519491231002X")).id
    r = s.referrals.create_upward(
        ReferralInput(
            patient_id=pid,
            to_institution="来安县人民医院",
            to_department="骨科",
            indications=[UP_INDICATIONS[1]],
            impression="股骨颈骨折？",
            present_illness="跌倒后髋痛",
            past_history="无",
            treatment="制动",
            referring_doctor="王主任",
            referring_phone="13900000000",
        )
    )
    s.ctx.dispose()
    out = tmp_path / "slip.pdf"
    cmd = [
        sys.executable,
        "-m",
        "app",
        "--data-dir",
        str(data),
        "print-referral",
        r.number,
        "--out",
        str(out),
        "--page",
        "A5",
    ]
    first = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert r.number in first.stdout and "补打" not in first.stdout
    assert "股骨颈骨折？" in pdf_text(out.read_bytes(), tmp_path)
    second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "（补打）" in second.stdout
    missing = subprocess.run(
        cmd[:6] + ["NOPE-1"] + cmd[7:], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert missing.returncode == 2 and "没有找到转诊单" in missing.stdout  # USAGE
