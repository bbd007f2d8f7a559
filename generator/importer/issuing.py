"""A 印发通知 and the document it issues, copied as one text: the short notice ("现将《X》印发
给你们…"), its 署名 and date, then the issued document, with or without a "附件" line
before its title. The issued document is marked as an attachment so that it is written
as its own YAML; a notice copied without its title gets one made from the sentence."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..dates import read_written_date
from .front import title_kind
from .paragraphs import Paragraph

_ISSUING = re.compile(r"《(?P<name>[^《》]{2,60})》[^。]{0,40}?印发(?:给|予)?(?:你们|各)|"
                      r"印发《(?P<name2>[^《》]{2,60})》")
_LABEL = re.compile(r"^附\s*件\s*\d*$")
_NEAR = 8  # the notice's sentence is among its first paragraphs, its date soon after


@dataclass(frozen=True)
class Issuing:
    name: str  # the issued document, as the notice names it
    at: Paragraph  # the paragraph that says so


def issuing_sentence(paragraphs: list[Paragraph]) -> Issuing | None:
    for p in paragraphs[:_NEAR]:
        match = _ISSUING.search(p.text)
        if match:
            return Issuing(match.group("name") or match.group("name2"), p)
    return None


def mark_issued_document(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """`paragraphs` with a "附件" line put before the issued document's title when the copy
    goes straight on from the notice's date to it."""
    said = issuing_sentence(paragraphs)
    if said is None:
        return paragraphs
    start = paragraphs.index(said.at)
    for i in range(start + 1, min(len(paragraphs) - 1, start + _NEAR)):
        if read_written_date(paragraphs[i].text) is None:
            continue
        after = i + 1
        if after < len(paragraphs) and re.fullmatch(r"[（(].+[）)]", paragraphs[after].text):
            after += 1  # 附注 below the date
        if after < len(paragraphs) - 1 and _starts_issued(paragraphs, after, said.name):
            label = replace(paragraphs[after], text="附件")
            return paragraphs[:after] + [label] + paragraphs[after:]
        return paragraphs
    return paragraphs


def _starts_issued(paragraphs: list[Paragraph], i: int, name: str) -> bool:
    """The issued document's title (one to three lines) starts at i."""
    if _LABEL.match(paragraphs[i].text):
        return False  # already marked
    wanted = _plain(name)
    joined = ""
    for p in paragraphs[i:i + 3]:
        if len(p.text) > 40 or p.text.endswith(("。", "：", ":", "；")):
            break
        joined += _plain(p.text)
        if joined == wanted or title_kind(joined) and title_kind(joined) == title_kind(wanted):
            return True
    return False


def _plain(text: str) -> str:
    return re.sub(r"[\s《》]", "", text)


def notice_title(said: Issuing, organ: str | None) -> str:
    """"关于印发X的通知", with the 发文机关 in front when known."""
    return f"{organ or ''}关于印发{said.name}的通知"
