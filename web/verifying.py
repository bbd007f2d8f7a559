"""`archive verify` for the page: the same checks, on an archive opened for this run."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.core import Archive, ArchiveError
from archive.keys import KEY_ENV, AuditKeyError, key_from_env
from archive.commands import verify_with_index
from archive.verify import Finding, Report


@dataclass
class Verified:
    report: Report | None
    findings: list[Finding] = field(default_factory=list)
    problem: str = ""  # why verify could not run
    key_env: str = KEY_ENV

    @property
    def ok(self) -> bool:
        return self.report is not None and not self.findings


def run_verify(root: Path) -> Verified:
    """What `gongwen archive verify` checks (the audit key from the server's environment,
    when it has one), the index included unless the catalog itself is corrupt."""
    try:
        with Archive(root, create=False) as archive:
            report, findings = verify_with_index(archive, key_from_env())
    except (ArchiveError, AuditKeyError) as exc:
        return Verified(None, problem=str(exc))
    return Verified(report, findings)
