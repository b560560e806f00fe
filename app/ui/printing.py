"""Print preview inside the app, printing through QPrinter, and save as PDF.

The PDF (made by app.reports in the background) is the single source of what is printed:
the preview shows its pages rendered by PDFium, and printing sends the same pages, so paper
and screen cannot differ.

Printing is made for a modest PC: a printer that writes a PDF file gets the document's own
bytes (text stays text, nothing is rendered); a real printer gets one page at a time, rendered
at no more than ``MAX_PRINT_DPI`` (a 9922×14032 image per page at the PDF printer's 1200 dpi
took seconds and gigabytes). Only paper counts as a print: saving a PDF does not make the next
paper copy a 补打.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QImage, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui.domain_text import ui_error
from app.ui.widgets import export_note
from app.ui.widgets.screen_fit import fit_to_screen
from app.ui.widgets.status_note import notify_saved

PREVIEW_SCALE = 1.25  # points → screen pixels
MAX_PRINT_DPI = 300  # sharp on paper; a page is then ~35 MB of pixels, one page at a time


def _image(bitmap: pdfium.PdfBitmap) -> QImage:
    """A QImage over PDFium's pixels (no copy: keep ``bitmap`` alive while it is used)."""
    return QImage(
        bitmap.buffer,
        bitmap.width,
        bitmap.height,
        bitmap.stride,
        QImage.Format.Format_ARGB32,
    )


def render_pages(pdf: bytes, scale: float) -> list[QImage]:
    doc = pdfium.PdfDocument(pdf)
    try:
        images = []
        for i in range(len(doc)):
            bitmap = doc[i].render(scale=scale, force_bitmap_format=pdfium_raw.FPDFBitmap_BGRA)
            images.append(_image(bitmap).copy())  # own the pixels before PDFium frees them
        return images
    finally:
        doc.close()


def page_count(pdf: bytes) -> int:
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def prints_on_paper(printer: QPrinter) -> bool:
    """True for a real printer; False when the print dialog was told to write a file."""
    return printer.outputFormat() == QPrinter.OutputFormat.NativeFormat


def print_pdf(pdf: bytes, printer: QPrinter, *, keep_text: bool | None = None) -> int:
    """Print every page of ``pdf`` on ``printer``; returns the number of pages printed.

    A printer writing a PDF file gets ``pdf`` itself (``keep_text``, the default there);
    otherwise each page is rendered at min(printer, ``MAX_PRINT_DPI``) dpi and painted, one
    page in memory at a time.
    """
    to_file = printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
    if keep_text is None:
        keep_text = to_file and bool(printer.outputFileName())
    if keep_text:
        try:
            Path(printer.outputFileName()).write_bytes(pdf)
        except OSError as exc:
            raise OSError(exc.strerror or str(exc)) from exc
        return page_count(pdf)
    return _print_raster(pdf, printer)


def _print_raster(pdf: bytes, printer: QPrinter) -> int:
    device_dpi = printer.resolution()
    dpi = min(device_dpi, MAX_PRINT_DPI)
    doc = pdfium.PdfDocument(pdf)
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise OSError(
                QCoreApplication.translate(
                    "Printing",
                    "Cannot reach the printer: check that it is switched on and set as the "
                    "default printer",
                )
            )
        try:
            target = QRectF(printer.pageLayout().paintRectPixels(device_dpi))
            target.moveTo(0, 0)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            for i in range(len(doc)):
                if i:
                    printer.newPage()
                page = doc[i]
                bitmap = page.render(
                    scale=dpi / 72.0, force_bitmap_format=pdfium_raw.FPDFBitmap_BGRA
                )
                image = _image(bitmap)
                size = (
                    image.size().toSizeF().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                )
                painter.drawImage(QRectF(0, 0, size.width(), size.height()), image)
                del image
                bitmap.close()
                page.close()
        finally:
            painter.end()
        return len(doc)
    finally:
        doc.close()


class PdfPreviewDialog(QDialog):
    """Shows a document; prints it or saves it. ``make_pdf(page_size)`` re-renders on A4/A5."""

    def __init__(
        self,
        title: str,
        pdf: bytes,
        make_pdf: Callable[[str], bytes] | None = None,
        suggested_name: str = "document.pdf",
        final_pdf: Callable[[str], bytes] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        fit_to_screen(self, 820, 900)
        self.pdf = pdf
        self.make_pdf = make_pdf
        # Called when the document really goes to paper or disk (records the print).
        self.final_pdf = final_pdf
        self.suggested_name = suggested_name
        self.page_size = QComboBox()
        self.page_size.setObjectName("pageSize")
        self.page_size.addItems(["A4", "A5"])
        self.page_size.setEnabled(make_pdf is not None)
        self.page_size.currentTextChanged.connect(self._resize_paper)
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.setObjectName("printButton")
        self.save_button = QPushButton(self.tr("Save as PDF…"))
        self.save_button.setObjectName("saveButton")
        close = QPushButton(self.tr("Close"))
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        close.clicked.connect(self.accept)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Paper")))
        bar.addWidget(self.page_size)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addWidget(close)
        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.pages)
        scroll.setWidgetResizable(True)
        scroll.setStyleSheet("QScrollArea { background: #808080; }")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)
        self._show_pages()

    def page_count(self) -> int:
        return self.pages_layout.count()

    def _show_pages(self) -> None:
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item and item.widget():
                item.widget().deleteLater()  # type: ignore[union-attr]
        for image in render_pages(self.pdf, PREVIEW_SCALE):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("background: white; margin: 8px;")
            self.pages_layout.addWidget(label)

    def _resize_paper(self, size: str) -> None:
        if self.make_pdf is not None:
            self.pdf = self.make_pdf(size)
            self._show_pages()

    def printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        size = (
            QPageSize.PageSizeId.A5
            if self.page_size.currentText() == "A5"
            else QPageSize.PageSizeId.A4
        )
        printer.setPageSize(QPageSize(size))
        printer.setDocName(self.windowTitle())
        return printer

    def print_document(self) -> None:
        printer = self.printer()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Print on ``printer``. Only paper is recorded as a print; after it the preview
        shows the next copy as it will come out (补打 from the second on)."""
        paper = prints_on_paper(printer)
        try:
            print_pdf(self.outgoing() if paper else self.pdf, printer)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Not printed"), ui_error(exc))
            return False
        if paper and self.final_pdf is not None:
            self._resize_paper(self.page_size.currentText())
        if not paper:
            notify_saved(self, export_note.with_note(printer.outputFileName()))
        return True

    def save_document(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            export_note.caption(self.tr("Save as PDF")),
            self.suggested_name,
            self.tr("PDF files (*.pdf)"),
        )
        if path:
            self.save_to(Path(path))

    def outgoing(self) -> bytes:
        if self.final_pdf is None:
            return self.pdf
        self.pdf = self.final_pdf(self.page_size.currentText())
        return self.pdf

    def save_to(self, path: Path) -> bool:
        """Save the document as shown (saving is not a print: no 补打 follows from it)."""
        try:
            path.write_bytes(self.pdf)
        except OSError as exc:
            QMessageBox.warning(
                self,
                self.tr("Not saved"),
                self.tr("Could not save %1: %2")
                .replace("%1", str(path))
                .replace("%2", exc.strerror or ui_error(exc)),
            )
            return False
        notify_saved(self, export_note.with_note(str(path)))
        return True
