"""Document -> OFD (GB/T 33190-2016), the fixed-layout format 电子公文 systems exchange.

The OFD is a ZIP of XML written from our own PDF (generator.pdf_marks): the same pages,
glyphs at the same places in the same embedded fonts (the PDF's font subsets, stored as
files of the package), the red mark and rules as filled paths, table rules as stroked paths.
No OFD library on PyPI writes text with embedded fonts (checked: easyofd names fonts without
embedding them, pdf2ofd turns glyphs into outlines), so the package is written here:

    OFD.xml                          DocBody: DocInfo, DocRoot
    Doc_0/Document.xml               CommonData (MaxUnitID, PageArea, PublicRes), Pages
    Doc_0/PublicRes.xml              Fonts, BaseLoc "Res"
    Doc_0/Res/font_N.otf
    Doc_0/Pages/Page_N/Content.xml   one Body layer of TextObjects and PathObjects

Lengths are millimetres, y downwards; every location is relative; no DTD.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from .pdf_marks import Font, Glyph, MarkedPage, Marks, Segment, Shape, read_marks

if TYPE_CHECKING:
    import weasyprint

    from .model import Document

NS = "http://www.ofdspec.org/2016"
DOC = "Doc_0"
ZIP_TIME = (2016, 1, 1, 0, 0, 0)  # members carry a fixed time: the same input, the same bytes
BASELINE_SLACK_MM = 0.01  # glyphs whose baselines differ by less stand on one line
GAP_EM = 0.5  # a gap wider than this (in ems) after a glyph starts a new TextCode


def render_ofd(doc: "Document", target: Path, pages: "weasyprint.Document | None" = None) -> None:
    """Write the OFD to `target` (the caller picks a temporary name and renames it)."""
    from .render_pdf import lay_out

    pdf = (pages or lay_out(doc)).write_pdf()
    marks = read_marks(pdf)
    marks.title = "".join(doc.title_lines) or marks.title
    marks.author = doc.signature.organ or marks.author
    target.write_bytes(ofd_package(marks, _date(doc.signature.date)))


def _date(written: str) -> str:
    from .dates import read_written_date

    found = read_written_date(written or "")
    return found.day.isoformat() if found is not None else ""


def ofd_package(marks: Marks, created: str = "") -> bytes:
    """The OFD file of `marks`, as bytes."""
    ids = _Ids()
    font_ids = {key: ids.next() for key in marks.fonts}
    page_ids, pages = [], []
    for page in marks.pages:
        page_ids.append(ids.next())
        pages.append(_page_xml(page, marks.pages[0], font_ids, ids))
    members: list[tuple[str, bytes]] = [
        ("OFD.xml", _ofd_xml(marks, created, pages)),
        (f"{DOC}/Document.xml", _document_xml(marks, ids.last, page_ids)),
        (f"{DOC}/PublicRes.xml", _public_res_xml(marks.fonts, font_ids)),
    ]
    for key, font in marks.fonts.items():
        members.append((f"{DOC}/Res/{_font_file(font, font_ids[key])}", font.data))
    for n, content in enumerate(pages):
        members.append((f"{DOC}/Pages/Page_{n}/Content.xml", content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, data)
    return out.getvalue()


class _Ids:
    """ST_ID: one counter for every object of the document; MaxUnitID is its last value."""

    def __init__(self) -> None:
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


# ---- package files ---------------------------------------------------------------------

def _ofd_xml(marks: Marks, created: str, pages: list[bytes]) -> bytes:
    digest = hashlib.sha256(b"".join(pages)).hexdigest()[:32]  # the same pages, the same DocID
    info = [f"<ofd:DocID>{digest}</ofd:DocID>"]
    if marks.title:
        info.append(f"<ofd:Title>{escape(marks.title)}</ofd:Title>")
    if marks.author:
        info.append(f"<ofd:Author>{escape(marks.author)}</ofd:Author>")
    if created:
        info.append(f"<ofd:CreationDate>{created}</ofd:CreationDate>")
    info.append("<ofd:Creator>gongwen</ofd:Creator>")
    return _xml(f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
                f'<ofd:DocInfo>{"".join(info)}</ofd:DocInfo>'
                f"<ofd:DocRoot>{DOC}/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")


def _box(page: MarkedPage) -> str:
    return f"0 0 {_num(page.width)} {_num(page.height)}"


def _document_xml(marks: Marks, max_id: int, page_ids: list[int]) -> bytes:
    pages = "".join(f'<ofd:Page ID="{page_id}" BaseLoc="Pages/Page_{n}/Content.xml"/>'
                    for n, page_id in enumerate(page_ids))
    return _xml(f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
                f"<ofd:MaxUnitID>{max_id}</ofd:MaxUnitID>"
                f"<ofd:PageArea><ofd:PhysicalBox>{_box(marks.pages[0])}</ofd:PhysicalBox></ofd:PageArea>"
                "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
                f"<ofd:Pages>{pages}</ofd:Pages></ofd:Document>")


def _font_file(font: Font, font_id: int) -> str:
    return f"font_{font_id}.{font.suffix}"


def _public_res_xml(fonts: dict[str, Font], font_ids: dict[str, int]) -> bytes:
    items = []
    for key, font in fonts.items():
        face = _face(font)
        bold = ' Bold="true"' if face.bold else ""
        items.append(f'<ofd:Font ID="{font_ids[key]}" FontName={quoteattr(font.name)} '
                     f'FamilyName={quoteattr(face.family)}{bold}>'
                     f"<ofd:FontFile>{_font_file(font, font_ids[key])}</ofd:FontFile></ofd:Font>")
    return _xml(f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>{"".join(items)}'
                "</ofd:Fonts></ofd:Res>")


@dataclass(frozen=True)
class _Face:
    family: str
    bold: bool


def _face(font: Font) -> _Face:
    """The family and weight the font's own name and OS/2 tables give."""
    from fontTools.ttLib import TTFont

    try:
        table = TTFont(io.BytesIO(font.data), lazy=True)
        family = table["name"].getBestFamilyName() or font.name
        bold = table["OS/2"].usWeightClass >= 600 or "Bold" in font.name
    except Exception:  # noqa: BLE001 - a name we cannot read: the PDF's name stands
        family, bold = font.name.split("-")[0], "Bold" in font.name
    return _Face(family, bold)


# ---- pages ---------------------------------------------------------------------------

def _page_xml(page: MarkedPage, first: MarkedPage, font_ids: dict[str, int], ids: _Ids) -> bytes:
    layer = ids.next()
    objects = [_path_object(shape, ids.next()) for shape in page.shapes]
    for run in _runs(page.glyphs):
        codes = _codes(run) if run[0].turn == (1.0, 0.0) else [run]
        if codes:
            objects.append(_text_object(codes, font_ids[run[0].font], ids.next()))
    area = ""
    if (round(page.width, 2), round(page.height, 2)) != (round(first.width, 2), round(first.height, 2)):
        area = f"<ofd:Area><ofd:PhysicalBox>{_box(page)}</ofd:PhysicalBox></ofd:Area>"
    return _xml(f'<ofd:Page xmlns:ofd="{NS}">{area}<ofd:Content>'
                f'<ofd:Layer ID="{layer}" Type="Body">{"".join(objects)}</ofd:Layer>'
                "</ofd:Content></ofd:Page>")


def _colour(tag: str, rgb) -> str:
    return f'<ofd:{tag} Value="{rgb[0]} {rgb[1]} {rgb[2]}"/>'


def _runs(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs in drawing order, cut where the font, size, colour, direction or baseline
    changes or the text goes back; a turned glyph stands alone (it carries a CTM)."""
    runs: list[list[Glyph]] = []
    for glyph in glyphs:
        if glyph.text.isspace() and (not runs or runs[-1][-1].turn != (1.0, 0.0)):
            continue  # a space begins no run: it stands between glyphs or nowhere
        last = runs[-1][-1] if runs else None
        if (last is not None and glyph.turn == (1.0, 0.0) and last.turn == glyph.turn
                and (last.font, last.colour) == (glyph.font, glyph.colour)
                and abs(last.size - glyph.size) < 1e-6
                and abs(last.y - glyph.y) < BASELINE_SLACK_MM and glyph.x >= last.x):
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
    return runs


def _codes(run: list[Glyph]) -> list[list[Glyph]]:
    """A run cut where a gap (a tab stop, a right-aligned part) lies between two glyphs,
    each piece without the spaces at its ends."""
    codes = [[run[0]]]
    for glyph in run[1:]:
        last = codes[-1][-1]
        if glyph.x - (last.x + last.advance) > GAP_EM * glyph.size:
            codes.append([glyph])
        else:
            codes[-1].append(glyph)
    out = []
    for code in codes:
        while code and code[0].text.isspace():
            code = code[1:]
        while code and code[-1].text.isspace():
            code = code[:-1]
        if code:
            out.append(code)
    return out


def _deltas(values: list[float]) -> str:
    """DeltaX, with "g N d" for N equal steps in a row."""
    out: list[str] = []
    texts = [_num(v) for v in values]
    i = 0
    while i < len(texts):
        j = i
        while j < len(texts) and texts[j] == texts[i]:
            j += 1
        out.append(f"g {j - i} {texts[i]}" if j - i > 2 else " ".join(texts[i:j]))
        i = j
    return " ".join(out)


def _text_object(codes: list[list[Glyph]], font_id: int, object_id: int) -> str:
    run = [g for code in codes for g in code]
    first = run[0]
    size = first.size
    ux, uy = first.turn
    ctm = ""
    if (ux, uy) != (1.0, 0.0):
        # a turned glyph: its text space turned about its origin, the boundary around it
        corners = [(first.x + t * ux - s * uy, first.y + t * uy + s * ux)
                   for t in (0.0, first.advance) for s in (-size, size * 0.25)]
        x0, y0 = min(p[0] for p in corners), min(p[1] for p in corners)
        x1, y1 = max(p[0] for p in corners), max(p[1] for p in corners)
        ctm = (f' CTM="{_num(ux)} {_num(uy)} {_num(-uy)} {_num(ux)} '
               f'{_num(first.x - x0)} {_num(first.y - y0)}"')
        codes = f'<ofd:TextCode X="0" Y="0">{escape(first.text)}</ofd:TextCode>'
    else:
        x0, y0 = min(g.x for g in run), first.y - size
        x1, y1 = max(g.x + g.advance for g in run), first.y + size * 0.25
        parts = []
        for code in codes:
            text = escape("".join(g.text for g in code))
            steps = [b.x - a.x for a, b in zip(code, code[1:])]
            delta = f' DeltaX="{_deltas(steps)}"' if steps else ""
            parts.append(f'<ofd:TextCode X="{_num(code[0].x - x0)}" Y="{_num(first.y - y0)}"'
                         f"{delta}>{text}</ofd:TextCode>")
        codes = "".join(parts)
    colour = _colour("FillColor", first.colour) if first.colour != (0, 0, 0) else ""
    return (f'<ofd:TextObject ID="{object_id}" Boundary="{_num(x0)} {_num(y0)} '
            f'{_num(x1 - x0)} {_num(y1 - y0)}"{ctm} Font="{font_id}" Size="{_num(size)}">'
            f"{colour}{codes}</ofd:TextObject>")


def _path_data(segments: tuple[Segment, ...], ox: float, oy: float, close: bool) -> str:
    out: list[str] = []
    open_path = False
    for segment in segments:
        if segment.op == "M" and open_path and close:
            out.append("C")
        out.append(" ".join([segment.op] + [f"{_num(x - ox)} {_num(y - oy)}" for x, y in segment.points]))
        open_path = segment.op != "C"
    if open_path and close:
        out.append("C")
    return " ".join(out)


def _path_object(shape: Shape, object_id: int) -> str:
    points = shape.points() + [p for s in shape.clip for p in s.points]
    pad = shape.line_width / 2
    x0, y0 = min(p[0] for p in points) - pad, min(p[1] for p in points) - pad
    x1, y1 = max(p[0] for p in points) + pad, max(p[1] for p in points) + pad
    attrs = [f'ID="{object_id}"', f'Boundary="{_num(x0)} {_num(y0)} {_num(x1 - x0)} {_num(y1 - y0)}"']
    if shape.stroke is not None:
        attrs.append(f'LineWidth="{_num(shape.line_width)}"')
        if shape.dash:
            attrs.append(f'DashPattern="{" ".join(_num(v) for v in shape.dash)}"')
    else:
        attrs.append('Stroke="false"')
    if shape.fill is not None:
        attrs.append('Fill="true"')
        if shape.even_odd:
            attrs.append('Rule="Even-Odd"')
    inner = ""
    if shape.clip:
        inner += (f'<ofd:Clips><ofd:Clip><ofd:Area><ofd:Path Boundary="0 0 {_num(x1 - x0)} '
                  f'{_num(y1 - y0)}" Stroke="false" Fill="true"><ofd:AbbreviatedData>'
                  f"{_path_data(shape.clip, x0, y0, True)}</ofd:AbbreviatedData></ofd:Path>"
                  "</ofd:Area></ofd:Clip></ofd:Clips>")
    if shape.stroke is not None:
        inner += _colour("StrokeColor", shape.stroke)
    if shape.fill is not None:
        inner += _colour("FillColor", shape.fill)
    data = _path_data(shape.segments, x0, y0, shape.fill is not None)
    return f'<ofd:PathObject {" ".join(attrs)}>{inner}<ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>'
