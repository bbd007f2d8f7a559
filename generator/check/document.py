"""A DOCX, PDF or text file read as paragraphs: the text rules on every paragraph, then the
rules on its parts (版头, title, 主送, date, 附件说明, 版记, numbering, measures) as the
importer reads them, so checking and importing agree on what a document says."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..dates import format_date, read_written_date
from ..kinds import FORMAT_FIELDS, KINDS, KindFacts, kind_issues, kind_named
from ..importer.clean import is_furniture
from ..importer.document import Imported, import_file
from ..importer.findings import Finding as ImportFinding
from ..importer.front import DOC_NUMBER, read_doc_number, title_kind
from ..importer.markers import read_marker
from ..importer.paragraphs import Paragraph, read_paragraphs
from ..titles import line_issues
from .findings import Finding, Location, finding
from .text import ATTACHMENT_REF, END_PUNCT, balance_findings, scan_text

# Defects the importer finds that are check rules; number-form, brackets and punctuation
# are found with their character spans by text.py instead.
_FROM_IMPORT = {"number-gap", "number-repeat", "number-backward", "number-start", "number-level",
                "date-form", "doc-number-form", "recipients-colon", "cc-full-stop",
                "attachment-mismatch", "attachment-punct", "measure-owner", "clause-form"}
_ATTACHMENT_LABEL = re.compile(r"^附件\s*\d*$")
_HEAD_FIELDS = ("份号", "密级", "紧急程度", "发文机关标志", "发文字号")


def location_of(p: Paragraph, file: str) -> Location:
    if p.kind == "pdf":
        return Location(file, line=p.line, page=p.page)
    if p.kind == "docx":
        return Location(file, paragraph=p.line)
    return Location(file, line=p.line)


def read_document(path: Path, suffix: str) -> tuple[list[Paragraph], Imported]:
    """The file's paragraphs, and what the importer reads in them."""
    paragraphs = read_paragraphs(path, suffix)
    return paragraphs, import_file(path, paragraphs)


def check_paragraphs(paragraphs: list[Paragraph], imported: Imported, file: str) -> list[Finding]:
    kept = [p for p in paragraphs if not is_furniture(p.text)]
    out: list[Finding] = []
    for p in kept:
        out += scan_text(p.text, location_of(p, file))
    out += balance_findings([(p.text, location_of(p, file)) for p in kept])
    out += _import_findings(imported.all_findings, file)
    out += _title_punct(imported, kept, file)
    out += _title_lines(imported, kept, file)
    out += _recipients_without_colon(imported, kept, file)
    out += _attachments_missing(imported, kept, file)
    out += _measures_without_owner(imported.fields.get("正文", []), kept, file)
    out += _kind_rules(imported, kept, file)
    return out


def _kind_rules(imported: Imported, kept: list[Paragraph], file: str) -> list[Finding]:
    """What the title's 文种 asks of the document (generator.kinds), at the part it is about
    (the title when that part is missing). How gongwen would lay it out is not asked here."""
    fields = imported.fields
    title = (fields.get("标题") or "").replace("\n", "")
    kind = fields.get("文种") if fields.get("文种") == "命令（令）" else kind_named(title_kind(title))
    if kind not in KINDS:
        return []
    title_at = imported.found_at.get("标题")
    recipients = fields.get("主送机关") or []
    facts = KindFacts(kind=kind, title=title,
                      recipients=tuple([recipients] if isinstance(recipients, str) else recipients),
                      body="".join(p.text for p in kept if p is not title_at),
                      note=fields.get("附注") or "", masthead="发文机关标志" in fields,
                      signer=fields.get("签发人"),
                      fields=tuple(k for k in FORMAT_FIELDS if fields.get(k)),
                      signed="发文机关" in imported.found_at and "成文日期" in imported.found_at)
    out = []
    for issue in kind_issues(facts):
        if issue.rule == "kind-format" or issue.missing and issue.field == "主送机关":
            continue  # how gongwen lays it out; a 主送 the reader did not find (recipients-colon)
        if issue.rule == "kind-order" and issue.field != "令号":
            continue  # a 令's signer may be a seal image the text does not show
        at = imported.found_at.get(issue.field) or title_at
        out.append(finding(issue.rule, location_of(at, file) if at else Location(file), issue.said,
                           issue.fix))
    return out


_ADVICE = {"cc-full-stop": "在最后一个抄送机关后加“。”", "recipients-colon": "改为全角冒号“：”",
           "attachment-punct": "删去附件名称后的标点", "attachment-mismatch": "核对附件说明与所附附件",
           "measure-owner": "补写责任领导和责任人"}


def _import_findings(found: list[ImportFinding], file: str) -> list[Finding]:
    out: list[Finding] = []
    fields_seen: set[tuple] = set()
    for f in found:
        if f.rule not in _FROM_IMPORT:
            continue
        at = location_of(f.at, file) if f.at else Location(file)
        if f.rule in ("date-form", "doc-number-form"):
            # the importer reports each flaw of the field apart; one finding says them all
            if (f.rule, at) not in fields_seen:
                fields_seen.add((f.rule, at))
                out.append(_field_finding(f.rule, f.at.text, at))
            continue
        out.append(finding(f.rule, at, f.message, _ADVICE.get(f.rule, "")))
    return out


def _field_finding(rule: str, text: str, at: Location) -> Finding:
    """成文日期 or 发文字号 written wrongly, read again for every flaw and the right form."""
    if rule == "date-form":
        written = read_written_date(text)
        return finding(rule, at, f"成文日期“{text}”：{'；'.join(written.flaws)}",
                       f"改为“{format_date(written.day)}”")
    read = read_doc_number(DOC_NUMBER.search(text))
    return finding(rule, at, f"发文字号“{read.written}”：{'；'.join(read.flaws)}",
                   f"改为“{read.number}”")


def _after_head(imported: Imported, kept: list[Paragraph]) -> int:
    """Index in `kept` of the first paragraph after the 版头."""
    head = [imported.found_at[k] for k in _HEAD_FIELDS if k in imported.found_at]
    return max((kept.index(p) + 1 for p in head if p in kept), default=0)


def _title_punct(imported: Imported, kept: list[Paragraph], file: str) -> list[Finding]:
    """A title ending in punctuation; the importer does not take "…的通知。" as a title."""
    if "标题" in imported.found_at:
        at, title = imported.found_at["标题"], imported.fields["标题"].replace("\n", "")
    else:
        start = _after_head(imported, kept)
        if start >= len(kept):
            return []
        at = kept[start]
        title = at.text
        if not (len(title) <= 45 and read_marker(title) is None
                and title_kind(title.rstrip(END_PUNCT))):
            return []
    if not title or title[-1] not in END_PUNCT:
        return []
    return [finding("title-punct", location_of(at, file), f"标题末尾有“{title[-1]}”",
                    f"删去标题末尾的“{title[-1]}”")]


def _title_lines(imported: Imported, kept: list[Paragraph], file: str) -> list[Finding]:
    """Title lines as the file sets them (DOCX paragraphs, PDF lines) that overflow the block,
    stand one or two characters alone or cut a word (a title on one line has no breaks;
    its size, which overflow depends on, is the title-font rule's)."""
    if "标题" not in imported.found_at or imported.found_at["标题"] not in kept:
        return []
    first = kept.index(imported.found_at["标题"])
    lines = imported.fields["标题"].split("\n")
    paragraphs = kept[first:first + len(lines)]
    return [finding("title-lines", location_of(paragraphs[issue.index], file), issue.message,
                    issue.fix) for issue in line_issues(lines)
            if len(lines) > 1 and issue.index < len(paragraphs)]


def _recipients_without_colon(imported: Imported, kept: list[Paragraph],
                              file: str) -> list[Finding]:
    """The line under a title that names organs ("各科室") but has no colon."""
    if "主送机关" in imported.found_at or "标题" not in imported.found_at:
        return []
    title = imported.found_at["标题"]
    if title not in kept:
        return []
    index = kept.index(title) + imported.fields["标题"].count("\n") + 1
    if index + 1 >= len(kept):
        return []
    line = kept[index].text.strip("\u200b\u200c\u200d\ufeff")
    looks_like_organs = line.startswith("各") or bool(re.search(r"(局|委|办|室|处|科|校|院|组|中心|单位|部门|街道|政府)$", line))
    if (not line or len(line) > 60 or line[-1] in END_PUNCT or re.search(r"\d", line) or read_marker(line) is not None
            or read_written_date(line) or not looks_like_organs):
        return []
    return [finding("recipients-colon", location_of(kept[index], file),
                    f"主送机关“{line}”后没有冒号", "在末尾加全角冒号“：”")]


def _attachments_missing(imported: Imported, kept: list[Paragraph], file: str) -> list[Finding]:
    """"见附件3" in a document whose 附件说明 lists two."""
    if "附件" not in imported.found_at:
        return []
    count = len(imported.fields.get("附件", []))
    note = imported.found_at["附件"]
    out = []
    for p in kept:
        if p is note or _ATTACHMENT_LABEL.match(p.text):
            continue
        for match in ATTACHMENT_REF.finditer(p.text):
            if int(match.group(1)) > count:
                at = replace(location_of(p, file), span=match.span())
                out.append(finding("attachment-mismatch", at,
                                   f"正文提到“{match.group()}”，附件说明只列了{count}个",
                                   "核对附件说明与正文中的附件序号"))
    return out


def _measures_without_owner(items: list, kept: list[Paragraph], file: str) -> list[Finding]:
    """A numbered item among measures that name who answers for them, naming nobody."""
    out: list[Finding] = []
    measures = sum(len(i["工作措施"]) for i in items if isinstance(i, dict) and "工作措施" in i)
    for item in items:
        if not isinstance(item, dict):
            continue
        content = item.get("内容")
        if isinstance(content, list):
            out += _measures_without_owner(content, kept, file)
        if measures < 2 or "标题" not in item or any(isinstance(c, dict) for c in content or []):
            continue
        title = item["标题"]
        at = next((p for p in kept if (read_marker(p.text) and
                                       read_marker(p.text).rest.startswith(title))), None)
        out.append(finding("measure-owner", location_of(at, file) if at else Location(file),
                           f"措施“{title}”没有写责任领导和责任人",
                           "在措施末尾写明（责任领导：…　责任人：…）"))
    return out
