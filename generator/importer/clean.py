"""Text as received -> text to recognise: web debris dropped, traditional characters and
full-width digits converted; half-width punctuation fixed in the text that goes to YAML."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from search.normalize import to_simplified

from .findings import Finding, Level
from .paragraphs import Paragraph

# Lines that belong to the web page around a document, never to the document.
_DEBRIS = re.compile(
    r"扫一扫|手机打开当前页|当前位置[：:]|^【?\s*字[体号]\s*[：:]|^(?:【\s*)?(?:打印|打印本页|关闭|关闭窗口"
    r"|返回顶部|收藏|我要纠错|视力保护色|无障碍|返回|下载)(?:\s*】)?$|(?:浏览|阅读|点击|访问)(?:次数|量|数)"
    r"|^(?:分享到|相关链接|相关文章|上一篇|下一篇|责任编辑|编辑|审核|校对|作者|信息来源|文章来源|来源"
    r"|发布时间|发布机构|主办单位|承办单位)\s*[：:]|版权所有|ICP备|公网安备|网站标识码|网站地图|联系我们"
)
# Metadata tables of government sites: kept aside, used where the text says nothing.
_WEB_META = re.compile(r"^(索引号|主题分类|发文机关|发布机构|成文日期|发布日期|文号|发文字号|主题词)\s*[：:]\s*(.*)$")
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
    web_meta: dict[str, str] = field(default_factory=dict)


def clean(paragraphs: list[Paragraph]) -> Cleaned:
    out = Cleaned([])
    traditional: list[Paragraph] = []
    for p in paragraphs:
        text = p.text
        if _is_debris(text):
            out.findings.append(Finding(Level.CHANGED, f"删除网页杂项“{_short(text)}”", p))
            continue
        meta = _web_meta(text)
        if meta:
            out.web_meta.setdefault(meta.group(1), meta.group(2).strip())
            out.findings.append(Finding(Level.CHANGED, f"网页信息栏“{_short(text)}”不作正文", p))
            continue
        simple = to_simplified(text)
        if simple != text:
            traditional.append(p)
        text = _FULL_WIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), simple)
        out.paragraphs.append(replace(p, text=text))
    if traditional:
        lines = "、".join(p.where for p in traditional[:5]) + ("等" if len(traditional) > 5 else "")
        out.findings.append(Finding(Level.CHANGED,
                                    f"{len(traditional)}段含繁体字，已转为简体（{lines}）",
                                    traditional[0]))
    return out


def is_furniture(text: str) -> bool:
    """Web-page debris or a line of the site's info table: not the document's text."""
    return _is_debris(text) or _web_meta(text) is not None


def _web_meta(text: str) -> re.Match | None:
    return _WEB_META.match(text) if len(text) < 60 else None


def _is_debris(text: str) -> bool:
    if _DEBRIS.search(text) and len(text) < 80:
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
