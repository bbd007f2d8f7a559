"""Coverage reports: a terminal table, JSON, and HTML or XLSX files an auditor can send on."""
from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from pathlib import Path

from ..yaml_out import write_atomically
from .coverage import ADDED, CHANGED, DROPPED, KEPT, MISSING, CoverageReport, UnitCoverage
from .worddiff import DELETE, EQUAL, marked

STATUSES = (KEPT, CHANGED, ADDED, DROPPED, MISSING)
_STATUS_COLOURS = {KEPT: None, CHANGED: "yellow", ADDED: "cyan", DROPPED: "blue", MISSING: "red"}


def summary_counts(unit: UnitCoverage) -> dict[str, int]:
    return {status: unit.count(status) for status in STATUSES} | {"违规": len(unit.violations)}


# ---- terminal -----------------------------------------------------------------------

def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def terminal_lines(report: CoverageReport, style, everything: bool = False) -> list[str]:
    """Lines for the terminal; `style(text, colour)` colours a piece (click.style or identity).
    Items kept as the template has them are counted, and listed only with `everything`."""
    version = f"（{report.version}）" if report.version else ""
    lines = [style(f"模板：{report.template_name}{version}  {report.template}", None)]
    for unit in report.units:
        lines += [""] + _unit_lines(unit, style, everything)
    total = len(report.units)
    bad = sum(1 for u in report.units if u.violations)
    lines += ["", style(f"共 {total} 个单位；{bad} 个单位缺少必备内容（共 {report.violations} 项）。",
                        "red" if bad else "green")]
    return lines


def _unit_lines(unit: UnitCoverage, style, everything: bool) -> list[str]:
    counts = summary_counts(unit)
    head = "，".join(f"{k} {v}" for k, v in counts.items() if v)
    lines = [style(f"■ {unit.unit}  {unit.path}", None), f"  {head}"]
    shown = [item for item in unit.items if everything or item.status != KEPT]
    roles = "  角色：" + "；".join(_role_text(role) for role in unit.roles)
    if not shown:
        return lines + ["  各项均与模板一致。", roles]
    rows = [("编号", "类别", "内容", "必备", "结果", "说明")]
    for item in shown:
        note = item.reason or ("；".join(item.people_changes))
        if item.matched_by and item.matched_by != "编号":
            note = f"（按{item.matched_by}对应）" + note
        rows.append((item.id or "—", item.kind, item.title, "是" if item.required else "",
                     item.label, note))
    widths = [max(width(row[i]) for row in rows) for i in range(5)]
    for n, row in enumerate(rows):
        text = "  " + "  ".join(pad(cell, widths[i]) for i, cell in enumerate(row[:5]))
        text += "  " + row[5]
        colour = None if n == 0 else _STATUS_COLOURS.get(shown[n - 1].status)
        if n and shown[n - 1].violation:
            colour = "red"
        lines.append(style(text.rstrip(), colour))
    for item in shown:
        if item.diff:
            lines.append(f"  {item.id} 文字改动：{marked(item.diff, style)}")
    return lines + [roles]


def _holders_text(role) -> str:
    return "、".join(f"{name}（{post}）" if post else name for name, post in role.holders)


def _role_text(role) -> str:
    if not role.known:
        return f"{role.role}（未标明）"
    if not role.holders:
        return f"{role.role}：无人担任"
    return f"{role.role}：{_holders_text(role)}"


# ---- JSON ---------------------------------------------------------------------------

def as_json(report: CoverageReport) -> dict:
    def unit_json(unit: UnitCoverage) -> dict:
        return {
            "单位": unit.unit, "文件": str(unit.path), "标题": unit.title,
            "统计": summary_counts(unit),
            "条目": [{
                "编号": item.id, "类别": item.kind, "标题": item.title, "必备": item.required,
                "结果": item.status, "违规": item.violation, "说明": item.reason,
                "对应方式": item.matched_by, "人员变动": list(item.people_changes),
                "文字改动": marked(item.diff) if item.diff else "",
                "改动明细": [dataclasses.asdict(op) for op in item.diff],
            } for item in unit.items],
            "角色": [{"角色": r.role, "说明": r.description, "已标明": r.known,
                      "担任者": [{"姓名": n, "职务": p} for n, p in r.holders]}
                     for r in unit.roles],
        }

    return {"模板": str(report.template), "模板名称": report.template_name,
            "版本": report.version, "违规总数": report.violations,
            "单位": [unit_json(u) for u in report.units]}


# ---- HTML ---------------------------------------------------------------------------

def write_html(report: CoverageReport, path: Path) -> None:
    from ..templates import html_environment

    template = html_environment().get_template("coverage.html")
    write_atomically(path, template.render(html_values(report)).encode("utf-8"))


def html_values(report: CoverageReport) -> dict:
    """What templates/coverage_report.html needs, wherever it is included."""
    return {"report": report, "counts": summary_counts, "statuses": STATUSES,
            "role_text": _role_text, "holders_text": _holders_text,
            "today": dt.date.today().isoformat(), "EQUAL": EQUAL, "DELETE": DELETE}


# ---- XLSX ---------------------------------------------------------------------------

def write_xlsx(report: CoverageReport, path: Path) -> None:
    write_atomically(path, xlsx_bytes(report))


def xlsx_bytes(report: CoverageReport) -> bytes:
    """The workbook: 汇总, 明细 and 角色 sheets, violations in red."""
    import io

    import openpyxl
    from openpyxl.styles import Font, PatternFill

    book = openpyxl.Workbook()
    bold = Font(bold=True)
    red = PatternFill("solid", fgColor="F8D7DA")
    summary = book.active
    summary.title = "汇总"
    summary.append(["单位", "文件", *STATUSES, "违规"])
    for unit in report.units:
        counts = summary_counts(unit)
        summary.append([unit.unit, str(unit.path), *[counts[s] for s in STATUSES], counts["违规"]])
        if unit.violations:
            for cell in summary[summary.max_row]:
                cell.fill = red
    details = book.create_sheet("明细")
    details.append(["单位", "编号", "类别", "内容", "必备", "结果", "说明", "人员变动", "文字改动"])
    for unit in report.units:
        for item in unit.items:
            details.append([unit.unit, item.id, item.kind, item.title,
                            "是" if item.required else "", item.label, item.reason,
                            "；".join(item.people_changes), marked(item.diff) if item.diff else ""])
            if item.violation:
                for cell in details[details.max_row]:
                    cell.fill = red
    roles = book.create_sheet("角色")
    roles.append(["单位", "角色", "说明", "担任者"])
    for unit in report.units:
        for role in unit.roles:
            roles.append([unit.unit, role.role, role.description, _role_text(role)])
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            longest = max(width(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(6, longest + 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
