"""GB/T 9704 geometry checks shared by our PDFs and LibreOffice's PDFs of our DOCX files."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from generator import layout as L

from .pdfgeom import PUNCTUATION, cjk_count, read_pages

LEFT = L.MARGIN_LEFT_MM
RIGHT = L.PAGE_WIDTH_MM - L.MARGIN_RIGHT_MM
TOP = L.MARGIN_TOP_MM
BOTTOM = L.PAGE_HEIGHT_MM - L.MARGIN_BOTTOM_MM


def _core(text: str) -> str:
    """A line without punctuation hanging past the edge (LibreOffice hangs it)."""
    return text.rstrip("".join(PUNCTUATION))


def check_page_geometry(pdf: Path) -> None:
    pages = read_pages(pdf)
    for page in pages:
        assert abs(page.width - L.PAGE_WIDTH_MM) < 0.5, page.width
        assert abs(page.height - L.PAGE_HEIGHT_MM) < 0.5, page.height
    body = [line for page in pages for line in page.body_lines()]
    assert body, "no body lines found"
    sizes = Counter(line.size for page in pages for line in page.lines)
    assert sizes.most_common(1)[0][0] == L.BODY_SIZE_PT
    assert abs(min(line.x0 for line in body) - LEFT) < 0.6
    full = [line for line in body if line.x1 > RIGHT - 1.0]
    assert full, "no full-width line"
    for line in full:
        assert line.x0 > LEFT - 0.6
    # the right edge, ignoring punctuation that hangs
    widest = max(line.x0 + (line.x1 - line.x0) * len(_core(line.text)) / len(line.text)
                 for line in full)
    assert widest < RIGHT + 0.6, widest
    for page in pages[1:]:
        first = page.lines[0]
        assert TOP - 0.5 < first.top < TOP + 6, (page.number, first.top)
        assert max(line.bottom for line in page.body_lines()) < BOTTOM + 0.5


def check_characters_per_line(pdf: Path) -> None:
    """Every full line of body text holds exactly 28 characters."""
    counts = []
    for page in read_pages(pdf):
        for line in page.body_lines():
            if line.x1 > RIGHT - 1.0 and line.x0 < LEFT + 1.0 and not line.text.isascii():
                hanging = len(line.text) - len(_core(line.text))
                counts.append(cjk_count(_core(line.text)) + hanging)
    assert counts
    common = Counter(counts).most_common(1)[0][0]
    assert common == L.CHARS_PER_LINE, Counter(counts)


def check_lines_per_page(pdf: Path) -> None:
    """Body lines sit on the 22-line grid: at most 22 a page, full pages exactly 22."""
    pages = read_pages(pdf)
    assert len(pages) >= 3, "need a document of three pages or more"
    pitch = L.LINE_PITCH_PT * 25.4 / 72
    counts = []
    for page in pages[1:]:
        lines = page.body_lines()
        counts.append(len(lines))
        for line in lines:
            steps = (line.top - lines[0].top) / pitch
            assert abs(steps - round(steps)) < 0.05, (page.number, line.text, steps)
    assert max(counts) == L.LINES_PER_PAGE, counts


def check_page_numbers(pdf: Path, unnumbered_first: bool = False) -> None:
    """"— N —", 4号, odd pages right and even pages left, one character in, 7 mm below.
    `unnumbered_first`: the 信函格式 shows no number on page 1 (GB/T 9704 10.1)."""
    one_char = L.PAGE_NUMBER_SIZE_PT * 25.4 / 72
    for page in read_pages(pdf):
        footer = page.footer()
        if unnumbered_first and page.number == 1:
            assert footer is None, footer
            continue
        assert footer is not None, page.number
        assert footer.text.replace(" ", "") == f"—{page.number}—"
        assert abs(footer.size - L.PAGE_NUMBER_SIZE_PT) < 0.3
        assert abs(footer.top - (BOTTOM + L.PAGE_NUMBER_GAP_MM)) < 2.5, footer.top
        if page.number % 2:
            assert abs(footer.x1 - (RIGHT - one_char)) < 1.5, footer.x1
        else:
            assert abs(footer.x0 - (LEFT + one_char)) < 1.5, footer.x0
