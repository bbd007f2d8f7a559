"""Which folders the files a YAML names (附件 `文档`, `继承`, `花名册`) may be read from.

A YAML someone sent must not make gongwen read (and echo) other files of the user's: a named
path is read only when, symlinks resolved, it lies in the folder of a file or folder the user
named for this command (or below it), or in a folder allowed explicitly with --allow-dir or
GONGWEN_ALLOW_DIRS. Every command that reads YAML sets these folders (reading_from); a
library caller that sets none is not confined. A named file must also be a regular file: a
FIFO or device is never opened."""
from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .yaml_in import not_regular_reason

ENV_ALLOW_DIRS = "GONGWEN_ALLOW_DIRS"  # folders, separated by os.pathsep


@dataclass(frozen=True)
class ReadableFolders:
    """The folders (resolved) whose files, at any depth, YAML may name."""

    roots: tuple[Path, ...]

    def permits(self, path: Path) -> bool:
        real = Path(os.path.realpath(path))
        return any(real == root or real.is_relative_to(root) for root in self.roots)

    def describe(self) -> str:
        return "、".join(str(root) for root in self.roots)


def folders_for(named: Iterable[Path], allowed: Iterable[Path] = ()) -> ReadableFolders:
    """The folders of the files (a folder itself) the user named, the folders allowed on the
    command line and those in GONGWEN_ALLOW_DIRS."""
    roots: list[Path] = []
    for path in named:
        path = Path(path)
        roots.append(path if path.is_dir() else path.parent)
    roots += [Path(p) for p in allowed]
    roots += [Path(p) for p in os.environ.get(ENV_ALLOW_DIRS, "").split(os.pathsep) if p.strip()]
    unique: list[Path] = []
    for root in roots:
        real = Path(os.path.realpath(root))
        if real not in unique:
            unique.append(real)
    return ReadableFolders(tuple(unique))


_active: ReadableFolders | None = None


def active() -> ReadableFolders | None:
    """The folders set for this command (None outside one)."""
    return _active


@contextmanager
def reading_from(folders: ReadableFolders | None) -> Iterator[None]:
    """Within the block, YAML may name files in `folders` (None keeps what is set)."""
    global _active
    previous = _active
    _active = folders if folders is not None else previous
    try:
        yield
    finally:
        _active = previous


def refused_reference(target: Path, written: str, what: str, folder_ok: bool = False) -> str | None:
    """Why the file `target` (written as `written`, a `what` such as 附件文档) is not read, in
    Chinese, or None (`folder_ok`: a folder may be named). Its contents are never read.
    Outside a command (library use, no folders set) any folder is read: the caller chose
    the paths."""
    folders = _active
    if folders is not None and not folders.permits(target):
        folder = Path(os.path.realpath(target)).parent
        return (f"{what}“{written}”不在允许读取的文件夹中（{folders.describe()}及其子文件夹），"
                f"不读取；如确需使用，请加 --allow-dir {folder}，或在环境变量 {ENV_ALLOW_DIRS} "
                "中写上该文件夹")
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return None  # missing: the caller says so in its own words
    if folder_ok and stat.S_ISDIR(mode):
        return None
    reason = not_regular_reason(mode)
    return f"{what}“{written}”{reason}" if reason else None
