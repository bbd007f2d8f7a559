"""What the recognisers share: the reading context (roster, findings, what was seen), the
split of a run-in heading from its text, and a node's lines."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clean import fix_punctuation
from .findings import Finding, Level
from .markers import Form
from .outline import Node
from .paragraphs import Paragraph
from .people import Parsed, Ref, Roster, parse_refs

SECTION_FORMS = (Form.CHAPTER, Form.SECTION, Form.CN, Form.CN_PAREN, Form.NUM, Form.NUM_PAREN)


@dataclass
class Context:
    roster: Roster = field(default_factory=Roster)
    findings: list[Finding] = field(default_factory=list)
    heading: str = ""  # title of the section being read
    said: str = ""  # the last paragraph kept as text ("第一条　成立…领导小组，组成人员如下：")
    chapters: bool = False  # 第一章 … seen (reported once)
    recognised: list[tuple[str, str, Paragraph | None]] = field(default_factory=list)

    def saw(self, what: str, summary: str, at: Paragraph | None) -> None:
        self.recognised.append((what, summary, at))

    def defect(self, message: str, at: Paragraph | None, rule: str = "clause-form") -> None:
        self.findings.append(Finding(Level.DEFECT, message, at, rule))

    def refs(self, text: str, at: Paragraph | None) -> list[Ref]:
        parsed: Parsed = parse_refs(text, self.roster.known)
        for flaw in parsed.flaws:
            self.defect(flaw, at)
        self.roster.add(parsed.refs)
        return parsed.refs

    def text(self, text: str, at: Paragraph | None) -> str:
        fixed = fix_punctuation(text)
        if fixed != text:
            self.findings.append(Finding(Level.DEFECT, "中文中夹用半角标点，已改为全角", at,
                                         "punct-half-width"))
        return fixed


def split_title(text: str) -> tuple[str, str]:
    """"摸清底数。以班级为单位…" -> ("摸清底数", "以班级为单位…"); a heading alone stays whole."""
    match = re.search(r"[。！？]", text[:32])
    if match and text[match.end():].strip():
        keep = match.group() if match.group() != "。" else ""
        return text[:match.start()] + keep, text[match.end():].strip()
    return text, ""


def node_lines(node: Node) -> list[Node]:
    """A node's own text after its heading, then its children, as one list of nodes."""
    _, rest = split_title(node.text)
    return ([TextNode(node.para, rest)] if rest else []) + node.children


class TextNode(Node):
    """A piece of a paragraph (the text after a run-in heading) standing as its own node."""

    def __init__(self, para: Paragraph | None, text: str):
        super().__init__(para)
        self._text = text

    @property
    def text(self) -> str:
        return self._text


def ref_value(ref: Ref) -> str | dict:
    return {"角色": ref.name} if ref.role else ref.name
