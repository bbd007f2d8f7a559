"""gongwen init | batch | coverage: district templates adapted by every unit, and the audit."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

# Only click at import time: `gongwen --help` must not load pydantic, jieba or the renderers.
from ..console import allow_dir_option, reading_named
from ..errors import GongwenError, InputError, Problem
from ..pipeline import FORMATS

EXIT_VIOLATION = 1
EXIT_INPUT = 2

template_option = click.option(
    "--from", "template_path", required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="区（县）下发的模板 YAML（含“模板”段）。")


def _date_option(help_text: str):
    return click.option("--date", "date", metavar="日期", help=help_text)


def _checked_date(date: str | None) -> str | None:
    """--date as given, once it is a date the YAML accepts."""
    from ..dates import parse_date

    if date is None:
        return None
    try:
        parse_date(date)
    except ValueError as exc:
        click.secho(f"--date：{exc}", fg="red", err=True)
        sys.exit(EXIT_INPUT)
    return date.strip()


def _stop(problems: list[Problem], what: str) -> None:
    from ..console import print_problems

    print_problems(problems)
    click.secho(f"共发现 {len(problems)} 处问题，{what}。", fg="red", err=True)
    sys.exit(EXIT_INPUT)


def _template(path: Path):
    from .unit import load_template

    template, problems = load_template(path)
    if template is None or problems:
        _stop(problems, "请先修正模板")
    return template


def _rosters(path: Path, what: str) -> list:
    from .roster import read_rosters

    rosters, problems = read_rosters(path)
    if problems:
        _stop(problems, what)
    return rosters


@click.command("init")
@template_option
@click.option("--roster", "roster_path", required=True,
              type=click.Path(path_type=Path, exists=True),
              help="花名册：.yaml、.csv 或 .xlsx 文件（多单位的用“单位”列或每单位一个工作表），"
                   "或花名册文件夹（其中的“单位信息”表给出填写项）。")
@click.option("--unit", help="单位名称；花名册中有多个单位时必填。")
@click.option("-o", "--output", "output", required=True,
              type=click.Path(path_type=Path, dir_okay=False), help="写出的单位 YAML。")
@click.option("--set", "settings", multiple=True, metavar="填写项=内容",
              help="给出模板的填写项，可多次使用，如 --set 值班电话=0791-1234567。")
@_date_option("本单位的成文日期，如 2024-06-01；不给出时留待填写（不沿用模板的成文日期）。")
@click.option("--full", is_flag=True,
              help="写出展开后的全文（而不是只写与模板不同之处的“继承”写法）。")
@click.option("--force", is_flag=True, help="覆盖已有的输出文件。")
@allow_dir_option
def init_command(template_path: Path, roster_path: Path, unit: str | None, output: Path,
                 settings: tuple[str, ...], date: str | None, full: bool, force: bool,
                 allow_dirs: tuple[Path, ...]) -> None:
    """根据区（县）模板和本单位花名册，生成本单位的 YAML，供修改后生成公文。

    \b
    例：gongwen init --from 区模板.yaml --roster 花名册.xlsx --unit 某某小学 -o 某某小学制度.yaml
    """
    date = _checked_date(date)
    with reading_named((template_path, roster_path), allow_dirs):
        _init(template_path, roster_path, unit, output, settings, date, full, force)


def _init(template_path: Path, roster_path: Path, unit: str | None, output: Path,
          settings: tuple[str, ...], date: str | None, full: bool, force: bool) -> None:
    from ..console import print_problems
    from ..load import load_document
    from ..yaml_out import write_atomically
    from .plan import full_plan_text, unit_plan_text
    from .roster import pick_roster

    template = _template(template_path)
    roster, why = pick_roster(_rosters(roster_path, "未写出文件"), unit)
    if roster is None:
        _stop([Problem(str(roster_path), None, None, "", why)], "未写出文件")
    if output.exists() and not force:
        click.secho(f"{output} 已存在；如确要覆盖，请加 --force", fg="red", err=True)
        sys.exit(EXIT_INPUT)
    for setting in settings:
        field, sep, value = setting.partition("=")
        if not sep or not field.strip():
            click.secho(f"--set 应写作 填写项=内容，实际为“{setting}”", fg="red", err=True)
            sys.exit(EXIT_INPUT)
        roster.fills[field.strip()] = value.strip()
    name = unit or roster.unit
    text = unit_plan_text(template, roster, name, output, date)
    try:
        load_document(output, text)  # unfilled fields and unheld roles are named here
        problems = []
    except InputError as exc:
        problems = exc.problems
    if full:
        if problems:
            _stop(problems, "未写出文件（展开全文须先补齐；成文日期可用 --date 给出）")
        text = full_plan_text(output, text, template)
    write_atomically(output, text)
    if problems:
        print_problems(problems)
        click.secho(f"已写出 {output}，还须补齐以上 {len(problems)} 处才能生成公文。",
                    fg="yellow", err=True)
        return
    click.echo(f"已写出 {output}：{name}，{len(roster.people)} 人。"
               f"下一步：gongwen generate {output}{'' if full else _allow_hint(output, template_path)}")


def _allow_hint(plan: Path, template_path: Path) -> str:
    """" --allow-dir 模板文件夹" when the plan's folder does not hold the template it inherits."""
    from ..access import folders_for

    if folders_for([plan]).permits(template_path):
        return ""
    return f" --allow-dir {template_path.resolve().parent}"


@click.command("batch")
@template_option
@click.option("--rosters", "rosters_path", required=True,
              type=click.Path(path_type=Path, exists=True),
              help="各单位花名册：一个文件（每单位一个工作表，或有“单位”列）或一个文件夹"
                   "（每单位一个文件；“单位信息”表给出各单位的填写项）。")
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("out"), show_default=True, help="输出目录。")
@click.option("-f", "--format", "fmt", type=click.Choice(["all", "yaml", *FORMATS]),
              default="all", show_default=True, help="输出格式；yaml 只写各单位的 YAML。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="并行进程数，默认使用全部 CPU 核心。")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度条和输出文件列表。")
@_date_option("各单位的成文日期，如 2024-06-01；不给出时沿用模板的成文日期（写在各单位 YAML 中）。")
@click.option("--force", is_flag=True, help="覆盖内容已改动过的单位 YAML。")
@allow_dir_option
def batch_command(template_path: Path, rosters_path: Path, outdir: Path, fmt: str,
                  jobs: int | None, quiet: bool, date: str | None, force: bool,
                  allow_dirs: tuple[Path, ...]) -> None:
    """按模板为花名册中的每个单位各生成一份：单位 YAML 和 DOCX/PDF。

    先检查全部单位：任何一个单位有问题就一个也不写（退出码 2）。
    """
    date = _checked_date(date)
    with reading_named((template_path, rosters_path), allow_dirs):
        _batch(template_path, rosters_path, outdir, fmt, jobs, quiet, date, force)


def _batch(template_path: Path, rosters_path: Path, outdir: Path, fmt: str,
           jobs: int | None, quiet: bool, date: str | None, force: bool) -> None:
    from ..console import generate_with_progress
    from ..load import load_document
    from ..yaml_out import write_atomically
    from .plan import template_date, unit_plan_text

    template = _template(template_path)
    if date is None and (date := template_date(template)) is not None and not quiet:
        click.secho(f"注意：各单位的成文日期沿用模板的 {date}（已写入各单位 YAML；"
                    "可用 --date 另行指定）", fg="yellow", err=True)
    problems: list[Problem] = []
    plans: dict[Path, str] = {}
    for roster in _rosters(rosters_path, "未生成任何文件"):
        path = outdir / f"{roster.unit}.yaml"
        text = unit_plan_text(template, roster, roster.unit, path, date)
        try:
            load_document(path, text)
        except InputError as exc:
            problems += exc.problems
        plans[path] = text
    if problems:
        _stop(problems, "未生成任何文件")
    edited = [p for p, text in plans.items()
              if p.exists() and p.read_text(encoding="utf-8") != text]
    if edited and not force:
        names = "、".join(p.name for p in edited)
        click.secho(f"以下单位 YAML 已被改动过，未覆盖任何文件：{names}。如确要覆盖，请加 --force",
                    fg="red", err=True)
        sys.exit(EXIT_INPUT)
    previous = _previous_contents(outdir, list(plans))
    try:
        for path, text in plans.items():
            write_atomically(path, text)
        if fmt != "yaml":
            formats = FORMATS if fmt == "all" else (fmt,)
            generate_with_progress(list(plans), outdir, formats, jobs, show_progress=not quiet)
    except GongwenError as exc:
        _restore(outdir, previous)
        click.secho(f"生成失败：{exc}。单位 YAML 已恢复原样，未生成任何文件。", fg="red", err=True)
        sys.exit(1)
    except BaseException:  # SIGTERM, memory: the same, all or nothing
        _restore(outdir, previous)
        raise
    if not quiet:
        click.echo(f"已为 {len(plans)} 个单位生成 {fmt if fmt != 'all' else 'YAML、DOCX 和 PDF'}，"
                   f"在 {outdir}/")


@dataclass(frozen=True)
class _Before:
    """The unit YAML files as they were before a batch wrote them (None: absent)."""

    outdir_existed: bool
    files: dict[Path, bytes | None]


def _previous_contents(outdir: Path, paths: list[Path]) -> _Before:
    return _Before(outdir.exists(), {p: p.read_bytes() if p.is_file() else None for p in paths})


def _restore(outdir: Path, before: _Before) -> None:
    """Put the unit YAML files back as they were: a failed batch leaves nothing."""
    from ..yaml_out import write_atomically

    for path, data in before.files.items():
        if data is None:
            path.unlink(missing_ok=True)
        elif not path.is_file() or path.read_bytes() != data:
            write_atomically(path, data)
    if not before.outdir_existed:
        try:
            outdir.rmdir()
        except OSError:
            pass  # something else is in it now: leave it


@click.command("coverage")
@click.argument("template_path", metavar="模板", type=click.Path(path_type=Path, dir_okay=False,
                                                                exists=True))
@click.argument("plans", metavar="单位文件或文件夹...", nargs=-1, required=True,
                type=click.Path(path_type=Path, exists=True))
@click.option("--all", "everything", is_flag=True, help="列出全部条目（默认只列与模板不同的）。")
@click.option("--json", "as_json_output", is_flag=True, help="以 JSON 输出。")
@click.option("--html", "html_path", type=click.Path(path_type=Path, dir_okay=False),
              help="另写一份 HTML 报告。")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path, dir_okay=False),
              help="另写一份 Excel 报告（汇总、明细、角色三个工作表）。")
@allow_dir_option
def coverage_command(template_path: Path, plans: tuple[Path, ...], everything: bool,
                     as_json_output: bool, html_path: Path | None, xlsx_path: Path | None,
                     allow_dirs: tuple[Path, ...]) -> None:
    """对照模板检查各单位的制度（方案）：保留、修改、新增、删除（有无说明）及角色由谁担任。

    按“编号”对照，没有编号的按文字相似度对照。缺少必备内容且未说明理由时退出码为 1。
    """
    with reading_named((template_path, *plans), allow_dirs):
        _coverage(template_path, plans, everything, as_json_output, html_path, xlsx_path)


def _coverage(template_path: Path, plans: tuple[Path, ...], everything: bool,
              as_json_output: bool, html_path: Path | None, xlsx_path: Path | None) -> None:
    from .coverage_run import run_coverage
    from .report import as_json, terminal_lines, write_html, write_xlsx

    run = run_coverage(template_path, list(plans))
    for note in run.notes:
        click.secho(note, fg="yellow", err=True)
    if run.report is None:
        _stop(run.problems, "未生成报告")
    report = run.report
    if as_json_output:
        import json

        click.echo(json.dumps(as_json(report), ensure_ascii=False, indent=2))
    else:
        for line in terminal_lines(report, lambda text, colour: click.style(text, fg=colour),
                                   everything):
            click.echo(line)
    for path, write in ((html_path, write_html), (xlsx_path, write_xlsx)):
        if path is not None:
            write(report, path)
            click.echo(f"已写出 {path}", err=as_json_output)
    if report.violations:
        sys.exit(EXIT_VIOLATION)
