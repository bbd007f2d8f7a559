"""Document model -> DOCX through docxtpl and templates/gongwen.docx."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docxtpl import DocxTemplate

from . import layout as L
from .docx_letter import add_letterhead
from .kinds import Format
from .model import ClosingKeep, Document
from .docx_imprint import add_imprint
from .docx_template import CLOSING_STYLES
from .docx_tables import add_tables
from .templates import DOCX_TEMPLATE

CHAR_TWIPS = round(L.CHAR_PITCH_PT * 20)


def render_docx(doc: Document, target: Path, template: Path = DOCX_TEMPLATE) -> None:
    """Fill the template, then set the measures that depend on the text (署名 and 日期
    indents, 附件说明 hanging indents, the size of the 发文机关标志)."""
    tpl = DocxTemplate(template)
    # autoescape: & < > in users' text must not corrupt the XML (docxtpl issue #557)
    tpl.render({"doc": doc}, autoescape=True)
    word = tpl.docx
    add_tables(word, doc)
    _place_measured(word, doc)
    _core_properties(word, doc)
    word.save(target)


def _core_properties(word, doc: Document) -> None:
    """The file's own title, author and time, not the template's."""
    props = word.core_properties
    now = datetime.now(timezone.utc).replace(microsecond=0)
    props.title = "".join(doc.title_lines)
    props.author = props.last_modified_by = doc.signature.organ
    props.subject = doc.kind
    props.created = props.modified = now
    props.revision = 1
    props.comments = props.keywords = props.category = ""


def _by_style(word, name: str) -> list:
    return [p for p in word.paragraphs if p.style is not None and p.style.name == name]


def _chars(n: float) -> Twips:
    return Twips(round(n * CHAR_TWIPS))


def _place_measured(word, doc: Document) -> None:
    for paragraph in _by_style(word, "发文机关署名")[:1]:
        paragraph.paragraph_format.right_indent = _chars(doc.signature.organ_right_chars)
    for paragraph in _by_style(word, "成文日期")[:1]:
        paragraph.paragraph_format.right_indent = _chars(doc.signature.date_right_chars)
    notes = [doc.attachment_note] + [att.attachment_note for att in doc.attachments]
    lines = [(index == 0, line) for note in notes for index, line in enumerate(note)]
    for paragraph, (first, line) in zip(_by_style(word, "附件说明"), lines):
        hang = L.text_width_chars(line.number)
        pf = paragraph.paragraph_format
        pf.left_indent = _chars(5 + hang)
        pf.first_line_indent = _chars(-(3 + hang) if first else -hang)
    if doc.masthead:
        size = doc.masthead.mark_size_pt
        for paragraph in _by_style(word, "发文机关标志")[:1]:
            for run in paragraph.runs:
                run.font.size = Pt(size)
                _lower(run, size * L.DOCX_MARK_DROP_EM)
            pf = paragraph.paragraph_format
            pf.line_spacing = Pt(size)
            above = len(doc.masthead.lines_above_mark)
            if doc.format is Format.LETTER:
                add_letterhead(word, paragraph, size)
            else:
                top = L.ORDER_MARK_TOP_MM if doc.format is Format.ORDER else L.MARK_TOP_MM
                pf.space_before = Mm(top) - Pt(L.LINE_PITCH_PT * above)
    _keep_closing_together(word, doc.closing_keep)
    if doc.imprint is not None:
        add_imprint(word, doc.imprint)


# w:rPr children after w:position, in the schema's order
_RPR_AFTER_POSITION = ("sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
                       "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish")


def _lower(run, points: float) -> None:
    """Lower a run's text by `points` without changing its line's height (w:position)."""
    position = OxmlElement("w:position")
    position.set(qn("w:val"), str(-round(points * 2)))  # half-points, negative lowers
    run._r.get_or_add_rPr().insert_element_before(
        position, *(f"w:{t}" for t in _RPR_AFTER_POSITION))


def _keep_closing_together(word, keep: ClosingKeep) -> None:
    """The closing's lines stay together; the last body paragraph goes with them only when
    generator.paging bound it (whole, or as the tail carried from the paragraph before)."""
    paragraphs = word.paragraphs
    signs = [i for i, p in enumerate(paragraphs) if p.style.name in CLOSING_STYLES]
    if not signs:
        return
    i = signs[0] - 1
    while i >= 0 and paragraphs[i].style.name in ("公文空行", "附件说明"):
        paragraphs[i].paragraph_format.keep_with_next = True
        i -= 1
    if i < 0 or keep is ClosingKeep.FREE:
        return
    # The bound lines begin the closing's page, as in the PDF. keep-with-next alone is not
    # enough: where the 版记 does not fit under the 成文日期, LibreOffice splits the 版记
    # (a footnote) over two pages instead of moving the lines (measured).
    paragraphs[i].paragraph_format.keep_with_next = True
    paragraphs[i].paragraph_format.page_break_before = True
    if keep is ClosingKeep.CARRIED and i > 0:
        paragraphs[i].paragraph_format.first_line_indent = 0
        # the head's last line is a full line: set it full, as justify does the others
        paragraphs[i - 1].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE
