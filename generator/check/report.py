"""Findings for people (grouped by file) and for programs (JSON)."""
from __future__ import annotations

from collections import Counter

import click

from .rules import RULES, Severity
from .run import FileReport

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def print_report(report: FileReport) -> None:
    if report.unreadable:
        click.secho(f"✗ {report.file}：{report.unreadable}", fg="red")
        return
    if not report.findings:
        click.secho(f"✓ {report.file}：未发现问题", fg="green")
        return
    click.secho(report.file, bold=True)
    for f in report.findings:
        label = click.style(f.severity.label, fg=_COLOURS[f.severity])
        click.echo(f"  {f.location.where}  {label}  {f.message}  [{f.rule.id}]")
        advice = [f"建议：{f.fix}" + ("（--fix 可自动修改）" if f.edit else "")] if f.fix else []
        if f.rule.clause:
            advice.append(f"依据：{f.rule.clause}")
        if advice:
            click.echo(f"      {'；'.join(advice)}")


def totals(reports: list[FileReport]) -> Counter:
    counts: Counter = Counter()
    for report in reports:
        for severity in Severity:
            counts[severity] += report.count(severity)
    return counts


def summary_line(reports: list[FileReport]) -> str:
    counts = totals(reports)
    unreadable = sum(1 for r in reports if r.unreadable)
    line = (f"共检查 {len(reports)} 个文件：错误 {counts[Severity.ERROR]} 处，"
            f"警告 {counts[Severity.WARNING]} 处，提示 {counts[Severity.NOTE]} 处")
    return line + (f"，{unreadable} 个文件无法读取。" if unreadable else "。")


def summary_dict(reports: list[FileReport]) -> dict:
    counts = totals(reports)
    return {"files": len(reports), "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING], "notes": counts[Severity.NOTE],
            "unreadable": sum(1 for r in reports if r.unreadable)}


def print_rules() -> None:
    for rule in RULES.values():
        scope = {"text": "全部", "yaml": "YAML", "layout": "DOCX/PDF"}[rule.applies_to]
        clause = f"（{rule.clause}）" if rule.clause else ""
        click.echo(f"{rule.id:22} {rule.severity.label}  {scope:8} {rule.title}{clause}")
