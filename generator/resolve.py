"""Resolve: a YAML tree as read -> the document tree it stands for, before validation.

A unit plan (继承) becomes its district template filled with its roster; a template becomes
its preview; and the YAML files a document attaches (附件 … 文档) are found on the tree as
written, so that they are read even when the rest of it is wrong."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .access import refused_reference
from .district.template import is_template
from .district.unit import is_unit_plan, preview_template, resolve_unit
from .errors import Problem
from .positions import problem_at
from .source import Source


def resolve(source: Source) -> tuple[Source | None, list[Problem]]:
    """The full document tree of `source`, or None and every problem found."""
    if is_unit_plan(source.data):
        return resolve_unit(source)
    if is_template(source.data):
        return preview_template(source)
    return source, []


@dataclass(frozen=True)
class AttachedFile:
    """附件[index].文档: the YAML file it names, or why it cannot be read."""

    index: int
    path: Path | None
    problem: Problem | None = None


def attached_files(source: Source, path: Path, stack: tuple[Path, ...]) -> list[AttachedFile]:
    """The files `source` (the document at `path`) attaches, in order, read from the raw
    tree: refused, missing and self-referring ones carry their problem. `stack`: the
    documents (resolved paths) that attach this one."""
    attachments = source.data.get("附件")
    files: list[AttachedFile] = []
    for index, attachment in enumerate(attachments if isinstance(attachments, list) else []):
        written = attachment.get("文档") if isinstance(attachment, dict) else None
        if not isinstance(written, str) or not written.strip():
            continue  # a title-only attachment, or a 文档 validation names
        written = written.strip()
        loc = ("附件", index, "文档")
        target = (path.parent / written).resolve()
        refused = refused_reference(target, written, "附件文档")
        if refused:
            why = refused
        elif target in stack or target == path.resolve():
            why = "附件文档引用了自身（循环引用）"
        elif not target.is_file():
            why = f"找不到附件文档“{written}”（路径相对于本文件所在目录）"
        else:
            files.append(AttachedFile(index, target))
            continue
        files.append(AttachedFile(index, None, problem_at(source, loc, why)))
    return files
