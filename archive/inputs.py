"""The files a person hands gongwen: which files a list of paths means, and the bytes of one.

Only regular files are read. A FIFO, device or socket is refused from its type (never opened
for a blocking read); a file over MAX_INPUT_BYTES is refused from its size (never read whole).
In a received folder a symbolic link is never followed: one pointing outside the folder is
reported, one inside it is skipped (the file it points at is archived under its own name).
A path named on the command line may be a link; the file it points at is what is archived.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .extract import RECEIVABLE, ExtractError
from .limits import MAX_INPUT_BYTES, megabytes
from .overrides import is_sidecar

_KINDS = ((stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
          (stat.S_ISSOCK, "套接字"), (stat.S_ISDIR, "文件夹"))


class InputRefused(ExtractError):
    """An input file that is not read at all (message in Chinese, without the path)."""


@dataclass(frozen=True)
class Refusal:
    """A path given to `archive add` that is not archived, and why."""

    path: str
    message: str


def kind_of(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "普通文件" if stat.S_ISREG(mode) else "特殊文件"


def read_input(path: Path, follow_links: bool = True) -> bytes:
    """The bytes of one input file; InputRefused when it is not a regular file, is over
    MAX_INPUT_BYTES, is a link (with follow_links=False), vanished or cannot be read."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO with no writer returns at once
    except FileNotFoundError:
        raise InputRefused("文件不存在（或已被移走、删除）") from None
    except PermissionError:
        raise InputRefused("没有读取权限") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputRefused("是符号链接，未跟随") from None
        raise InputRefused(f"无法打开：{exc.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        status = os.fstat(fd)
        mode, size = status.st_mode, status.st_size
        if not stat.S_ISREG(mode):
            raise InputRefused(f"不是普通文件（是{kind_of(mode)}），未读取")
        if size > MAX_INPUT_BYTES:
            raise InputRefused(f"文件大小 {megabytes(size)}，超过单个文件 "
                               f"{megabytes(MAX_INPUT_BYTES)} 的上限，未读取")
        try:
            data = f.read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            raise InputRefused(f"读取时出错：{exc.strerror}") from None
    if len(data) > MAX_INPUT_BYTES:  # it grew while we read
        raise InputRefused(f"文件超过单个文件 {megabytes(MAX_INPUT_BYTES)} 的上限，未读取")
    return data


def collect_files(paths: tuple[Path, ...]) -> tuple[list[Path], list[Refusal]]:
    """Files to archive, folders walked recursively; named paths that are not archivable
    (missing, special files, YAML sources) are refused; sidecars are read with their file."""
    files: list[Path] = []
    refused: list[Refusal] = []
    for path in paths:
        try:
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                path, mode = path.resolve(), path.stat().st_mode
        except FileNotFoundError:
            refused.append(Refusal(str(path), "文件不存在"))
            continue
        except OSError as exc:
            refused.append(Refusal(str(path), f"无法读取：{exc.strerror}"))
            continue
        if stat.S_ISDIR(mode):
            found, bad = walk_folder(path)
            files += found
            refused += bad
        elif not stat.S_ISREG(mode):
            refused.append(Refusal(str(path), f"不是普通文件（是{kind_of(mode)}），未读取"))
        elif is_sidecar(path):
            continue
        elif path.suffix.lower() in (".yaml", ".yml"):
            refused.append(Refusal(str(path), "YAML 源文件请用 gongwen generate --archive 生成并归档"))
        else:
            files.append(path)
    return files, refused


def walk_folder(root: Path) -> tuple[list[Path], list[Refusal]]:
    """The receivable regular files under `root` (sorted), never through a link; links out
    of the folder, special files and unreadable folders are refused."""
    real_root = Path(os.path.realpath(root))
    files: list[Path] = []
    refused: list[Refusal] = []
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            refused.append(Refusal(str(folder), f"无法读取文件夹：{exc.strerror}"))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    refusal = _link_refusal(path, real_root)
                    if refusal:
                        refused.append(refusal)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(path)
                elif path.suffix.lower() not in RECEIVABLE or entry.name.startswith("."):
                    continue
                elif entry.is_file(follow_symlinks=False):
                    files.append(path)
                else:
                    mode = entry.stat(follow_symlinks=False).st_mode
                    refused.append(Refusal(str(path), f"不是普通文件（是{kind_of(mode)}），未读取"))
            except OSError as exc:  # vanished or unreadable while we walked
                refused.append(Refusal(str(path), f"无法读取：{exc.strerror}"))
    return sorted(files), refused


def _link_refusal(link: Path, real_root: Path) -> Refusal | None:
    """A link out of the folder is reported; one inside it is skipped quietly (what it
    points at is in the folder and archived by its own name), as are hidden ones."""
    if link.name.startswith("."):
        return None
    target = Path(os.path.realpath(link))
    if not target.is_relative_to(real_root):
        return Refusal(str(link), f"符号链接指向文件夹以外（{target}），未跟随，未归档")
    if not target.exists() and link.suffix.lower() in RECEIVABLE:
        return Refusal(str(link), "符号链接指向的文件不存在，未归档")
    return None
