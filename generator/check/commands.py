"""gongwen check: GB/T 9704 and house-style findings for YAML, DOCX, PDF and text files."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..console import allow_dir_option, reading_named

# Only click at import time: `gongwen --help` must not load the readers.
EXIT_ERRORS = 1  # an error-level finding
EXIT_INPUT = 2  # a file could not be read


def expand(paths: tuple[Path, ...]) -> list[Path]:
    """Files as named; folders walked for every file type the checker reads."""
    from .run import CHECKABLE

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file()
                            and p.suffix.lower() in CHECKABLE and not p.name.startswith("."))
        else:
            files.append(path)
    return files


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.option("--fix", is_flag=True,
              help="自动修改 YAML 中可安全修改的写法（标点和数字的全半角、省略号、破折号、"
                   "序数写法、日期写法、发文字号的括号、“第”和虚位），并显示改动。")
@click.option("--rules", "list_rules", is_flag=True, help="列出全部检查规则。")
@allow_dir_option
def check_command(paths: tuple[Path, ...], as_json: bool, fix: bool, list_rules: bool,
                  allow_dirs: tuple[Path, ...]) -> None:
    """按 GB/T 9704-2012 和本单位行文规范检查 YAML、DOCX、PDF、TXT。

    文字规则（所有文件）：结构层次序数、括号引号成对、全半角标点、省略号和破折号、全角数字、
    成文日期、发文字号、标题末尾标点、主送机关冒号、抄送句号、附件说明、责任人；YAML 另查人员名单。
    版式规则（DOCX、PDF）：纸张、页边距、字体字号、每页行数和每行字数、页码、红色版头、版记、字体嵌入。

    每条问题列出位置、规则编号、依据条款和修改建议。
    退出码：0 没有错误（可有警告、提示）；1 有错误；2 有文件无法读取。
    """
    from .report import print_report, print_rules, summary_dict, summary_line
    from .run import YAML_SUFFIXES, check_file

    if list_rules:
        print_rules()
        return
    if not paths:
        raise click.UsageError("请给出要检查的文件或目录，如 gongwen check 方案.yaml")
    files = expand(paths)
    fixed = {}
    with reading_named(paths, allow_dirs):
        if fix:
            fixed = _fix_all([p for p in files if p.suffix.lower() in YAML_SUFFIXES], as_json)
        reports = [check_file(path) for path in files]
    if as_json:
        click.echo(json.dumps({"files": [r.as_dict() | ({"fixed": fixed[r.file]} if r.file in fixed
                                                        else {}) for r in reports],
                               "summary": summary_dict(reports)}, ensure_ascii=False, indent=2))
    else:
        for report in reports:
            print_report(report)
        click.echo(summary_line(reports))
    if any(r.unreadable for r in reports):
        sys.exit(EXIT_INPUT)
    if any(r.has_errors for r in reports):
        sys.exit(EXIT_ERRORS)


def _fix_all(files: list[Path], quiet: bool) -> dict[str, int]:
    """Fix each YAML file; the diff goes to stderr so --json stays one document on stdout."""
    from ruamel.yaml.error import MarkedYAMLError

    from .fix import fix_yaml

    fixed: dict[str, int] = {}
    for path in files:
        if not path.is_file():
            continue  # missing, a folder, a FIFO or a device: the check says so, unopened
        try:
            result = fix_yaml(path)
        except (MarkedYAMLError, OSError, UnicodeDecodeError):
            continue  # the check that follows reports why the file cannot be read
        fixed[str(path)] = len(result.applied)
        if result.changed and not quiet:
            click.echo(result.diff, err=True)
            click.secho(f"已修改 {path}：{len(result.applied)} 处", fg="green", err=True)
    return fixed
