"""Text out of received files: DOCX (python-docx), PDF (pdfplumber; scans through OCR), OFD,
old binary .doc/.wps (through LibreOffice), TXT and Markdown."""
from __future__ import annotations

import io
import itertools
import logging
import re
import zipfile
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from generator.errors import GongwenError

from . import limits
from .limits import megabytes
from .pdftext import Furniture, Line, join_lines, pdf_page_lines, strip_furniture

MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".ofd": "application/ofd",
    ".doc": "application/msword",
    ".wps": "application/vnd.ms-works",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
}
RECEIVABLE = (".docx", ".pdf", ".ofd", ".doc", ".wps", ".txt", ".md", ".markdown")
LEGACY_WORD = (".doc", ".wps")


class ExtractError(GongwenError):
    """A file could not be read as the document it claims to be."""


@dataclass(frozen=True)
class FileInfo:
    """What the file says of itself (OFD's DocInfo), each field empty when it does not."""

    title: str = ""
    author: str = ""
    created: str = ""  # as written, e.g. 2024-03-01


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: int | None
    notes: tuple[str, ...] = ()  # what a person should know (an encrypted PDF, OCR text)
    removed: tuple[Furniture, ...] = ()  # page furniture left out of `text`
    ocr: bool = False  # some of `text` was recognised from page images
    info: FileInfo = FileInfo()
    lines: tuple[Line, ...] = ()  # a fixed-layout file's lines, furniture removed, not yet joined

    @property
    def encrypted(self) -> bool:
        return ENCRYPTED_NOTE in self.notes


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


def extract(name: str, data: bytes) -> Extracted:
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".docx":
            return _docx(data)
        if suffix == ".pdf":
            return _pdf(data)
        if suffix == ".ofd":
            from .ofd import read_ofd

            return read_ofd(data)
        if suffix in LEGACY_WORD:
            from .legacy import to_docx

            return _docx(to_docx(data, suffix))
        if suffix in (".txt", ".md", ".markdown"):
            return Extracted(decode_text(data), None)
    except ExtractError:
        raise
    except Exception as exc:  # third-party readers raise anything on damaged files
        raise damaged(exc) from exc
    raise ExtractError(f"不支持的文件类型“{suffix or '无扩展名'}”；"
                       f"支持 DOCX、DOC、WPS、PDF、OFD、TXT、Markdown")


def damaged(exc: Exception) -> ExtractError:
    """What a reader says when a third-party parser failed on the file; our own refusal
    when the parser only wrapped it (pdfplumber wraps whatever pdfminer raised)."""
    inner = exc.args[0] if exc.args else None
    if isinstance(inner, ExtractError):
        return inner
    return ExtractError(f"文件已损坏或格式不符，无法读取（{type(exc).__name__}）")


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
    return docx_extracted(open_docx(data), data)


def docx_extracted(document, data: bytes) -> Extracted:
    """The text of a DOCX already opened (`document`, from `data`), with its page count."""
    lines = [paragraph_text(p) for p in body_paragraphs(document)]
    return Extracted("\n".join(lines), _docx_pages(data))


def open_docx(data: bytes):
    """The python-docx Document of `data`, once its members' sizes are within the limits."""
    import docx

    check_zip_sizes(data)
    return docx.Document(io.BytesIO(data))


def check_zip_sizes(data: bytes, kind: str = "DOCX") -> None:
    """ExtractError unless every member's declared inflated size, their total and each
    member's compression ratio are within the limits (DOCX and XLSX alike: both are ZIP
    packages). Nothing is inflated here, and Python's zipfile (python-docx's and openpyxl's
    reader) never inflates past a declared size."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = z.infolist()
    if len(members) > limits.MAX_DOCX_MEMBERS:
        raise ExtractError(f"{kind} 含 {len(members)} 个部件，"
                           f"超过 {limits.MAX_DOCX_MEMBERS} 个的上限，未解压")
    for info in members:
        packed = f"解压后 {megabytes(info.file_size)}（压缩后 {megabytes(info.compress_size)}）"
        if info.file_size > limits.MAX_DOCX_MEMBER_BYTES:
            raise ExtractError(f"{kind} 中的“{info.filename}”{packed}，超过每个部件 "
                               f"{megabytes(limits.MAX_DOCX_MEMBER_BYTES)} 的上限，未解压")
        if (info.file_size > limits.RATIO_FLOOR_BYTES
                and info.file_size > limits.MAX_DOCX_RATIO * max(info.compress_size, 1)):
            raise ExtractError(f"{kind} 中的“{info.filename}”{packed}，压缩比超过 "
                               f"{limits.MAX_DOCX_RATIO}:1 的上限（疑为压缩炸弹），未解压")
    total = sum(info.file_size for info in members)
    if total > limits.MAX_DOCX_TOTAL_BYTES:
        raise ExtractError(f"{kind} 解压后共 {megabytes(total)}，超过 "
                           f"{megabytes(limits.MAX_DOCX_TOTAL_BYTES)} 的上限，未解压")


def body_paragraphs(document):
    """Every w:p of the body in reading order, those inside tables included, each followed
    by the paragraphs of the footnotes and endnotes it references (gongwen's own 版记 is a
    footnote of the last paragraph)."""
    from docx.oxml.ns import qn

    notes = _notes(document)
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            yield block
            if notes:
                yield from _referenced(block, notes)
        elif block.tag == qn("w:tbl"):
            for p in block.iter(qn("w:p")):
                yield p
                if notes:
                    yield from _referenced(p, notes)


_NOTE_PARTS = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes": "footnote",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes": "endnote",
}


def _notes(document) -> dict[tuple[str, str], object]:
    """(kind, id) -> w:footnote / w:endnote element, for the notes a text references."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    notes = {}
    for rel in document.part.rels.values():
        kind = _NOTE_PARTS.get(rel.reltype)
        if kind is None or rel.is_external:
            continue
        part = rel.target_part
        root = part.element if hasattr(part, "element") else parse_xml(part.blob)
        for note in root.iterchildren(qn(f"w:{kind}")):
            notes[(kind, note.get(qn("w:id")))] = note
    return notes


def _referenced(p, notes: dict) -> list:
    from docx.oxml.ns import qn

    out = []
    for kind in ("footnote", "endnote"):
        for ref in p.iter(qn(f"w:{kind}Reference")):
            note = notes.get((kind, ref.get(qn("w:id"))))
            if note is not None:
                out.extend(note.iter(qn("w:p")))
    return out


def paragraph_text(p) -> str:
    from docx.oxml.ns import qn

    breaks = {qn("w:tab"): "\t", qn("w:br"): "\n"}
    return "".join(breaks.get(node.tag) or node.text or ""
                   for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br")))


def _docx_pages(data: bytes) -> int | None:
    """The page count Word saved in docProps/app.xml, when there is one (read so far only)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z, z.open("docProps/app.xml") as f:
            app = f.read(limits.MAX_APP_XML_BYTES).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError):
        return None
    match = re.search(r"<Pages>(\d+)</Pages>", app)
    return int(match.group(1)) if match else None


ENCRYPTED_NOTE = "PDF 已加密（需要密码才能打开）：原件照样归档，未提取文字，只能按元数据检索"


def _pdf(data: bytes) -> Extracted:
    try:
        read = read_pdf_lines(data)
    except PdfEncrypted:
        return Extracted("", None, notes=(ENCRYPTED_NOTE,))
    text = "\n".join(line.text for line in join_lines(read.lines))
    return Extracted(text, read.pages, notes=read.notes, removed=tuple(read.removed),
                     ocr=bool(read.ocr_pages), lines=tuple(read.lines))


@dataclass
class PdfLines:
    """A PDF's text lines, furniture removed; pages without a text layer OCR'd where OCR is
    installed, else only counted."""

    lines: list[Line]
    pages: int
    removed: list[Furniture]
    ocr_pages: list[int]  # pages whose text was recognised from their image
    scanned_pages: list[int]  # pages without a text layer (OCR'd or not)

    @property
    def notes(self) -> tuple[str, ...]:
        from .ocr import scan_notes

        return scan_notes(self.scanned_pages, self.ocr_pages, self.pages)


def scanned_pages(data: bytes) -> tuple[list[int], int]:
    """The pages of the PDF `data` that have images but no text layer, and the page count."""
    with open_pdf(data) as pdf:
        found = [n for n, page in enumerate(pdf.pages(), start=1)
                 if page.images and not pdf_page_lines(page, n)]
        return found, pdf.count


def read_pdf_lines(data: bytes) -> PdfLines:
    """Every text line of the PDF in `data`; PdfEncrypted when it needs a password."""
    from . import ocr

    pages: list[list[Line]] = []
    scanned: list[int] = []
    with open_pdf(data) as pdf:
        for number, page in enumerate(pdf.pages(), start=1):
            lines = pdf_page_lines(page, number)
            if not lines and page.images:
                scanned.append(number)
            pages.append(lines)
        count = pdf.count
    done = ocr.recognise_pages(data, scanned, pages) if scanned else []
    kept, removed = strip_furniture(pages)
    return PdfLines([x for lines in kept for x in lines], count, removed, done, scanned)


class PdfEncrypted(ExtractError):
    """A PDF that cannot be read without its password."""


@dataclass
class OpenPdf:
    """A PDF of at most MAX_PDF_PAGES pages, read a page at a time."""

    pdf: object  # pdfplumber.PDF
    page_objects: list  # pdfminer PDFPage, in order

    @property
    def count(self) -> int:
        return len(self.page_objects)

    def pages(self):
        """Each pdfplumber page in order; what it parsed is released once the next is asked
        for (pdfplumber's own pdf.pages keeps every page's characters until the end)."""
        from pdfplumber.page import Page

        doctop = 0
        for number, page_object in enumerate(self.page_objects, start=1):
            page = Page(self.pdf, page_object, page_number=number, initial_doctop=doctop)
            try:
                yield page
            finally:
                page.close()
            doctop += page.height


@contextmanager
def open_pdf(data: bytes) -> Iterator[OpenPdf]:
    """`data` as a PDF: PdfEncrypted when it needs a password, ExtractError over
    MAX_PDF_PAGES pages (counted from the page tree before any page is parsed)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.utils.exceptions import PdfminerException

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its English warnings on damage
    _budget_pdfminer_inflation()
    budget = _INFLATE_BUDGET.set([limits.MAX_PDF_INFLATED_BYTES])
    try:
        try:
            pdf = pdfplumber.open(io.BytesIO(data))
        except PdfminerException as exc:
            if exc.args and isinstance(exc.args[0], PDFEncryptionError):
                raise PdfEncrypted("PDF 已加密，需要密码才能打开，无法读取其中的文字") from None
            raise damaged(exc) from None
        page_objects = list(itertools.islice(PDFPage.create_pages(pdf.doc),
                                             limits.MAX_PDF_PAGES + 1))
        if len(page_objects) > limits.MAX_PDF_PAGES:
            raise ExtractError(f"PDF 超过 {limits.MAX_PDF_PAGES} 页的上限，未读取")
        try:
            yield OpenPdf(pdf, page_objects)
        finally:
            pdf.flush_cache()  # not pdf.close(): that builds pdfplumber's list of every page
    finally:
        _INFLATE_BUDGET.reset(budget)


# pdfminer inflates every stream whole (zlib.decompress, its own byte-at-a-time retry on a
# damaged one, LZW), however large: a few megabytes of zeros become gigabytes. While
# open_pdf reads a file, those calls draw on one budget of MAX_PDF_INFLATED_BYTES and stop
# when it is spent; outside open_pdf they behave as pdfminer's own.
_INFLATE_BUDGET: ContextVar[list[int] | None] = ContextVar("pdf_inflate_budget", default=None)


def _spend(budget: list[int], size: int) -> None:
    budget[0] -= size
    if budget[0] < 0:
        raise ExtractError(f"PDF 中压缩的内容解压后超过 {megabytes(limits.MAX_PDF_INFLATED_BYTES)} "
                           f"的上限（疑为压缩炸弹），未读取")


class _BudgetedZlib:
    """zlib as pdfminer.pdftypes sees it: decompress() draws on the budget."""

    error = zlib.error

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    @staticmethod
    def decompress(data: bytes, *args, **kwargs) -> bytes:
        budget = _INFLATE_BUDGET.get()
        if budget is None:
            return zlib.decompress(data, *args, **kwargs)
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, budget[0] + 1)
        _spend(budget, len(out))
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")  # as zlib.decompress says
        return out


def _inflate_damaged(data: bytes) -> bytes:
    """pdfminer's decompress_corrupted (inflate what can be, past a bad checksum at the end),
    in linear time and on the budget: a block at a time, the failing block again a byte at
    a time to keep what came before the error."""
    budget = _INFLATE_BUDGET.get()
    inflater, out = zlib.decompressobj(), bytearray()

    def take(piece: bytes) -> None:
        if budget is not None:
            _spend(budget, len(piece))
        out.extend(piece)

    for start in range(0, len(data), 4096):
        saved = inflater.copy()
        try:
            take(inflater.decompress(data[start:start + 4096]))
            continue
        except zlib.error:
            inflater = saved
        for at in range(start, min(start + 4096, len(data))):
            try:
                take(inflater.decompress(data[at:at + 1]))
            except zlib.error:
                if at < len(data) - 3:  # not in the checksum: damaged, as pdfminer says
                    raise
                return bytes(out)
    return bytes(out)


def _lzw_decode(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    budget = _INFLATE_BUDGET.get()
    out = bytearray()
    for piece in LZWDecoder(io.BytesIO(data)).run():
        if budget is not None:
            _spend(budget, len(piece))
        out += piece
    return bytes(out)


def _budget_pdfminer_inflation() -> None:
    from pdfminer import pdftypes

    pdftypes.zlib = _BudgetedZlib()
    pdftypes.decompress_corrupted = _inflate_damaged
    pdftypes.lzwdecode = _lzw_decode


def pdf_pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)
