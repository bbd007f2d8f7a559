"""Did the import keep the text? Each source paragraph, cut at its punctuation, is looked
for in the YAML written (the main document and its attachments).

Both sides are compared in one normal form: simplified characters, NFKC (so full- and
half-width punctuation and digits agree), no white space. Not counted: furniture the
reader removed (web debris, info tables: listed in the report), section numbers (gongwen
numbers sections itself) and the label words a recognised structure turns into YAML keys
("由…负责", "其职责是：").
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ruamel.yaml import YAML

from search.normalize import to_simplified

from ..numbering import chinese_numeral
from .clean import fix_punctuation, is_furniture
from .findings import Finding, Level
from .markers import read_marker
from .paragraphs import Paragraph
from .reading import SECTION_FORMS

KEPT = "未能归入结构"  # the report's words for a paragraph kept by `keep_lost_text`

# Words a recogniser consumes when it reads a structure into YAML keys.
_LABEL_WORDS = re.compile(
    r"^其?(?:主要)?职\s*责(?:是|为|如下)?|^(?:由|以|成立)|组成人员如下|(?:牵头负责|牵头|负责|参加|配合|组成|如下)$"
    r"|(?:兼|担)?任(?:办公室主任|常务副组长|副组长|组长)|为(?:常务副组长|副组长|组长|成员)"
    r"|(?:主要)?职\s*责(?:是|为|如下)?$|负责部门|牵头部门|牵头单位|办公室主任|联系电话|下设办公室|办公室设在|下设|同志|副组长|组长|成员由|成员|组员")
_ATTACHMENT_NUMBER = re.compile(r"^(?:附\s*件\s*[：:]\s*)?\d{1,2}\s*[.．、]")
_CUT = re.compile(r"[,，。;；:：、!！?？()（）\[\]【】〔〕《》“”\"'‘’…—\-·/]+")


@dataclass
class Loss:
    """What a file's YAML lacks: the pieces of text not found, and their characters."""

    pieces: list[tuple[Paragraph, str]] = field(default_factory=list)
    deficit: int = 0  # characters the source has more often than the YAML (a stricter count)

    @property
    def chars(self) -> int:
        return sum(len(piece) for _, piece in self.pieces)


def normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", to_simplified(text))
    return re.sub(r"\s+", "", text)


def yaml_text(texts: list[str]) -> str:
    """Every key and value of the YAML documents, dates also in their written forms."""
    out: list[str] = []
    for text in texts:
        _collect(YAML(typ="safe").load(text), out)
    return "\n".join(out)


def _collect(value, out: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            out.append(str(key))
            _collect(item, out)
    elif isinstance(value, list):
        for item in value:
            _collect(item, out)
    elif isinstance(value, dt.date):
        out += _date_forms(value)
    elif value is not None:
        out.append(str(value))


def _date_forms(day: dt.date) -> list[str]:
    def cn(n: int, digits: bool) -> str:
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n)) if digits else chinese_numeral(n)

    return [f"{day.year}年{day.month}月{day.day}日", f"{day.year}年{day.month:02d}月{day.day:02d}日",
            f"{cn(day.year, True)}年{cn(day.month, False)}月{cn(day.day, False)}日"]


def lost_text(paragraphs: list[Paragraph], written: list[str],
              read_as_fields: set[tuple] = frozenset()) -> Loss:
    """The pieces of `paragraphs` (as read from the file) missing from the `written` YAML.
    `read_as_fields`: places (page, line) of paragraphs read into normalised fields (a
    发文字号 rewritten in standard form), not looked for word by word."""
    return _loss(paragraphs, yaml_text(written), read_as_fields)


def _loss(paragraphs: list[Paragraph], written: str, read_as_fields: set[tuple],
          count: bool = True, values: frozenset[str] = frozenset()) -> Loss:
    """`written`: the values as written. `count`: also the per-character deficit."""
    loss = Loss()
    source: Counter[str] = Counter()
    haystack = normal(written) if count else None
    for p in paragraphs:
        if not count and _verbatim(p.text, written, values):
            continue
        if place(p) in read_as_fields or count and is_furniture(p.text):
            continue  # (paragraphs as cleaned hold no furniture)
        haystack = haystack if haystack is not None else normal(written)
        for piece in _pieces(p.text):
            source.update(piece)
            missing = _missing(piece, haystack)
            if missing:
                loss.pieces.append((p, missing))
    if count:
        loss.deficit = sum((source - Counter(haystack)).values())
    return loss


def _verbatim(text: str, written: str, values: frozenset[str] = frozenset()) -> bool:
    """The paragraph, or the text after its number, stands as written: nothing to look for.
    `values`: the written values, for the usual case of a paragraph kept whole."""
    if text in values:
        return True
    marker = read_marker(text)
    rest = marker.rest if marker is not None else text
    return rest in values or rest in written


def place(p: Paragraph) -> tuple:
    return (p.page, p.line)


def _fields_read(imported) -> set[tuple]:
    return {place(at) for key, at in imported.found_at.items()
            if key in ("发文字号", "成文日期", "印发日期")}


def imported_loss(paragraphs: list[Paragraph], imported) -> Loss:
    """`lost_text` of an `Imported` (document.py) made from `paragraphs`."""
    names = [f"附件{n}.yaml" for n in range(1, len(imported.attached) + 1)]
    written = [imported.yaml_text(names)] + [child.yaml_text() for child in imported.attached]
    return lost_text(paragraphs, written, _fields_read(imported))


def keep_lost_text(paragraphs: list[Paragraph], imported) -> None:
    """The last line of defence: a paragraph some of whose text no recogniser put anywhere
    is added, whole, at the end of the 正文, and said so in the report."""
    values: list[str] = []
    for doc in [imported, *imported.attached]:
        _collect(doc.fields, values)
    loss = _loss(paragraphs, "\n".join(values), _fields_read(imported), count=False,
                 values=frozenset(values))
    kept: set[tuple] = set()
    for p, piece in loss.pieces:
        if place(p) in kept:
            continue
        kept.add(place(p))
        imported.fields.setdefault("正文", []).append(fix_punctuation(p.text))
        imported.findings.append(Finding(
            Level.CHANGED, f"“{piece[:20]}”等文字{KEPT}，整段附在正文末尾，请移回原处", p))


def _pieces(text: str) -> list[str]:
    marker = read_marker(text)
    if marker is not None and marker.form in SECTION_FORMS:
        text = marker.rest
    text = _ATTACHMENT_NUMBER.sub("", text)  # "附件：1.X": gongwen numbers the list itself
    out = []
    for piece in _CUT.split(normal(text)):
        out += [part for part in _LABEL_WORDS.sub("|", piece).split("|") if part]
    return out


def _missing(piece: str, haystack: str) -> str:
    """The characters of `piece` not covered by pieces of two or more found in `haystack`."""
    if piece in haystack:
        return ""
    lost, i = [], 0
    while i < len(piece):
        j = i + 1
        while j < len(piece) and piece[i:j + 1] in haystack:
            j += 1
        if j - i >= 2 or (len(piece) == 1 and piece in haystack):
            i = j
        else:
            lost.append(piece[i])
            i += 1
    return "".join(lost)
