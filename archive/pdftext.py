"""Lines of a fixed-layout page (PDF, OFD, an OCR'd scan) back into the text a person reads.

Page furniture — running headers and footers, page numbers — is found by what repeats at the
top or bottom of the pages (digits aside), removed and listed; what is left is joined back into
paragraphs by geometry: a line that fills the text width continues on the next line at the
left margin, on the same page or the next.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, Iterable

EDGE_LINES = 3  # how many lines at each end of a page may be furniture
PAGE_NUMBER = re.compile(
    r"^(?:[-—－–~一]+\s*\d+\s*[-—－–~一]+"  # - 1 -, — 1 — (一: a dash as OCR reads it)
    r"|第\s*\d+\s*页\s*[,，/]?\s*(?:共\s*\d+\s*页)?"  # 第 1 页 共 7 页
    r"|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|\d+\s*/\s*\d+|\d{1,4})$")
WIDTH_QUORUM = 3  # lines that must end at one edge for it to be the text width


@dataclass
class Line:
    text: str
    page: int
    number: int  # 1-based line on its page, furniture counted
    x0: float
    x1: float
    top: float
    size: float  # largest font size, points


@dataclass(frozen=True)
class Furniture:
    """A line removed as page furniture: where it stood and why."""

    page: int
    text: str
    reason: str  # 页眉, 页脚 or 页码

    def describe(self) -> str:
        return f"第{self.page}页{self.reason}“{self.text}”"


def furniture_note(removed) -> str:
    """One line for the record: how much page furniture was left out of the text, and some."""
    shown = "、".join(f.describe() for f in list(removed)[:3]) + ("等" if len(removed) > 3 else "")
    return f"正文中去除了页眉、页脚、页码 {len(removed)} 处（{shown}）"


def pdf_page_lines(page, number: int) -> list[Line]:
    """The text lines pdfplumber finds on `page`, what lies outside the page box left out;
    text set a quarter turn (a landscape page's number) after them, a column a line."""
    out = []
    for n, found in enumerate(text_lines(page.within_bbox(page.bbox)), start=1):
        text = found["text"].strip()
        if text:
            size = max(c["size"] for c in found["chars"])
            out.append(Line(text, number, n, found["x0"], found["x1"], found["top"], size))
    return out


def text_lines(page) -> list[dict]:
    """pdfplumber's text lines of the upright characters, then the turned characters' columns
    read top to bottom (pdfplumber would make each turned character a line of its own), each
    as {text, x0, x1, top, bottom, chars, turned}; a turned character's size is its width."""
    upright = page.filter(lambda o: o.get("object_type") != "char" or o.get("upright", True))
    lines = [dict(line, turned=False) for line in upright.extract_text_lines()]
    columns: dict[int, list[dict]] = {}
    for c in page.chars:
        if not c.get("upright", True):
            columns.setdefault(round(c["x0"]), []).append(dict(c, size=c["x1"] - c["x0"]))
    for _, chars in sorted(columns.items()):
        chars.sort(key=lambda c: c["top"])
        lines.append({"text": "".join(c["text"] for c in chars), "x0": min(c["x0"] for c in chars),
                      "x1": max(c["x1"] for c in chars), "top": chars[0]["top"],
                      "bottom": chars[-1]["bottom"], "chars": chars, "turned": True})
    return lines


def _key(text: str) -> str:
    """A line as it repeats from page to page: page numbers and spaces aside."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def is_page_number(text: str) -> bool:
    return PAGE_NUMBER.match(re.sub(r"\s+", " ", text.strip())) is not None


def strip_furniture(pages: list[list[Line]]) -> tuple[list[list[Line]], list[Furniture]]:
    """`pages` without their furniture, and what was removed. A line is furniture when it is
    among the EDGE_LINES at the top or bottom of its page, only furniture stands between it and
    the edge, and it repeats at that edge on at least half the pages (two at least), or it
    reads as a page number ("- 1 -", "第 1 页 共 7 页"; a bare number only when it repeats).
    A page that would be left empty keeps all but its page numbers."""
    repeated = _repeated_edges(pages)
    kept, removed = [], []
    for lines in pages:
        top, bottom = 0, len(lines)
        while top < min(EDGE_LINES, bottom) and _furniture(lines[top], "top", repeated):
            top += 1
        while bottom > max(top, len(lines) - EDGE_LINES) and _furniture(lines[bottom - 1], "bottom", repeated):
            bottom -= 1
        if top >= bottom:  # nothing else on the page: what repeats is its text, not furniture
            top, bottom = _strip_page_numbers(lines)
        for line, edge in [(x, "top") for x in lines[:top]] + [(x, "bottom") for x in lines[bottom:]]:
            removed.append(Furniture(line.page, line.text, _reason(line.text, edge)))
        kept.append(lines[top:bottom])
    removed.sort(key=lambda f: f.page)
    return kept, removed


def _strip_page_numbers(lines: list[Line]) -> tuple[int, int]:
    top, bottom = 0, len(lines)
    while top < bottom and _furniture(lines[top], "top", set()):
        top += 1
    while bottom > top and _furniture(lines[bottom - 1], "bottom", set()):
        bottom -= 1
    return top, bottom


def _repeated_edges(pages: list[list[Line]]) -> set[tuple[str, str]]:
    """(edge, key) of the lines that stand at one edge, at one height (within a line's
    size), on at least half the pages and two at least."""
    if len(pages) < 2:
        return set()
    seen: dict[tuple[str, str], dict[int, Line]] = {}
    for lines in pages:
        for edge, ends in (("top", lines[:EDGE_LINES]), ("bottom", lines[-EDGE_LINES:])):
            for line in ends:
                seen.setdefault((edge, _key(line.text)), {}).setdefault(line.page, line)
    out = set()
    for edge, found in seen.items():
        middle = statistics.median(line.top for line in found.values())
        level = [x for x in found.values() if abs(x.top - middle) <= x.size]
        if len(level) >= 2 and len(level) * 2 >= len(pages):
            out.add(edge)
    return out


def _furniture(line: Line, edge: str, repeated: set[tuple[str, str]]) -> bool:
    if (edge, _key(line.text)) in repeated:
        return True
    return is_page_number(line.text) and not re.fullmatch(r"\s*\d+\s*", line.text)


def _reason(text: str, edge: str) -> str:
    if is_page_number(text):
        return "页码"
    return "页眉" if edge == "top" else "页脚"


def join_lines(lines: list[Line], breaks: Callable[[Line, Line], bool] = lambda a, b: False
               ) -> list[Line]:
    """Wrapped lines back into paragraphs (each the first line's place, the joined text).
    The body's left margin is where the leftmost line starts and its right edge where most
    full lines end; a paragraph's first line is indented or centred, so a line at the margin
    continues a line before it that fills the width, on this page or the one before. Where
    no line is indented, nothing tells a wrapped line from a paragraph: none is joined.
    `breaks(before, line)` says where the caller knows a paragraph starts anyway."""
    if not lines:
        return []
    left = min(line.x0 for line in lines)
    em = statistics.median(line.size for line in lines)
    right = _text_right(lines)
    if right is None:  # few lines: the widest is the width, if paragraphs are seen indented
        if not any(line.x0 > left + em / 2 for line in lines):
            return [replace(line) for line in lines]
        right = max(line.x1 for line in lines)
    pitch = _line_pitch(lines)
    out: list[Line] = []
    last: Line | None = None  # the last line of the paragraph being built
    for line in lines:
        continues = (
            last is not None
            and abs(line.x0 - left) < em / 2
            and last.x1 > right - 5 * em
            and abs(line.size - last.size) < 1
            and (line.page != last.page or line.top - last.top < 1.4 * pitch)
            and not breaks(last, line)
        )
        if continues:
            out[-1].text = _glue(out[-1].text, line.text)
        else:
            out.append(replace(line))
        last = line
    return out


def _glue(before: str, after: str) -> str:
    """Two pieces of one paragraph: Chinese joins with nothing, Latin words with a space."""
    if before[-1:].isascii() and before[-1:].isalnum() and after[:1].isascii() and after[:1].isalpha():
        return before + " " + after
    return before + after


def _text_right(lines: list[Line]) -> float | None:
    """Where full lines end: the most common right edge (to 2 points) among the wide lines,
    shared by WIDTH_QUORUM lines at least — not the widest line, which may be a table or a
    character hung past the margin. None when no edge is shared so."""
    widest = max(line.x1 for line in lines)
    left = min(line.x0 for line in lines)
    wide = [line.x1 for line in lines if line.x1 > left + (widest - left) * 0.6]
    common, count = Counter(round(x1 / 2) for x1 in wide).most_common(1)[0]
    if count < WIDTH_QUORUM:
        return None
    return max(x1 for x1 in wide if round(x1 / 2) == common)


def _line_pitch(lines: list[Line]) -> float:
    """The usual distance from one line to the next: paragraphs set apart by more are new."""
    gaps = [b.top - a.top for a, b in zip(lines, lines[1:]) if a.page == b.page and b.top > a.top]
    return statistics.median(gaps) if gaps else float("inf")


def page_text(pages: Iterable[list[Line]]) -> str:
    """The text of `pages` (furniture already removed), one paragraph a line."""
    return "\n".join(line.text for line in join_lines([x for lines in pages for x in lines]))
