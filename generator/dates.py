"""Dates: what the YAML may say, and the one printed form 2020年2月19日."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import NamedTuple

from .numbering import parse_numeral

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_CHINESE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def parse_date(value: object) -> dt.date:
    """Accept a date, "2020-02-19" or "2020年2月19日"; raise ValueError (Chinese) otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or not str(value).strip():
        raise ValueError("未填写，应写作 2020-02-19 或 2020年2月19日")
    text = str(value).strip()
    match = _ISO.match(text) or _CHINESE.match(text)
    if not match:
        raise ValueError("日期应写作 2020-02-19 或 2020年2月19日")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"“{text}”不是有效日期") from None


def format_date(day: dt.date) -> str:
    """GB/T 9704 7.3.5: Arabic numerals, full year, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


# -- dates as documents write them (import, received files)

_CN_DIGIT = {c: i % 10 for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0, "Ｏ": 0}
_YEAR = r"[0-9〇○Ｏ零一二三四五六七八九]{4}"
_NUMBER = r"[0-9一二三四五六七八九十]{1,3}"  # a month or a day
_WRITTEN = re.compile(
    rf"^\s*(?P<y>{_YEAR}|\d{{2}})\s*(?P<s1>年|[-./])\s*(?P<m>{_NUMBER})"
    rf"\s*(?:月|(?P=s1))\s*(?P<d>{_NUMBER})\s*日?\s*$")
_STATED = re.compile(rf"{_YEAR}\s*年\s*{_NUMBER}\s*月\s*{_NUMBER}\s*日")  # within a sentence


class WrittenDate(NamedTuple):
    day: dt.date
    flaws: tuple[str, ...]  # how the form differs from 2020年2月19日 (GB/T 9704 7.3.5)


def _written_number(text: str) -> int:
    """"2020", "二〇二〇" (digit by digit), "十二", "二十九" -> int; -1 if it is none of these."""
    if all(c in _CN_DIGIT for c in text):  # 二〇二〇, 九
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    number = parse_numeral(text)
    return -1 if number is None else number


def read_written_date(text: str) -> WrittenDate | None:
    """A line that is only a date, in any form documents use; None if it is not one."""
    match = _WRITTEN.match(text)
    if not match:
        return None
    y, m, d = (_written_number(match.group(k)) for k in ("y", "m", "d"))
    flaws = []
    if len(match.group("y")) == 2:
        y += 2000
        flaws.append("年份应写全四位")
    if not all(match.group(k).isdigit() for k in ("y", "m", "d")):
        flaws.append("成文日期应使用阿拉伯数字")
    if match.group("s1") != "年":
        flaws.append("日期应写作“2020年2月19日”的形式")
    if re.search(r"(?<!\d)0\d", match.group("m") + "月" + match.group("d")):
        flaws.append("月、日不编虚位（不写作 02、09）")
    try:
        day = dt.date(y, m, d)
    except ValueError:
        return None
    return WrittenDate(day, tuple(flaws))


def deadline_text(text: str) -> str:
    """A 完成时限 as printed: a whole date with a four-digit year (2024/6/30, 2024-6-30,
    2024.6.30, 2024年6月30日) in the one form 2024年6月30日; any other text ("长期坚持",
    "6月底前") as written. ValueError (Chinese) for a date that does not exist."""
    match = _WRITTEN.match(text)
    if match is None or len(match.group("y")) != 4:
        return text
    written = read_written_date(text)
    if written is None:
        y, m, d = (_written_number(match.group(k)) for k in ("y", "m", "d"))
        if not 1 <= m <= 12:
            why = "月份应为1至12"
        else:
            days = calendar.monthrange(y, m)[1]
            why = f"{y}年{m}月只有{days}天" if d > days else f"日应为1至{days}"
        raise ValueError(f"“{text.strip()}”不是有效日期（{why}）；"
                         "完成时限写日期时应写作 2024年6月30日，也可写文字，如 6月底前")
    return format_date(written.day)


def dates_stated(text: str) -> list[dt.date]:
    """Every whole date a sentence states ("截至2022年11月30日，…"), in order."""
    return [written.day for match in _STATED.finditer(text)
            if (written := read_written_date(match.group())) is not None]
