"""The web page around a document: furniture lines (navigation, counters, share bars, print
buttons, pinyin annotations) removed and listed with their reason, and the site's info table
(索引号, 发布机构, 生成日期, 文号, 发布时间) kept aside as fallbacks for the document's fields."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .paragraphs import Paragraph


@dataclass(frozen=True)
class Removed:
    """A line (or part of one) the reader took out, and why; the report lists them."""

    text: str
    reason: str
    at: Paragraph | None = None


@dataclass(frozen=True)
class Fallback:
    """A field taken from the web page's info table because the text itself has none."""

    field: str  # YAML key
    value: str
    label: str  # the info table's own label, e.g. 发布机构


# Info-table labels -> the field they stand in for ("" : kept, used for nothing).
META_LABELS = {
    "索引号": "", "主题分类": "", "主题词": "", "公开方式": "", "公开范围": "", "有效性": "",
    "文件编号": "发文字号", "文号": "发文字号", "发文字号": "发文字号",
    "发文机关": "发文机关", "发布机构": "发文机关", "发文单位": "发文机关", "发布单位": "发文机关",
    "成文日期": "成文日期", "生成日期": "成文日期", "发布日期": "成文日期", "发布时间": "成文日期",
}
# Labels that may carry a value in the fallback order: the first found wins.
_ORDER = ("成文日期", "生成日期", "发布日期", "发布时间", "文号", "发文字号", "文件编号",
          "发文机关", "发布机构", "发文单位", "发布单位")
_LABEL = "|".join(sorted(META_LABELS, key=len, reverse=True))
_META_PAIR = re.compile(rf"({_LABEL})\s*(?:[：:]|\t)\s*")
_FURNITURE = (
    (re.compile(r"^(?:首页|网站首页|当前位置)"), "网页导航"),
    (re.compile(r"(?:浏览|阅读|点击|访问)(?:次数|量|数)"), "网页访问计数"),
    (re.compile(r"^(?:分享到|分享)[：:]?|(?:微信|微博|QQ空间)(?:\s+|$)"), "网页分享栏"),
    (re.compile(r"^[【\[]?\s*(?:打印|关闭|打印本页|关闭窗口|收藏|返回顶部)\s*[】\]]?"
                r"(?:\s+[【\[]?\s*(?:打印|关闭|打印本页|关闭窗口|收藏|返回顶部)\s*[】\]]?)*$"), "网页按钮"),
)
_NAV_SEP = re.compile(r"\s*[|｜>›»]\s*")
# A pinyin syllable with a tone mark, in brackets after a Han character: 領(lǐng)
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[（(]([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\d?)[）)]")


def furniture_reason(text: str) -> str:
    """Why a whole line is web furniture, or ""."""
    if len(text) >= 80:
        return ""
    for pattern, reason in _FURNITURE:
        if pattern.search(text):
            return reason
    parts = [s for s in _NAV_SEP.split(text) if s.strip()]
    if len(parts) >= 3 and all(len(s) <= 10 for s in parts):
        return "网页导航"
    return ""


def split_breadcrumb(text: str) -> tuple[str, str]:
    """"首页 > 政务公开 > 青禾县河道清淤工作方案": the navigation and the title glued after it
    (its last piece, when that is longer than a column name); (text, "") otherwise."""
    parts = [s for s in _NAV_SEP.split(text.strip()) if s.strip()]
    if len(parts) >= 3 and all(len(s) <= 10 for s in parts[:-1]) and len(parts[-1]) > 10:
        last = text.rstrip().rfind(parts[-1])
        return text[:last].rstrip(), parts[-1].strip()
    return text, ""


def read_info_table(text: str) -> tuple[list[tuple[str, str]], str]:
    """The "key: value" (or key<TAB>value) pairs of a site's info table in a line, and the text
    after the table (a title glued to it). ([], text) when the line does not start with one."""
    first = _META_PAIR.match(text.strip())
    if not first:
        return [], text
    marks = list(_META_PAIR.finditer(text.strip()))
    line = text.strip()
    pairs = []
    for n, m in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(line)
        pairs.append((m.group(1), line[m.end():end].strip()))
    label, last = pairs[-1]
    value, rest = _split_glued(label, last)
    pairs[-1] = (label, value)
    return pairs, rest


# Labels whose values come from a short vocabulary: a title glued to one with no space is cut off.
_VALUES = {"有效性": ("有效", "失效", "废止", "已废止", "已失效"),
           "公开范围": ("主动公开", "依申请公开", "不予公开"), "公开方式": ("主动公开", "依申请公开", "不予公开")}


def _split_glued(label: str, value: str) -> tuple[str, str]:
    """"有效 XX工作方案": the table's last value and the title after it, split at white space
    when the value is a short word (a label's usual value) and the rest is longer."""
    known = next((v for v in sorted(_VALUES.get(label, ()), key=len, reverse=True)
                  if value.startswith(v)), "")
    if known:
        return known, value[len(known):].strip()
    pieces = value.split(None, 1)
    if len(pieces) == 2 and len(pieces[0]) <= 20 and META_LABELS.get(label) != "发文机关":
        return pieces[0], pieces[1]
    if len(pieces) == 2 and len(pieces[1]) > len(pieces[0]):
        return pieces[0], pieces[1]
    return value, ""


def remove_pinyin(text: str) -> tuple[str, list[str]]:
    """"領(lǐng)導(dǎo)" -> "領導", and the annotations removed."""
    found = [m.group() for m in _PINYIN.finditer(text)]
    return (_PINYIN.sub("", text), found) if found else (text, [])


def fallbacks(meta: dict[str, str], have: set[str]) -> list[Fallback]:
    """Fields the info table can give that the text did not (`have`: fields already found)."""
    out: dict[str, Fallback] = {}
    for label in _ORDER:
        field = META_LABELS[label]
        value = meta.get(label, "").strip()
        if value and field not in have and field not in out:
            out[field] = Fallback(field, value, label)
    return list(out.values())
