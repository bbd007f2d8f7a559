"""Text out of received files: DOCX (python-docx), PDF (pdfplumber), TXT and Markdown."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GongwenError

MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
}
RECEIVABLE = (".docx", ".pdf", ".txt", ".md", ".markdown")


class ExtractError(GongwenError):
    """A file could not be read as the document it claims to be."""


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: int | None


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


def extract(name: str, data: bytes) -> Extracted:
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".docx":
            return _docx(data)
        if suffix == ".pdf":
            return _pdf(data)
        if suffix in (".txt", ".md", ".markdown"):
            return Extracted(decode_text(data), None)
    except ExtractError:
        raise
    except Exception as exc:  # third-party readers raise anything on damaged files
        raise ExtractError(f"文件已损坏或格式不符，无法读取（{type(exc).__name__}）") from exc
    raise ExtractError(f"不支持的文件类型“{suffix or '无扩展名'}”；可归档 DOCX、PDF、TXT、Markdown")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB 18030 (GBK, GB 2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExtractError("无法识别文本编码（应为 UTF-8 或 GBK）")


def _docx(data: bytes) -> Extracted:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [paragraph_text(p) for p in body_paragraphs(document)]
    return Extracted("\n".join(lines), _docx_pages(data))


def body_paragraphs(document):
    """Every w:p of the body in reading order, those inside tables included."""
    from docx.oxml.ns import qn

    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            yield block
        elif block.tag == qn("w:tbl"):
            yield from block.iter(qn("w:p"))


def paragraph_text(p) -> str:
    from docx.oxml.ns import qn

    breaks = {qn("w:tab"): "\t", qn("w:br"): "\n"}
    return "".join(breaks.get(node.tag) or node.text or ""
                   for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br")))


def _docx_pages(data: bytes) -> int | None:
    """The page count Word saved in docProps/app.xml, when there is one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            app = z.read("docProps/app.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile):
        return None
    match = re.search(r"<Pages>(\d+)</Pages>", app)
    return int(match.group(1)) if match else None


def _pdf(data: bytes) -> Extracted:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    return Extracted("\n".join(pages), len(pages))


def pdf_pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)
