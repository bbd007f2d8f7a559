"""The number at the start of a paragraph: which form it is, its value, and what is wrong
with how it was written (half-width brackets, "（一）、", "1、", "一." ...)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from generator.numbering import chinese_numeral, parse_numeral

_CN = "零〇一二三四五六七八九十百两"


class Form(Enum):
    """Forms in the order they nest in GB/T 9704 documents; chapters and articles for 制度."""

    CHAPTER = ("第一章", 0)
    SECTION = ("第一节", 1)
    ARTICLE = ("第一条", 2)  # articles hold （一） items, so they rank above them
    CN = ("一、", 3)
    CN_PAREN = ("（一）", 4)
    NUM = ("1.", 5)
    NUM_PAREN = ("（1）", 6)
    ORDINAL = ("一是", 7)

    @property
    def sample(self) -> str:
        return self.value[0]

    @property
    def rank(self) -> int:
        return self.value[1]

    def show(self, number: int) -> str:
        cn = chinese_number_text(number)
        return {Form.CHAPTER: f"第{cn}章", Form.SECTION: f"第{cn}节", Form.CN: f"{cn}、",
                Form.CN_PAREN: f"（{cn}）", Form.NUM: f"{number}.", Form.NUM_PAREN: f"（{number}）",
                Form.ARTICLE: f"第{cn}条", Form.ORDINAL: f"{cn}是"}[self]


@dataclass(frozen=True)
class Marker:
    form: Form
    number: int
    raw: str  # as written, e.g. "(一)、"
    rest: str  # the paragraph after the marker
    flaws: tuple[str, ...] = ()


_PATTERNS = [
    (Form.CHAPTER, re.compile(rf"^第([{_CN}]+|\d+)章(\s*)")),
    (Form.SECTION, re.compile(rf"^第([{_CN}]+|\d+)节(\s*)")),
    (Form.ARTICLE, re.compile(rf"^第([{_CN}]+|\d+)条(\s*)")),
    (Form.CN_PAREN, re.compile(rf"^([（(])\s*([{_CN}]+)\s*([）)])([、.．，,]?)")),
    (Form.NUM_PAREN, re.compile(r"^([（(])\s*(\d{1,2})\s*([）)])([、.．，,]?)")),
    (Form.CN, re.compile(rf"^([{_CN}]+)\s*(、|[.．，,](?!\d))")),
    (Form.NUM, re.compile(r"^(\d{1,2})\s*([.．、,，])(?![\d.．])")),
    (Form.ORDINAL, re.compile(rf"^([{_CN}]+)是(?=[，,：:\u4e00-\u9fff])")),
]


def chinese_number_text(n: int) -> str:
    return chinese_numeral(n) if 1 <= n <= 999 else str(n)


def read_marker(text: str) -> Marker | None:
    for form, pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            marker = _marker(form, match, text)
            if marker is not None:
                return marker
    return None


def _marker(form: Form, match: re.Match, text: str) -> Marker | None:
    flaws: list[str] = []
    rest = text[match.end():].lstrip(" 　")
    if form in (Form.CHAPTER, Form.SECTION, Form.ARTICLE):
        number = parse_numeral(match.group(1))
    elif form in (Form.CN_PAREN, Form.NUM_PAREN):
        opening, value, closing, after = match.groups()
        number = parse_numeral(value)
        if opening == "(" or closing == ")":
            flaws.append(f"编号“{match.group().strip()}”用了半角括号，应为全角“（）”")
        if after:
            flaws.append(f"编号“{match.group().strip()}”括号后不应再加“{after}”")
    elif form is Form.CN:
        number = parse_numeral(match.group(1))
        if match.group(2) != "、":
            flaws.append(f"编号“{match.group()}”应写作“{match.group(1)}、”")
    elif form is Form.NUM:
        number = int(match.group(1))
        if match.group(2) != ".":
            flaws.append(f"编号“{match.group()}”应写作“{match.group(1)}.”（半角圆点）")
    else:
        number = parse_numeral(match.group(1))
    if number is None or number == 0:
        return None
    if form is Form.ORDINAL and len(rest) < 4:
        return None
    if not rest and form not in (Form.CHAPTER, Form.SECTION):
        return None
    return Marker(form, number, text[:match.end()].strip(), rest, tuple(flaws))
