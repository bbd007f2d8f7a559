"""`archive verify`: re-hash every stored file, walk the audit chain, compare with the catalog."""
from __future__ import annotations

from dataclasses import dataclass

from . import audit
from .core import Archive
from .store import sha256_file


@dataclass(frozen=True)
class Finding:
    kind: str  # missing | altered | extra | incomplete | chain | unlogged
    subject: str  # a path, a record or an audit entry
    message: str  # Chinese

    def __str__(self) -> str:
        return f"[{self.kind}] {self.subject}：{self.message}"


@dataclass(frozen=True)
class Report:
    files_checked: int
    records: int
    audit_entries: int
    audit_head: str
    findings: list[Finding]


def verify(archive: Archive) -> Report:
    findings: list[Finding] = []
    records = archive.catalog.records(include_deleted=True)
    live = [r for r in records if r.live]
    expected: dict[str, str] = {}
    for record in live:
        for stored in record.files:
            expected[stored.sha256] = f"记录 {record.id}（{record.archival_code}）的{stored.name}"
    present = archive.objects.all_objects()
    for sha, owner in sorted(expected.items(), key=lambda x: x[1]):
        path = present.get(sha)
        if path is None:
            findings.append(Finding("missing", str(archive.objects.path(sha)), f"缺失：{owner}"))
        elif sha256_file(path) != sha:
            findings.append(Finding("altered", str(path), f"内容被改动，哈希不符：{owner}"))
    for sha, path in sorted(present.items()):
        if sha not in expected:
            findings.append(Finding("extra", str(path), "多余文件：不属于任何在档记录"
                                    "（可能是中断的归档留下的，重新归档同一文件即可补全）"))
    for leftover in archive.objects.leftovers():
        findings.append(Finding("incomplete", str(leftover), "中断的写入留下的临时文件"))
    log = archive.log()
    findings += [Finding("chain", "审计日志", message) for message in audit.chain_breaks(log)]
    findings += _unlogged(records, log)
    return Report(len(expected), len(live), len(log), log[-1].hash if log else audit.GENESIS,
                  findings)


def _unlogged(records, log: list[audit.Entry]) -> list[Finding]:
    """Every record must have its add (and, if deleted, its delete) in the log."""
    added = {e.record_id: e.detail.get("sha256") for e in log if e.action == "add"}
    deleted = {e.record_id for e in log if e.action == "delete"}
    out = []
    for record in records:
        subject = f"记录 {record.id}（{record.archival_code}）"
        if added.get(record.id) != record.sha256:
            out.append(Finding("unlogged", subject, "审计日志中没有与之相符的归档记录"))
        if not record.live and record.id not in deleted:
            out.append(Finding("unlogged", subject, "已删除，但审计日志中没有删除记录"))
    return out
