"""Read geometry back from a PDF: lines of characters, in millimetres."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber

PT_TO_MM = 25.4 / 72
PUNCTUATION = set("，。、；：？！“”‘’（）《》〔〕【】—…·")


@dataclass
class Line:
    top: float  # mm
    bottom: float
    x0: float
    x1: float
    text: str
    size: float  # pt, most common
    fonts: set[str]


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]

    def body_lines(self, size: float = 16.0) -> list[Line]:
        """Lines set in the body size, inside the text block (not the footer)."""
        return [l for l in self.lines if abs(l.size - size) < 0.3 and l.bottom < 262.5]

    def footer(self) -> Line | None:
        below = [l for l in self.lines if l.top > 262.0]
        return below[0] if below else None


def read_pages(path: Path) -> list[Page]:
    pages = []
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages, start=1):
            rows: dict[int, list[dict]] = {}
            for ch in page.chars:
                if ch["text"].strip():
                    rows.setdefault(round(ch["bottom"]), []).append(ch)
            lines = []
            for _, chars in sorted(rows.items()):
                chars.sort(key=lambda c: c["x0"])
                sizes = [round(c["size"], 1) for c in chars]
                lines.append(Line(
                    top=min(c["top"] for c in chars) * PT_TO_MM,
                    bottom=max(c["bottom"] for c in chars) * PT_TO_MM,
                    x0=chars[0]["x0"] * PT_TO_MM,
                    x1=max(c["x1"] for c in chars) * PT_TO_MM,
                    text="".join(c["text"] for c in chars),
                    size=max(set(sizes), key=sizes.count),
                    fonts={c["fontname"].split("+")[-1] for c in chars},
                ))
            pages.append(Page(index, float(page.width) * PT_TO_MM,
                              float(page.height) * PT_TO_MM, lines))
    return pages


def full_text(path: Path) -> str:
    return "".join(line.text for page in read_pages(path) for line in page.lines)


def cjk_count(text: str) -> int:
    """Characters that take one full grid cell (hanzi and full-width punctuation)."""
    return sum(1 for ch in text if ord(ch) >= 0x2E80)


def embedded_fonts(path: Path) -> dict[str, bool]:
    """Base font name -> whether a font file is embedded (the checker's reading)."""
    from generator.check.pdf_layout import embedded_fonts as read

    with pdfplumber.open(path) as pdf:
        return read(pdf)
