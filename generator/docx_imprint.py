"""版记 in the DOCX: a footnote of the document's last paragraph.

Word, WPS and LibreOffice all set a footnote at the foot of the page that holds its
reference, inside the text block, above the footer: so the 版记 ends on the block's last
line of whatever page the document ends on, with no floating object whose anchor each
client reads its own way. Our PDF does the same with a CSS footnote (templates/gongwen.css).
"""
from __future__ import annotations

from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from . import layout as L
from .docx_template import FOOTNOTE_MARK_STYLE
from .model import Imprint

IMPRINT_FOOTNOTE_ID = "1"
_SEPARATORS = (("separator", "-1"), ("continuationSeparator", "0"))
_MARGIN_TWIPS = round(L.IMPRINT_SIZE_PT * 20)  # one 4号 character in from each side


def add_imprint(word, imprint: Imprint) -> None:
    """Put `imprint` in a footnote referenced from the last paragraph of `word`."""
    last = _last_paragraph(word)
    part = _footnotes_part(word)
    part.element.append(_imprint_footnote(word, imprint))
    # The reference shows a custom mark, one space, white and 0.5 pt: no number in the
    # text (LibreOffice reads the mark when it is a run of its own after the reference).
    mark_style = word.styles[FOOTNOTE_MARK_STYLE].style_id
    reference = _run(style_id=mark_style)
    mark = OxmlElement("w:footnoteReference")
    mark.set(qn("w:customMarkFollows"), "true")
    mark.set(qn("w:id"), IMPRINT_FOOTNOTE_ID)
    reference.append(mark)
    last._p.append(reference)
    last._p.append(_run(" ", style_id=mark_style))


def _run(text: str | None = None, style_id: str | None = None):
    """A w:r with an optional character style and text (spaces kept)."""
    run = OxmlElement("w:r")
    if style_id:
        rpr = OxmlElement("w:rPr")
        rstyle = OxmlElement("w:rStyle")
        rstyle.set(qn("w:val"), style_id)
        rpr.append(rstyle)
        run.append(rpr)
    if text is not None:
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        run.append(t)
    return run


def _last_paragraph(word):
    """The last paragraph that holds text (blank spacing paragraphs are skipped)."""
    for paragraph in reversed(word.paragraphs):
        if paragraph.text.strip():
            return paragraph
    return word.paragraphs[-1]


def _footnotes_part(word) -> XmlPart:
    """A footnotes part whose separators draw nothing: the 版记 brings its own rules."""
    body = "".join(
        f'<w:footnote w:type="{kind}" w:id="{ident}"><w:p><w:pPr><w:spacing w:before="0" '
        f'w:after="0" w:line="20" w:lineRule="exact"/></w:pPr></w:p></w:footnote>'
        for kind, ident in _SEPARATORS)
    element = parse_xml(f"<w:footnotes {nsdecls('w')}>{body}</w:footnotes>")
    document = word.part
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, element, document.package)
    document.relate_to(part, RT.FOOTNOTES)
    _footnote_settings(word)
    return part


# CT_Settings children that come after w:footnotePr (the schema fixes their order)
_AFTER_FOOTNOTE_PR = ("endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
                      "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                      "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
                      "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
                      "decimalSymbol", "listSeparator")
# CT_SectPr children after w:footnotePr (the header and footer references come before it)
_SECT_AFTER_FOOTNOTE_PR = ("endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders",
                           "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
                           "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
                           "printerSettings", "sectPrChange")


def _footnote_settings(word) -> None:
    """Footnotes at the page bottom (not below the text), separators named in settings."""
    settings = word.settings.element
    pr = _footnote_pr()
    for _, ident in _SEPARATORS:
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), ident)
        pr.append(note)
    settings.insert_element_before(pr, *(f"w:{t}" for t in _AFTER_FOOTNOTE_PR))
    for section in word.sections:
        section._sectPr.insert_element_before(
            _footnote_pr(), *(f"w:{t}" for t in _SECT_AFTER_FOOTNOTE_PR))


def _footnote_pr():
    pr = OxmlElement("w:footnotePr")
    pos = OxmlElement("w:pos")
    pos.set(qn("w:val"), "pageBottom")
    pr.append(pos)
    return pr


def _imprint_footnote(word, imprint: Imprint):
    """抄送 (thick rule above, thin below) and the 印发 line (thick rule below): the rules are
    paragraph borders, full width (GB/T 9704 7.4.1), the text one character in on each
    side. A table would be simpler, but LibreOffice 7.4 hangs on a table in a footnote."""
    note = OxmlElement("w:footnote")
    note.set(qn("w:id"), IMPRINT_FOOTNOTE_ID)
    style_id = word.styles["版记"].style_id
    if imprint.cc and not imprint.ruled:  # 信函格式 (10.1): no rules
        note.append(_line(style_id, [("抄送：" + imprint.cc, False)], top=None, bottom=None))
    elif imprint.cc:
        note.append(_line(style_id, [("抄送：" + imprint.cc, False)], top=L.IMPRINT_THICK_MM,
                          bottom=L.IMPRINT_THIN_MM if imprint.printed else L.IMPRINT_THICK_MM))
    if imprint.printed:
        note.append(_line(style_id, [(imprint.printer or "", False),
                                     (imprint.print_date or "", True)],
                          top=None if imprint.cc else L.IMPRINT_THICK_MM,
                          bottom=L.IMPRINT_THICK_MM))
    return note


def _border(edge: str, mm: float, color: str = "000000", space_pt: int = 0):
    el = OxmlElement(f"w:{edge}")
    for attr, value in (("w:val", "single"), ("w:sz", str(max(2, round(L.mm_to_pt(mm) * 8)))),
                        ("w:space", str(space_pt)), ("w:color", color)):
        el.set(qn(attr), value)
    return el


def _line(style_id: str, pieces: list[tuple[str, bool]], top: float | None,
          bottom: float | None):
    """A 版记 line in its style; a piece marked True is set flush right. The text sits one
    character inside the rules: indents of one character, and white side borders that far
    out, which is how Word (and LibreOffice after it) widen top and bottom borders."""
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    pstyle = OxmlElement("w:pStyle")
    pstyle.set(qn("w:val"), style_id)
    ppr.append(pstyle)
    if top is not None or bottom is not None:
        borders = OxmlElement("w:pBdr")
        if top is not None:
            borders.append(_border("top", top))
        side_pt = round(L.IMPRINT_SIZE_PT)
        borders.append(_border("left", 0, "FFFFFF", side_pt))
        if bottom is not None:
            borders.append(_border("bottom", bottom))
        borders.append(_border("right", 0, "FFFFFF", side_pt))
        ppr.append(borders)
    if any(right for _, right in pieces):
        tabs = OxmlElement("w:tabs")
        tab = OxmlElement("w:tab")
        tab.set(qn("w:val"), "right")
        # tab stops count from the text block's left edge, not from the indent
        tab.set(qn("w:pos"), str(L.mm_to_twips(L.TEXT_WIDTH_MM) - _MARGIN_TWIPS))
        tabs.append(tab)
        ppr.append(tabs)
    ind = OxmlElement("w:ind")
    for attr in ("w:left", "w:right"):
        ind.set(qn(attr), str(_MARGIN_TWIPS))
    ind.set(qn("w:firstLine"), "0")
    ppr.append(ind)
    p.append(ppr)
    for text, right in pieces:
        if right:
            tab_run = _run()
            tab_run.append(OxmlElement("w:tab"))
            p.append(tab_run)
        p.append(_run(text))
    return p
