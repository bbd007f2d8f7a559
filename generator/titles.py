"""Title lines (标题, GB/T 9704 7.3.1): the one place their rules live.

A title is set in 二号 (22 pt) 小标宋, centred in the 156 mm block: 20 full-width characters
a line (ASCII half as wide, as layout.text_width_chars measures and FandolSong sets them).
Writers may break a title themselves, one YAML line per title line; their lines are kept,
and only a line too long for the block is broken further. A title left to us is broken:

- between words (jieba, through search.analysis), never inside 2024年, never before closing
  punctuation or after opening punctuation, inside 《》 and quotes only when nothing else fits;
- into as few lines as fit, as even as the words allow; where they differ, the shorter line
  on top (正梯形) is preferred, a longer top line (倒梯形) or a longest middle line (菱形) is
  accepted, a middle line shorter than both neighbours (沙漏形) never;
- with no line of one or two characters.

`written_line_issues` says where a writer's own breaks go wrong (overflow, one or two
characters alone, a word cut in two); validate and check both report them.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .layout import TEXT_WIDTH_MM, TITLE_SIZE_PT, mm_to_pt, text_width_chars

# 442.2 pt / 22 pt: 20 full-width title characters a line.
TITLE_CHARS_PER_LINE = int(mm_to_pt(TEXT_WIDTH_MM) / TITLE_SIZE_PT)
MAX_BALANCED_LINES = 8  # longer titles are filled line by line, not laid out as a whole
MIN_LINE_CHARS = 3  # fewer characters (punctuation not counted) make an orphan line

OPENING = "（《“‘〔【「『〈([{"
CLOSING = "）》”’〕】」』〉)]}，。、；：？！,.;:?!…—·"
_PUNCT = set(OPENING + CLOSING)
_PAIRS = {"《": "》", "（": "）", "“": "”", "‘": "’", "〈": "〉", "(": ")"}
_BINDS_FORWARD = set("的和与及并暨对为在")  # a line should not end with these
_BINDS_BACK_AFTER_NUMBER = set("年月日号期届次批")  # 2024年, 3号 stay whole

# Costs of a layout (lower is better). Balance: 0.25 x (width - mean width)² in characters.
_BALANCE = 0.25
_DOWN = 1.5  # a line shorter than the one above (倒梯形, or the lower half of a 菱形)
_AT_PHRASE = 0.0  # after 》, after 2024年, around 关于 and its verb, after 县 / 政府 / 小学 …
_AT_WORD = 6.0  # between two words of one phrase (防汛|抗旱)
_AT_BOUND = 8.0  # after 的, 和 …, or before a one-character word (青山|县)
_IN_PAIR = 3.0  # for each 《》, （）or quote the break falls inside
_IN_WORD = 40.0  # a word cut in two: only when a word is wider than the block
_ORGAN_END = ("省", "市", "县", "区", "州", "旗", "镇", "乡", "街道", "社区", "局", "委", "办",
              "厅", "室", "处", "科", "部", "校", "学", "院", "所", "站", "队", "中心", "政府",
              "公司", "集团", "委员会")  # not 村: 农村, 乡村 are no unit names
_ADVERBS = {"进一步", "切实", "全面", "认真", "扎实", "深入", "加快", "积极"}
_YEAR = re.compile(r"\d+年度?$|年度$")


def width(text: str) -> float:
    """A line's width in title characters."""
    return text_width_chars(text)


def fits(line: str) -> bool:
    return width(line) <= TITLE_CHARS_PER_LINE


def is_orphan(line: str) -> bool:
    """One or two characters alone on a line (punctuation not counted)."""
    return sum(1 for ch in line if ch not in _PUNCT and not ch.isspace()) < MIN_LINE_CHARS


def written_lines(title: str) -> list[str]:
    """The writer's lines: one per non-empty YAML line, stripped."""
    return [line.strip() for line in title.splitlines() if line.strip()]


def title_lines(title: str) -> list[str]:
    """The lines a title is set in: the writer's lines, each broken by words if too long."""
    out: list[str] = []
    for line in written_lines(title):
        out += [line] if fits(line) else break_title(line)
    return out


# ---- breaking ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Unit:
    text: str
    cost_after: float  # cost of a line break after this unit (the last one's is unused)


def _words(text: str) -> list[str]:
    from search.analysis import words  # jieba (rjieba) loaded on first use, once a process

    return words(text)


def _units(text: str) -> list[_Unit]:
    """The pieces a title may break between, each with the cost of a break after it."""
    pieces: list[str] = []
    for word in _words(text):
        if not word.strip():
            if pieces:
                pieces[-1] += word  # a space ends the piece before it; a break there drops it
            continue
        if pieces and (word[0] in CLOSING or pieces[-1][-1] in OPENING
                       or _single_han(word) and _single_han(pieces[-1])  # 新|冠
                       or (word in _BINDS_BACK_AFTER_NUMBER | {"年度"} and pieces[-1][-1].isdigit())
                       or (pieces[-1] == "第" and word[0].isdigit())):
            pieces[-1] += word
        else:
            pieces.append(word)
    units: list[_Unit] = []
    depth: list[str] = []  # pairs still open after each piece
    for index, piece in enumerate(pieces):
        for ch in piece:
            if ch in _PAIRS:
                depth.append(_PAIRS[ch])
            elif depth and ch == depth[-1]:
                depth.pop()
        cost = _break_cost(pieces, index) + _IN_PAIR * len(depth)
        if width(piece) > TITLE_CHARS_PER_LINE:  # wider than a line: its characters
            units += [_Unit(ch, _IN_WORD) for ch in piece[:-1]]
            units.append(_Unit(piece[-1], cost))
        else:
            units.append(_Unit(piece, cost))
    return units


def _single_han(piece: str) -> bool:
    return len(piece) == 1 and "\u4e00" <= piece <= "\u9fff" and piece not in _BINDS_FORWARD


def _break_cost(pieces: list[str], index: int) -> float:
    """How badly a line break after pieces[index] reads."""
    piece = pieces[index].strip()
    following = pieces[index + 1].strip() if index + 1 < len(pieces) else ""
    before = [p.strip() for p in pieces[max(0, index - 2):index]]
    if len(piece) == 1 and piece in _BINDS_FORWARD or piece in ("关于",) + tuple(_ADVERBS):
        return _AT_BOUND
    if len(following) == 1 and following not in _BINDS_FORWARD:
        return _AT_BOUND
    if (piece[-1] in "》）)”" or following[:1] in OPENING or following == "关于"
            or _YEAR.search(piece) or piece.endswith(_ORGAN_END) and not following.endswith(_ORGAN_END)
            or before[-1:] == ["关于"] or (before[-2:-1] == ["关于"] and before[-1] in _ADVERBS)):
        return _AT_PHRASE
    return _AT_WORD


@lru_cache(maxsize=512)
def _broken(title: str) -> tuple[str, ...]:
    units = _units(title)
    total = width(title)
    fewest = max(1, math.ceil(total / TITLE_CHARS_PER_LINE))
    if fewest > MAX_BALANCED_LINES:  # no real title: fill lines in bounded time
        return tuple(line.strip() for line in _filled(units))
    for count in range(fewest, fewest + 4):
        found = _best_layout(units, count, total / count)
        if found is not None:
            return tuple(line.strip() for line in found)
    return tuple(_greedy(title))


def break_title(title: str) -> list[str]:
    """A one-line title broken into lines that fit the block (see the module's rules)."""
    title = title.strip()
    if fits(title):
        return [title]
    return list(_broken(title))


def _best_layout(units: list[_Unit], count: int, mean: float) -> list[str] | None:
    """The cheapest `count` lines, by dynamic programming over (units used, lines made,
    last width, whether lines have started to shorten)."""
    n = len(units)
    texts = [u.text for u in units]
    # best[(i, j, last, falling)] = (cost, previous state, line text)
    best: dict[tuple, tuple[float, tuple | None, str]] = {(0, 0, -1.0, False): (0.0, None, "")}
    frontier = [(0, 0, -1.0, False)]
    for _ in range(count):
        following: list[tuple] = []
        for state in frontier:
            start, made, last, falling = state
            cost = best[state][0]
            for end in range(start + 1, n + 1):
                line = "".join(texts[start:end])
                w = width(line.strip())
                if w > TITLE_CHARS_PER_LINE:
                    break
                if end < n and made + 1 == count:
                    continue  # the last line must take the rest
                if end == n and made + 1 < count:
                    break
                if count > 1 and is_orphan(line):
                    continue
                step = _BALANCE * (w - mean) ** 2
                if end < n:
                    step += units[end - 1].cost_after
                now_falling = falling
                if last >= 0 and w < last:
                    step += _DOWN
                    now_falling = True
                elif last >= 0 and w > last and falling:
                    continue  # 沙漏形: a line longer than the one above after a shorter one
                key = (end, made + 1, w, now_falling)
                if key not in best or cost + step < best[key][0]:
                    if key not in best:
                        following.append(key)
                    best[key] = (cost + step, state, line)
        frontier = following
    finals = [s for s in frontier if s[0] == n and s[1] == count]
    if not finals:
        return None
    state = min(finals, key=lambda s: best[s][0])
    lines: list[str] = []
    while best[state][1] is not None:
        lines.append(best[state][2])
        state = best[state][1]
    return lines[::-1]


def _filled(units: list[_Unit]) -> list[str]:
    """Units as they fit, the last line given a word of the one above if it is an orphan."""
    lines: list[list[str]] = [[]]
    for unit in units:
        if lines[-1] and width("".join(lines[-1]) + unit.text) > TITLE_CHARS_PER_LINE:
            lines.append([])
        lines[-1].append(unit.text)
    while len(lines) > 1 and is_orphan("".join(lines[-1])) and len(lines[-2]) > 1:
        lines[-1].insert(0, lines[-2].pop())
    return ["".join(line) for line in lines]


def _greedy(title: str) -> list[str]:
    """Characters as they fit, no closing punctuation first: a last resort never expected."""
    lines = [""]
    for ch in title:
        if lines[-1] and width(lines[-1] + ch) > TITLE_CHARS_PER_LINE and ch not in CLOSING:
            lines.append("")
        lines[-1] += ch
    return lines


# ---- a writer's breaks --------------------------------------------------------------

@dataclass(frozen=True)
class LineIssue:
    """Something wrong with one line of a title as broken."""

    index: int  # 0-based line
    kind: str  # overflow, orphan, split-word
    message: str  # Chinese
    fix: str  # Chinese


def line_issues(lines: list[str]) -> list[LineIssue]:
    """Lines wider than the block, lines of one or two characters, words cut by a break."""
    out: list[LineIssue] = []
    for index, line in enumerate(lines):
        n = index + 1
        if not fits(line):
            out.append(LineIssue(
                index, "overflow",
                f"标题第{n}行“{line}”宽{width(line):g}字，超出版心一行可排的"
                f"{TITLE_CHARS_PER_LINE}字（二号字），会再转行",
                "在词语之间另起一行，或把标题写在一行，由 gongwen 按词回行"))
        if len(lines) > 1 and is_orphan(line):
            out.append(LineIssue(
                index, "orphan", f"标题第{n}行只有“{line}”，一两个字单独成行",
                "与相邻一行调整断行，使各行长短适宜（梯形或菱形）"))
    out += _split_words(lines)
    return sorted(out, key=lambda i: i.index)


def _split_words(lines: list[str]) -> list[LineIssue]:
    """Breaks that fall inside a word of two or more Han characters."""
    if len(lines) < 2:
        return []
    joined = "".join(lines)
    breaks, offset = [], 0
    for line in lines[:-1]:
        offset += len(line)
        breaks.append(offset)
    out, start = [], 0
    spans = []
    for word in _words(joined):
        spans.append((start, start + len(word), word))
        start += len(word)
    for index, at in enumerate(breaks):
        for begin, end, word in spans:
            if begin < at < end and len(word) >= 2 and not set(word) & _PUNCT:
                out.append(LineIssue(
                    index, "split-word",
                    f"标题第{index + 1}、{index + 2}行之间拆开了词语“{word}”",
                    "在词语之间回行，使词意完整"))
    return out


def written_line_issues(title: str) -> list[LineIssue]:
    """What is wrong with a writer's own breaks; a one-line title is ours to break."""
    lines = written_lines(title)
    return line_issues(lines) if len(lines) > 1 else []
