"""Build templates/gongwen.docx: the Word template docxtpl fills.

Every element has a named style (公文正文, 一级标题, 发文机关署名 …) so a unit can restyle it in
Word; page, grid, faces and sizes come from layout.py. Run `python -m generator.docx_template`
after changing layout.py or this file."""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document as new_document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor, Twips

from . import layout as L
from .templates import DOCX_TEMPLATE

CHAR = Twips(round(L.CHAR_PITCH_PT * 20))  # one body character, for indents

# style name -> (face, size pt, alignment, first-line indent chars, left chars, right chars)
PARAGRAPH_STYLES = {
    "公文正文": (L.BODY_FACE, L.BODY_SIZE_PT, "justify", 2, 0, 0),
    "公文空行": (L.BODY_FACE, L.BODY_SIZE_PT, "left", 0, 0, 0),
    "份号密级": (L.HEITI, L.BODY_SIZE_PT, "left", 0, 0, 0),
    "发文机关标志": (L.MARK_FACE, L.MARK_MAX_SIZE_PT, "center", 0, 0, 0),
    "发文字号": (L.BODY_FACE, L.BODY_SIZE_PT, "center", 0, 0, 0),
    "发文字号上行文": (L.BODY_FACE, L.BODY_SIZE_PT, "left", 0, 1, 1),
    "信函份号": (L.HEITI, L.BODY_SIZE_PT, "left", 0, 0, 0),  # 10.1: 发文字号 at a right tab
    "令号": (L.BODY_FACE, L.BODY_SIZE_PT, "center", 0, 0, 0),
    "签发人职务签名": (L.BODY_FACE, L.BODY_SIZE_PT, "right", 0, 0, L.ORDER_SIGN_RIGHT_CHARS),
    "令成文日期": (L.BODY_FACE, L.BODY_SIZE_PT, "right", 0, 0, L.ORDER_DATE_RIGHT_CHARS),
    "出席名单": (L.BODY_FACE, L.BODY_SIZE_PT, "left", -3, L.ATTENDANCE_LEFT_CHARS + 3, 0),
    "公文标题": (L.TITLE_FACE, L.TITLE_SIZE_PT, "center", 0, 0, 0),
    "主送机关": (L.BODY_FACE, L.BODY_SIZE_PT, "left", 0, 0, 0),
    "一级标题": (L.HEADING_FACES[1], L.BODY_SIZE_PT, "justify", 2, 0, 0),
    "二级标题": (L.HEADING_FACES[2], L.BODY_SIZE_PT, "justify", 2, 0, 0),
    "三级标题": (L.HEADING_FACES[3], L.BODY_SIZE_PT, "justify", 2, 0, 0),
    "四级标题": (L.HEADING_FACES[4], L.BODY_SIZE_PT, "justify", 2, 0, 0),
    "名单": (L.BODY_FACE, L.BODY_SIZE_PT, "left", -4, 6, 0),
    "名单续行": (L.BODY_FACE, L.BODY_SIZE_PT, "left", 0, 6, 0),
    "附件说明": (L.BODY_FACE, L.BODY_SIZE_PT, "left", -3, 5, 0),
    "发文机关署名": (L.BODY_FACE, L.BODY_SIZE_PT, "right", 0, 0, 2),
    "成文日期": (L.BODY_FACE, L.BODY_SIZE_PT, "right", 0, 0, 2),
    "附注": (L.BODY_FACE, L.BODY_SIZE_PT, "left", 2, 0, 0),
    "附件标签": (L.ATTACHMENT_LABEL_FACE, L.BODY_SIZE_PT, "left", 0, 0, 0),
    "版记": (L.BODY_FACE, L.IMPRINT_SIZE_PT, "left", 0, 0, 0),
    "页码": (L.PAGE_NUMBER_FACE, L.PAGE_NUMBER_SIZE_PT, "right", 0, 0, 1),
    "表格标题": (L.TABLE_TITLE_FACE, L.BODY_SIZE_PT, "center", 0, 0, 0),
    "表格文字": (L.TABLE_FACE, L.TABLE_SIZE_PT, "center", 0, 0, 0),
    "表头文字": (L.TABLE_HEADER_FACE, L.TABLE_SIZE_PT, "center", 0, 0, 0),
}
TABLE_TITLE_STYLE = "表格标题"  # also where render_docx puts each table (docx_tables.py)
TABLE_CELL_STYLES = {False: "表格文字", True: "表头文字"}  # by whether the row is a 表头 row
LEVEL_STYLES = {"h1": "一级标题", "h2": "二级标题", "h3": "三级标题", "h4": "四级标题",
                "roster": "名单", "body": "公文正文"}
ROSTER_MORE_STYLE = "名单续行"
BODY_CHAR_STYLE = "正文字符"  # the body part of a run-in heading
SIGNER_CHAR_STYLE = "签发人姓名"
ATTENDANCE_LABEL_STYLE = "出席标签"  # 10.3: "出席：" in 黑体
# the paragraph that begins each format's closing (generator.render_docx keeps it together)
CLOSING_STYLES = ("发文机关署名", "签发人职务签名", "出席名单")
FOOTNOTE_MARK_STYLE = "footnote reference"  # Word's built-in name, read by LibreOffice
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def set_faces(rpr, face: L.Face) -> None:
    """Name the face for ASCII and East Asian text; python-docx's font.name sets ASCII only."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # drop theme fonts (the default theme sends CJK to MS Mincho)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), face.standard)
    fonts.set(qn("w:hint"), "eastAsia")


def _exact_line(pf, pt: float) -> None:
    pf.line_spacing = Pt(pt)
    pf.line_spacing_rule = 4  # WD_LINE_SPACING.EXACTLY


# w:pPr children from w:bidi on, in the schema's order: a new flag goes before them
_PPR_LATER = ("bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
              "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
              "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")


def set_paragraph_flag(ppr, name: str, value: str) -> None:
    """Set w:<name> w:val=value in a w:pPr, in schema order (Word refuses other orders)."""
    flag = ppr.find(qn(f"w:{name}"))
    if flag is None:
        later = _PPR_LATER[_PPR_LATER.index(name) + 1:] if name in _PPR_LATER else _PPR_LATER
        flag = ppr.insert_element_before(OxmlElement(f"w:{name}"), *(f"w:{t}" for t in later))
    flag.set(qn("w:val"), value)


def _docdefaults(doc) -> None:
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_faces(rpr, L.BODY_FACE)
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), str(int(L.BODY_SIZE_PT * 2)))
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(L.DOCX_RUN_SPACING_TWENTIETHS))
    rpr.append(spacing)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(L.BODY_SIZE_PT)
    set_faces(normal.element.get_or_add_rPr(), L.BODY_FACE)
    _exact_line(normal.paragraph_format, L.LINE_PITCH_PT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    # No automatic space between Chinese and Latin letters or digits: GB/T 9704 writes
    # "2024年4月18日" and "〔2024〕8号" solid (Word's and LibreOffice's default adds ~1/4 em).
    ppr = normal.element.get_or_add_pPr()
    for name in ("autoSpaceDE", "autoSpaceDN"):
        set_paragraph_flag(ppr, name, "0")


def _styles(doc) -> None:
    for name, (face, size, align, first, left, right) in PARAGRAPH_STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = False
        set_faces(style.element.get_or_add_rPr(), face)
        pf = style.paragraph_format
        pf.alignment = _ALIGN[align]
        pf.first_line_indent = Emu(round(CHAR * first)) if first else Twips(0)
        pf.left_indent = Emu(round(CHAR * left)) if left else Twips(0)
        pf.right_indent = Emu(round(CHAR * right)) if right else Twips(0)
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.widow_control = False
        _exact_line(pf, L.LINE_PITCH_PT)
    doc.styles["发文机关标志"].font.color.rgb = RGBColor.from_string(L.RED)
    _exact_line(doc.styles["发文机关标志"].paragraph_format, L.MARK_MAX_SIZE_PT)
    # Off the line grid: LibreOffice gives a line taller than the grid pitch two grid lines
    # and centres it, which put the mark 3.6 mm and the 发文字号 7.6 mm low (measured).
    set_paragraph_flag(doc.styles["发文机关标志"].element.get_or_add_pPr(), "snapToGrid", "0")
    # 签发人 ends one character in from the right (7.2.6); tab stops count from the text
    # block's left edge, not from the paragraph's indent
    doc.styles["发文字号上行文"].paragraph_format.tab_stops.add_tab_stop(
        Twips(round(L.mm_to_pt(L.TEXT_WIDTH_MM) * 20)) - CHAR, WD_TAB_ALIGNMENT.RIGHT)
    # 10.1: the 发文字号 flush right with the text block, on the first element's line
    doc.styles["信函份号"].paragraph_format.tab_stops.add_tab_stop(
        Twips(L.mm_to_twips(L.TEXT_WIDTH_MM)), WD_TAB_ALIGNMENT.RIGHT)
    set_paragraph_flag(doc.styles["信函份号"].element.get_or_add_pPr(), "snapToGrid", "0")
    for name in ("签发人职务签名", "出席名单"):
        doc.styles[name].paragraph_format.keep_with_next = True
    for name in ("发文字号", "发文字号上行文"):
        _red_rule_below(doc.styles[name].element)
    doc.styles["附件标签"].paragraph_format.page_break_before = True
    doc.styles["发文机关署名"].paragraph_format.keep_with_next = True
    _exact_line(doc.styles["版记"].paragraph_format, L.LINE_PITCH_PT)
    _exact_line(doc.styles["页码"].paragraph_format, L.PAGE_NUMBER_SIZE_PT)
    _table_styles(doc)
    for name, face in ((BODY_CHAR_STYLE, L.BODY_FACE), (SIGNER_CHAR_STYLE, L.KAITI),
                       (ATTENDANCE_LABEL_STYLE, L.ATTENDANCE_LABEL_FACE)):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        set_faces(style.element.get_or_add_rPr(), face)
    # The 版记 is a footnote (docx_imprint.py): its reference mark, a space, prints white
    # at 0.5 pt, so that a client showing a number instead shows nothing either.
    mark = doc.styles.add_style(FOOTNOTE_MARK_STYLE, WD_STYLE_TYPE.CHARACTER)
    mark.font.size = Pt(0.5)
    mark.font.color.rgb = RGBColor.from_string("FFFFFF")


def _table_styles(doc) -> None:
    """Cell text in exact lines off the body's grid (a grid line is a 三号 line)."""
    doc.styles[TABLE_TITLE_STYLE].paragraph_format.keep_with_next = True
    for name in TABLE_CELL_STYLES.values():
        _exact_line(doc.styles[name].paragraph_format, L.TABLE_LINE_PT)
        set_paragraph_flag(doc.styles[name].element.get_or_add_pPr(), "snapToGrid", "0")


def _red_rule_below(style_el) -> None:
    """The red separator line: a bottom border 4 mm below the 发文字号 line."""
    ppr = style_el.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(round(L.mm_to_pt(L.RED_LINE_WIDTH_MM) * 8)))
    bottom.set(qn("w:space"), str(round(L.mm_to_pt(L.RED_LINE_GAP_MM))))
    bottom.set(qn("w:color"), L.RED)
    borders.append(bottom)
    ppr.append(borders)


def _page(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(L.PAGE_WIDTH_MM), Mm(L.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP_MM), Mm(L.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT_MM), Mm(L.MARGIN_RIGHT_MM)
    section.gutter = Twips(0)
    section.header_distance = Mm(15)
    # Footer distance puts the number line's top 7 mm below the text block.
    section.footer_distance = Mm(L.MARGIN_BOTTOM_MM - L.PAGE_NUMBER_GAP_MM) - Pt(
        L.PAGE_NUMBER_SIZE_PT)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # A line grid: LibreOffice 7.4 lays out "linesAndChars" grids wrongly (first lines of
    # indented paragraphs break after ~12 characters, measured); 28 characters per line come
    # from the run spacing instead, in Word and LibreOffice alike.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(L.LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(L.DOCX_CHAR_SPACE))
    doc.settings.odd_and_even_pages_header_footer = True
    page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def page_number(paragraph, align) -> None:
    """"— N —": odd pages right, even pages left, one character in."""
    paragraph.style = "页码"
    pf = paragraph.paragraph_format
    pf.alignment = align
    one = Pt(L.PAGE_NUMBER_SIZE_PT)
    pf.right_indent = one if align == WD_ALIGN_PARAGRAPH.RIGHT else Twips(0)
    pf.left_indent = one if align == WD_ALIGN_PARAGRAPH.LEFT else Twips(0)
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(" —")


class _Writer:
    """Appends template paragraphs (text with docxtpl tags) to the document body."""

    def __init__(self, doc):
        self.doc = doc

    def tag(self, text: str) -> None:
        """A docxtpl control paragraph ({%p …%}); docxtpl removes it when rendering."""
        self.doc.add_paragraph(text, style="公文空行")

    def para(self, style: str, *runs: tuple[str, str | None]) -> object:
        paragraph = self.doc.add_paragraph(style=style)
        for text, char_style in runs:
            run = paragraph.add_run(text)
            if char_style:
                run.style = self.doc.styles[char_style]
        return paragraph

    def blank(self) -> None:
        self.doc.add_paragraph(style="公文空行")

    def attachment_note(self, lines: str) -> None:
        """附件说明: a blank line, then "附件：1.名称" and the further names under it."""
        self.tag(f"{{%p for line in {lines} %}}")
        self.tag("{%p if loop.first %}")
        self.blank()
        self.para("附件说明", ("附件：{{ line.number }}{{ line.title }}", None))
        self.tag("{%p else %}")
        self.para("附件说明", ("{{ line.number }}{{ line.title }}", None))
        self.tag("{%p endif %}")
        self.tag("{%p endfor %}")

    def body_loop(self, items: str) -> None:
        self.tag(f"{{%p for p in {items} %}}")
        # a table: its title here; render_docx puts the table after it (docx_tables.py)
        self.tag("{%p if p.is_table %}")
        self.para(TABLE_TITLE_STYLE, ("{{ p.title or '' }}", None))
        # a 名单 line without a label: the name stands under the first line's name
        self.tag("{%p elif p.style.value == 'roster' and not p.lead %}")
        self.para(ROSTER_MORE_STYLE, ("{{ p.text }}", None))
        for kind, style in LEVEL_STYLES.items():
            self.tag(f"{{%p elif p.style.value == '{kind}' %}}")
            if kind == "body":
                self.para(style, ("{{ p.text }}", None))
            else:
                self.para(style, ("{{ p.lead }}", None), ("{{ p.text }}", BODY_CHAR_STYLE))
        self.tag("{%p endif %}")
        self.tag("{%p endfor %}")


def _body(doc) -> None:
    w = _Writer(doc)
    # 版头: 信函格式 (10.1), 命令（令）格式 (10.2), or the 版头 of 7.2 (文件, 纪要)
    w.tag("{%p if doc.masthead and doc.fmt == 'LETTER' %}")
    w.para("发文机关标志", ("{{ doc.masthead.mark }}", None))  # a frame (render_docx)
    w.tag("{%p for line in (doc.masthead.lines_above_mark or ['']) %}")
    w.para("信函份号", ("{{ line }}", None), ("{% if loop.first and doc.masthead.doc_number %}\t"
                                             "{{ doc.masthead.doc_number }}{% endif %}",
                                             BODY_CHAR_STYLE))
    w.tag("{%p endfor %}")
    w.blank()
    w.blank()
    w.tag("{%p elif doc.masthead and doc.fmt == 'ORDER' %}")
    w.tag("{%p for line in doc.masthead.lines_above_mark %}")
    w.para("份号密级", ("{{ line }}", None))
    w.tag("{%p endfor %}")
    w.para("发文机关标志", ("{{ doc.masthead.mark }}", None))
    w.blank()
    w.blank()
    w.para("令号", ("{{ doc.order_number or '' }}", None))
    w.blank()
    w.blank()
    w.tag("{%p elif doc.masthead %}")
    w.tag("{%p for line in doc.masthead.lines_above_mark %}")
    w.para("份号密级", ("{{ line }}", None))
    w.tag("{%p endfor %}")
    w.para("发文机关标志", ("{{ doc.masthead.mark }}", None))
    w.blank()
    w.blank()
    w.tag("{%p if doc.masthead.signer %}")
    w.para("发文字号上行文", ("{{ doc.masthead.doc_number or '' }}", None), ("\t签发人：", None),
           ("{{ doc.masthead.signer }}", SIGNER_CHAR_STYLE))
    w.tag("{%p else %}")
    w.para("发文字号", ("{{ doc.masthead.doc_number or '' }}", None))
    w.tag("{%p endif %}")
    w.blank()
    w.blank()
    w.tag("{%p elif doc.doc_number %}")
    w.para("发文字号", ("{{ doc.doc_number }}", None))
    w.tag("{%p endif %}")
    # 标题, 主送 (a 令 prints no title: its body begins two lines under the 令号)
    w.tag("{%p if doc.fmt != 'ORDER' %}")
    w.tag("{%p for line in doc.title_lines %}")
    w.para("公文标题", ("{{ line }}", None))
    w.tag("{%p endfor %}")
    w.blank()
    w.tag("{%p endif %}")
    w.tag("{%p if doc.recipients %}")
    w.para("主送机关", ("{{ doc.recipients }}", None))
    w.tag("{%p endif %}")
    # 正文
    w.body_loop("doc.body")
    # 附件说明, 署名, 成文日期, 附注
    w.attachment_note("doc.attachment_note")
    w.tag("{%p if doc.fmt == 'ORDER' %}")  # 7.3.5.3
    w.blank()
    w.blank()
    w.para("签发人职务签名", ("{{ doc.order_signature.post }}" + "　" * int(L.ORDER_POST_GAP_CHARS)
                        + "{{ doc.order_signature.name }}", None))
    w.blank()
    w.para("令成文日期", ("{{ doc.order_signature.date }}", None))
    w.tag("{%p elif doc.fmt == 'MINUTES' %}")  # 10.3
    w.tag("{%p for a in doc.attendance %}")
    w.tag("{%p if loop.first %}")
    w.blank()
    w.tag("{%p endif %}")
    w.para("出席名单", ("{{ a.label }}：", ATTENDANCE_LABEL_STYLE), ("{{ a.names }}", None))
    w.tag("{%p endfor %}")
    w.tag("{%p else %}")
    w.blank()
    w.para("发文机关署名", ("{{ doc.signature.organ }}", None))
    w.para("成文日期", ("{{ doc.signature.date }}", None))
    w.tag("{%p endif %}")
    w.tag("{%p if doc.note %}")
    w.para("附注", ("{{ doc.note }}", None))
    w.tag("{%p endif %}")
    # 附件 pages
    w.tag("{%p for att in doc.attachments %}")
    w.para("附件标签", ("{{ att.label }}", None))
    w.blank()
    w.tag("{%p for line in att.title_lines %}")
    w.para("公文标题", ("{{ line }}", None))
    w.tag("{%p endfor %}")
    w.blank()
    w.body_loop("att.body")
    w.attachment_note("att.attachment_note")
    w.tag("{%p endfor %}")


def _drop_thumbnail(doc) -> None:
    """python-docx's default package carries a thumbnail of an unrelated page."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)


def build_template(target: Path = DOCX_TEMPLATE) -> Path:
    doc = new_document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _docdefaults(doc)
    _styles(doc)
    _page(doc)
    _body(doc)
    doc.core_properties.title = "gongwen GB/T 9704-2012 template"
    doc.core_properties.author = "gongwen"
    _drop_thumbnail(doc)
    doc.save(target)
    return target


if __name__ == "__main__":
    print(build_template(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCX_TEMPLATE))
