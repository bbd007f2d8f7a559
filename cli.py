"""The `gongwen` command. Thin: parse options, call the library, report in Chinese."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.click_messages import install as chinese_click_messages

chinese_click_messages()  # before any command is defined: click's own words in Chinese

from archive.commands import (
    EXIT_FAILURE,
    EXIT_INPUT,
    RECORD_ID,
    archive_dir_option,
    archive_group,
    finish_adds,
    open_archive,
    stops_on_storage_failure,
)
from archive.core import archive_containing
from generator.errors import GongwenError, InputError, Problem
from generator.district.commands import batch_command, coverage_command, init_command
from generator.check.commands import check_command
from generator.importer.commands import import_command
from generator.console import (
    allow_dir_option, generate_with_progress, print_problems, reading_named,
)
from generator.pipeline import EXTRA_FORMATS, FORMATS, Generated, output_problems
from search.commands import index_group, search_command, who_command
from web.commands import serve_command, user_group

if TYPE_CHECKING:
    from generator.validate import Loaded


def _validate_all(files: tuple[Path, ...]) -> tuple[dict[Path, Loaded], list[Problem]]:
    """Every valid document by path, and every problem of the others (a problem may lie in a
    file the document uses: its template, roster or attachment)."""
    from generator.load import load_document

    loaded: dict[Path, Loaded] = {}
    problems: list[Problem] = []
    for path in files:
        try:
            loaded[path] = load_document(path)
        except InputError as exc:
            problems.extend(exc.problems)
    return loaded, problems


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongwen", message="gongwen %(version)s")
def main() -> None:
    """gongwen：把 YAML 写成符合 GB/T 9704-2012 的公文（DOCX 和 PDF）。"""


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@allow_dir_option
def validate(files: tuple[Path, ...], allow_dirs: tuple[Path, ...]) -> None:
    """只检查 YAML 输入，不生成文件。有错误时退出码为 2。"""
    with reading_named(files, allow_dirs):
        loaded, problems = _validate_all(files)
    for path in files:
        if path in loaded:
            click.echo(f"✓ {path}：通过")
            for warning in loaded[path].all_warnings:
                click.secho(f"  {warning}", fg="yellow")
    if problems:
        print_problems(problems)
        click.secho(f"共发现 {len(problems)} 处问题。", fg="red", err=True)
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path),
              default=Path("out"), show_default=True, help="输出目录。")
@click.option("-f", "--format", "fmt", type=click.Choice(["all", *FORMATS, *EXTRA_FORMATS]),
              default="all", show_default=True,
              help="输出格式：docx、pdf 或两者（all）；ofd 为 GB/T 33190 版式文件（电子公文交换用），需单独指定。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="并行进程数，默认使用全部 CPU 核心。")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度条和输出文件列表。")
@click.option("--archive", "to_archive", is_flag=True,
              help="生成后连同 YAML 源文件一并归档（见 gongwen archive）。")
@click.option("--supersedes", type=RECORD_ID, help="与 --archive 同用：新文件取代的记录编号。")
@archive_dir_option
@allow_dir_option
def generate(files: tuple[Path, ...], outdir: Path, fmt: str, jobs: int | None,
             quiet: bool, to_archive: bool, supersedes: int | None, archive_dir: Path,
             allow_dirs: tuple[Path, ...]) -> None:
    """生成公文。先检查全部输入：任何一个文件有错就一个也不生成（退出码 2）。"""
    with reading_named(files, allow_dirs):
        _generate(files, outdir, fmt, jobs, quiet, to_archive, supersedes, archive_dir)


def _generate(files: tuple[Path, ...], outdir: Path, fmt: str, jobs: int | None,
              quiet: bool, to_archive: bool, supersedes: int | None, archive_dir: Path) -> None:
    loaded, problems = _validate_all(files)
    if problems:
        print_problems(problems)
        click.secho(f"共发现 {len(problems)} 处问题，未生成任何文件。", fg="red", err=True)
        sys.exit(EXIT_INPUT)
    for path in files:  # warnings do not stop generating, and show even with -q
        for warning in loaded[path].all_warnings:
            click.secho(str(warning), fg="yellow", err=True)
    if supersedes is not None and (not to_archive or len(files) != 1):
        click.secho("--supersedes 只能与 --archive 和一个 YAML 文件一起使用", fg="red", err=True)
        sys.exit(EXIT_INPUT)
    formats = FORMATS if fmt == "all" else (fmt,)
    problems = output_problems(list(files), outdir, formats)
    if problems:
        print_problems(problems)
        click.secho(f"共发现 {len(problems)} 处问题，未生成任何文件。", fg="red", err=True)
        sys.exit(EXIT_INPUT)
    inside = archive_containing(outdir)
    if inside is not None:
        click.secho(f"输出目录“{outdir}”在档案库“{inside}”之中：请输出到档案库以外"
                    "（归档用 --archive）", fg="red", err=True)
        sys.exit(EXIT_INPUT)
    if to_archive:  # a read-only or damaged archive is found before anything is generated
        open_archive(archive_dir, create=True).close()
    try:
        results = generate_with_progress(files, outdir, formats, jobs, show_progress=not quiet)
    except GongwenError as exc:
        click.secho(f"生成失败：{exc}", fg="red", err=True)
        sys.exit(EXIT_FAILURE)
    if not quiet:
        for result in results:
            for output in result.outputs:
                click.echo(f"已生成 {output}")
    if to_archive:
        _archive_generated(results, loaded, archive_dir, supersedes, quiet)


def _archive_generated(results: list[Generated], loaded: dict[Path, Loaded], archive_dir: Path,
                       supersedes: int | None, quiet: bool) -> None:
    from archive.from_spec import incoming_generated
    from generator.build import build_document

    with open_archive(archive_dir, create=True) as archive:
        outcomes = []
        with stops_on_storage_failure(archive, outcomes, len(results), quiet):
            for result in results:
                document = loaded[result.source]  # validated before generating; not read again
                incoming = incoming_generated(document, build_document(document), result.outputs)
                outcomes.append(archive.add(incoming, supersedes))
        finish_adds(archive, outcomes, quiet)


main.add_command(init_command)
main.add_command(batch_command)
main.add_command(coverage_command)
main.add_command(import_command)
main.add_command(check_command)
main.add_command(archive_group)
main.add_command(index_group)
main.add_command(search_command)
main.add_command(who_command)
main.add_command(serve_command)
main.add_command(user_group)



def run() -> None:
    """The `gongwen` console entry point: the click group inside the last line of defence
    (generator.console.guarded), so no Python traceback ever reaches a user."""
    from generator.console import guarded

    guarded(main)


if __name__ == "__main__":
    run()
