"""`gongwen check --fix`: apply the safe text fixes to a YAML file in place.

Safe means the meaning cannot change: punctuation and digit width, "..." and "--", the
written form of a number, a date or a 发文字号 (brackets, 第, leading zeros). Each fix edits
the exact characters in the file, so comments, quoting and layout stay as they were; so do
its line ends (CRLF, mixed), a BOM, its permission bits, and a symbolic link (the file it
points to is written). A file without write permission is refused, unchanged.
"""
from __future__ import annotations

import codecs
import difflib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import click

from ..errors import describe_os_error
from ..errors import GongwenError
from ..yaml_out import write_atomically
from .findings import Finding
from .yaml_check import YamlFile, check_yaml_file

SAFE_RULES = frozenset({"punct-half-width", "punct-ellipsis", "punct-dash", "digit-full-width",
                        "number-form", "date-form", "doc-number-form"})
_PASSES = 3  # a fix may reveal another (a bracket pair inside which a comma was half-width)


@dataclass
class FixResult:
    path: Path
    applied: list[Finding]
    diff: str

    @property
    def changed(self) -> bool:
        return bool(self.applied)


class FixRefused(GongwenError, click.ClickException):
    """A file that --fix would change but may not write (message in Chinese)."""

    exit_code = 2  # as for a file that cannot be read

    def show(self, file=None) -> None:
        click.secho(self.message, fg="red", err=True)


@dataclass(frozen=True)
class Layout:
    """How a file's bytes wrap its text: a BOM, and each line's end as written."""

    bom: bool
    ends: tuple[str, ...]  # "\r\n", "\n" or "\r" after each line but the last

    def apply(self, text: str) -> bytes:
        """`text` (lines ended by "\n") with these line ends: line by line while the count
        of lines is unchanged (fixes never add or remove one), else the most used end."""
        lines = text.split("\n")
        ends = list(self.ends)
        if len(ends) != len(lines) - 1:
            common = max(set(ends), key=ends.count) if ends else "\n"
            ends = [common] * (len(lines) - 1)
        body = "".join(line + end for line, end in zip(lines, ends + [""]))
        return (codecs.BOM_UTF8 if self.bom else b"") + body.encode("utf-8")


_LINE_END = re.compile(r"(\r\n|\r|\n)")


def read_text(path: Path) -> tuple[str, Layout]:
    """The file's text with lines ended by "\n" (as the checker reads it), and its layout."""
    raw = path.read_bytes()
    bom = raw.startswith(codecs.BOM_UTF8)
    parts = _LINE_END.split(raw[len(codecs.BOM_UTF8) if bom else 0:].decode("utf-8"))
    return "\n".join(parts[0::2]), Layout(bom, tuple(parts[1::2]))


def _write(path: Path, data: bytes) -> None:
    """The file `path` names (through any links) replaced by `data`, with its mode."""
    target = Path(os.path.realpath(path))
    shown = f"“{path}”" + (f"（链接到“{target}”）" if path.is_symlink() else "")
    info = target.stat()
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) \
            or not os.access(target, os.W_OK):
        raise FixRefused(f"{shown}是只读文件（权限 {stat.filemode(info.st_mode)}），未作修改；"
                         "如要自动改正，请先给它写权限")
    try:
        write_atomically(target, data, like=info)
    except OSError as exc:
        raise FixRefused(f"无法写入{shown}：{describe_os_error(exc)}，未作修改") from exc


def fix_yaml(path: Path, display: str | None = None, write: bool = True) -> FixResult:
    """Apply every safe fix; the file is written once, atomically, only if it still parses."""
    original, layout = read_text(path)
    text = original
    applied: list[Finding] = []
    for _ in range(_PASSES):
        yaml_file = YamlFile(path, display or str(path), text)
        found = [f for f in check_yaml_file(yaml_file, validate=False)
                 if f.edit is not None and f.rule.id in SAFE_RULES]
        text, done = _apply(text, yaml_file, found)
        if not done:
            break
        applied += done
    if text != original:
        YamlFile(path, display or str(path), text)  # raises if the fixes broke the YAML
        if write:
            _write(path, layout.apply(text))
    diff = "".join(difflib.unified_diff(original.splitlines(True), text.splitlines(True),
                                        f"{display or path}（修改前）", f"{display or path}（修改后）"))
    return FixResult(path, applied, diff)


def _apply(text: str, yaml_file: YamlFile, found: list[Finding]) -> tuple[str, list[Finding]]:
    """Edits that sit exactly where their finding says, from the end so indexes hold;
    an edit overlapping one already made waits for the next pass."""
    placed = []
    for f in found:
        index = yaml_file.index_of(f.location)
        if index is not None and text[index:index + len(f.edit.old)] == f.edit.old:
            placed.append((index, f))
    done: list[Finding] = []
    limit = len(text) + 1
    for index, f in sorted(placed, key=lambda item: item[0], reverse=True):
        end = index + len(f.edit.old)
        if end > limit:
            continue
        text = text[:index] + f.edit.new + text[end:]
        limit = index
        done.append(f)
    return text, list(reversed(done))
