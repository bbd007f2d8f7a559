"""Section numbering 一、 -> （一） -> 1. -> （1）: the only place numbers are made (and read)."""
from __future__ import annotations

from .limits import MAX_NUMBERED_ITEMS

MAX_LEVEL = 4
_DIGITS = "零一二三四五六七八九"
_PLACES = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 101 -> 一百零一, 112 -> 一百一十二, 1001 -> 一千零一,
    10010 -> 一万零一十, 110000 -> 十一万; up to MAX_NUMBERED_ITEMS (no document comes close:
    the node limit of generator.limits keeps every list far shorter)."""
    if not 1 <= n <= MAX_NUMBERED_ITEMS:
        raise ValueError(f"numeral out of range: {n}")
    high, low = divmod(n, 10_000)
    if high == 0:
        return _below_ten_thousand(low, leading=True)
    out = _below_ten_thousand(high, leading=True) + "万"
    if low == 0:
        return out
    return out + ("零" if low < 1000 else "") + _below_ten_thousand(low, leading=False)


def _below_ten_thousand(n: int, leading: bool) -> str:
    """1..9999 in 千百十 places; one 零 for each run of missing places between digits; a
    leading 一十 is written 十 only at the very start of the numeral (十二, but 一百一十二)."""
    out, started, gap = "", False, False
    for value, unit in _PLACES:
        digit = n // value % 10
        if digit == 0:
            gap = gap or started
            continue
        if gap:
            out += "零"
            gap = False
        if unit == "十" and digit == 1 and leading and not started:
            out += "十"
        else:
            out += _DIGITS[digit] + unit
        started = True
    return out


def parse_numeral(text: str) -> int | None:
    """The reverse, as documents write it: 一 -> 1, 十二 -> 12, 一百零二 -> 102, "12" -> 12,
    两 -> 2, 一千零一 -> 1001, 一万零一十 -> 10010; None when the text is not one numeral."""
    if text.isdigit():
        return int(text)
    if "万" in text:
        head, _, tail = text.partition("万")
        high = _parse_below_ten_thousand(head) if head else None
        low = _parse_below_ten_thousand(tail.removeprefix("零")) if tail else 0
        return None if high is None or low is None else high * 10_000 + low
    return _parse_below_ten_thousand(text)


def _parse_below_ten_thousand(text: str) -> int | None:
    digits = {c: i for i, c in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
    total, rest = 0, text
    for value, unit in _PLACES[:-1]:
        if unit not in rest:
            continue
        head, _, rest = rest.partition(unit)
        head = head.lstrip("零")
        if not head and unit in "十百" and total == 0:
            digit = 1  # 十二, 百 (a hundred)
        else:
            digit = digits.get(head, -1) if head else -1
        if digit <= 0:
            return None
        total += digit * value
    rest = rest.lstrip("零") if total else rest
    if rest:
        if len(rest) != 1 or rest not in digits:
            return None
        total += digits[rest]
    elif total == 0:
        return None
    return total


def marker(level: int, index: int) -> str:
    """The number that starts item `index` (1-based) at heading `level` (1-4)."""
    level = min(level, MAX_LEVEL)
    if level == 1:
        return f"{chinese_numeral(index)}、"
    if level == 2:
        return f"（{chinese_numeral(index)}）"
    if level == 3:
        return f"{index}."
    return f"（{index}）"


def ordinal_phrase(index: int) -> str:
    """一是 / 二是 … for enumerations inside one paragraph."""
    return f"{chinese_numeral(index)}是"


def attachment_label(index: int, total: int) -> str:
    """附件 page label: "附件" alone, or "附件1", "附件2" …"""
    return "附件" if total == 1 else f"附件{index}"
