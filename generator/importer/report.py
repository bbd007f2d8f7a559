"""`gongwen import --report`: what was recognised, where, and every defect found."""
from __future__ import annotations

from collections import Counter

from .document import Imported
from .findings import Level


def summary_line(imported: Imported) -> str:
    """"领导小组1个，工作组6个，工作措施10项，人员14人"."""
    counts = Counter(what for doc in _all(imported) for what, _, _ in doc.recognised)
    people = sum(len(doc.fields.get("人员", [])) for doc in _all(imported))
    parts = [f"领导小组{counts['领导小组']}个" if counts["领导小组"] else "",
             f"工作组{counts['工作组']}个" if counts["工作组"] else "",
             f"工作措施{counts['工作措施']}项" if counts["工作措施"] else "",
             f"人员{people}人" if people else "",
             f"附件{len(imported.attached)}个" if imported.attached else ""]
    return "，".join(p for p in parts if p) or "只有普通章节和段落"


def report_text(imported: Imported) -> str:
    lines = ["识别结果："]
    lines += _fields(imported)
    for doc in _all(imported):
        for what, text, at in doc.recognised:
            lines.append(_row(at.where if at else "", what, text))
    findings = imported.all_findings
    counts = Counter(f.level for f in findings)
    lines.append("")
    if not findings:
        lines.append("未发现问题。")
        return "\n".join(lines)
    lines.append("发现的问题（" + "，".join(f"{level.value}{counts[level]}处" for level in Level
                                      if counts[level]) + "）：")
    order = {level: n for n, level in enumerate(Level)}
    for finding in sorted(findings, key=lambda f: (_position(f), order[f.level])):
        lines.append(_row(finding.where, finding.level.value, finding.message))
    return "\n".join(lines)


def _all(imported: Imported) -> list[Imported]:
    return [imported, *imported.attached]


def _fields(imported: Imported) -> list[str]:
    f = imported.fields
    shown = []
    for key in ("文种", "份号", "密级", "紧急程度", "发文机关标志", "发文字号", "签发人", "标题", "主送机关",
                "发文机关", "成文日期", "附注", "抄送", "印发机关", "印发日期"):
        value = f.get(key)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = "，".join(value)
        at = imported.found_at.get(key)
        shown.append(_row(at.where if at else "", key, str(value).replace("\n", "")))
    titles = [a if isinstance(a, str) else imported.attached[a["文档"]].fields["标题"].replace("\n", "")
              for a in f.get("附件", [])]
    if titles:
        at = imported.found_at.get("附件")
        shown.append(_row(at.where if at else "", "附件说明", "；".join(titles)))
    people = [p["姓名"] + (f"（{p['职务']}）" if "职务" in p else "") for p in f.get("人员", [])]
    if people:
        shown.append(_row("", "人员", "、".join(people)))
    return shown


def _position(finding) -> tuple:
    at = finding.at
    return (0, 0) if at is None else (at.page or 0, at.line)


def _row(where: str, what: str, text: str) -> str:
    return f"  {where or '·':<9} {what}：{text}"
