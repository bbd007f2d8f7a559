"""Which typeface role a font name plays: the standard's names (仿宋_GB2312, 方正小标宋简体),
Windows and Mac names (FangSong, STKaiti), and the free faces behind them (FandolFang)."""
from __future__ import annotations

import re

from .. import layout as L

# Most specific first: 小标宋 before 宋, 仿宋 before 宋.
_PATTERNS = [
    (L.XIAOBIAOSONG, re.compile(r"小标宋|xiaobiaosong|xbs|fzxbs", re.I)),
    (L.FANGSONG, re.compile(r"仿宋|fang", re.I)),
    (L.KAITI, re.compile(r"楷|kai", re.I)),
    (L.HEITI, re.compile(r"黑|hei|sans|gothic", re.I)),
    (L.SONGTI, re.compile(r"宋|song|serif|ming|simsun", re.I)),
]
NAMES = {L.FANGSONG: "仿宋", L.KAITI: "楷体", L.HEITI: "黑体", L.SONGTI: "宋体",
         L.XIAOBIAOSONG: "小标宋"}


def face_of(name: str | None, bold: bool = False) -> L.Face | None:
    """The role of a font name; a bold 宋 face stands in for 小标宋 (as gongwen's PDF does)."""
    if not name:
        return None
    name = _decoded(name.split("+")[-1])  # PDF subset prefix ABCDEF+
    face = next((face for face, pattern in _PATTERNS if pattern.search(name)), None)
    if face is L.SONGTI and (bold or re.search(r"bold|black|heavy", name, re.I)):
        return L.XIAOBIAOSONG
    return face


def face_name(face: L.Face | None, raw: str = "") -> str:
    return NAMES.get(face, raw.split("+")[-1] or "未指定")


def _decoded(name: str) -> str:
    """PDF font names written in GBK bytes (仿宋_GB2312 from Word) as their characters."""
    if name.isascii():
        return name
    try:
        return name.encode("latin-1").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name
