"""A received file as a list of paragraphs, each knowing where it was in the file.

DOCX gives paragraphs directly (.doc and .wps once LibreOffice made them DOCX). PDF and OFD
give lines, which archive/pdftext.py rids of page furniture and joins back into paragraphs by
their geometry; scanned PDF pages are OCR'd first. TXT gives one paragraph per line, as web
pages and "save as text" do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from archive.extract import (LEGACY_WORD, Extracted, ExtractError, body_paragraphs, damaged,
                             docx_extracted, extract, open_docx, paragraph_text)
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


@dataclass(frozen=True)
class Received:
    """A received file read once: its paragraphs, and what extraction said of it (pages, page
    furniture removed, OCR notes). `extracted.text` is the paragraphs' text, one a line."""

    paragraphs: list[Paragraph]
    extracted: Extracted


def read_paragraphs(path: Path, suffix: str | None = None) -> list[Paragraph]:
    """`suffix` names the file type when the path has none (archived objects)."""
    return read_file(path, suffix).paragraphs


def read_file(path: Path, suffix: str | None = None) -> Received:
    """A file to import or check: an encrypted PDF, which the archive keeps, has nothing to read."""
    received = read_received(f"文件{(suffix or path.suffix).lower()}", read_input(path))
    if received.extracted.encrypted:
        raise ExtractError("PDF 已加密，需要密码才能打开，无法读取其中的文字")
    return received


def read_received(name: str, data: bytes) -> Received:
    """The one reading of a received file, for import, check and the archive alike."""
    suffix = Path(name).suffix.lower()
    if suffix in (".text", ""):
        suffix = ".txt"
    try:
        if suffix in LEGACY_WORD:  # converted once, then read as the DOCX it became
            from archive.legacy import to_docx

            data, suffix = to_docx(data, suffix), ".docx"
        if suffix == ".docx":  # opened once for both
            document = open_docx(data)
            return Received(_docx(document), docx_extracted(document, data))
        extracted = extract(f"文件{suffix}", data)
        if extracted.lines:  # PDF, OFD: joined again, breaking where the text says a paragraph starts
            paragraphs = _fixed_layout(join_lines(list(extracted.lines), _starts_anew))
            return Received(paragraphs, replace(extracted, text="\n".join(p.text for p in paragraphs)))
        return Received(_txt(extracted.text), extracted)
    except ExtractError:
        raise
    except Exception as exc:  # third-party readers raise anything on damaged files
        raise damaged(exc) from exc


def _txt(text: str) -> list[Paragraph]:
    return [Paragraph(line.strip(), n) for n, line in enumerate(text.splitlines(), start=1)
            if line.strip()]


def _docx(document) -> list[Paragraph]:
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


def _fixed_layout(lines: list[Line]) -> list[Paragraph]:
    """Joined lines of a PDF or OFD, named by page and line."""
    return [Paragraph(line.text, line.number, line.page, line.size, "pdf") for line in lines]


def _starts_anew(before: Line, line: Line) -> bool:
    """Where a paragraph starts although geometry would join it: after a date line, at an
    item (附件, 抄送, 组长：) or a numbered heading."""
    return (read_written_date(before.text) is not None or _STARTS_ITEM.match(line.text) is not None
            or read_marker(line.text) is not None)
