"""gongwen import: a received DOCX, PDF or TXT -> gongwen YAML to edit and generate."""
from __future__ import annotations

import sys
from pathlib import Path

import click

# Only click at import time: `gongwen --help` must not load the readers.
EXIT_INCOMPLETE = 1  # the YAML was written but needs fields filled in
EXIT_INPUT = 2  # unreadable input or refused overwrite: nothing was written


def output_paths(output: Path, attachments: int) -> list[Path]:
    """The YAML, then one per attached document beside it: 方案-附件1.yaml …"""
    return [output] + [output.with_name(f"{output.stem}-附件{n}{output.suffix}")
                       for n in range(1, attachments + 1)]


@click.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="写出的 YAML（默认与原文件同名、同目录，扩展名为 .yaml）。")
@click.option("--report", is_flag=True, help="列出识别出的各项和发现的问题（带行号）。")
@click.option("--force", is_flag=True, help="覆盖已有的 YAML。")
def import_command(source: Path, output: Path | None, report: bool, force: bool) -> None:
    """把已有的公文（DOCX、PDF、TXT）导入为 gongwen YAML。

    识别标题、发文机关、发文字号、主送机关、成文日期、附件说明、抄送和印发，按编号还原章节层次，
    识别领导小组、工作组、工作措施及其责任领导和责任人，汇总人员名单；识别不了的文字按原顺序
    保留为普通段落。附在正文后的文件各写成一个 YAML（名为“…-附件1.yaml”）。

    退出码：0 导入完成；1 已写出 YAML，但有待补的项目；2 无法读取或拒绝覆盖，未写任何文件。
    """
    from archive.extract import ExtractError

    from ..console import print_problems
    from ..errors import InputError
    from ..load import load_document
    from ..yaml_out import write_atomically
    from .document import import_file
    from .findings import Level
    from .report import report_text, summary_line

    output = output or source.with_suffix(".yaml")
    try:
        imported = import_file(source)
    except ExtractError as exc:
        click.secho(f"{source}：{exc}", fg="red", err=True)
        sys.exit(EXIT_INPUT)
    paths = output_paths(output, len(imported.attached))
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        click.secho(f"{existing[0]} 已存在；确认要覆盖时加 --force。", fg="red", err=True)
        sys.exit(EXIT_INPUT)
    for path, child in zip(paths[1:], imported.attached):
        write_atomically(path, child.yaml_text())
    write_atomically(output, imported.yaml_text([p.name for p in paths[1:]]))

    click.echo(f"✓ {source} → {', '.join(str(p) for p in paths)}")
    click.echo(f"  识别出：{summary_line(imported)}")
    if report:
        click.echo(report_text(imported))
    problems = []
    try:
        load_document(output)
    except InputError as exc:
        problems = exc.problems
    defects = sum(1 for f in imported.all_findings if f.level is Level.DEFECT)
    if defects and not report:
        click.echo(f"  原文有 {defects} 处缺陷，用 --report 查看。")
    if problems:
        print_problems(problems)
        click.secho(f"YAML 已写出，尚有 {len(problems)} 处需补改后才能生成。", fg="yellow", err=True)
        sys.exit(EXIT_INCOMPLETE)
