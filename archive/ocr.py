"""Text for PDF pages that have none (scans), recognised from their image with RapidOCR.

RapidOCR (rapidocr-onnxruntime) ships its PP-OCR Chinese models inside the wheel, so nothing
is fetched at run time; pages are rendered with pypdfium2 (pdfplumber's own renderer). Each
recognised line keeps its box, in points like pdfplumber's lines, so furniture removal and
line joining treat a scan as they treat a text PDF. Where RapidOCR is not installed a scan
still archives: no text, and a note that says so.
"""
from __future__ import annotations

import functools
import math
import statistics

from . import limits
from .pdftext import Line

OCR_PACKAGE = "rapidocr-onnxruntime"


def _pages_named(pages: list[int]) -> str:
    """第3页, 第1–4页, 第1、3页."""
    if len(pages) > 1 and pages == list(range(pages[0], pages[-1] + 1)):
        return f"第{pages[0]}–{pages[-1]}页"
    return "第" + "、".join(map(str, pages)) + "页"


def scan_notes(scanned: list[int], recognised: list[int], count: int) -> tuple[str, ...]:
    """What a person should know of the pages without a text layer."""
    if not scanned:
        return ()
    which = "全部页面" if len(scanned) == count else _pages_named(scanned)
    if recognised:
        return (f"{which}无文字层（扫描件），已进行文字识别：文字由 OCR 识别，可能有个别错字",)
    return (f"{which}无文字层（扫描件），未进行文字识别（未安装 {OCR_PACKAGE}）："
            f"原件照样归档，未提取文字，只能按元数据检索",)


def available() -> bool:
    return _engine() is not None


@functools.cache
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:  # OCR not installed: scans archive without text
        return None
    import logging

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR()


def recognise_pages(data: bytes, numbers: list[int], pages: list[list[Line]]) -> list[int]:
    """OCR the pages `numbers` (1-based) of the PDF `data` into `pages`, at most
    MAX_OCR_PAGES of them; the numbers of the pages recognised."""
    engine = _engine()
    if engine is None:
        return []
    import pypdfium2

    done = []
    document = pypdfium2.PdfDocument(data)
    try:
        for number in numbers[:limits.MAX_OCR_PAGES]:
            page = document[number - 1]
            try:
                pages[number - 1] = recognise(engine, page, number)
            finally:
                page.close()
            done.append(number)
    finally:
        document.close()
    return done


def recognise(engine, page, number: int) -> list[Line]:
    """The lines RapidOCR reads on one pypdfium2 page, top to bottom, in points."""
    import numpy

    width, height = page.get_size()
    scale = min(limits.OCR_DPI / 72, math.sqrt(limits.MAX_OCR_PIXELS / max(width * height, 1)))
    image = page.render(scale=scale, grayscale=True).to_pil().convert("RGB")
    found, _ = engine(numpy.asarray(image))
    boxes = [_box(points, text, scale) for points, text, _score in (found or []) if text.strip()]
    return _as_lines(boxes, number)


def _box(points, text: str, scale: float) -> tuple[float, float, float, float, str]:
    xs = [p[0] / scale for p in points]
    ys = [p[1] / scale for p in points]
    return min(xs), max(xs), min(ys), max(ys), text.strip()


def _as_lines(boxes: list[tuple], number: int) -> list[Line]:
    """Boxes on one baseline (their middles within half a box height) into one line."""
    rows: list[list[tuple]] = []
    for box in sorted(boxes, key=lambda b: (b[2] + b[3]) / 2):
        middle, tall = (box[2] + box[3]) / 2, box[3] - box[2]
        if rows:
            last = rows[-1][0]
            if abs((last[2] + last[3]) / 2 - middle) < max(tall, last[3] - last[2]) / 2:
                rows[-1].append(box)
                continue
        rows.append([box])
    lines = []
    usual = statistics.median(b[3] - b[2] for b in boxes) if boxes else 0
    for n, row in enumerate(rows, start=1):
        row.sort(key=lambda b: b[0])
        text = " ".join(b[4] for b in row)
        size = _font_size(statistics.median(b[3] - b[2] for b in row), usual)
        lines.append(Line(text, number, n, row[0][0], row[-1][1], min(b[2] for b in row), size))
    return lines



def _font_size(height: float, usual: float) -> float:
    """A box's height as the line's font size: within a fifth of the page's usual height it
    is body text of the usual size (box heights vary with the glyphs), else its own."""
    return usual if abs(height - usual) <= usual / 5 else height
