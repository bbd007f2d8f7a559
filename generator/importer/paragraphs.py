"""A received file as a list of paragraphs, each knowing where it was in the file.

DOCX gives paragraphs directly (.doc and .wps once LibreOffice made them DOCX). PDF and OFD
give lines, which archive/pdftext.py rids of page furniture and joins back into paragraphs by
their geometry; scanned PDF pages are OCR'd first. TXT gives one paragraph per line, as web
pages and "save as text" do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from archive.extract import (LEGACY_WORD, ExtractError, body_paragraphs, damaged, decode_text,
                             open_docx, paragraph_text, read_pdf_lines)
from archive.inputs import read_input
from archive.pdftext import Line, join_lines

from ..dates import read_written_date
from .markers import read_marker

READABLE = (".docx", ".doc", ".wps", ".pdf", ".ofd", ".txt", ".md")
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
        if suffix in LEGACY_WORD:
            from archive.legacy import to_docx

            return _docx(to_docx(data, suffix))
        if suffix == ".pdf":
            return _pdf(data)
        if suffix == ".ofd":
            from archive.ofd import read_ofd_lines

            return _fixed_layout(join_lines(read_ofd_lines(data).lines, _starts_anew))
        if suffix in (".txt", ".md", ".text", ""):
            return _txt(decode_text(data))
    except ExtractError:
        raise
    except Exception as exc:  # third-party readers raise anything on damaged files
        raise damaged(exc) from exc
    raise ExtractError(f"不支持的文件类型“{suffix}”；可导入 DOCX、DOC、WPS、PDF、OFD、TXT")


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


def _pdf(data: bytes) -> list[Paragraph]:
    return _fixed_layout(join_lines(read_pdf_lines(data).lines, _starts_anew))


def _fixed_layout(lines: list[Line]) -> list[Paragraph]:
    """Joined lines of a PDF or OFD, named by page and line."""
    return [Paragraph(line.text, line.number, line.page, line.size, "pdf") for line in lines]


def _starts_anew(before: Line, line: Line) -> bool:
    """Where a paragraph starts although geometry would join it: after a date line, at an
    item (附件, 抄送, 组长：) or a numbered heading."""
    return (read_written_date(before.text) is not None or _STARTS_ITEM.match(line.text) is not None
            or read_marker(line.text) is not None)
