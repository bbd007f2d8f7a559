"""The body's tables as Word tables: merged cells, 表头 rows repeated on every page, column
widths, and a landscape section for a 横向 table. Faces and sizes come from the template's
styles (docx_template.py), so layout.py stays the one place for them."""
from __future__ import annotations

import copy

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from . import layout as L
from .docx_template import TABLE_CELL_STYLES, TABLE_TITLE_STYLE, page_number
from .model import Document, Table

_GRID_STYLE = "Table Grid"  # single 0.5 pt black rules on every cell (python-docx's template)


def document_tables(doc: Document) -> list[Table]:
    """The tables in the order the template writes them: the body, then each attachment's."""
    bodies = [doc.body] + [att.body for att in doc.attachments]
    return [block for body in bodies for block in body if block.is_table]


def add_tables(word, doc: Document) -> None:
    """Put each table after the 表格标题 paragraph the template wrote for it (removed when
    the table has no title, unless it stands between two tables)."""
    anchors = [p for p in word.paragraphs if p.style is not None and p.style.name == TABLE_TITLE_STYLE]
    for anchor, table in zip(anchors, document_tables(doc)):
        made = _word_table(word, table)
        anchor._p.addnext(made._tbl)
        if doc.body and table is doc.body[-1]:  # the closing does not stand alone after it
            for cell in made.rows[-1].cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
        if table.landscape:
            _landscape_section(word, anchor._p, made._tbl)
        before = anchor._p.getprevious()
        if not table.title and (before is None or before.tag != qn("w:tbl")):
            anchor._p.getparent().remove(anchor._p)  # (kept between tables: Word would join them)


def _word_table(word, table: Table):
    in_header = [True] * len(table.header) + [False] * len(table.rows)
    made = word.add_table(rows=len(in_header), cols=table.columns)
    made.style = word.styles[_GRID_STYLE]
    made.alignment = WD_TABLE_ALIGNMENT.CENTER
    made.autofit = False
    for column, width in zip(made.columns, table.widths_mm):
        column.width = Mm(width)
    for r, row in enumerate(made.rows):
        for c, cell in enumerate(row.cells):
            cell.width = Mm(table.widths_mm[c])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.paragraphs[0].style = word.styles[TABLE_CELL_STYLES[in_header[r]]]
        _row_flags(row, header=in_header[r])
    offset = 0  # the 表头 rows, then the body's
    for rows in (table.header, table.rows):
        for r, row in enumerate(rows):
            for cell in row.cells:
                first = made.cell(offset + r, cell.col)
                first.paragraphs[0].add_run(cell.text)
                if cell.cols > 1 or cell.rows > 1:
                    first.merge(made.cell(offset + r + cell.rows - 1, cell.col + cell.cols - 1))
        offset += len(rows)
    return made


def _row_flags(row, header: bool) -> None:
    """w:cantSplit (a row stays on one page) and, on 表头 rows, w:tblHeader (Word repeats
    them at the top of every page): python-docx has no API for either. Schema order:
    cantSplit comes before tblHeader."""
    trpr = row._tr.get_or_add_trPr()
    for name in ("cantSplit", "tblHeader") if header else ("cantSplit",):
        trpr.append(OxmlElement(f"w:{name}"))


def _landscape_section(word, before, tbl) -> None:
    """A section of its own for the table: the portrait section ends just before its title,
    a landscape one (same footers, numbers running on) ends just after the table. Word
    keeps a section's properties in the w:sectPr of its last paragraph."""
    body_sectpr = word.sections[-1]._sectPr
    previous = before.getprevious()
    if previous is not None and _ends_landscape_section(previous):
        previous.getparent().remove(previous)  # right after another landscape table: one section
    else:
        before.addprevious(_break_paragraph(copy.deepcopy(body_sectpr)))
    turned = copy.deepcopy(body_sectpr)
    section = Section(turned, word.part)
    section.start_type = WD_SECTION.NEW_PAGE
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(L.PAGE_HEIGHT_MM), Mm(L.PAGE_WIDTH_MM)
    section.top_margin = Mm(L.LANDSCAPE_MARGIN_TOP_MM)
    section.bottom_margin = Mm(L.LANDSCAPE_MARGIN_BOTTOM_MM)
    section.left_margin = Mm(L.LANDSCAPE_MARGIN_LEFT_MM)
    section.right_margin = Mm(L.LANDSCAPE_MARGIN_RIGHT_MM)
    # the footers' own paragraph inside the bottom margin, as the upright pages' is
    section.footer_distance = Mm(L.LANDSCAPE_MARGIN_BOTTOM_MM - L.PAGE_NUMBER_GAP_MM) - Pt(
        L.PAGE_NUMBER_SIZE_PT)
    _turned_page_numbers(section)
    tbl.addnext(_break_paragraph(turned))


def _turned_page_numbers(section) -> None:
    """The landscape section's own footers: the page number turned with the sheet into the
    left margin (the upright sheet's foot, GB/T 9704 section 8), as in our PDF. A text box
    of vertical text (top to bottom) as tall as the block, aligned to the left margin's
    inner edge and the block's top: its paragraph, "— N —" set as the upright footers' is,
    ends one character above the block's bottom on odd pages (jc right) and starts one
    character below its top on even ones (jc left); 7 mm of inset keep it off the block."""
    for ref in section._sectPr.findall(qn("w:footerReference")):
        section._sectPr.remove(ref)  # copied from the upright section: footers of its own
    for n, (footer, align) in enumerate(((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                                         (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT))):
        footer.is_linked_to_previous = False
        run = parse_xml(_TURNED_BOX.format(
            ns=_NS, id=9001 + n, width=Mm(L.LANDSCAPE_MARGIN_LEFT_MM),
            height=Mm(L.PAGE_WIDTH_MM - L.LANDSCAPE_MARGIN_TOP_MM - L.LANDSCAPE_MARGIN_BOTTOM_MM),
            inset=Mm(L.PAGE_NUMBER_GAP_MM)))
        footer.paragraphs[0]._p.append(run)
        content = run.find(".//" + qn("w:txbxContent"))
        number = Paragraph(content.find(qn("w:p")), footer)
        page_number(number, align)



_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
# Vertical text ("vert"): its insets turn with it, so tIns is the box's right side.
_TURNED_BOX = """<w:r {ns}><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0"
 relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">
<wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="leftMargin"><wp:align>right</wp:align></wp:positionH>
<wp:positionV relativeFrom="margin"><wp:align>top</wp:align></wp:positionV>
<wp:extent cx="{width}" cy="{height}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
<wp:docPr id="{id}" name="页码{id}"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>
<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>
<wps:txbx><w:txbxContent><w:p/></w:txbxContent></wps:txbx>
<wps:bodyPr vert="vert" wrap="square" lIns="0" tIns="{inset}" rIns="0" bIns="0" anchor="t"><a:noAutofit/></wps:bodyPr>
</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"""


def _ends_landscape_section(element) -> bool:
    size = element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}/{qn('w:pgSz')}")
    return size is not None and size.get(qn("w:orient")) == "landscape"


def _break_paragraph(sectpr):
    """An empty paragraph ending a section with the properties `sectpr`."""
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    ppr.append(sectpr)
    p.append(ppr)
    return p
