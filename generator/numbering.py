"""Section numbering 一、 -> （一） -> 1. -> （1）: the only place numbers are made."""
from __future__ import annotations

MAX_LEVEL = 4
_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九."""
    if not 1 <= n <= 99:
        raise ValueError(f"numeral out of range: {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


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
