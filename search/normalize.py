"""One normal form for indexing and querying: NFKC (full/half width), simplified, lower case.

Offsets into the original text are kept so that hits can be highlighted where they occur.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # C++ OpenCC: phrase-aware traditional -> simplified

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


@dataclass(frozen=True)
class Normalized:
    text: str
    origin: tuple[int, ...]  # origin[i] = index in the original text of normalized char i

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (startchar, endchar) of normalized text[start:end]."""
        return self.origin[start], self.origin[end - 1] + 1


def _is_cjk_side(ch: str) -> bool:
    return not ch.isascii()


def normalize(text: str) -> Normalized:
    """Full-width -> half-width, traditional -> simplified, lower case; whitespace between
    two non-ASCII characters (line breaks, padding in 组　长) is dropped."""
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch)
        lowered = folded.lower()
        if len(lowered) == len(folded):
            folded = lowered
        for out in folded:
            chars.append(out)
            origin.append(index)
    chars, origin = _drop_inner_space(chars, origin)
    joined = "".join(chars)
    simplified = to_simplified(joined)
    if len(simplified) != len(joined):  # OpenCC changed a length: convert char by char
        simplified = "".join(c2 if len(c2 := to_simplified(c)) == 1 else c for c in joined)
    return Normalized(simplified, tuple(origin))


def _drop_inner_space(chars: list[str], origin: list[int]) -> tuple[list[str], list[int]]:
    keep_chars: list[str] = []
    keep_origin: list[int] = []
    n = len(chars)
    i = 0
    while i < n:
        if chars[i].isspace():
            j = i
            while j < n and chars[j].isspace():
                j += 1
            before = keep_chars[-1] if keep_chars else ""
            after = chars[j] if j < n else ""
            if not (before and after and _is_cjk_side(before) and _is_cjk_side(after)):
                keep_chars.append(" ")
                keep_origin.append(origin[i])
            i = j
            continue
        keep_chars.append(chars[i])
        keep_origin.append(origin[i])
        i += 1
    return keep_chars, keep_origin


def normalize_key(text: str) -> str:
    """Normal form of a filter value (unit, person, type): no offsets, no spaces."""
    return "".join(normalize(text).text.split())


_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "【": "〔", "】": "〕"})


def docno_key(text: str) -> str:
    """Normal form of a 发文字号: every bracket form as 〔〕, no 第 before the number
    (the usual typing slips)."""
    return normalize_key(text).translate(_BRACKETS).replace("〕第", "〕")
