"""Printing: time and peak memory to print the A4 referral slip and a multi-page document.

    .venv/bin/python bench/bench_printing.py [--runs N] [--old]

Each measurement runs in a fresh child process (offscreen Qt) so its peak memory is its own:
``extra`` is the process's peak resident size (ru_maxrss) after printing minus its resident
size just before, i.e. what printing added on top of an app that is already running. Paths:

- ``file``   — a QPrinter writing a PDF file: the document's bytes are written (text stays text);
- ``raster`` — what a real printer gets: each page rendered at ≤ 300 dpi and painted, one at
  a time (measured on a 1200 dpi PDF-file QPrinter forced down the raster path);
- ``old``    — (with --old) the previous code: every page rendered at the printer's 1200 dpi,
  all pages in memory first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from common import ROOT, save, summary  # noqa: I001

CHILD = r"""
import json, os, resource, sys, tempfile, time
sys.path.insert(0, {root!r})
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from PySide6.QtPrintSupport import QPrinter
from app.reports.referral_slip import SlipData, referral_slip_pdf
from app.ui import printing

app = QApplication([])
doc, path = sys.argv[1], sys.argv[2]
story = "胸闷气短，夜间不能平卧，活动后加重。" * (1 if doc == "slip" else 900)
pdf = referral_slip_pdf(SlipData(number="341122TH-20261130-0001", direction="up",
    issuing_institution="来安县桃花镇卫生院", receiving_institution="来安县人民医院",
    patient_name="张三", present_illness=story), "A4")
out = tempfile.mktemp(suffix=".pdf")
printer = QPrinter(QPrinter.PrinterMode.HighResolution)
printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
printer.setOutputFileName(out)

def old(pdf, printer):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter
    images = printing.render_pages(pdf, printer.resolution() / 72.0)
    p = QPainter(printer)
    for i, image in enumerate(images):
        if i:
            printer.newPage()
        p.drawImage(QRectF(0, 0, image.width(), image.height()), image)
    p.end()
    return len(images)

def rss_kib():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

# warm up imports, fonts and PDFium on the cheap path (a warm-up raster print would set the
# peak that the measurement is meant to find)
printing.print_pdf(pdf, printer, keep_text=True)
printing.page_count(pdf)
before = rss_kib()
t = time.perf_counter()
if path == "old":
    pages = old(pdf, printer)
else:
    pages = printing.print_pdf(pdf, printer, keep_text=(path == "file"))
ms = (time.perf_counter() - t) * 1000
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
os.unlink(out)
print(json.dumps({{"ms": ms, "pages": pages, "extra_mib": max(0, peak - before) / 1024}}))
"""


def run_once(doc: str, path: str) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = CHILD.format(root=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code, doc, path],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--old", action="store_true", help="also measure the previous code (slow)")
    args = ap.parse_args()
    paths = ["file", "raster"] + (["old"] if args.old else [])
    result: dict[str, object] = {}
    for doc in ("slip", "multipage"):
        for path in paths:
            runs = [run_once(doc, path) for _ in range(1 if path == "old" else args.runs)]
            entry = {
                "pages": runs[0]["pages"],
                "ms": summary([r["ms"] for r in runs]),
                "extra_mib_max": round(max(r["extra_mib"] for r in runs), 1),
            }
            result[f"{doc}/{path}"] = entry
            print(
                f"{doc:9} {path:6} pages={entry['pages']:>2}  median "
                f"{entry['ms']['median']:8.1f} ms  max {entry['ms']['max']:8.1f} ms  "
                f"peak extra {entry['extra_mib_max']:7.1f} MiB",
                flush=True,
            )
    print("saved", save("printing", result))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
