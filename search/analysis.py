"""Chinese analysis for Whoosh: jieba words, split into fine pieces with honest positions.

The stock jieba.analyse.ChineseAnalyzer gives each token its character offset as `pos` and
emits overlapping sub-words, so phrase queries find nothing. Here every word from jieba's
accurate mode (no HMM, so the cut does not depend on distant context) is split into its
finest dictionary pieces of at most two characters; each piece gets the next ordinal position,
and punctuation leaves a gap. A phrase is then a run of consecutive pieces, exactly as in the
text, and a sub-word such as 防控 in 疫情防控 is a piece of its own.

The tokenizer is pickled into the index schema: keep this module path and class stable, and
bump ANALYSIS_VERSION whenever the tokens it produces change.
"""
from __future__ import annotations

import math
import threading
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import Token, Tokenizer

from .normalize import normalize

ANALYSIS_VERSION = "gongwen-jieba-1"
DOMAIN_DICT = Path(__file__).with_name("gongwen_dict.txt")
MAX_PIECE = 2
_lock = threading.Lock()
_jieba = None


def jieba_tokenizer():
    """The shared jieba tokenizer with the domain dictionary, loaded once per process."""
    global _jieba
    with _lock:
        if _jieba is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            tokenizer.load_userdict(str(DOMAIN_DICT))
            _jieba = tokenizer
        return _jieba


def _is_han(word: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in word)


def _is_term(word: str) -> bool:
    """Words worth indexing: letters, digits or Han characters (not punctuation)."""
    return any(ch.isalnum() for ch in word)


@lru_cache(maxsize=200_000)
def pieces(word: str) -> tuple[str, ...]:
    """The most probable split of a Han word into dictionary pieces of <= 2 characters."""
    if len(word) <= MAX_PIECE or not _is_han(word):
        return (word,)
    tokenizer = jieba_tokenizer()
    freq, log_total = tokenizer.FREQ, math.log(tokenizer.total)
    n = len(word)
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, min(i + MAX_PIECE, n) + 1):
            f = freq.get(word[i:j]) or 0
            if f or j == i + 1:
                options.append((math.log(f or 1) - log_total + best[j][0], j))
        best[i] = max(options)
    out, i = [], 0
    while i < n:
        j = best[i][1]
        out.append(word[i:j])
        i = j
    return tuple(out)


def terms(text: str) -> list[tuple[str, int, int, int]]:
    """(term, position, startchar, endchar) for `text`; chars index the original text."""
    norm = normalize(text)
    out = []
    position = 0
    offset = 0
    for word in jieba_tokenizer().cut(norm.text, HMM=False):
        start = offset
        offset += len(word)
        if not _is_term(word):
            if not word.isspace():
                position += 1  # punctuation breaks a phrase
            continue
        for piece in pieces(word):
            end = start + len(piece)
            startchar, endchar = norm.span(start, end)
            out.append((piece, position, startchar, endchar))
            position += 1
            start = end
    return out


class JiebaTokenizer(Tokenizer):
    """Whoosh tokenizer over `terms`; honours the positions/chars call contract."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = normalize(value).text
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        for text, pos, startchar, endchar in terms(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + startchar
                token.endchar = start_char + endchar
            yield token


def analyzer() -> JiebaTokenizer:
    return JiebaTokenizer()
