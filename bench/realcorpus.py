"""The real corpus cycled to N documents: the .txt files of a folder (../shared/corpus: real
official texts) written as they are, then again and again with per-copy changes, so that no
copy repeats another and every copy still reads like an official text:
- the order of the body's paragraphs shuffled (the title and first lines, and the last lines
  where the signature and date stand, kept in place);
- one place name that occurs in the text replaced everywhere by another;
- every full date (2019年3月24日, 2019-03-24) and year-month moved by the copy's own offset;
- a unique contact line added at the end.
Copy n depends only on (seed, n), never on the count asked for: the corpus of N documents is
the first N files of any larger one.
"""
from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

from corpus import _write, person_name

PLACES = ["北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省",
          "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省",
          "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省",
          "甘肃省", "青海省", "内蒙古自治区", "广西壮族自治区", "西藏自治区",
          "宁夏回族自治区", "新疆维吾尔自治区", "深圳市", "广州市", "南京市", "杭州市",
          "武汉市", "成都市", "西安市", "沈阳市", "青岛市", "厦门市", "南昌市", "长沙市"]
_PLACE = re.compile("|".join(map(re.escape, sorted(PLACES, key=len, reverse=True))))
_FULL_DATE = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日")
_ISO_DATE = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
_YEAR_MONTH = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(?!\d{1,2}日)")
HEAD_LINES, TAIL_LINES = 3, 2  # non-empty lines kept in place at the start and the end


def source_files(source: Path) -> list[Path]:
    files = sorted(source.rglob("*.txt"))
    if not files:
        raise SystemExit(f"{source} 下没有 .txt 文件")
    return files


def _move_date(m: re.Match, days: int, iso: bool) -> str:
    try:
        day = date(int(m[1]), int(m[2]), int(m[3])) + timedelta(days=days)
    except ValueError:  # 2月30日 in a text: left as it is
        return m[0]
    return day.isoformat() if iso else f"{day.year}年{day.month}月{day.day}日"


def _move_month(m: re.Match, months: int) -> str:
    total = int(m[1]) * 12 + int(m[2]) - 1 + months
    if not 1 <= int(m[2]) <= 12:
        return m[0]
    return f"{total // 12}年{total % 12 + 1}月"


def vary_real(text: str, n: int, seed: int = 7) -> str:
    """Copy n of a real text (n counts copies over the whole corpus)."""
    rng = random.Random(f"{seed}/{n}")
    paragraphs = [p for p in text.splitlines() if p.strip()]
    if len(paragraphs) > HEAD_LINES + TAIL_LINES + 1:
        head, body = paragraphs[:HEAD_LINES], paragraphs[HEAD_LINES:-TAIL_LINES]
        tail = paragraphs[-TAIL_LINES:]
        rng.shuffle(body)
        paragraphs = head + body + tail
    text = "\n\n".join(paragraphs)
    found = sorted(set(_PLACE.findall(text)))
    if found:
        old = rng.choice(found)
        new = rng.choice([p for p in PLACES if p != old])
        text = text.replace(old, new)
    days = rng.randint(-1500, 1500)
    text = _FULL_DATE.sub(lambda m: _move_date(m, days, iso=False), text)
    text = _ISO_DATE.sub(lambda m: _move_date(m, days, iso=True), text)
    text = _YEAR_MONTH.sub(lambda m: _move_month(m, round(days / 30)), text)
    return (text.rstrip() + f"\n\n（联系人：{person_name(rng)}，联系电话：0791-8{n:07d}，"
            f"文件流水号：GW{seed:02d}-{n:06d}）\n")


def write_real(source: Path, folder: Path, count: int, seed: int = 7) -> list[Path]:
    """The first `count` documents of the cycled corpus in `folder` (files already written by
    an earlier run with the same seed are kept)."""
    files = source_files(source)
    paths = []
    for n in range(count):
        target = folder / f"{n // 1000:03d}" / f"{n:06d}.txt"
        if not target.exists():
            text = files[n % len(files)].read_text(encoding="utf-8", errors="replace")
            if n >= len(files):
                text = vary_real(text, n, seed)
            _write(folder, n, text)
        paths.append(target)
    return paths
