"""Check one file of any kind the checker reads: dispatch by type, collect, sort."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from archive.extract import ExtractError

from .findings import Finding
from .rules import Severity

YAML_SUFFIXES = (".yaml", ".yml")
CHECKABLE = YAML_SUFFIXES + (".docx", ".doc", ".wps", ".pdf", ".ofd", ".txt", ".md")


@dataclass
class FileReport:
    file: str
    findings: list[Finding] = field(default_factory=list)
    unreadable: str = ""  # why the file could not be read at all

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def has_errors(self) -> bool:
        return bool(self.unreadable) or self.count(Severity.ERROR) > 0

    def as_dict(self) -> dict:
        return {"file": self.file, "unreadable": self.unreadable or None,
                "errors": self.count(Severity.ERROR), "warnings": self.count(Severity.WARNING),
                "notes": self.count(Severity.NOTE),
                "findings": [f.as_dict() for f in self.findings]}


def check_file(path: Path, display: str | None = None, suffix: str | None = None) -> FileReport:
    """Every finding in `path`; `display` is the name to report it by, `suffix` its type
    when the path has none."""
    display = display or str(path)
    suffix = (suffix or path.suffix).lower()
    report = FileReport(display)
    try:
        report.findings = _findings(path, display, suffix)
    except (ExtractError, OSError, UnicodeDecodeError) as exc:
        report.unreadable = str(exc) if isinstance(exc, ExtractError) else f"无法读取：{exc}"
    report.findings.sort(key=_order)
    return report


def _findings(path: Path, display: str, suffix: str) -> list[Finding]:
    if suffix in YAML_SUFFIXES:
        from .yaml_check import check_yaml

        return check_yaml(path, display)
    if suffix not in CHECKABLE:
        raise ExtractError(f"不支持的文件类型“{suffix}”；可检查 YAML、DOCX、DOC、WPS、PDF、OFD、TXT")
    from .document import check_paragraphs, read_document

    paragraphs, imported = read_document(path, suffix)
    # --fix edits YAML only: a finished file keeps its suggestion, not an edit
    found = [replace(f, edit=None) for f in check_paragraphs(paragraphs, imported, display)]
    if suffix == ".docx":
        from .docx_layout import check_docx_layout

        found += check_docx_layout(path, display, imported)
    elif suffix == ".pdf":
        from .pdf_layout import check_pdf_layout

        found += check_pdf_layout(path, display, imported) + _scan_findings(path, display)
    return found


def _scan_findings(path: Path, display: str) -> list[Finding]:
    """A scan says it has no text layer, and whether its text was recognised, rather than
    passing as a document without problems."""
    from archive import ocr
    from archive.extract import scanned_pages
    from archive.inputs import read_input

    from .findings import Location, finding

    scanned, count = scanned_pages(read_input(path))
    if not scanned:
        return []
    recognised = scanned if ocr.available() else []
    note = ocr.scan_notes(scanned, recognised, count)[0]
    return [finding("no-text-layer", Location(display, page=scanned[0]), note)]


def _order(f: Finding) -> tuple:
    at = f.location
    return (at.file, at.page or 0, at.paragraph or 0, at.line or 0, at.column or 0,
            at.span[0] if at.span else 0, f.rule.id)
