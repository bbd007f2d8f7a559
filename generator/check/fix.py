"""`gongwen check --fix`: apply the safe text fixes to a YAML file in place.

Safe means the meaning cannot change: punctuation and digit width, "..." and "--", the
written form of a number, a date or a 发文字号 (brackets, 第, leading zeros). Each fix edits
the exact characters in the file, so comments, quoting and layout stay as they were.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

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


def fix_yaml(path: Path, display: str | None = None, write: bool = True) -> FixResult:
    """Apply every safe fix; the file is written once, atomically, only if it still parses."""
    original = path.read_text(encoding="utf-8-sig")
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
            write_atomically(path, text)
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
