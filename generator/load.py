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
from .validate import Loaded, validate_document


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
    if spec is None:
        return None
    warnings = tuple(problem_at(resolved, ("标题",), f"警告：{issue.message}；建议{issue.fix}")
                     for issue in written_line_issues(spec.title))
    return Loaded(path, spec, attached, resolved.inputs, warnings)
