"""Loading a YAML file, stage by stage: read (generator.source) -> resolve (generator.resolve)
-> validate (generator.validate), for the file and every file it attaches. Every problem of
every stage and file comes back in one run."""
from __future__ import annotations

from pathlib import Path

from .errors import InputError, Problem
from .resolve import attached_files, resolve
from .positions import problem_at
from .source import read_source
from .titles import written_line_issues
from .validate import Loaded, kind_problems, spec_facts, validate_document


def load_document(path: Path | str, text: str | None = None) -> Loaded:
    """Validate `path` (or `text` as if written there) and every document it attaches;
    raise InputError with all problems."""
    problems: list[Problem] = []
    loaded = _load(Path(path), problems, stack=(), text=text)
    if problems or loaded is None:
        raise InputError(problems)
    return loaded


def _load(path: Path, problems: list[Problem], stack: tuple[Path, ...],
          text: str | None = None) -> Loaded | None:
    source, found = read_source(path, text)
    problems.extend(found)
    if source is None:
        return None
    resolved, found = resolve(source)
    problems.extend(found)
    spec = None
    if resolved is not None:
        spec, found = validate_document(resolved)
        problems.extend(found)
    # the attached files are read whatever is wrong with this one
    attached: dict[int, Loaded] = {}
    for file in attached_files(resolved or source, path, stack):
        if file.path is None:
            problems.append(file.problem)
            continue
        child = _load(file.path, problems, stack + (path.resolve(),))
        if child is not None:
            attached[file.index] = child
            if child.attached:
                problems.append(problem_at(resolved or source, ("附件", file.index, "文档"),
                                           NESTED_ATTACHMENT))
    if spec is None:
        return None
    warnings = [problem_at(resolved, ("标题",), f"警告：{issue.message}；建议{issue.fix}")
                for issue in written_line_issues(spec.title)]
    warnings += kind_problems(resolved, spec, blocking=False)
    for index, child in attached.items():
        unprinted = [name for name, value in _unprinted_fields(child.spec) if value]
        if unprinted:
            names = "、".join(f"“{n}”" for n in unprinted)
            warnings.append(problem_at(resolved, ("附件", index, "文档"),
                                       f"警告：附件文档中的{names}作为附件时不印出（由本文件的版头、"
                                       "版记和附注代替）；需要印出的内容请写在本文件中"))
    return Loaded(path, spec, attached, resolved.inputs, tuple(warnings),
                  spec_facts(resolved, spec))


NESTED_ATTACHMENT = ("附件文档本身又附有文档：附件的附件不会印出。请把这些文档直接列在本文件的“附件”中，"
                     "或在附件文档中只写附件标题（附件: [{标题: …}]）")


def _unprinted_fields(spec) -> list[tuple[str, object]]:
    """Fields an attached document states that its attachment pages do not print: the
    notice it is attached to gives the 版头, the 版记 and the 附注."""
    return [("发文机关标志", spec.mark), ("发文字号", spec.doc_number),
            ("份号", spec.copy_number), ("密级", spec.secrecy), ("紧急程度", spec.urgency),
            ("签发人", spec.signer), ("主送机关", spec.recipients), ("附注", spec.note),
            ("抄送", spec.cc), ("印发机关", spec.printer), ("印发日期", spec.print_date)]
