"""Dates: what the YAML may say, and the one printed form 2020年2月19日."""
from __future__ import annotations

import datetime as dt
import re

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_CHINESE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def parse_date(value: object) -> dt.date:
    """Accept a date, "2020-02-19" or "2020年2月19日"; raise ValueError (Chinese) otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
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
