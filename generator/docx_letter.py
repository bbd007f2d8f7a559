"""The 信函格式's letterhead in the DOCX (GB/T 9704 10.1).

The mark's top edge stands 30 mm below the page's top edge, above the text block: its
paragraph is a frame placed on the page (w:framePr, text flowing through), so it stays a
paragraph of the body that readers and the importer see. The red double lines are
rectangles anchored on the page (DrawingML, no wrapping); the line under them is moved down
by its space before. Page 1 has a footer of its own, empty: no page number there.
"""
from __future__ import annotations

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import layout as L
from .docx_template import set_paragraph_flag

EMU_PER_MM = 36000
_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
# w:pPr children that come after w:framePr, in the schema's order
_PPR_AFTER_FRAME = ("widowControl", "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs",
                    "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
                    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
                    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap",
                    "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl",
                    "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")


def add_letterhead(word, mark, size_pt: float) -> None:
    """`mark`: the 发文机关标志 paragraph, followed by the first 信函份号 line."""
    _frame(mark, size_pt)
    first = next(p for p in word.paragraphs if p.style.name == "信函份号")
    half_leading = Pt((L.LINE_PITCH_PT - L.BODY_SIZE_PT) / 2)
    first.paragraph_format.space_before = (
        Mm(L.letter_text_top_mm(size_pt) - L.MARGIN_TOP_MM) - half_leading)
    rules = [(L.letter_rule_top_mm(size_pt), True), (L.letter_second_rule_top_mm(), False)]
    shape_id = 100
    for top, thick_first in rules:
        weights = (L.LETTER_RULE_THICK_MM, L.LETTER_RULE_THIN_MM)
        if not thick_first:
            weights = weights[::-1]
        for y, height in ((top, weights[0]),
                          (top + weights[0] + L.LETTER_RULE_SPACE_MM, weights[1])):
            shape_id += 1
            first._p.append(_rectangle(shape_id, L.LETTER_RULE_LEFT_MM, y,
                                       L.LETTER_RULE_LENGTH_MM, height))
    section = word.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.first_page_footer.is_linked_to_previous = False


def _frame(paragraph, size_pt: float) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    for name, value in (("w:w", L.mm_to_twips(L.TEXT_WIDTH_MM)), ("w:h", L.pt_to_twips(size_pt)),
                        ("w:hRule", "exact"), ("w:wrap", "through"), ("w:hAnchor", "margin"),
                        ("w:vAnchor", "page"), ("w:xAlign", "center"),
                        ("w:y", L.mm_to_twips(L.LETTER_MARK_TOP_MM))):
        frame.set(qn(name), str(value))
    ppr.insert_element_before(frame, *(f"w:{t}" for t in _PPR_AFTER_FRAME))
    set_paragraph_flag(ppr, "snapToGrid", "0")
    paragraph.paragraph_format.space_before = Pt(0)


def _rectangle(shape_id: int, x_mm: float, y_mm: float, w_mm: float, h_mm: float):
    """A run holding a red rectangle placed on the page, behind the text, not wrapped."""
    x, y, cx, cy = (round(v * EMU_PER_MM) for v in (x_mm, y_mm, w_mm, h_mm))
    return parse_xml(
        f'<w:r {_NS}><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        f'relativeHeight="{shape_id}" behindDoc="1" locked="1" layoutInCell="1" allowOverlap="1">'
        f'<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f'<wp:docPr id="{shape_id}" name="红色双线{shape_id}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
        f'wordprocessingShape"><wps:wsp><wps:cNvSpPr/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f'<a:solidFill><a:srgbClr val="{L.RED}"/></a:solidFill><a:ln><a:noFill/></a:ln>'
        f'</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
        f'</w:drawing></w:r>')
