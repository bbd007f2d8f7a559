"""Chinese analysis for Whoosh: jieba words, split into fine pieces with honest positions.

The stock jieba.analyse.ChineseAnalyzer gives each token its character offset as `pos` and
emits overlapping sub-words, so phrase queries find nothing. Here every word from jieba's
accurate mode (no HMM, so the cut does not depend on distant context) is split into its
finest dictionary pieces of at most two characters; each piece gets the next ordinal position,
and punctuation leaves a gap. A phrase is then a run of consecutive pieces, exactly as in the
text, and a sub-word such as 防控 in 疫情防控 is a piece of its own.

Words come from rjieba (jieba-rs: the same algorithm and dictionary as jieba, compiled; about
15 times faster here and 0.07 s to load instead of 0.5 s). tests/test_analysis.py checks its
words against jieba's own on the test texts. Piece frequencies come from jieba's dict.txt,
cached on disk after the first read.

The tokenizer is pickled into the index schema: keep this module path and class stable.
`analysis_version()` is recorded with the index; change ANALYSIS_REVISION whenever the
tokens produced here change, and the index is rebuilt on the next write.
"""
from __future__ import annotations

import hashlib
import marshal
import math
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import Token, Tokenizer

from .normalize import normalize, normalize_text

ANALYSIS_REVISION = 2
DOMAIN_DICT = Path(__file__).with_name("gongwen_dict.txt")
MAX_PIECE = 2
_lock = threading.Lock()


@lru_cache(maxsize=1)
def analysis_version() -> str:
    from importlib.metadata import version

    return f"gongwen-{ANALYSIS_REVISION}/rjieba-{version('rjieba')}"


def domain_words() -> list[tuple[str, int, str]]:
    """(word, frequency, tag) from the domain dictionary (jieba's user-dictionary format)."""
    out = []
    for line in DOMAIN_DICT.read_text(encoding="utf-8").splitlines():
        word, freq, tag = (line.split() + ["", ""])[:3]
        if word:
            out.append((word, int(freq), tag))
    return out


@dataclass(frozen=True)
class Dictionary:
    cutter: object  # rjieba.Jieba with the domain words added
    short_freq: dict[str, int]  # frequency of every word of <= MAX_PIECE characters
    log_total: float


_dictionary: Dictionary | None = None


def dictionary() -> Dictionary:
    """The word cutter and piece frequencies, loaded once per process."""
    global _dictionary
    with _lock:
        if _dictionary is None:
            import rjieba

            cutter = rjieba.Jieba()
            extra = domain_words()
            for word, freq, tag in extra:
                cutter.add_word(word, freq, tag or None)
            short, total = _short_frequencies()
            short.update((w, f) for w, f, _ in extra if len(w) <= MAX_PIECE)
            total += sum(f for _, f, _ in extra)  # as jieba's add_word counts them
            _dictionary = Dictionary(cutter, short, math.log(total))
        return _dictionary


def _jieba_dict() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("jieba")  # the file only; importing jieba costs 0.1 s
    return Path(spec.origin).with_name("dict.txt")


def _cache_file(source: Path) -> Path:
    stat = source.stat()
    key = hashlib.sha1(f"{source}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "gongwen" / f"jieba-short-{key}.marshal"


def _short_frequencies() -> tuple[dict[str, int], int]:
    """Frequencies of jieba's short words and its total, from a cache when there is one."""
    source = _jieba_dict()
    cache = _cache_file(source)
    try:
        short, total = marshal.loads(cache.read_bytes())
        return short, total
    except (OSError, ValueError, EOFError, TypeError):
        pass
    short, total = {}, 0
    with open(source, encoding="utf-8") as f:
        for line in f:
            word, freq, _ = line.split(" ", 2)
            total += int(freq)
            if len(word) <= MAX_PIECE:
                short[word] = int(freq)
    try:  # atomically: a reader never sees half a file
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((short, total)))
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only home: parse again next time
    return short, total


def words(text: str) -> list[str]:
    """jieba's accurate-mode words (no HMM) of `text` as it is."""
    return dictionary().cutter.cut(text, False)


def _is_han(word: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in word)


def _is_term(word: str) -> bool:
    """Words worth indexing: letters, digits or Han characters (not punctuation)."""
    return word.isalnum() or any(ch.isalnum() for ch in word)


@lru_cache(maxsize=200_000)
def pieces(word: str) -> tuple[str, ...]:
    """The most probable split of a Han word into dictionary pieces of <= 2 characters."""
    if len(word) <= MAX_PIECE or not _is_han(word):
        return (word,)
    d = dictionary()
    freq, log_total = d.short_freq, d.log_total
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


@lru_cache(maxsize=200_000)
def _split(word: str) -> tuple[str, ...] | None:
    """A word's pieces; () for white space, None for punctuation (which breaks a phrase)."""
    if not _is_term(word):
        return () if word.isspace() else None
    return pieces(word)


def _walk(normalized: str):
    """(piece, position, start, end) over normalized text: positions count pieces, and
    punctuation leaves a gap (see _split); start and end index `normalized`."""
    position = 0
    offset = 0
    for word in words(normalized):
        start = offset
        offset += len(word)
        split = _split(word)
        if split is None:
            position += 1
            continue
        for piece in split:
            yield piece, position, start, start + len(piece)
            position += 1
            start += len(piece)


@lru_cache(maxsize=16)  # the same text is asked for again by a measure's matching
def placed(text: str) -> list[tuple[str, int]]:
    """(piece, position) for `text`: what the index needs (as _walk places them)."""
    out: list[tuple[str, int]] = []
    add = out.append
    position = 0
    for word in words(normalize_text(text)):
        split = _split(word)
        if split is None:
            position += 1
            continue
        for piece in split:
            add((piece, position))
            position += 1
    return out


def terms(text: str) -> list[tuple[str, int, int, int]]:
    """(piece, position, startchar, endchar) for `text`; chars index the original text
    (for highlighting)."""
    norm = normalize(text)
    return [(piece, position, *norm.span(start, end))
            for piece, position, start, end in _walk(norm.text)]


class _Stateless(Tokenizer):
    """A tokenizer without settings: equal to any other of its class (Whoosh compares the
    schemas of segments it merges)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))


class JiebaTokenizer(_Stateless):
    """Whoosh tokenizer over `placed` (or `terms` when asked for characters); honours the
    positions/chars call contract."""

    def placed(self, value: str) -> list[tuple[str, int]]:
        return placed(value)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = normalize_text(value)
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        if chars:
            found = terms(value)
        else:
            found = [(piece, position, 0, 0) for piece, position in placed(value)]
        for text, pos, startchar, endchar in found:
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

