"""Snippets: a hit's text cut to its best fragments, the query's pieces marked.

Marked are the pieces the analysis finds in the text (as the index holds them), not every
substring: 工作 is not marked in 施工作业 (施工 / 作业). Only a few windows around the first
occurrences are analysed, never the whole document.
"""
from __future__ import annotations

import re

from .analysis import terms
from .normalize import to_simplified

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # hit markers in snippets; the CLI renders them
BETWEEN = "…"
RADIUS = 80  # characters of context analysed on each side of a first occurrence
WINDOWS = 3  # first occurrences looked at
FRAGMENT = 120  # characters at most in one fragment
CONTEXT = 24  # characters kept before the first and after the last hit of a fragment
TOP = 2  # fragments shown
_SPACE = re.compile(r"\s+")  # line breaks and runs of spaces show as one space


def snippet(text: str, words: list[str]) -> str:
    """The best TOP fragments of `text` holding the query's pieces `words`, in text order,
    hits marked; "" when none of them is in the text."""
    source = _windows(text, words)
    wanted = frozenset(words)
    hits = [(start, end) for piece, _, start, end in terms(source) if piece in wanted]
    if not hits:
        return ""
    fragments = _fragments(hits, len(source))
    best = sorted(sorted(fragments, key=lambda f: (-len(f[2]), f[0]))[:TOP])
    return BETWEEN.join(_marked(source, lo, hi, found) for lo, hi, found in best)


def _windows(text: str, words: list[str]) -> str:
    """The parts of `text` around the first occurrences of the words, joined by line
    breaks (which end a fragment's sentence, not its hits)."""
    starts = sorted(p for p in _first_places(text, set(words)) if p >= 0)[:WINDOWS]
    spans: list[list[int]] = []
    for start in starts:
        lo, hi = max(0, start - RADIUS), start + RADIUS
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = hi
        else:
            spans.append([lo, hi])
    return "\n".join(text[lo:hi] for lo, hi in spans) if spans else text[:2 * RADIUS]


def _first_places(text: str, words: set[str]) -> list[int]:
    """Where each word first stands in `text`; the text is folded (traditional, upper case)
    only for the words not found as they are."""
    places = [text.find(w) for w in words]
    if min(places, default=0) >= 0:
        return places
    folded = to_simplified(text).lower()
    if len(folded) != len(text):  # offsets would not match the text
        return places
    return [p if p >= 0 else folded.find(w) for p, w in zip(places, words)]


def _fragments(hits: list[tuple[int, int]], size: int) -> list[tuple[int, int, list]]:
    """Hits grouped, in order, into fragments of at most FRAGMENT characters with CONTEXT
    around them: (start, end, hits)."""
    out = []
    group: list[tuple[int, int]] = []
    for hit in hits:
        if group and hit[1] + CONTEXT - max(0, group[0][0] - CONTEXT) > FRAGMENT:
            out.append(group)
            group = []
        group.append(hit)
    out.append(group)
    return [(max(0, g[0][0] - CONTEXT), min(size, g[-1][1] + CONTEXT), g) for g in out]


def _marked(source: str, lo: int, hi: int, hits: list[tuple[int, int]]) -> str:
    parts, at = [], lo
    for start, end in _joined(hits):
        parts += [source[at:start], MARK_OPEN, source[start:end], MARK_CLOSE]
        at = end
    parts.append(source[at:hi])
    return _SPACE.sub(" ", "".join(parts)).strip()


def _joined(hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent hits as one marked run (集市错峰, not 集市 then 错峰)."""
    out: list[tuple[int, int]] = []
    for start, end in hits:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out
