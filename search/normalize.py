"""One normal form for indexing and querying: NFKC (full/half width), simplified, lower case.

Offsets into the original text are kept so that hits can be highlighted where they occur.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence


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


def _fold(ch: str) -> str:
    """NFKC (full width -> half width), then lower case unless that changes the length."""
    folded = unicodedata.normalize("NFKC", ch)
    lowered = folded.lower()
    return lowered if len(lowered) == len(folded) else folded


_FOLDS: dict[int, str] = {}  # every character seen so far -> its fold
_SEVERAL: set[str] = set()  # those folding to other than one character (㈠ -> (一))
_SPACES = re.compile(r"\s+")


def _learn(chars: set[str]) -> None:
    for ch in chars:
        if ord(ch) not in _FOLDS:
            folded = _fold(ch)
            _FOLDS[ord(ch)] = folded
            if len(folded) != 1:
                _SEVERAL.add(ch)


def normalize_text(text: str) -> str:
    """Full-width -> half-width, traditional -> simplified, lower case; whitespace between
    two non-ASCII characters (line breaks, padding in 组　长) is dropped, other runs of
    whitespace become one space."""
    _learn(set(text))
    folded = text.translate(_FOLDS)
    return _simplified(_SPACES.sub(lambda run: " " if _keeps_space(run) else "", folded))


def normalize(text: str) -> Normalized:
    """`normalize_text`, with where each character came from (for highlighting)."""
    chars = set(text)
    _learn(chars)
    if chars & _SEVERAL:  # a character folding to several: origins a character at a time
        folded = "".join(_FOLDS[ord(ch)] for ch in text)
        origin: Sequence[int] = [i for i, ch in enumerate(text) for _ in _FOLDS[ord(ch)]]
    else:
        folded = text.translate(_FOLDS)
        origin = range(len(folded))
    parts: list[str] = []
    kept: list[int] = []
    done = 0
    for run in _SPACES.finditer(folded):
        start, end = run.span()
        parts.append(folded[done:start])
        kept.extend(origin[done:start])
        if _keeps_space(run):
            parts.append(" ")
            kept.append(origin[start])
        done = end
    parts.append(folded[done:])
    kept.extend(origin[done:])
    return Normalized(_simplified("".join(parts)), tuple(kept))


def _keeps_space(run: re.Match) -> bool:
    """A run of whitespace stays (as one space) unless it has non-ASCII on both sides."""
    text, (start, end) = run.string, run.span()
    return not (0 < start and end < len(text)
                and not text[start - 1].isascii() and not text[end].isascii())


def _simplified(joined: str) -> str:
    simplified = to_simplified(joined)
    if len(simplified) != len(joined):  # OpenCC changed a length: convert char by char
        simplified = "".join(c2 if len(c2 := to_simplified(c)) == 1 else c for c in joined)
    return simplified


def normalize_key(text: str) -> str:
    """Normal form of a filter value (unit, person, type): no offsets, no spaces."""
    return "".join(normalize(text).text.split())


_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "【": "〔", "】": "〕"})


def docno_key(text: str) -> str:
    """Normal form of a 发文字号: every bracket form as 〔〕, no 第 before the number
    (the usual typing slips)."""
    return normalize_key(text).translate(_BRACKETS).replace("〕第", "〕")
