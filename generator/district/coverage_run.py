"""One coverage audit, for the command line and the web page alike: the template and the
units' files in, a report (or the problems that stop one) out. Never prints, never exits."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from .coverage import CoverageReport


@dataclass
class CoverageRun:
    report: CoverageReport | None  # None when a file has problems: no partial report
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth saying, never a reason to stop


def run_coverage(template_path: Path, plans: list[Path]) -> CoverageRun:
    """`plans` are unit files (YAML, DOCX, PDF, TXT) or folders of YAML unit files."""
    from archive.extract import ExtractError

    from ..load import load_document
    from .coverage import compare
    from .unit import load_template

    template, problems = load_template(template_path)
    if template is None or problems:
        return CoverageRun(None, problems)
    files = plan_files(plans, template_path)
    if not files:
        return CoverageRun(None, [Problem(str(p), None, None, "", "没有找到单位文件（.yaml）")
                                  for p in plans[:1]])
    template_spec = load_document(template_path).spec
    run = CoverageRun(None)
    units = []
    for path in files:
        try:
            loaded = load_plan(path)
        except InputError as exc:
            run.problems += exc.problems
            continue
        except ExtractError as exc:
            run.problems.append(Problem(str(path), None, None, "", str(exc)))
            continue
        if loaded.inputs and loaded.inputs[0].resolve() != template_path.resolve():
            run.notes.append(f"注意：{path} 继承的是另一个模板 {loaded.inputs[0]}")
        units.append(compare(template, template_spec, loaded.spec, path))
    if not run.problems:
        run.report = CoverageReport(template_path, template.header.name, template.header.version,
                                    tuple(units))
    return run


def load_plan(path: Path):
    """A unit plan: YAML as written, or a DOCX, PDF or TXT read back by import."""
    from ..importer.paragraphs import READABLE
    from ..load import load_document

    if path.suffix.lower() in READABLE:
        from ..importer.document import import_file

        return import_file(path).load()
    return load_document(path)


def plan_files(plans: list[Path], template_path: Path) -> list[Path]:
    files: list[Path] = []
    for path in plans:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")
                            and p.resolve() != template_path.resolve() and _is_plan(p))
        else:
            files.append(path)
    return files


def _is_plan(path: Path) -> bool:
    """A document or unit plan, not a roster or template lying in the same folder."""
    from ..source import read_source
    from .template import is_template

    source, _ = read_source(path)
    return source is None or (("继承" in source.data or "正文" in source.data)
                              and not is_template(source.data))
