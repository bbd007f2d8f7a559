"""Metadata, people and measures of a received document, guessed from its text by rule.

Rules read a simplified-character copy of the text (same length) and return slices of the
original, so a document in traditional characters keeps its own wording in the catalog.
Anything guessed here can be overridden by flags or a sidecar YAML.
"""
from __future__ import annotations

import re

from generator.dates import read_written_date
from generator.importer.front import DOC_NUMBER, SECRECY, title_kind
from search.normalize import to_simplified

from .records import Content, MeasureEntry, Mention, Metadata

_KIND_NAME = {"实施方案": "方案", "工作方案": "方案"}
_ROLE_LINE = re.compile(r"^\s*(组\s*长|副\s*组\s*长|成\s*员|组\s*员|办公室主任|主\s*任|副\s*主\s*任)\s*[：:]\s*(.+)$")
_ANSWER = re.compile(r"[（(]\s*责任领导\s*[：:]\s*(?P<leaders>[^）)]*?)\s*(?:责任人\s*[：:]\s*(?P<doers>[^）)]*?))?"
                     r"\s*(?:完成时限\s*[：:]\s*(?P<deadline>[^）)]*?))?\s*[）)]?\s*$")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.．、]|[（(]\d+[)）])\s*")
_GROUP_NAME = re.compile(r"(领导小组|工作组|专班|指挥部|办公室)")
_NAME_SPLIT = re.compile(r"[、，,；;\s]+")
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_MASTHEAD = re.compile(r"(文件|简报|通讯)$")
_UNIT_SUFFIX = re.compile(r"(局|委|办|厅|部|院|校|学|园|所|站|中心|政府|街道|委员会|公司|集团|小组|处|科|室|会|社区|村|镇|乡|县|区|市|省)$")


def guess(text: str, fallback_title: str) -> Content:
    simple = to_simplified(text)
    if len(simple) != len(text):
        simple = text
    lines = _lines(text, simple)
    meta = Metadata()
    meta.doc_number = _doc_number(lines)
    meta.secrecy = next((m.group(1) for _, s in lines[:8] if (m := SECRECY.match(s))), "")
    title_at, meta.title = _title(lines)
    meta.title = meta.title or fallback_title
    meta.kind = _kind(to_simplified(meta.title))
    date_at, meta.date = _date(lines)
    meta.organ = _organ(lines, date_at, meta.title)
    meta.recipients = _recipients(lines, title_at)
    meta.cc = next((o.split("：", 1)[-1].split(":", 1)[-1].strip().rstrip("。")
                    for o, s in lines if s.lstrip().startswith("抄送")), "")
    people, measures = _people_and_measures(lines)
    return Content(text=text, metadata=meta, people=people, measures=measures)


def _lines(text: str, simple: str) -> list[tuple[str, str]]:
    """(original, simplified) pairs of the non-empty lines."""
    out = []
    for original, plain in zip(text.splitlines(), simple.splitlines()):
        if original.strip():
            out.append((original.strip(), plain.strip()))
    return out


def _doc_number(lines: list[tuple[str, str]]) -> str:
    for original, plain in lines[:15]:
        match = DOC_NUMBER.search(plain)
        if match:
            return original[match.start():match.end()]
    return ""


def _title(lines: list[tuple[str, str]]) -> tuple[int, str]:
    """The title: the first lines (up to three) that name a 文种 or start with 关于, skipping
    the masthead, 份号, 密级 and 发文字号."""
    head = lines[:12]
    numbered = [i for i, (_, plain) in enumerate(head) if DOC_NUMBER.search(plain)]
    first = numbered[0] + 1 if numbered else 0  # above the 发文字号 is the masthead
    for i, (original, plain) in enumerate(head):
        if i < first or _MASTHEAD.search(plain) or DOC_NUMBER.search(plain) or SECRECY.match(plain):
            continue
        if len(plain) > 60 or plain.endswith(("：", ":", "。")):
            continue
        joined_plain, joined = plain, original
        j = i
        while not title_kind(joined_plain) and j + 1 < min(len(lines), i + 3):
            nxt_o, nxt_p = lines[j + 1]
            if nxt_p.endswith(("：", ":", "。")) or len(nxt_p) > 40 or DOC_NUMBER.search(nxt_p):
                break
            joined_plain, joined, j = joined_plain + nxt_p, joined + nxt_o, j + 1
        if title_kind(joined_plain) or "关于" in joined_plain:
            return j, joined
    return -1, ""


def _kind(title: str) -> str:
    kind = title_kind(title)
    return _KIND_NAME.get(kind, kind)


def _date(lines: list[tuple[str, str]]) -> tuple[int, str]:
    """The 成文日期: the last line that is only a date (the one under the signature)."""
    for i in range(len(lines) - 1, -1, -1):
        written = read_written_date(lines[i][1])
        if written is not None:
            return i, written.day.isoformat()
    return -1, ""


def _organ(lines: list[tuple[str, str]], date_at: int, title: str) -> str:
    if date_at > 0:
        original, plain = lines[date_at - 1]
        if len(plain) <= 30 and not plain.endswith(("。", "：", ":", "；")) and _UNIT_SUFFIX.search(plain):
            return original
    simple_title = to_simplified(title)
    if "关于" in simple_title and simple_title.index("关于") > 1:
        return title[:simple_title.index("关于")]
    return ""


def _recipients(lines: list[tuple[str, str]], title_at: int) -> str:
    if 0 <= title_at < len(lines) - 1:
        original, plain = lines[title_at + 1]
        if plain.endswith(("：", ":")) and len(plain) <= 80 and not _HEADING.match(plain):
            return original.rstrip("：:")
    return ""


def _people_and_measures(lines: list[tuple[str, str]]) -> tuple[list[Mention], list[MeasureEntry]]:
    people: list[Mention] = []
    measures: list[MeasureEntry] = []
    group = ""
    role = ""
    heading_at = 0
    for i, (original, plain) in enumerate(lines):
        if _HEADING.match(plain):
            heading_at = i
            found = _GROUP_NAME.search(plain)
            group = _heading_title(original).removeprefix("成立") if found else group
            role = ""
        elif "成立" in plain and (found := _GROUP_NAME.search(plain)):
            group = original[plain.index("成立") + 2:found.end()]
        role_line = _ROLE_LINE.match(plain)
        answer = _ANSWER.search(plain)
        if role_line:
            role = re.sub(r"\s", "", role_line.group(1))
            people += _roster_entries(original[role_line.start(2):role_line.end(2)], role, group)
        elif role and _looks_like_roster_line(original):
            people += _roster_entries(original, role, group)
        else:
            role = ""
        if answer:
            def part(name: str) -> str:
                return original[answer.start(name):answer.end(name)] if answer.group(name) else ""

            leaders, doers = _names(part("leaders")), _names(part("doers"))
            body = [o for o, _ in lines[heading_at:i]]
            title = _heading_title(body[0]) if body else ""
            measures.append(MeasureEntry(title, "".join(body), leaders, doers,
                                         part("deadline").strip()))
            people += [Mention(n, "责任领导", group=title) for n in leaders]
            people += [Mention(n, "责任人", group=title) for n in doers]
            heading_at = i + 1
    return people, measures


def _heading_title(line: str) -> str:
    rest = _HEADING.sub("", line, count=1)
    for stop in ("。", "：", ":"):
        if stop in rest:
            rest = rest[:rest.index(stop)]
    return rest.strip()


def _looks_like_roster_line(line: str) -> bool:
    first = _NAME_SPLIT.split(line.strip())[0]
    return len(line) <= 30 and bool(_NAME.match(first)) and not line.endswith("。")


def _roster_entries(text: str, role: str, group: str) -> list[Mention]:
    """"王某某　局长" or "王某某（局长）、李某" -> mentions; a post follows its name."""
    out = []
    tokens = [t for t in re.split(r"[、，,；;]+", text.strip().rstrip("。")) if t.strip()]
    for token in tokens:
        token = token.strip()
        match = re.match(r"^([\u4e00-\u9fff]{2,4}?)(?:[\s　]+|[（(])(.+?)[)）]?$", token)
        if match:
            name, post = match.group(1), match.group(2).strip()
        else:
            parts = token.split()
            name, post = parts[0], " ".join(parts[1:])
        if _NAME.match(name):
            out.append(Mention(name, role, post, group))
    return out


def _names(text: str) -> tuple[str, ...]:
    return tuple(n for n in _NAME_SPLIT.split(text.strip()) if _NAME.match(n))
