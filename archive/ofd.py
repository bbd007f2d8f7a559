"""OFD (GB/T 33190), the fixed-layout format 电子公文 systems exchange: text, pages and DocInfo.

An OFD is a ZIP of XML: OFD.xml names each document's DocInfo and Document.xml, which lists
the pages; each page's Content.xml holds TextObjects whose TextCodes carry the text and where
it stands (millimetres). The XML is read with the standard library (no OFD library on PyPI is
both maintained and proven on real files), after the ZIP passed the DOCX path's size limits;
DTDs are refused, so no entity is ever expanded. The text then goes through the same
furniture removal and line joining as a PDF.
"""
from __future__ import annotations

import io
import posixpath
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from . import limits
from .extract import Extracted, ExtractError, FileInfo, check_zip_sizes
from .limits import megabytes
from .pdftext import Furniture, Line, join_lines, strip_furniture

MM = 72 / 25.4  # points in a millimetre: lines are measured as pdfplumber measures them


@dataclass
class OfdLines:
    lines: list[Line]
    pages: int
    removed: list[Furniture]
    info: FileInfo


def read_ofd(data: bytes) -> Extracted:
    read = read_ofd_lines(data)
    text = "\n".join(line.text for line in join_lines(read.lines))
    return Extracted(text, read.pages, removed=tuple(read.removed), info=read.info,
                     lines=tuple(read.lines))


def read_ofd_lines(data: bytes) -> OfdLines:
    try:
        check_zip_sizes(data, "OFD")
    except zipfile.BadZipFile:
        raise ExtractError("OFD 文件已损坏或格式不符（应为 ZIP 压缩包），无法读取") from None
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = _xml(package, "OFD.xml")
        body = _child(root, "DocBody")
        if body is None or _child(body, "DocRoot") is None:
            raise ExtractError("OFD.xml 中没有 DocBody/DocRoot，不是有效的 OFD 文件")
        info = _doc_info(_child(body, "DocInfo"))
        document_path = _resolve("", _child(body, "DocRoot").text or "")
        document = _xml(package, document_path)
        pages = [_page_lines(package, _resolve(posixpath.dirname(document_path), loc), n)
                 for n, loc in enumerate(_page_locations(document), start=1)]
    kept, removed = strip_furniture(pages)
    return OfdLines([x for lines in kept for x in lines], len(pages), removed, info)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    return next((c for c in element if _local(c.tag) == name), None)


def _xml(package: zipfile.ZipFile, name: str) -> ET.Element:
    try:
        info = package.getinfo(name)
    except KeyError:
        raise ExtractError(f"OFD 中缺少“{name}”，文件不完整，无法读取") from None
    if info.file_size > limits.MAX_OFD_XML_BYTES:
        raise ExtractError(f"OFD 中的“{name}”解压后 {megabytes(info.file_size)}，超过 "
                           f"{megabytes(limits.MAX_OFD_XML_BYTES)} 的上限，未读取")
    raw = package.read(info)
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise ExtractError(f"OFD 中的“{name}”含 DTD 声明（OFD 不用），未读取")
    try:
        return ET.fromstring(raw)
    except ET.ParseError:
        raise ExtractError(f"OFD 中的“{name}”不是有效的 XML，无法读取") from None


def _resolve(base: str, location: str) -> str:
    """A member name from an OFD location: absolute ("/Doc_0/…") from the package root,
    else relative to `base`; never outside the package."""
    location = location.strip().replace("\\", "/")
    joined = location.lstrip("/") if location.startswith("/") else posixpath.join(base, location)
    name = posixpath.normpath(joined)
    if name.startswith("..") or name == ".":
        raise ExtractError(f"OFD 中的路径“{location}”指向包外，未读取")
    return name


def _doc_info(element: ET.Element | None) -> FileInfo:
    def text(name: str) -> str:
        found = _child(element, name)
        return (found.text or "").strip() if found is not None else ""

    return FileInfo(title=text("Title"), author=text("Author"), created=text("CreationDate"))


def _page_locations(document: ET.Element) -> list[str]:
    pages = _child(document, "Pages")
    found = [p.get("BaseLoc", "") for p in (pages if pages is not None else []) if _local(p.tag) == "Page"]
    if len(found) > limits.MAX_PDF_PAGES:
        raise ExtractError(f"OFD 超过 {limits.MAX_PDF_PAGES} 页的上限，未读取")
    return found


def _page_lines(package: zipfile.ZipFile, name: str, number: int) -> list[Line]:
    """The page's text pieces, those on one baseline joined into a line, top to bottom."""
    pieces = sorted(_pieces(_xml(package, name)), key=lambda p: (p.baseline, p.x0))
    rows: list[list[_Piece]] = []
    for piece in pieces:
        if rows and abs(rows[-1][0].baseline - piece.baseline) < piece.size / 2:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    lines = []
    for n, row in enumerate(rows, start=1):
        row.sort(key=lambda p: p.x0)
        text = _joined(row).strip()
        if text:
            size = max(p.size for p in row)
            lines.append(Line(text, number, n, row[0].x0 * MM, row[-1].x1 * MM,
                              (row[0].baseline - size) * MM, size * MM))
    return lines


GAP_PT = 3  # a gap this wide between pieces of a line reads as a space, as pdfplumber's x_tolerance


def _joined(row: list["_Piece"]) -> str:
    text = row[0].text
    for before, piece in zip(row, row[1:]):
        text += (" " if (piece.x0 - before.x1) * MM > GAP_PT else "") + piece.text
    return text


@dataclass
class _Piece:
    text: str
    x0: float
    x1: float
    baseline: float
    size: float


def _pieces(page: ET.Element):
    for obj in page.iter():
        if _local(obj.tag) != "TextObject":
            continue
        bx, by = _numbers(obj.get("Boundary", ""))[:2] or (0.0, 0.0)
        size = _float(obj.get("Size"), 3.5)
        for code in obj:
            if _local(code.tag) != "TextCode" or not code.text:
                continue
            x, y = bx + _float(code.get("X"), 0), by + _float(code.get("Y"), size)
            deltas = _deltas(code.get("DeltaX", ""))
            width = sum(deltas[:len(code.text) - 1]) + size if deltas else len(code.text) * size
            yield _Piece(code.text, x, x + width, y, size)


def _float(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _numbers(value: str) -> list[float]:
    out = []
    for token in value.split():
        try:
            out.append(float(token))
        except ValueError:
            return out
    return out


def _deltas(value: str) -> list[float]:
    """DeltaX with its "g N d" runs (N times d) written out."""
    tokens, out, i = value.split(), [], 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [_float(tokens[i + 2], 0)] * min(int(_float(tokens[i + 1], 0)), 100_000)
            i += 3
        else:
            out.append(_float(tokens[i], 0))
            i += 1
    return out

