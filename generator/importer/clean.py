"""Text as received -> text to recognise: web debris dropped, traditional characters and
full-width digits converted; half-width punctuation fixed in the text that goes to YAML."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from search.normalize import to_simplified

from .findings import Finding, Level
from .paragraphs import Paragraph
from .web import (Fallback, Removed, fallbacks, furniture_reason, read_info_table, remove_pinyin,
                  split_breadcrumb)

# Lines that belong to the web page around a document, never to the document.
_DEBRIS = re.compile(
    r"扫一扫|手机打开当前页|当前位置[：:]|^【?\s*字[体号]\s*[：:]|^(?:【\s*)?(?:打印|打印本页|关闭|关闭窗口"
    r"|返回顶部|收藏|我要纠错|视力保护色|无障碍|返回|下载)(?:\s*】)?$|(?:浏览|阅读|点击|访问)(?:次数|量|数)"
    r"|^(?:分享到|相关链接|相关文章|上一篇|下一篇|责任编辑|编辑|审核|校对|作者|信息来源|文章来源|来源"
    r"|发布时间|发布机构|主办单位|承办单位)\s*[：:]|版权所有|ICP备|公网安备|网站标识码|网站地图|联系我们"
)
# Info-table lines (read by web.read_info_table, not dropped as debris).
_WEB_META_LINE = re.compile(r"^(发布时间|发布机构)\s*[：:]")
_NAV = re.compile(r"[|｜>›»]")
_FULL_WIDTH_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
CJK = r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’—…]"
FULL_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
HALF_PUNCT = re.compile(rf"(?<={CJK})\s*([,;:?!])\s*|\s*([,;:?!])\s*(?={CJK})")
HALF_PARENS = re.compile(r"\(([^()]*)\)")


@dataclass
class Cleaned:
    paragraphs: list[Paragraph]
    findings: list[Finding] = field(default_factory=list)
    # the info table, by its own labels and by the field each stands for (文号, 成文日期, 发文机关)
    web_meta: dict[str, str] = field(default_factory=dict)
    removed: list[Removed] = field(default_factory=list)  # furniture taken out, with why
    info_table: dict[str, str] = field(default_factory=dict)  # the info table by its own labels

    def fallbacks(self, have: set[str]) -> list[Fallback]:
        """Fields the info table gives that the text did not (`have`: the fields found)."""
        return fallbacks(self.info_table, have)


def clean(paragraphs: list[Paragraph]) -> Cleaned:
    out = Cleaned([])
    traditional: list[Paragraph] = []
    joined = "\n".join(p.text for p in paragraphs)
    convert = to_simplified if to_simplified(joined) != joined else str  # one call when none is
    for p in paragraphs:
        text = p.text
        crumbs, glued = split_breadcrumb(text)
        if glued and furniture_reason(crumbs):
            _remove(out, crumbs, "网页导航", p)
            text = glued
        if _is_debris(text):
            _remove(out, text, furniture_reason(text) or "网页杂项", p)
            continue
        pairs, rest = read_info_table(text) if len(text) < 200 else ([], text)
        if pairs:
            _keep_meta(out, pairs)
            _remove(out, text[:len(text) - len(rest)].strip() if rest else text, "网页信息栏", p)
            if not rest.strip():
                continue
            text = rest.strip()
        text, pinyin = remove_pinyin(text)
        if pinyin:
            _remove(out, "".join(pinyin), "拼音注音", p)
        simple = convert(text)
        if simple != text:
            traditional.append(p)
        out.paragraphs.append(replace(p, text=half_width_alnum(simple)))
    if traditional:
        lines = "、".join(p.where for p in traditional[:5]) + ("等" if len(traditional) > 5 else "")
        out.findings.append(Finding(Level.CHANGED,
                                    f"{len(traditional)}段含繁体字，已转为简体（{lines}）",
                                    traditional[0]))
    return out


def fold_characters(text: str) -> str:
    """The characters the recognisers read: simplified, with ASCII letters and digits."""
    return half_width_alnum(to_simplified(text))


def half_width_alnum(text: str) -> str:
    return _FULL_WIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _remove(out: Cleaned, text: str, reason: str, p: Paragraph) -> None:
    out.removed.append(Removed(text, reason, p))
    out.findings.append(Finding(Level.CHANGED, f"删除{reason}“{_short(text)}”", p))


def _keep_meta(out: Cleaned, pairs: list[tuple[str, str]]) -> None:
    for label, value in pairs:
        if value:
            out.info_table.setdefault(label, value)
            out.web_meta.setdefault(label, value)
    for fallback in fallbacks(out.info_table, set()):
        standard = {"发文字号": "文号"}.get(fallback.field, fallback.field)
        out.web_meta.setdefault(standard, fallback.value)


def is_furniture(text: str) -> bool:
    """Web-page debris or a line of the site's info table: not the document's text."""
    return _is_debris(text) or bool(read_info_table(text)[0] and not read_info_table(text)[1])


def _is_debris(text: str) -> bool:
    if furniture_reason(text):
        return True
    if _DEBRIS.search(text) and len(text) < 80 and not _WEB_META_LINE.match(text):
        return True
    words = [w.strip("【】[]") for w in text.split()]
    if len(words) > 1 and all(_DEBRIS.search(w) for w in words):  # 【打印本页】  【关闭窗口】
        return True
    parts = [s for s in _NAV.split(text) if s.strip()]
    return len(parts) >= 3 and all(len(s.strip()) <= 10 for s in parts)


def _short(text: str, size: int = 24) -> str:
    return text if len(text) <= size else text[:size] + "…"


def fix_punctuation(text: str) -> str:
    """Half-width , ; : ? ! and () beside Chinese text -> full width. Numbers (37.3, 8:30,
    0791-86600115) and Latin text keep theirs."""
    text = HALF_PUNCT.sub(lambda m: FULL_PUNCT[m.group(1) or m.group(2)], text)
    return HALF_PARENS.sub(
        lambda m: f"（{m.group(1)}）" if re.search(CJK, m.group(1)) else m.group(), text)
