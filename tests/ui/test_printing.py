"""Printing: a PDF-file printer gets the document itself (text stays searchable), a real
printer gets capped-resolution pages one at a time, and only paper counts as a print, so the
preview says 补打 exactly when the paper will. The printer is the edge of the world: a
QPrinter writing a file stands in for it; ``prints_on_paper`` is told when it is "paper"."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter

from app.domain.patient import PatientInput
from app.domain.referral import UP_INDICATIONS, ReferralInput
from app.reports.referral_slip import SlipData, referral_slip_pdf
from app.services.bundle import AppServices
from app.ui import printing
from app.ui.printing import PdfPreviewDialog, print_pdf

STORY = "胸闷气短，夜间不能平卧。" * 300


def long_slip() -> bytes:
    return referral_slip_pdf(
        SlipData(
            number="X-1",
            direction="up",
            issuing_institution="卫生院",
            receiving_institution="县医院",
            patient_name="张三",
            present_illness=STORY,
        ),
        "A4",
    )


def file_printer(out: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # 1200 dpi
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    return printer


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_file_printer_keeps_the_text(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = long_slip()
    out = tmp_path / "printed.pdf"
    pages = print_pdf(pdf, file_printer(out))
    assert pages > 1
    assert pdf_pages(out) == pages
    text = pdf_text(out)
    assert "张三" in text and "夜间不能平卧" in text  # searchable: the text stayed text


def test_raster_path_prints_every_page_at_a_capped_resolution(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    pdf = long_slip()
    scales: list[float] = []
    real_render = printing.pdfium.PdfPage.render

    def render(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        scales.append(kwargs["scale"])
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(printing.pdfium.PdfPage, "render", render)
    out = tmp_path / "raster.pdf"
    pages = print_pdf(pdf, file_printer(out), keep_text=False)
    assert pages == printing.page_count(pdf) > 1
    assert pdf_pages(out) == pages
    # 300 dpi, not the printer's 1200: a page is 2480×3508 pixels, not 9922×14032
    assert scales == [printing.MAX_PRINT_DPI / 72.0] * pages
    assert "夜间不能平卧" not in pdf_text(out)  # pictures of pages, as on a real printer


@pytest.fixture
def referral(services: AppServices) -> str:
    p = services.patients.create(PatientInput(name="张三", id_number="11010519491231002X"))
    return services.referrals.create_upward(
        ReferralInput(
            patient_id=p.id,
            to_institution="来安县人民医院",
            to_department="心血管内科",
            indications=[UP_INDICATIONS[0]],
            impression="高血压3级",
            present_illness="胸闷",
            past_history="高血压10年",
            treatment="硝酸甘油",
            referring_doctor="李医生",
            referring_phone="13900000000",
        )
    ).id


def preview_of(qtbot, services: AppServices, rid: str) -> PdfPreviewDialog:  # type: ignore[no-untyped-def]
    svc = services.referrals
    d = PdfPreviewDialog(
        "slip",
        svc.preview_pdf(rid, "A4"),
        make_pdf=lambda page: svc.preview_pdf(rid, page),
        final_pdf=lambda page: svc.slip_pdf(rid, page)[0],
    )
    qtbot.addWidget(d)
    return d


def shown_text(d: PdfPreviewDialog, tmp_path: Path) -> str:
    shown = tmp_path / "shown.pdf"
    shown.write_bytes(d.pdf)
    return pdf_text(shown)


def test_only_paper_counts_and_the_preview_says_reprint_when_paper_will(
    qtbot, services: AppServices, referral: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    d = preview_of(qtbot, services, referral)
    assert "补打" not in shown_text(d, tmp_path)
    # saving a PDF and printing to a PDF file are not prints
    assert d.save_to(tmp_path / "saved.pdf")
    assert d.print_to(file_printer(tmp_path / "file.pdf"))
    assert services.referrals.get(referral).print_count == 0
    assert "补打" not in pdf_text(tmp_path / "saved.pdf")
    assert "补打" not in shown_text(d, tmp_path)
    # the first paper copy: recorded, not 补打; the preview now shows the next one as 补打
    monkeypatch.setattr(printing, "prints_on_paper", lambda printer: True)
    paper = tmp_path / "paper.pdf"
    assert d.print_to(file_printer(paper))
    assert services.referrals.get(referral).print_count == 1
    assert "补打" not in pdf_text(paper)
    assert "补打" in shown_text(d, tmp_path)
    paper2 = tmp_path / "paper2.pdf"
    assert d.print_to(file_printer(paper2))
    assert "补打" in pdf_text(paper2)
    assert services.referrals.get(referral).print_count == 2
