"""Paragraphs -> a tree by their numbers, tolerant of the numbering real documents have.

Each form (一、 （一） 1. …) opens a level the first time it appears under another; seeing
it again closes the levels opened since. A form that ranks above an open one (（一） after
1.) closes the lower levels first. Skipped, repeated or out-of-order numbers and misused
forms do not change the tree; they are reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .findings import Finding, Level
from ..numbering import parse_numeral
from .markers import Form, Marker, read_marker
from .paragraphs import Paragraph


_ORDINAL_INSIDE = re.compile(r"[；;。，,]\s*([一二三四五六七八九十]+)是")
_CLOSING = re.compile(r"^(?:特此(?:通知|通报|通告|函告|函复|批复|报告|公告|说明)|此复|此函|专此函[达告]|"
                      r"请[^，。]{0,8}函复|妥否，请批示|以上报告，请审阅)。?$")


_GB_FORMS = (Form.CN, Form.CN_PAREN, Form.NUM, Form.NUM_PAREN)  # order set by GB/T 9704 7.3.3


@dataclass
class Node:
    para: Paragraph | None
    marker: Marker | None = None
    children: list["Node"] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The paragraph without its number."""
        if self.para is None:
            return ""
        return self.marker.rest if self.marker else self.para.text

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class _Open:
    node: Node
    form: Form | None
    last: int = 0


def build_outline(paragraphs: list[Paragraph]) -> tuple[Node, list[Finding]]:
    root = Node(None)
    stack = [_Open(root, None)]
    findings: list[Finding] = []
    last_article = 0
    for p in paragraphs:
        marker = read_marker(p.text)
        if marker is None and _CLOSING.match(p.text):  # "特此通知。" ends the whole text
            del stack[1:]
        if marker is None:
            stack[-1].node.children.append(Node(p))
            continue
        findings += [Finding(Level.DEFECT, flaw, p, "number-form") for flaw in marker.flaws]
        node = Node(p, marker)
        open_forms = [entry.form for entry in stack]
        if marker.form not in open_forms and _goes_on_in_another_form(stack, marker):
            findings.append(Finding(
                Level.DEFECT, f"同级编号形式不一：“{marker.raw}”接在"
                f"“{stack[-1].node.marker.raw}”之后，应为“{stack[-1].form.show(marker.number)}”",
                p, "number-form"))
            marker = replace(marker, form=stack[-1].form)
        if marker.form in open_forms:
            del stack[open_forms.index(marker.form) + 1:]
            if marker.number == 1 and _restarts_after_intro(stack[-2].node, stack[-1]):
                stack[-1].last = 0
        else:
            closed = _close_lower(stack, marker.form)
            if closed and closed.marker.form in _GB_FORMS:
                findings.append(Finding(
                    Level.DEFECT, f"层级次序颠倒：“{marker.raw}”出现在下一级编号"
                    f"“{closed.marker.raw}”之后（应为 {_order()}）", p, "number-level"))
            stack.append(_Open(Node(None), marker.form))
        entry = stack[-1]
        if marker.form is Form.ARTICLE:  # articles are numbered through the whole text
            entry.last, last_article = last_article, marker.number
        findings += _number_flaws(entry, marker, p)
        entry.last = marker.number
        if marker.form is Form.ORDINAL:  # "二是…；三是…" in one paragraph: go on from 三
            entry.last = max([marker.number, *_inline_ordinals(marker.rest)])
        entry.node = node
        stack[-2].node.children.append(node)
    return root, findings


def _goes_on_in_another_form(stack: list[_Open], marker: Marker) -> bool:
    """"（一）… 2.… （三）…": a number that would open a new level but goes on from the
    deepest open one (2 after （一）, not 1) is that level's next item in the wrong form."""
    deepest = stack[-1]
    return (len(stack) > 1 and deepest.form in _GB_FORMS and marker.form in _GB_FORMS
            and marker.number > 1 and marker.number == deepest.last + 1
            and deepest.node.marker is not None)


def _restarts_after_intro(parent: Node, entry: _Open) -> bool:
    """A list that starts again at 1 after a line ending in "：" ("办公室主要职责：") is a new
    list, not a repeated number. The intro, read as the end of the item before, moves out."""
    before = entry.node.children
    intro = next((k for k in range(len(before) - 1, -1, -1)
                  if before[k].marker is None and before[k].text.endswith(("：", ":"))), None)
    if intro is None or any(child.marker for child in before[intro:]):
        return False
    parent.children += before[intro:]
    del before[intro:]
    return True


def _close_lower(stack: list[_Open], form: Form) -> Node | None:
    """Close open levels ranked below `form`; the first node closed, if any."""
    closed = None
    while len(stack) > 1 and stack[-1].form.rank > form.rank:
        closed = stack.pop().node
    return closed


def _order() -> str:
    return " ".join(f.sample for f in (Form.CN, Form.CN_PAREN, Form.NUM, Form.NUM_PAREN))


def _inline_ordinals(text: str) -> list[int]:
    found = (parse_numeral(m.group(1)) for m in _ORDINAL_INSIDE.finditer(text))
    return [n for n in found if n]


def _number_flaws(entry: _Open, marker: Marker, p: Paragraph) -> list[Finding]:
    """Skips, repeats and numbers going back. A list may start again at 1 (a new list);
    一是 often starts inside the paragraph before, so ordinals are only checked for skips."""
    expected = entry.last + 1
    if marker.number == expected or (marker.number == 1 and entry.last > 0):
        return []
    if marker.form is Form.ORDINAL and (entry.last == 0 or marker.number < entry.last):
        return []
    shown = marker.form.show
    if entry.last == 0:
        rule, message = "number-start", f"编号未从“{shown(1)}”开始：第一个是“{marker.raw}”"
    elif marker.number == entry.last:
        rule, message = "number-repeat", f"编号重复：“{shown(entry.last)}”出现两次"
    elif marker.number < entry.last:
        rule, message = "number-backward", f"编号倒序：“{shown(entry.last)}”之后是“{marker.raw}”"
    else:
        skipped = "、".join(shown(n) for n in range(expected, min(marker.number, expected + 3)))
        rule = "number-gap"
        message = f"编号跳号：“{shown(entry.last)}”之后是“{marker.raw}”，缺少“{skipped}”"
    return [Finding(Level.DEFECT, message, p, rule)]
