"""The parts of a document around its body: 版头 (份号, 密级, 紧急程度, 发文机关标志, 发文字号,
签发人), title, 主送机关; after the body 附件说明, signature, 成文日期, 附注; 版记 (抄送, 印发)
wherever a reader put it; and attached documents ("附件1" pages) after the date."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..dates import read_written_date
from ..schema import split_outside_brackets
from .findings import Finding, Level
from .formats import attendance, is_order_mark, order_number, post_and_name
from .markers import read_marker
from .paragraphs import Paragraph
from .web import Removed

KINDS = ("实施方案", "工作方案", "方案", "制度", "通知", "报告", "请示", "批复", "意见", "决定",
         "通报", "通告", "公告", "函", "纪要", "办法", "规定", "细则", "规则", "计划", "总结", "命令",
         "议案", "条例", "决议", "规范", "章程", "准则", "规划", "要点")
# A note in brackets after a title's 文种: "…办法（试行）"
_TITLE_NOTE = re.compile(r"[（(](?:试行|暂行|草案|修订|修正|摘要|征求意见稿|[^（）()]{0,8}修订)[）)]$")
_COPY_NUMBER = re.compile(r"^\d{6}$")
SECRECY = re.compile(r"^\s*(绝密|机密|秘密)(★.*)?\s*$")
_URGENCY = re.compile(r"^(特急|加急|特提|平急)$")
DOC_NUMBER = re.compile(
    r"(?P<code>[\u4e00-\u9fff]{1,12})\s*(?P<open>[〔\[［(（【])\s*(?P<year>\d{2,4})\s*(?P<close>[〕\]］)）】])"
    r"\s*(?P<di>第)?\s*(?P<num>\d{1,5})\s*号")
_SIGNER = re.compile(r"签发人\s*[：:]\s*(\S+)")
_CC = re.compile(r"^抄\s*送\s*[：:]\s*(.+)$")
_IMPRINT = re.compile(r"^(?P<printer>\S.*?)\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印\s*发$")
_ATTACHMENT_NOTE = re.compile(r"^附\s*件\s*[：:]\s*(.*)$")
_ATTACHMENT_ITEM = re.compile(r"^(\d{1,2})\s*[.．、]\s*(.+)$")
_ATTACHMENT_LABEL = re.compile(r"^附\s*件\s*(\d*)$")
_LIST_SEP = re.compile(r"[，,、；;]")
_RECIPIENT_SEP = "，,、"
_ORGAN_END = re.compile(r"(局|委|办|厅|部|院|校|学|园|所|站|中心|政府|处|街道|办事处|委员会|公司|小组|"
                        r"指挥部|社区|村|镇|乡|县|区|市|省|室|会|队|馆)$")


@dataclass
class AttachedPart:
    label: Paragraph
    title: str
    body: list[Paragraph]


@dataclass
class Parts:
    fields: dict[str, object] = field(default_factory=dict)  # YAML key -> value
    body: list[Paragraph] = field(default_factory=list)
    attachment_titles: list[str] = field(default_factory=list)
    attached: list[AttachedPart] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    found_at: dict[str, Paragraph] = field(default_factory=dict)  # YAML key -> its paragraph
    trailing: list[Paragraph] = field(default_factory=list)  # unclassified text after the date
    removed: list[Removed] = field(default_factory=list)  # furniture the head had (a 规章 header)
    not_document: str = ""  # why this is not an official document (a newspaper page), or ""


def split_parts(paragraphs: list[Paragraph]) -> Parts:
    parts = Parts()
    parts.not_document = not_a_document(paragraphs)
    if parts.not_document:
        parts.body = list(paragraphs)
        _find(parts, Level.CHANGED, f"不是公文（{parts.not_document}），不识别发文机关和文种", None)
        return parts
    paragraphs = _take_imprint(paragraphs, parts)
    main, attached = _split_attached(paragraphs)
    start = _read_head(main, parts)
    end = _read_tail(main, start, parts)
    parts.body = main[start:end] + parts.trailing
    for label, pages in attached:
        title_end = _title_span(pages, 0)
        title = "\n".join(p.text for p in pages[:title_end])
        parts.attached.append(AttachedPart(label, title, pages[title_end:]))
    return parts


def _set(parts: Parts, key: str, value: object, at: Paragraph) -> None:
    parts.fields[key] = value
    parts.found_at[key] = at


def _find(parts: Parts, level: Level, message: str, at: Paragraph | None, rule: str = "") -> None:
    parts.findings.append(Finding(level, message, at, rule))


# -- 版记: 抄送 and 印发, wherever the reader placed them

def _take_imprint(paragraphs: list[Paragraph], parts: Parts) -> list[Paragraph]:
    rest = []
    for p in paragraphs:
        cc = _CC.match(p.text)
        imprint = _IMPRINT.match(p.text)
        if cc:
            text = cc.group(1).strip()
            if not text.endswith("。"):
                _find(parts, Level.DEFECT, "抄送机关末尾应加句号", p, "cc-full-stop")
            _set(parts, "抄送", split_outside_brackets(text.rstrip("。"), _RECIPIENT_SEP + "；;"), p)
        elif imprint and (written := read_written_date(imprint.group("date"))):
            _set(parts, "印发机关", imprint.group("printer").strip(" 　"), p)
            _set(parts, "印发日期", written.day, p)
        else:
            rest.append(p)
    return rest


def _split_attached(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], list[tuple]]:
    """Main text, and each attached document: a lone "附件" or "附件2" after the date line."""
    dated = False
    main: list[Paragraph] = []
    attached: list[tuple[Paragraph, list[Paragraph]]] = []
    for n, p in enumerate(paragraphs):
        if dated and _ATTACHMENT_LABEL.match(p.text):
            attached.append((p, []))
        elif not attached and _signed_and_dated(main) and _title_span(paragraphs, n) > n:
            attached.append((p, [p]))  # the issued document follows the date with no "附件" label
        elif attached:
            attached[-1][1].append(p)
        else:
            main.append(p)
            dated = dated or read_written_date(p.text) is not None
    return main, attached


def _signed_and_dated(main: list[Paragraph]) -> bool:
    """The text so far ends with an organ's name over a date, after a body (a 印发通知)."""
    return (len(main) >= 3 and read_written_date(main[-1].text) is not None
            and _is_organ(main[-2].text) and any(p.text.endswith("。") for p in main[:-2]))


# -- the title of a copy that has none, from the 印发通知's one line

# -- a page that is not an official document

_MASTHEAD = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:日报|晚报|时报|商报|报)(?:\s|$)")
_PAGE_LINE = re.compile(r"第\s*\d+\s*版|(?:^|\s)(?:要闻|综合|国内|国际|专版|副刊)\s+\d{4}年.*星期[一二三四五六日天]")
_EDITORS = re.compile(r"(?:责任编辑|责编|美编|版式|校对|本版编辑)\s*[：:]")
_CONTINUED = re.compile(r"[（(](?:上接|下转)第\s*\d+\s*版[）)]")


def not_a_document(paragraphs: list[Paragraph]) -> str:
    """Why these lines are a newspaper page, not an official document, or "": two signs of
    a newspaper (masthead, 版次 line, editor credits, "上接第N版") in its first lines."""
    head = [p.text for p in paragraphs[:40]]
    signs = [name for name, pattern in (("报头", _MASTHEAD), ("版次", _PAGE_LINE),
                                        ("责任编辑", _EDITORS), ("转版", _CONTINUED))
             if any(pattern.search(t) for t in head)]
    return "报纸版面：" + "、".join(signs) if len(signs) >= 2 else ""


# -- 版头 and title

def _read_head(paragraphs: list[Paragraph], parts: Parts) -> int:
    """Read 份号 … 主送机关 from the top; the index where the body starts."""
    i = 0
    while i < min(len(paragraphs), 10):
        text = paragraphs[i].text
        number = DOC_NUMBER.search(text)
        if _COPY_NUMBER.match(text):
            _set(parts, "份号", text, paragraphs[i])
        elif SECRECY.match(text):
            _set(parts, "密级", text, paragraphs[i])
        elif _URGENCY.match(text):
            _set(parts, "紧急程度", text, paragraphs[i])
        elif number and len(text) < 40:
            _read_doc_number(number, text, paragraphs[i], parts)
        elif _is_mark(paragraphs, i) or (is_order_mark(text) and i + 1 < len(paragraphs)
                                         and order_number(paragraphs[i + 1].text)):
            _set(parts, "发文机关标志", text, paragraphs[i])
        elif _RULES_HEADER.match(text) and i + 1 < len(paragraphs):
            parts.removed.append(Removed(text, "规章页眉", paragraphs[i]))
            _find(parts, Level.CHANGED, f"删除规章页眉“{text}”", paragraphs[i])
        elif _organ_over_title(paragraphs, i):
            _set(parts, "发文机关", text.replace(" ", "").replace("　", ""), paragraphs[i])
        else:
            break
        i += 1
    mark = parts.fields.get("发文机关标志")
    if i < len(paragraphs) and isinstance(mark, str) and is_order_mark(mark) and (
            number := order_number(paragraphs[i].text)):
        # 命令（令）格式 (10.2): the 令号 under the mark, the text under it, no title
        _set(parts, "令号", number, paragraphs[i])
        _set(parts, "文种", "命令（令）", paragraphs[i])
        parts.fields["标题"] = mark + number  # stands for the title a 令 does not print
        return i + 1
    end = _title_span(paragraphs, i)
    if end > i:
        _set(parts, "标题", "\n".join(p.text for p in paragraphs[i:end]), paragraphs[i])
        i = end
    if i < len(paragraphs) and "发文字号" not in parts.fields and (
            number := DOC_NUMBER.search(paragraphs[i].text)) and len(paragraphs[i].text) < 40:
        _read_doc_number(number, paragraphs[i].text, paragraphs[i], parts)  # below the title
        i += 1
    _read_issuing_line(paragraphs, i, parts)  # read, and left in the body: it is the 规章's text
    if i < len(paragraphs) and _is_recipients(paragraphs[i].text):
        recipients = paragraphs[i].text.rstrip("：:")
        if paragraphs[i].text.endswith(":"):
            _find(parts, Level.DEFECT, "主送机关后应用全角冒号“：”", paragraphs[i],
                  "recipients-colon")
        _set(parts, "主送机关", split_outside_brackets(recipients, _RECIPIENT_SEP), paragraphs[i])
        i += 1
    return i


def _is_mark(paragraphs: list[Paragraph], i: int) -> bool:
    """发文机关标志: "XX文件", or large type above the 发文字号."""
    p = paragraphs[i]
    if len(p.text) > 30 or p.text.endswith(("。", "：", ":")):
        return False
    if p.text.endswith("文件"):
        return True
    under = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
    if p.size and p.size >= 26 and under is not None and (
            (under.size and 20 <= under.size < p.size - 4)
            or (not under.size and _title_span(paragraphs, i + 1) > i + 1)):
        return True  # a mark over a title in smaller type (a 纪要's, a 信函's without a number)
    below = paragraphs[i + 1].text if i + 1 < len(paragraphs) else ""
    above_number = bool(DOC_NUMBER.search(below)) and len(below) < 40
    return above_number and (bool(p.size and p.size >= 26) or _is_organ(p.text)
                             or p.text.endswith("纪要"))  # a 纪要标志 (10.3)


_RULES_HEADER = re.compile(r"^[\u4e00-\u9fff]{2,16}(?:规章|令)$")


def _organ_over_title(paragraphs: list[Paragraph], i: int) -> bool:
    """"X人民政府办公室" on a line of its own over a title starting "关于…": the organ's name
    set apart from the title (it is the 发文机关, not part of the title's wording)."""
    if i + 1 >= len(paragraphs):
        return False
    text, below = paragraphs[i].text, paragraphs[i + 1].text
    return (_is_organ(text) and len(text) <= 20 and below.startswith("关于")
            and _title_span(paragraphs, i + 1) > i + 1)


# -- a 规章's issuing line: "（2022年12月23日X人民政府令第N号公布 自2023年3月1日起施行）"

_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
_PUBLISHED = re.compile(rf"({_DATE})\s*([\u4e00-\u9fff]{{2,30}}?)\s*(?:令\s*)?第\s*\d+\s*号\s*(?:令\s*)?(?:公布|发布)")
_LEADING_DATE = re.compile(rf"^[（(]?\s*{_DATE}")
_IN_FORCE = re.compile(rf"(?:自\s*)?({_DATE})\s*(?:起\s*)?施行")


def _read_issuing_line(paragraphs: list[Paragraph], i: int, parts: Parts) -> int:
    """The bracketed issuing line under a 规章's title, over up to three lines: 公布 date as
    成文日期, 施行 date as 施行日期, the organ from its 令. Returns the index after it (an
    issuing line continues into a 主送 line never, so the caller may look past it)."""
    if i >= len(paragraphs):
        return i
    first = paragraphs[i].text
    bracketed = first.startswith(("（", "("))
    if not bracketed and not _LEADING_DATE.match(first):
        return i
    end, text = i, ""
    while end < min(len(paragraphs), i + 8):
        text += paragraphs[end].text
        end += 1
        if text.rstrip().endswith(("）", ")")):
            break
        if not bracketed and not (end < len(paragraphs) and _LEADING_DATE.match(paragraphs[end].text)):
            break  # "2001年6月15日X令第N号公布" and its revision lines, one date each
    published = ([None] + list(_PUBLISHED.finditer(text)))[-1]  # the last: the text in force
    if (bracketed and not text.rstrip().endswith(("）", ")"))) or not published:
        return i
    _set(parts, "成文日期", read_written_date(published.group(1)).day, paragraphs[i])
    organ = published.group(2).replace(" ", "")
    if _is_organ(organ):
        parts.fields.setdefault("发文机关", organ)
        parts.found_at.setdefault("发文机关", paragraphs[i])
    in_force = ([None] + list(_IN_FORCE.finditer(text)))[-1]
    if in_force and (day := read_written_date(in_force.group(1))):
        _set(parts, "施行日期", day.day, paragraphs[i])
    parts.fields["发布说明"] = text
    parts.found_at["发布说明"] = paragraphs[i]
    return end


class DocNumber(NamedTuple):
    written: str  # as the text has it
    number: str  # in the standard form 代字〔2020〕12号
    flaws: tuple[str, ...]  # how `written` differs from it (GB/T 9704 7.2.4)
    safe_fix: str  # `written` with only its brackets, 第 and leading zeros fixed


def read_doc_number(match: re.Match) -> DocNumber:
    year = match.group("year")
    flaws = []
    if match.group("open") != "〔" or match.group("close") != "〕":
        flaws.append(f"年份应用六角括号“〔〕”括入，不用“{match.group('open')}{match.group('close')}”")
    if len(year) == 2:
        flaws.append("年份应写全四位")
    if match.group("di"):
        flaws.append("序号前不加“第”")
    if match.group("num").startswith("0"):
        flaws.append("序号不编虚位（不写作 01、003）")
    safe = f"{match.group('code')}〔{year}〕{int(match.group('num'))}号"
    number = safe if len(year) == 4 else f"{match.group('code')}〔20{year}〕{int(match.group('num'))}号"
    return DocNumber(match.group(), number, tuple(flaws), safe)


def _read_doc_number(match: re.Match, text: str, p: Paragraph, parts: Parts) -> None:
    read = read_doc_number(match)
    for flaw in read.flaws:
        _find(parts, Level.DEFECT, f"发文字号“{read.written}”：{flaw}，导入为“{read.number}”", p,
              "doc-number-form")
    _set(parts, "发文字号", read.number, p)
    signer = _SIGNER.search(text)
    if signer:
        _set(parts, "签发人", signer.group(1), p)


def _title_span(paragraphs: list[Paragraph], i: int) -> int:
    """End of the title starting at i: up to three short lines, the last naming a 文种 (or the
    lines set in large type). Returns i when there is no title there."""
    sized = [p.size for p in paragraphs[i:i + 3]]
    if sized and sized[0] and sized[0] >= 20:
        end = i
        while end < len(paragraphs) and end < i + 3 and (paragraphs[end].size or 0) >= 20:
            end += 1
        return end
    joined = ""
    for end in range(i, min(len(paragraphs), i + 3)):
        if not _title_like(paragraphs[end].text):
            break
        joined += paragraphs[end].text
        if title_kind(joined):
            return end + 1
    if i < len(paragraphs) and _title_like(paragraphs[i].text) and "关于" in paragraphs[i].text:
        return i + 1  # a title naming no 文种
    return i


def _title_like(text: str) -> bool:
    longest = 60 if title_kind(text) else 40  # a long title on one line still names its 文种
    return len(text) <= longest and not text.endswith(("。", "：", ":", "；")) and not read_marker(text)


def title_kind(title: str) -> str:
    """The 文种 a title ends with ("…工作方案" -> 工作方案), or ""."""
    stripped = _TITLE_NOTE.sub("", title.replace("\n", "").strip()).rstrip("》）) ")
    return next((k for k in KINDS if stripped.endswith(k)), "")


def _is_recipients(text: str) -> bool:
    return (text.endswith(("：", ":")) and len(text) <= 80 and "。" not in text
            and read_marker(text) is None and not text.startswith("附件"))


# -- signature, date, 附注, 附件说明

def _read_tail(paragraphs: list[Paragraph], start: int, parts: Parts) -> int:
    """Read the end of the main text backwards; the index where the body ends."""
    end = _read_attendance(paragraphs, start, parts)
    if end < len(paragraphs):  # 纪要格式 (10.3): no 署名 or date after these lines
        return _read_attachment_note(paragraphs, start, end, parts)
    date_at = _date_line(paragraphs, start)
    if date_at is None:
        return _read_attachment_note(paragraphs, start, len(paragraphs), parts)
    p = paragraphs[date_at]
    written = read_written_date(p.text)
    _set(parts, "成文日期", written.day, p)
    for flaw in written.flaws:
        _find(parts, Level.DEFECT, f"成文日期“{p.text}”：{flaw}（GB/T 9704—2012 7.3.5）", p,
              "date-form")
    end = date_at
    signer = post_and_name(paragraphs[date_at - 1].text) if date_at - 1 >= start else None
    if "令号" in parts.fields and signer:  # 7.3.5.3: the signer's post and name over the date
        _set(parts, "签发人职务", signer.post, paragraphs[date_at - 1])
        _set(parts, "签发人", signer.name, paragraphs[date_at - 1])
        end = date_at - 1
    elif date_at - 1 >= start and _is_organ(paragraphs[date_at - 1].text):
        _set(parts, "发文机关", paragraphs[date_at - 1].text.replace("　", "").replace(" ", ""),
             paragraphs[date_at - 1])
        end = date_at - 1
    after = paragraphs[date_at + 1:]
    if after and re.fullmatch(r"[（(].+[）)]", after[0].text):
        _set(parts, "附注", after[0].text[1:-1], after[0])
        after = after[1:]
    for q in after:
        _find(parts, Level.CHANGED, f"成文日期之后的“{q.text[:20]}”无法归类，并入正文末尾", q)
    parts.trailing = after
    return _read_attachment_note(paragraphs, start, end, parts)


def _read_attendance(paragraphs: list[Paragraph], start: int, parts: Parts) -> int:
    """A 纪要's 出席, 请假, 列席 lines ending the main text (a PDF's wrapped lines joined);
    the index where they begin."""
    title = str(parts.fields.get("标题", "")).replace("\n", "")
    mark = str(parts.fields.get("发文机关标志", ""))
    if not (title_kind(title) == "纪要" or mark.endswith("纪要")):
        return len(paragraphs)
    i = j = len(paragraphs)
    pending: list[Paragraph] = []  # lines under an 出席 line, not yet joined to it
    while j - 1 > start:
        p = paragraphs[j - 1]
        read = attendance(p.text + "".join(q.text for q in pending))
        if read:
            _set(parts, read[0], read[1], p)
            pending, i = [], j - 1
        elif len(pending) < 8 and not p.text.endswith(("。", "：", ":")) and \
                not read_written_date(p.text):
            pending.insert(0, p)
        else:
            break
        j -= 1
    return i


def _date_line(paragraphs: list[Paragraph], start: int) -> int | None:
    for i in range(len(paragraphs) - 1, max(start, len(paragraphs) - 5) - 1, -1):
        if read_written_date(paragraphs[i].text):
            return i
    return None


def _is_organ(text: str) -> bool:
    return len(text) <= 40 and not text.endswith(("。", "：", ":", "；")) and bool(
        _ORGAN_END.search(text.replace(" ", "")))


def _attachment_note_at(paragraphs: list[Paragraph], start: int,
                        end: int) -> tuple[int, list[str]] | None:
    """Where "附件：1.X" and further "2.Y" lines end paragraphs[start:end], and the titles."""
    for i in range(end - 1, max(start, end - 12) - 1, -1):
        note = _ATTACHMENT_NOTE.match(paragraphs[i].text)
        if not note:
            continue
        more = [p.text for p in paragraphs[i + 1:end]]
        if not all(_ATTACHMENT_ITEM.match(t) for t in more):
            return None
        return i, [_ATTACHMENT_ITEM.sub(r"\2", t).strip() for t in [note.group(1), *more]]
    return None


def trailing_attachment_note(body: list[Paragraph]) -> tuple[list[Paragraph], list[str]]:
    """An attached document's own 附件说明 at its end: its body without it, and the titles."""
    found = _attachment_note_at(body, 0, len(body))
    if found is None or found[0] == 0:
        return body, []
    return body[:found[0]], [t.rstrip("。") for t in found[1]]


def _read_attachment_note(paragraphs: list[Paragraph], start: int, end: int, parts: Parts) -> int:
    """附件说明 just above the signature: "附件：1.X" and further "2.Y" lines."""
    found = _attachment_note_at(paragraphs, start, end)
    if found is not None:
        i, titles = found
        parts.attachment_titles = [t.rstrip("。") for t in titles]
        parts.found_at["附件"] = paragraphs[i]
        if any(t.endswith("。") for t in titles):
            _find(parts, Level.DEFECT, "附件名称后不加标点符号", paragraphs[i], "attachment-punct")
        return i
    return end
