"""Terminal helpers shared by the commands that generate documents."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import (GongwenError, Problem, describe_os_error, is_disk_refusal,
                     sqlite_reason)


def allow_dir_option(command):
    """--allow-dir DIR (repeatable): more folders whose files a YAML may name."""
    return click.option(
        "--allow-dir", "allow_dirs", multiple=True, metavar="DIR",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        help="YAML 中的附件“文档”、“继承”、“花名册”还可以指向这个文件夹（可多次使用）；"
             "默认只能指向命令中所列文件所在的文件夹及其子文件夹。"
             "也可用环境变量 GONGWEN_ALLOW_DIRS（以“:”分隔）。")(command)


def reading_named(named, allow_dirs=()):
    """The block in which YAML may name files beside those the user named (generator.access)."""
    from .access import folders_for, reading_from

    return reading_from(folders_for(named, allow_dirs))


def print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.secho(str(problem), fg="red", err=True)


def generate_with_progress(files: list[Path], outdir: Path, formats: tuple[str, ...],
                           jobs: int | None, show_progress: bool) -> list:
    """generate_many with a progress bar on stderr (hidden when quiet or for one file)."""
    from .access import active
    from .pipeline import generate_many

    with click.progressbar(length=len(files), label="生成中", file=sys.stderr,
                           hidden=not show_progress or len(files) < 2) as bar:
        return generate_many(list(files), outdir, formats, jobs, on_done=lambda _: bar.update(1),
                             folders=active())


# -- the last line of defence: no Python traceback reaches a user

EXIT_INTERNAL = 70  # EX_SOFTWARE: a defect of gongwen's, never the user's input
INTERNAL_MARK = "gongwen 内部错误"  # tests fail on any output carrying it

class Terminated(BaseException):
    """SIGTERM or SIGINT, raised where the process is so that every cleanup (`finally`,
    rollback, temporary files) runs; not a KeyboardInterrupt, which click would report in
    English."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, frame) -> None:
    raise Terminated(signum)


def guarded(command: click.Command) -> None:
    """Run the click command; anything it did not turn into a message becomes one here."""
    import signal
    import sqlite3

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _on_signal)
    if hasattr(signal, "SIGXFSZ"):  # a file-size limit: let write() fail with EFBIG instead
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    debug = bool(os.environ.get("GONGWEN_DEBUG"))
    for n, arg in enumerate(sys.argv[1:], start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8, kept as surrogates by Python
            click.secho(f"第 {n} 个命令行参数不是 UTF-8 编码的文字：请把终端或脚本的编码设为 UTF-8"
                        "（如 export LANG=C.UTF-8）后重试。", fg="red", err=True)
            sys.exit(2)
    try:
        command.main(prog_name="gongwen")
    except Terminated as stop:
        word = "已中断" if stop.signum == signal.SIGINT else "已终止"
        click.secho(f"{word}：未完成的写入已撤销，已完成的保留（重新运行同一命令即可继续）。",
                    fg="red", err=True)
        sys.exit(128 + stop.signum)
    except GongwenError as exc:  # a domain error no command caught: its message is for users
        click.secho(str(exc), fg="red", err=True)
        sys.exit(1)
    except MemoryError:
        click.secho("内存不足：输入过大，已停止（未写入不完整的结果）。", fg="red", err=True)
        sys.exit(1)
    except OSError as exc:
        if debug:
            raise
        click.secho(f"操作失败：{describe_os_error(exc)}。未写入不完整的结果。", fg="red", err=True)
        sys.exit(1)
    except sqlite3.DatabaseError as exc:
        if debug:
            raise
        if is_disk_refusal(exc):
            click.secho(f"写入档案库目录失败（{sqlite_reason(exc)}）。未写入不完整的结果；"
                        "腾出空间后重新运行同一命令即可。", fg="red", err=True)
            sys.exit(1)
        click.secho(f"档案库目录（catalog.sqlite）无法读取或已损坏（{exc}）。"
                    "请运行 gongwen archive verify 查看；如已损坏，请从导出的归档包恢复。",
                    fg="red", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the one place that catches everything
        if debug:
            raise
        click.secho(f"{INTERNAL_MARK}（{type(exc).__name__}：{exc}）。这是程序的缺陷，"
                    "请把所用命令和这条信息报告给维护者；设置环境变量 GONGWEN_DEBUG=1 可看到详细信息。",
                    fg="red", err=True)
        sys.exit(EXIT_INTERNAL)
