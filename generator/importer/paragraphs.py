"""A received file as a list of paragraphs, each knowing where it was in the file.

DOCX gives paragraphs directly. PDF gives lines, which are joined back into paragraphs by
their geometry: a line that starts at the left margin (not indented) continues the line
before it. TXT gives one paragraph per line, as web pages and "save as text" do.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from archive.extract import (ExtractError, body_paragraphs, damaged, decode_text, open_docx,
                             open_pdf, paragraph_text)
from archive.inputs import read_input

from ..dates import read_written_date
from .markers import read_marker

READABLE = (".docx", ".pdf", ".txt", ".md")
_PAGE_NUMBER = re.compile(r"^\s*[—－\-–]\s*\d+\s*[—－\-–]\s*$")
_STARTS_ITEM = re.compile(r"^\s*(附件\s*\d*\s*$|附件[：:]|[（(]\s*责任领导|抄送|(?:副?组|成)\s*[长员]\s*[：:])")


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int  # 1-based line (TXT, PDF page) or paragraph (DOCX) number
    page: int | None = None  # PDF only
    size: float | None = None  # largest font size in points, where the file says
    kind: str = "txt"  # txt, docx or pdf: how to name the place

    @property
    def where(self) -> str:
        if self.kind == "pdf":
            return f"第{self.page}页第{self.line}行"
        if self.kind == "docx":
            return f"第{self.line}段"
        return f"第{self.line}行"


def read_paragraphs(path: Path, suffix: str | None = None) -> list[Paragraph]:
    """`suffix` names the file type when the path has none (archived objects)."""
    suffix = (suffix or path.suffix).lower()
    data = read_input(path)
    try:
        if suffix == ".docx":
            return _docx(data)
        if suffix == ".pdf":
            return _pdf(data)
        if suffix in (".txt", ".md", ".text", ""):
            return _txt(decode_text(data))
    except ExtractError:
        raise
    except Exception as exc:  # third-party readers raise anything on damaged files
        raise damaged(exc) from exc
    raise ExtractError(f"不支持的文件类型“{suffix}”；可导入 DOCX、PDF、TXT")


def _txt(text: str) -> list[Paragraph]:
    return [Paragraph(line.strip(), n) for n, line in enumerate(text.splitlines(), start=1)
            if line.strip()]


def _docx(data: bytes) -> list[Paragraph]:
    document = open_docx(data)
    out = []
    for number, p in enumerate(body_paragraphs(document), start=1):
        text = paragraph_text(p).replace("\t", "　").strip()
        if text:
            out.append(Paragraph(text, number, size=_docx_size(p), kind="docx"))
    return out


def _docx_size(p) -> float | None:
    from docx.oxml.ns import qn

    sizes = [int(sz.get(qn("w:val"))) / 2 for sz in p.iter(qn("w:sz"))]
    return max(sizes) if sizes else None


@dataclass
class _Line:
    text: str
    page: int
    number: int
    x0: float
    x1: float
    size: float
    top: float = 0.0


def _pdf(data: bytes) -> list[Paragraph]:
    lines: list[_Line] = []
    with open_pdf(data) as pdf:
        for page_no, page in enumerate(pdf.pages(), start=1):
            for n, line in enumerate(page.extract_text_lines(), start=1):
                if _PAGE_NUMBER.match(line["text"]):
                    continue
                size = max(c["size"] for c in line["chars"])
                lines.append(_Line(line["text"].strip(), page_no, n, line["x0"], line["x1"], size,
                                   line["top"]))
    return _join_lines(lines)


def _join_lines(lines: list[_Line]) -> list[Paragraph]:
    """Wrapped lines back into paragraphs. The body's left margin is where the leftmost line starts;
    a paragraph's first line is indented or centred, so a line at the margin continues."""
    if not lines:
        return []
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    em = statistics.median(line.size for line in lines)
    pitch = _line_pitch(lines)
    out: list[Paragraph] = []
    current: _Line | None = None
    for line in lines:
        continues = (
            current is not None
            and abs(line.x0 - left) < em / 2
            and current.x1 > right - 5 * em
            and abs(line.size - current.size) < 1
            and (line.page != current.page or line.top - current.top < 1.4 * pitch)
            and read_written_date(current.text) is None
            and not _STARTS_ITEM.match(line.text)
            and read_marker(line.text) is None
        )
        if continues:
            current.text += line.text
            current.x1, current.top = line.x1, line.top
            continue
        if current is not None:
            out.append(Paragraph(current.text, current.number, current.page, current.size, "pdf"))
        current = _Line(line.text, line.page, line.number, line.x0, line.x1, line.size, line.top)
    out.append(Paragraph(current.text, current.number, current.page, current.size, "pdf"))
    return out


def _line_pitch(lines: list[_Line]) -> float:
    """The usual distance from one line to the next: paragraphs set apart by more are new."""
    gaps = [b.top - a.top for a, b in zip(lines, lines[1:]) if a.page == b.page and b.top > a.top]
    return statistics.median(gaps) if gaps else float("inf")
