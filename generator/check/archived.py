"""Check every current document in the archive: the file users read (PDF of what gongwen
generated, the original of what was received), summarised by rule and by unit."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GongwenError
from .run import CHECKABLE, FileReport, check_file

_PREFERRED = ("pdf", "docx", "original")


@dataclass
class RecordCheck:
    record_id: int
    title: str
    unit: str
    report: FileReport


@dataclass
class ArchiveCheck:
    records: list[RecordCheck] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (record, why)

    def by_rule(self) -> dict[str, Counter]:
        """rule id -> Counter of severities."""
        out: dict[str, Counter] = defaultdict(Counter)
        for checked in self.records:
            for f in checked.report.findings:
                out[f.rule.id][f.severity] += 1
        return dict(sorted(out.items(), key=lambda item: -sum(item[1].values())))

    def by_unit(self) -> dict[str, Counter]:
        """unit -> Counter of severities, plus "documents" and "failing" (with an error)."""
        out: dict[str, Counter] = defaultdict(Counter)
        for checked in self.records:
            counts = out[checked.unit or "（未注明）"]
            counts["documents"] += 1
            counts["failing"] += checked.report.has_errors
            for f in checked.report.findings:
                counts[f.severity] += 1
        return dict(sorted(out.items()))

    @property
    def has_errors(self) -> bool:
        return any(c.report.has_errors for c in self.records)


def check_archive(archive, on_done=None) -> ArchiveCheck:
    result = ArchiveCheck()
    for record in archive.catalog.records():
        if record.superseded_by:
            continue  # only what is in force
        stored = _file_to_check(record)
        if stored is None:
            result.skipped.append((record.id, "没有可检查的文件（DOCX、DOC、WPS、PDF、OFD、TXT）"))
        else:
            suffix = Path(stored.name).suffix.lower()
            try:
                path = archive.stored_path(stored)
            except GongwenError as exc:  # a missing or linked object: verify says more
                result.skipped.append((record.id, f"{exc}（请运行 gongwen archive verify）"))
            else:
                report = check_file(path, f"记录{record.id}：{stored.name}", suffix)
                result.records.append(RecordCheck(record.id, record.metadata.title,
                                                  record.metadata.organ, report))
        if on_done:
            on_done(record.id)
    return result


def _file_to_check(record):
    files = {f.role: f for f in record.files if Path(f.name).suffix.lower() in CHECKABLE
             and Path(f.name).suffix.lower() not in (".yaml", ".yml")}
    return next((files[role] for role in _PREFERRED if role in files), None)

