"""Where the closing (署名, 成文日期) falls: one decision for the PDF and the DOCX.

GB/T 9704 7.3.5: the 署名 and 成文日期 never stand on a page without body text. The body's
last paragraph flows on like any other, so page 1 is never left almost empty because a long
paragraph went over whole. Only when the closing would begin a page of its own is the body
bound to it, in the first of these ways whose layout works:

- CARRIED: the paragraph's last two lines become a paragraph of their own (no first-line
  indent), bound to the closing; the rest keeps its place, its last line set full. This is
  what Word does with keep-with-next (the last lines go over); LibreOffice 7.4 moves a
  keep-with-next paragraph whole (measured), so the split is made in the document itself and
  both clients see the same two paragraphs.
- BOUND: a paragraph of three lines or fewer moves whole.

The lines are read from WeasyPrint's layout through public anchors (`Page.anchors`): one per
character of the last paragraph in a probe layout. The PDF and LibreOffice's rendering of the
DOCX break these lines alike (measured line by line, tests/test_paging.py).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .model import ClosingKeep, Document, Para
from .render_pdf import lay_out

if TYPE_CHECKING:
    import weasyprint

# anchors in templates/gongwen.html
BEFORE_END, BODY_END, CLOSING, IMPRINT = "before-end", "body-end", "closing-sign", "imprint"
CARRIED_LINES = 2  # as widow control keeps them in Word
MIN_SPLIT_LINES = 4  # fewer: the paragraph moves whole (no orphan left behind)


@dataclass(frozen=True)
class Paged:
    doc: Document
    pages: "weasyprint.Document"  # the PDF's layout of `doc`


def settle_closing(doc: Document) -> Paged:
    """`doc` with `closing_keep` decided, and its layout."""
    free = lay_out(doc)
    if _closing_has_body(doc, free) or doc.body[-1].is_table:
        # a table that ends the body keeps its last row with the closing (generator.docx_tables,
        # the PDF's table-end anchor); it is not split or moved here
        return Paged(doc, free)
    for candidate in (_carried(doc), replace(doc, closing_keep=ClosingKeep.BOUND)):
        if candidate is None:
            continue
        pages = lay_out(candidate)
        if _closing_has_body(candidate, pages) and _bound_lines_begin_page(pages):
            return Paged(candidate, pages)
    return Paged(doc, free)  # nothing helps (a closing taller than a page): leave it free


def _closing_has_body(doc: Document, pages: "weasyprint.Document") -> bool:
    """The 署名 shares its page with body text, and, when the main text ends the document,
    the 版记 stands on the 署名's page too."""
    sign = _page_of(pages, CLOSING)
    if _page_of(pages, BODY_END) != sign:
        return False
    return bool(doc.attachments) or doc.imprint is None or _page_of(pages, IMPRINT) == sign


def _bound_lines_begin_page(pages: "weasyprint.Document") -> bool:
    """The bound paragraph begins its page (the DOCX gives it a page break before)."""
    before = _page_of(pages, BEFORE_END)
    return before is not None and before < _page_of(pages, BODY_END)


def _carried(doc: Document) -> Document | None:
    """`doc` with the last two lines of its last paragraph carried to the closing's page,
    or None when that paragraph has too few lines to split."""
    last = doc.body[-1]
    probe = lay_out(doc, probe=True)
    lines = _line_starts(probe, len(last.text))
    if len(lines) < MIN_SPLIT_LINES:
        return None
    cut = lines[-CARRIED_LINES]
    head = replace(last, text=last.text[:cut])
    tail = Para(last.style, text=last.text[cut:])
    return replace(doc, body=[*doc.body[:-1], head, tail], closing_keep=ClosingKeep.CARRIED)


def _line_starts(pages: "weasyprint.Document", length: int) -> list[int]:
    """Index of the first character of each line of the last paragraph (probe layout)."""
    where: dict[int, tuple[int, float]] = {}
    for number, page in enumerate(pages.pages):
        for name, box in page.anchors.items():
            if name[0] == "c" and name[1:].isdigit():
                where[int(name[1:])] = (number, round(box[1], 1))  # page, top
    starts, previous = [], None
    for index in range(length):
        if index not in where:
            return []  # a character without its anchor: no reliable split
        if where[index] != previous:
            starts.append(index)
            previous = where[index]
    return starts


def _page_of(pages: "weasyprint.Document", anchor: str) -> int | None:
    return next((number for number, page in enumerate(pages.pages) if anchor in page.anchors),
                None)
