"""Section numbering 一、 -> （一） -> 1. -> （1）: the only place numbers are made (and read)."""
from __future__ import annotations

MAX_LEVEL = 4
_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 99 -> 九十九, 101 -> 一百零一, 112 -> 一百一十二."""
    if not 1 <= n <= 999:
        raise ValueError(f"numeral out of range: {n}")
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _below_hundred(rest)
    head = _DIGITS[hundreds] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _DIGITS[rest]
    return head + ("一" if rest < 20 else "") + _below_hundred(rest)


def _below_hundred(n: int) -> str:
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def parse_numeral(text: str) -> int | None:
    """The reverse, as documents write it: 一 -> 1, 十二 -> 12, 一百零二 -> 102, "12" -> 12,
    两 -> 2; None when the text is not one numeral."""
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
    if "百" in text:
        head, _, tail = text.partition("百")
        hundreds = digits.get(head, 1 if not head else -1000)
        rest = parse_numeral(tail.lstrip("零")) if tail else 0
        return None if hundreds < 0 or rest is None else hundreds * 100 + rest
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = digits.get(head, -1) if head else 1
        ones = digits.get(tail, -1) if tail else 0
        return None if tens < 0 or ones < 0 else tens * 10 + ones
    if len(text) == 1 and text in digits:
        return digits[text]
    return None


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
