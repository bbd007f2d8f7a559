"""Rules on one piece of text (a paragraph, a YAML value): punctuation, digits, numbers at
the start, dates that do not exist, and the brackets and quotes left open or never opened."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace

from ..importer.clean import CJK, FULL_PUNCT, HALF_PARENS, HALF_PUNCT
from ..importer.markers import read_marker
from .findings import Edit, Finding, Location, finding

_ELLIPSIS = re.compile(r"\.{3,}|。{3,}|…+")
_DASH = re.compile(rf"(?<={CJK})\s*-{{2,}}\s*|\s*-{{2,}}\s*(?={CJK})")
_FULL_DIGITS = re.compile(r"[０-９]+")
_DAY = re.compile(r"(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})日")
END_PUNCT = "。，；：！？、.,;:!?"  # what a title or a 主送机关 line must not end with
ATTACHMENT_REF = re.compile(r"附件\s*(\d{1,2})")  # "见附件2"
_STRAIGHT_QUOTE = re.compile(rf'(?<={CJK})"|"(?={CJK})')

# Opening -> closing; half-width round brackets pair with full-width ones (their width is
# a punctuation finding, not a balance one).
PAIRS = {"（": "）", "(": "）", "〔": "〕", "【": "】", "《": "》", "〈": "〉", "［": "］", "[": "］",
         "“": "”", "‘": "’"}
_CLOSING = {"）": "（", ")": "（", "〕": "〔", "】": "【", "》": "《", "〉": "〈", "］": "［", "]": "［",
            "”": "“", "’": "‘"}
_REACH = 8  # a pair may be split over this many following paragraphs (wrapped lines, revision notes)
_QUOTES = set("“”‘’")


def scan_text(text: str, at: Location) -> list[Finding]:
    """Every finding inside `text`; `at` is where the text is, spans are added."""
    out: list[Finding] = []
    skip_until = _marker_findings(text, at, out)
    for match in HALF_PUNCT.finditer(text):
        if match.start() < skip_until:
            continue
        mark = match.group(1) or match.group(2)
        out.append(_hit("punct-half-width", at, match, f"中文中用了半角“{mark}”",
                        f"改为全角“{FULL_PUNCT[mark]}”", FULL_PUNCT[mark]))
    for match in HALF_PARENS.finditer(text):
        if match.start() >= skip_until and re.search(CJK, match.group(1)):
            new = f"（{match.group(1)}）"
            out.append(_hit("punct-half-width", at, match, "中文中用了半角括号“()”",
                            "改为全角“（）”", new))
    out += _straight_quotes(text, at)
    for match in _ELLIPSIS.finditer(text):
        if match.group() != "……":
            out.append(_hit("punct-ellipsis", at, match, f"省略号写作“{match.group()}”",
                            "改为“……”", "……"))
    for match in _DASH.finditer(text):
        out.append(_hit("punct-dash", at, match, f"破折号写作“{match.group().strip()}”",
                        "改为“——”", "——"))
    for match in _FULL_DIGITS.finditer(text):
        half = unicodedata.normalize("NFKC", match.group())
        out.append(_hit("digit-full-width", at, match, f"全角数字“{match.group()}”",
                        f"改为“{half}”", half))
    for match in _DAY.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        try:
            dt.date(year, month, day)
        except ValueError:
            out.append(_hit("date-invalid", at, match, f"日期“{match.group()}”不存在",
                            "核对月、日"))
    return out


def _hit(rule: str, at: Location, match: re.Match, message: str, fix: str,
         new: str | None = None) -> Finding:
    edit = Edit(match.group(), new) if new is not None else None
    return finding(rule, replace(at, span=match.span()), message, fix, edit)


def _marker_findings(text: str, at: Location, out: list[Finding]) -> int:
    """number-form for a number written wrongly at the start; where the number ends."""
    marker = read_marker(text)
    if marker is None or not marker.flaws:
        return 0
    start = text.index(marker.raw)
    end = start + len(marker.raw)
    right = marker.form.show(marker.number)
    out.append(finding("number-form", replace(at, span=(start, end)), "；".join(marker.flaws),
                       f"改为“{right}”", Edit(marker.raw, right)))
    return end


def _straight_quotes(text: str, at: Location) -> list[Finding]:
    """Straight quotes beside Chinese text; fixable when they pair up (an even number)."""
    hits = list(_STRAIGHT_QUOTE.finditer(text))
    if not hits:
        return []
    pairable = text.count('"') % 2 == 0
    quotes = [m.start() for m in re.finditer('"', text)]
    out = []
    for match in hits:
        curly = "“" if quotes.index(match.start()) % 2 == 0 else "”"
        out.append(_hit("punct-half-width", at, match, "中文中用了半角引号“\"”",
                        f"改为“{curly}”" if pairable else "改为全角引号“”",
                        curly if pairable else None))
    return out


@dataclass(frozen=True)
class Unbalanced:
    """A bracket or quote with no partner in its paragraph."""

    position: int
    char: str
    opening: bool


def unbalanced(text: str) -> list[Unbalanced]:
    """Brackets and quotes left open or closed without opening, in order of position."""
    stack: list[Unbalanced] = []
    lone: list[Unbalanced] = []
    for i, ch in enumerate(text):
        if ch in PAIRS:
            stack.append(Unbalanced(i, ch, True))
        elif ch in _CLOSING:
            opener = _CLOSING[ch]
            match = next((k for k in range(len(stack) - 1, -1, -1)
                          if PAIRS[stack[k].char] == PAIRS[opener]), None)
            if match is None:
                lone.append(Unbalanced(i, ch, False))
            else:
                lone += stack[match + 1:]  # opened inside and never closed
                del stack[match:]
    return sorted(lone + stack, key=lambda u: u.position)


def balance_findings(texts: list[tuple[str, Location]]) -> list[Finding]:
    """Unbalanced brackets and quotes over consecutive paragraphs: one left open in a paragraph
    and closed in one of the next few is a pair split by wrapped lines, not a defect."""
    per = [unbalanced(text) for text, _ in texts]
    for i in range(len(per) - 1):
        for u in reversed([u for u in per[i] if u.opening]):
            for j in range(i + 1, min(i + 1 + _REACH, len(per))):
                closer = next((v for v in per[j]
                               if not v.opening and PAIRS[_CLOSING[v.char]] == PAIRS[u.char]), None)
                if closer is not None:
                    per[i].remove(u)
                    per[j].remove(closer)
                    break
    out = []
    for (text, at), lone in zip(texts, per):
        for u in lone:
            rule = "quote-unbalanced" if u.char in _QUOTES else "bracket-unbalanced"
            partner = PAIRS[u.char] if u.opening else _CLOSING[u.char]
            if u.opening:
                message = f"“{u.char}”没有对应的“{partner}”"
            else:
                message = f"“{u.char}”前面没有对应的“{partner}”"
            out.append(finding(rule, replace(at, span=(u.position, u.position + 1)), message,
                               f"补上“{partner}”或删去多余的“{u.char}”"))
    return out
